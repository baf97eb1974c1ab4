package demo

import (
	"context"
	"fmt"

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
	{"LIC-BAS", "Licens Bas, per användare", "month", 29_000, 2500},
	{"LIC-PRO", "Licens Pro, per användare", "month", 49_000, 2500},
	{"LIC-ENT", "Licens Enterprise, per användare", "month", 89_000, 2500},
	{"IMPL-START", "Implementering startpaket", "pcs", 2_500_000, 2500},
	{"KONS-TIM", "Konsulttimme", "hour", 125_000, 2500},
	{"KONS-SEN", "Senior konsulttimme", "hour", 165_000, 2500},
	{"UTB-DAG", "Utbildningsdag på plats", "day", 1_200_000, 2500},
	{"UTB-WEB", "Webbutbildning", "pcs", 250_000, 2500},
	{"SUP-GULD", "Supportavtal Guld", "year", 4_800_000, 2500},
	{"SUP-SILV", "Supportavtal Silver", "year", 2_400_000, 2500},
	{"INT-API", "Integration mot affärssystem", "pcs", 1_800_000, 2500},
	{"DATA-MIG", "Datamigrering", "pcs", 980_000, 2500},
	{"HW-SKANN", "Streckkodsläsare", "pcs", 315_000, 2500},
	{"HW-SKRIV", "Kvittoskrivare", "pcs", 289_000, 2500},
	{"HW-SURF", "Surfplatta med stativ", "pcs", 649_000, 2500},
	{"SOL-PANEL", "Solpanel 400 W", "pcs", 289_900, 2500},
	{"SOL-VAXEL", "Växelriktare 10 kW", "pcs", 2_150_000, 2500},
	{"SOL-MONT", "Montage solcellsanläggning", "hour", 89_000, 2500},
	{"SERV-AVT", "Serviceavtal maskinpark", "year", 3_600_000, 2500},
	{"RES-KOST", "Resekostnader", "pcs", 100_000, 2500},
	{"MAT-KAFFE", "Kaffe, hela bönor 1 kg", "pcs", 24_900, 1200},
	{"MAT-FRUKT", "Fruktkorg till kontoret", "pcs", 39_900, 1200},
	{"MAT-LUNCH", "Lunch vid utbildning", "pcs", 14_500, 1200},
	{"HOT-NATT", "Hotellnatt", "pcs", 129_000, 1200},
	{"BOK-HAND", "Handbok Säljprocessen", "pcs", 34_900, 600},
	{"BOK-ARB", "Arbetsbok för säljteam", "pcs", 19_900, 600},
	{"TIDN-PREN", "Branschtidning, prenumeration", "year", 89_000, 600},
	{"KURS-INT", "Kursavgift internationell certifiering", "pcs", 450_000, 0},
	{"FRAKT-EU", "Frakt inom EU", "pcs", 45_000, 0},
	{"DEP-AVG", "Depositionsavgift", "pcs", 500_000, 0},
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
