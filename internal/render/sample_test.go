package render

import (
	"fmt"
	"strings"
)

// Swedish sample content shared by the tests and benchmarks.
var sampleProducts = []struct{ code, name, desc, unit, price string }{
	{"KONS-001", "Grundläggande konfiguration", "Installation och uppsättning av systemet.\nInkluderar två timmars genomgång på plats.", "st", "12 500,00"},
	{"LIC-100", "Licens Företag, årsvis", "Per användare och år. Fakturering i förskott.", "anv", "1 190,00"},
	{"UTB-010", "Utbildning för administratörer", "Halvdag, max åtta deltagare.\nLokal: Göteborg eller digitalt.", "tim", "1 450,00"},
	{"SUP-PLUS", "Support Plus – svarstid fyra timmar", "Vardagar 08–17. Gäller från leveransdatum.", "mån", "2 250,00"},
	{"INT-API", "Integration mot affärssystem (Fortnox, Visma)", "", "st", "18 000,00"},
	{"DATA-MIG", "Datamigrering från äldre CRM", "Import av kunder, kontakter och öppna affärer.\nVerifiering tillsammans med kund.", "st", "9 800,00"},
	{"", "Resekostnader enligt överenskommelse", "", "st", "2 400,00"},
	{"HW-SCAN", "Streckkodsläsare Größe M", "Trådlös, inkl. laddställ. Café-modell.", "st", "3 150,00"},
	{"LIC-MOB", "Mobilapp – tillägg", "iOS och Android.", "anv", "290,00"},
	{"KONS-002", "Anpassade rapporter", "Upp till fem rapporter enligt specifikation från Åke Öberg.", "tim", "1 250,00"},
	{"UTB-020", "Användarutbildning", "Heldag för säljteamet.", "dag", "14 000,00"},
	{"PM-001", "Projektledning", "", "tim", "1 350,00"},
}

// sampleDoc is a Swedish quote with n lines.
func sampleDoc(n int) Document {
	d := Document{
		Labels: Labels{
			Number: "Offertnummer", Version: "Version", Date: "Datum", ValidUntil: "Giltig till",
			Customer: "Kund", OurReference: "Vår referens", YourRef: "Er referens",
			Position: "Pos", Code: "Art.nr", Description: "Benämning",
			Quantity: "Antal", Unit: "Enhet", UnitPrice: "À-pris", Discount: "Rabatt",
			VAT: "Moms", Net: "Belopp", Subtotal: "Delsumma", OfferDiscount: "Offertrabatt",
			NetTotal: "Summa exkl. moms", Total: "Att betala", Terms: "Villkor",
			RegNo: "Org.nr", VATNo: "Momsreg.nr", Phone: "Tel", Email: "E-post", Website: "Webb",
			Page: "Sida {current} av {total}",
		},
		Title: "Offert", Number: "2026-0042", Version: 2,
		Date: "2026-03-14", ValidUntil: "2026-04-13",
		Color: "#1F4E79",
		Company: Party{
			Name:    "Nordljus Programvara AB",
			Address: []string{"Sveavägen 44", "111 34 Stockholm"},
			RegNo:   "556677-8899", VATNo: "SE556677889901",
			Email: "offert@nordljus.se", Phone: "08-123 456 78", Website: "nordljus.se",
			Bank: "Bankgiro 123-4567\nIBAN SE45 5000 0000 0583 9825 7466",
		},
		Customer: Party{
			Name:    "Åke Öberg Bygg & Fastighet AB",
			Address: []string{"Östra Hamngatan 12", "411 10 Göteborg"},
			RegNo:   "559011-2233", VATNo: "SE559011223301",
		},
		Contact: "Åke Öberg", Salesperson: "Märta Ekström",
		Intro: "Hej Åke,\n\nTack för ett trevligt möte. Här kommer vår offert på införandet av " +
			"Nordljus CRM för er säljorganisation, med konfiguration, licenser och utbildning enligt nedan.",
		Terms: "Betalningsvillkor 30 dagar netto. Priserna gäller i svenska kronor exklusive moms.\n" +
			"Leverans sker enligt överenskommen tidplan. Allmänna villkor: nordljus.se/villkor.",
		Footer: "Nordljus Programvara AB · Styrelsens säte: Stockholm · Godkänd för F-skatt",
		Totals: Totals{
			Subtotal: "182 350,00", OfferDiscount: "−7 350,00", Net: "175 000,00",
			VAT:   []VATRow{{Label: "Moms 25 % på 175 000,00", Amount: "43 750,00"}},
			Total: "218 750,00 kr",
		},
	}
	for i := range n {
		p := sampleProducts[i%len(sampleProducts)]
		l := Line{
			Position: fmt.Sprint(i + 1), Code: p.code, Name: p.name, Description: p.desc,
			Quantity: fmt.Sprint(1 + i%7), Unit: p.unit, UnitPrice: p.price,
			VAT: "25 %", Net: p.price,
		}
		if i%4 == 1 {
			l.Discount = "10 %"
		}
		if i >= len(sampleProducts) {
			l.Name = fmt.Sprintf("%s (%d)", l.Name, i+1)
		}
		d.Lines = append(d.Lines, l)
	}
	return d
}

// lineNames lists the names of d's lines.
func lineNames(d Document) []string {
	out := make([]string, len(d.Lines))
	for i, l := range d.Lines {
		out[i] = strings.TrimSpace(l.Name)
	}
	return out
}
