package invoicedoc_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/invoicedoc"
	"github.com/acme/crm/internal/invoicing"
	"github.com/acme/crm/internal/money"
	"github.com/acme/crm/internal/render"
)

// sample is a Swedish invoice of three lines at two VAT rates with a line
// discount and an offer discount, partly paid.
func sample(t *testing.T) invoicing.Invoice {
	t.Helper()
	q := func(s string) money.Quantity {
		v, err := money.ParseQuantity(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	lines := []invoicing.Line{
		{Code: "LIC-100", Name: "Licens Företag, årsvis", Description: "Per användare och år.", Unit: "anv",
			Quantity: q("25"), UnitPrice: 119000, Discount: 1000, VATRate: 2500},
		{Code: "UTB-010", Name: "Utbildning för administratörer", Unit: "tim", Quantity: q("4.5"), UnitPrice: 145000, VATRate: 2500},
		{Name: "Handbok (tryckt)", Unit: "st", Quantity: q("3"), UnitPrice: 34900, VATRate: 600},
	}
	tot, err := invoicing.Compute(invoicing.KindInvoice, lines, 500, "SEK", nil)
	if err != nil {
		t.Fatal(err)
	}
	issue := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	due := issue.AddDate(0, 0, 30)
	return invoicing.Invoice{ID: uuid.New(), Kind: invoicing.KindInvoice, Status: invoicing.StatusPartiallyPaid,
		Number: "2026-0042", OCR: "202600425", Language: "sv", Currency: "SEK", OfferDiscount: 500,
		BuyerReference: "PO 4711", Lines: lines, Totals: tot, Paid: 1000000, IssueDate: &issue, DueDate: &due,
		Snapshot: &invoicing.Snapshot{
			Seller: invoicing.Party{Name: "Demo AB", Address: []string{"Sveavägen 44"}, PostalCode: "111 34", City: "Stockholm",
				Country: "Sverige", OrganizationNumber: "556677-8899", VATNumber: "SE556677889901", Email: "faktura@demo.example.com",
				Phone: "08-123 456 78"},
			Buyer: invoicing.Party{Name: "Åke Öberg Bygg AB", Address: []string{"Storgatan 1"}, PostalCode: "852 30",
				City: "Sundsvall", Country: "SE", OrganizationNumber: "556123-4567", VATNumber: "SE556123456701"},
			Contact: "Åsa Ström", Salesperson: "Dana Demo", Footer: "Demo AB · Styrelsens säte: Stockholm · Godkänd för F-skatt",
			PaymentInfo: invoicing.PaymentInfo{BankName: "Bankgiro", BankAccount: "123-4567", IBAN: "SE45 5000 0000 0583 9825 7466",
				BIC: "ESSESESS", OCR: "202600425", TermsDays: 30}}}
}

func TestInvoiceAndCreditNotePDF(t *testing.T) {
	inv := sample(t)
	note := inv
	note.ID, note.Kind, note.Status, note.Number, note.OCR, note.Paid = uuid.New(), invoicing.KindCreditNote, invoicing.StatusIssued, "2026-0043", "202600433", 0
	note.Lines = append([]invoicing.Line(nil), inv.Lines[2:]...)
	var err error
	if note.Totals, err = invoicing.Compute(invoicing.KindCreditNote, note.Lines, 500, "SEK", nil); err != nil {
		t.Fatal(err)
	}
	snap := *inv.Snapshot
	snap.Credits = &invoicing.Reference{Number: inv.Number, IssueDate: *inv.IssueDate}
	note.Snapshot = &snap
	for _, tc := range []struct {
		name string
		inv  invoicing.Invoice
		want []string
	}{
		{"invoice", inv, []string{"Faktura", "2026-0042", "Fakturanummer", "Förfallodatum", "2026-04-01", "OCR-nummer",
			"202600425", "Moms 25 %", "Moms 6 %", "Att betala", "Betalt: 10 000,00 kr", "Bankgiro 123-4567", "30 dagar netto",
			"Åke Öberg Bygg AB", "Momsreg.nr SE556123456701", "PO 4711"}},
		{"credit-note", note, []string{"Kreditfaktura", "2026-0043", "krediterar faktura 2026-0042", "Krediterar faktura",
			"Summa exkl. moms", "-994,65 kr", "Summa kredit", "-1 054,33 kr"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pdf, err := render.PDF(invoicedoc.Document(tc.inv, nil))
			if err != nil {
				t.Fatal(err)
			}
			dir := os.Getenv("INVOICE_SAMPLE_DIR") // set to keep the PDFs (docs/ has a rendered page)
			if dir == "" {
				dir = t.TempDir()
			}
			f := filepath.Join(dir, tc.name+".pdf")
			if err := os.WriteFile(f, pdf, 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := exec.LookPath("pdftotext"); err != nil {
				t.Skip("pdftotext is not installed (Debian poppler-utils)")
			}
			out, err := exec.Command("pdftotext", "-layout", f, "-").Output()
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("%s PDF lacks %q:\n%s", tc.name, w, out)
				}
			}
		})
	}
}

// BenchmarkInvoicePDF50 renders a 50-line invoice.
func BenchmarkInvoicePDF50(b *testing.B) {
	t := &testing.T{}
	inv := sample(t)
	for len(inv.Lines) < 50 {
		inv.Lines = append(inv.Lines, inv.Lines[len(inv.Lines)%3])
	}
	var err error
	if inv.Totals, err = invoicing.Compute(invoicing.KindInvoice, inv.Lines, 500, "SEK", nil); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := render.PDF(invoicedoc.Document(inv, nil)); err != nil {
			b.Fatal(err)
		}
	}
}
