package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/activity"

	"github.com/acme/crm/internal/catalog"
	"github.com/acme/crm/internal/money"
	"github.com/acme/crm/internal/sales"
)

// products is the demo catalogue: software, services, hardware, food and
// books, at the Swedish VAT rates 25, 12, 6 and 0 %.
var products = []struct {
	code, name, unit string
	price            int64 // öre
	vat              money.BasisPoints
}{
	{"LIC-BAS", "Licens Bas, per användare", "mån", 29_000, 2500},
	{"LIC-PRO", "Licens Pro, per användare", "mån", 49_000, 2500},
	{"LIC-ENT", "Licens Enterprise, per användare", "mån", 89_000, 2500},
	{"IMPL-START", "Implementering startpaket", "st", 2_500_000, 2500},
	{"KONS-TIM", "Konsulttimme", "tim", 125_000, 2500},
	{"KONS-SEN", "Senior konsulttimme", "tim", 165_000, 2500},
	{"UTB-DAG", "Utbildningsdag på plats", "dag", 1_200_000, 2500},
	{"UTB-WEB", "Webbutbildning", "st", 250_000, 2500},
	{"SUP-GULD", "Supportavtal Guld", "år", 4_800_000, 2500},
	{"SUP-SILV", "Supportavtal Silver", "år", 2_400_000, 2500},
	{"INT-API", "Integration mot affärssystem", "st", 1_800_000, 2500},
	{"DATA-MIG", "Datamigrering", "st", 980_000, 2500},
	{"HW-SKANN", "Streckkodsläsare", "st", 315_000, 2500},
	{"HW-SKRIV", "Kvittoskrivare", "st", 289_000, 2500},
	{"HW-SURF", "Surfplatta med stativ", "st", 649_000, 2500},
	{"SOL-PANEL", "Solpanel 400 W", "st", 289_900, 2500},
	{"SOL-VAXEL", "Växelriktare 10 kW", "st", 2_150_000, 2500},
	{"SOL-MONT", "Montage solcellsanläggning", "tim", 89_000, 2500},
	{"SERV-AVT", "Serviceavtal maskinpark", "år", 3_600_000, 2500},
	{"RES-KOST", "Resekostnader", "st", 100_000, 2500},
	{"MAT-KAFFE", "Kaffe, hela bönor 1 kg", "st", 24_900, 1200},
	{"MAT-FRUKT", "Fruktkorg till kontoret", "st", 39_900, 1200},
	{"MAT-LUNCH", "Lunch vid utbildning", "st", 14_500, 1200},
	{"HOT-NATT", "Hotellnatt", "st", 129_000, 1200},
	{"BOK-HAND", "Handbok Säljprocessen", "st", 34_900, 600},
	{"BOK-ARB", "Arbetsbok för säljteam", "st", 19_900, 600},
	{"TIDN-PREN", "Branschtidning, prenumeration", "år", 89_000, 600},
	{"KURS-INT", "Kursavgift internationell certifiering", "st", 450_000, 0},
	{"FRAKT-EU", "Frakt inom EU", "st", 45_000, 0},
	{"DEP-AVG", "Depositionsavgift", "st", 500_000, 0},
}

// catalogue loads the products and gives the open SEK opportunities one to
// four lines each, some with a discount, so their amounts follow the lines.
func (d *data) catalogue(ctx context.Context) error {
	created := make([]catalog.Product, 0, len(products))
	for _, p := range products {
		prod, err := d.a.Catalog.CreateProduct(ctx, catalog.NewProduct{Code: p.code, Name: p.name, Unit: p.unit,
			UnitPrice: p.price, Currency: "SEK", VATRate: p.vat})
		if err != nil {
			return fmt.Errorf("demo product %s: %w", p.code, err)
		}
		created = append(created, prod)
	}
	for i, o := range d.opps {
		if o.Status != sales.StatusOpen || o.Currency != "SEK" || i%4 == 3 {
			continue
		}
		for j := 0; j <= i%4; j++ {
			prod := created[(i*7+j*5)%len(created)]
			qty, err := money.QuantityFromThousandths(int64(1000 * (1 + (i+j)%5)))
			if err != nil {
				return err
			}
			line := sales.NewLine{ProductID: &prod.ID, Quantity: qty, Description: "Enligt överenskommelse."}
			if (i+j)%3 == 0 {
				line.Discount = 1000
			}
			if _, err := d.a.Sales.AddLine(ctx, o.ID, line); err != nil {
				return fmt.Errorf("demo line on %s: %w", o.Title, err)
			}
		}
	}
	return nil
}

var noteTexts = []string{
	"Ringde och stämde av behovet. De vill ha offert före månadsskiftet.",
	"Beslutsfattare är ekonomichefen; vi träffas nästa vecka.",
	"Kunden jämför med två andra leverantörer. Pris och support avgör.",
	"Skickade referenscase från liknande bransch.",
}

// notes writes a note or two on the first opportunities.
func (d *data) notes(ctx context.Context) error {
	for i, o := range d.opps {
		if i >= 12 {
			break
		}
		for j := 0; j <= i%2; j++ {
			if _, err := d.a.Notes.Create(ctx, o.ID, noteTexts[(i+j)%len(noteTexts)]); err != nil {
				return fmt.Errorf("demo note: %w", err)
			}
		}
	}
	return nil
}

// meetings books a meeting on every third of the first opportunities, some
// past, some coming, one all day, with the customer's contact; e-mails
// write to the contact of a few (they stay in the outbox without SMTP_URL).
func (d *data) meetingsAndEmails(ctx context.Context, now time.Time) error {
	day := time.Date(now.Year(), now.Month(), now.Day(), 9, 0, 0, 0, time.UTC)
	for i, o := range d.opps {
		if i >= 24 || i%3 != 0 {
			continue
		}
		c := i % len(companies)
		start := day.AddDate(0, 0, i-6).Add(time.Duration(i%4) * time.Hour)
		in := activity.NewAppointment{Title: "Möte: " + o.Title, Location: companies[c].city,
			Description: "Genomgång av behov och offert.", StartsAt: start, EndsAt: start.Add(time.Hour),
			AttendeeIDs: []uuid.UUID{d.owners[1]}, PersonIDs: []uuid.UUID{d.persons[c]}, OpportunityID: &d.opps[i].ID}
		if i == 9 {
			in.AllDay, in.Title = true, "Heldagsworkshop: "+o.Title
			in.StartsAt = time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC)
			in.EndsAt = in.StartsAt.AddDate(0, 0, 1)
		}
		if _, err := d.a.Appointments.Create(ctx, in); err != nil {
			return fmt.Errorf("demo meeting: %w", err)
		}
	}
	for i, o := range d.opps {
		if i >= 10 || i%2 != 0 {
			continue
		}
		c := i % len(companies)
		_, err := d.a.Emails.Send(ctx, o.ID, activity.NewEmail{To: []string{slug(companies[c].first) + "@" + slug(companies[c].name) + ".se"},
			Subject: "Tack för mötet – " + o.Title, Body: "Hej " + companies[c].first + ",\n\nTack för ett bra samtal. Offerten kommer inom kort.\n\nVänliga hälsningar\nDana"})
		if err != nil {
			return fmt.Errorf("demo e-mail: %w", err)
		}
	}
	return nil
}
