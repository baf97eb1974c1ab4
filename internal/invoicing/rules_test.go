package invoicing

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
)

// validUBL is a complete invoice with a line discount, an offer discount,
// two VAT rates (25 % and zero rated) and a bankgiro account.
func validUBL(t *testing.T) *UBL {
	t.Helper()
	b := basis(t)
	b.Lines = append(b.Lines, BasisLine{ID: uuid.New(), Name: "Export", Quantity: qty(t, "2"), UnitPrice: 5000, VATRate: 0})
	inv := issued(t, b, 500)
	u, err := BuildUBL(inv)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestBuildUBLIsValid(t *testing.T) {
	u := validUBL(t)
	if vs := Check(u); len(vs) != 0 {
		t.Fatalf("violations of a complete invoice: %+v", vs)
	}
	if u.Supplier.Party.EndpointID.SchemeID != "0007" || u.Supplier.Party.EndpointID.Value != "5560001234" ||
		u.Supplier.Party.Address.Country != "SE" || u.PaymentMeans[0].Account.Branch != "SE:BANKGIRO" ||
		u.PaymentMeans[0].Account.ID != "1234567" || u.PaymentMeans[0].PaymentID != "202600011" {
		t.Errorf("parties and payment: %+v %+v", u.Supplier.Party, u.PaymentMeans)
	}
	if len(u.AllowanceCharges) != 2 || u.InvoiceLines[0].AllowanceCharges[0].Amount.Value != "1000.00" ||
		u.TaxTotal.Subtotals[1].Category.ID != "Z" || u.MonetaryTotal.Payable.Value == "" {
		t.Errorf("allowances and VAT: %+v %+v", u.AllowanceCharges, u.TaxTotal)
	}
	out, err := u.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	checkXML(t, out, "Invoice", nsInvoice)
	for _, want := range []string{
		`<cbc:CustomizationID>` + CustomizationID + `</cbc:CustomizationID>`,
		`<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>`, `<cbc:InvoicedQuantity unitCode="C62">10</cbc:InvoicedQuantity>`,
		`<cbc:Percent>25</cbc:Percent>`, `<cbc:DueDate>2026-04-01</cbc:DueDate>`, `<cbc:TaxAmount currencyID="SEK">`,
	} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("the XML lacks %s", want)
		}
	}
}

func TestBuildUBLCreditNote(t *testing.T) {
	inv := issued(t, basis(t), 0)
	done := CreditedLines{}
	note := credit(t, &inv, done, nil)
	note.Status, note.Number, note.OCR, note.Currency, note.Language = StatusIssued, "2026-0002", "202600029", "SEK", "en"
	note.IssueDate, note.Snapshot = inv.IssueDate, inv.Snapshot
	snap := *inv.Snapshot
	snap.Credits = &Reference{Number: inv.Number, IssueDate: *inv.IssueDate}
	note.Snapshot = &snap
	u, err := BuildUBL(note)
	if err != nil {
		t.Fatal(err)
	}
	if vs := Check(u); len(vs) != 0 {
		t.Fatalf("violations of a credit note: %+v", vs)
	}
	out, _ := u.Marshal()
	checkXML(t, out, "CreditNote", nsCreditNote)
	for _, want := range []string{`<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>`, `<cac:BillingReference>`,
		`<cbc:ID>2026-0001</cbc:ID>`, `<cbc:CreditedQuantity unitCode="C62">10</cbc:CreditedQuantity>`,
		`<cbc:PayableAmount currencyID="SEK">26250.00</cbc:PayableAmount>`} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("the credit note lacks %s", want)
		}
	}
	if bytes.Contains(out, []byte(`<cbc:InvoicedQuantity`)) || bytes.Contains(out, []byte(`>-`)) {
		t.Errorf("a credit note carries invoice elements or negative amounts:\n%s", out)
	}
	if _, err := BuildUBL(Invoice{Status: StatusDraft}); !errs.Is(err, errs.Conflict) {
		t.Errorf("UBL of a draft: got %v, want 409", err)
	}
}

// TestRules breaks one thing at a time and wants exactly the rule that
// forbids it.
func TestRules(t *testing.T) {
	for _, tc := range []struct {
		rule   string
		break_ func(u *UBL)
	}{
		{"BR-01", func(u *UBL) { u.CustomizationID = "urn:something" }},
		{"BR-02", func(u *UBL) { u.ID = "" }},
		{"BR-03", func(u *UBL) { u.IssueDate = "2 March 2026" }},
		{"BR-04", func(u *UBL) { u.InvoiceTypeCode = "" }},
		{"BR-05", func(u *UBL) { u.DocumentCurrencyCode = "XXX" }},
		{"BR-06", func(u *UBL) { u.Supplier.Party.LegalEntity.RegistrationName = "" }},
		{"BR-07", func(u *UBL) { u.Customer.Party.LegalEntity.RegistrationName = "" }},
		{"BR-08", func(u *UBL) { u.Supplier.Party.Address = nil }},
		{"BR-09", func(u *UBL) { u.Supplier.Party.Address.Country = "" }},
		{"BR-10", func(u *UBL) { u.Customer.Party.Address = nil }},
		{"BR-11", func(u *UBL) { u.Customer.Party.Address.Country = "Narnia" }},
		{"BR-21", func(u *UBL) { u.InvoiceLines[0].ID = "" }},
		{"BR-22", func(u *UBL) { u.InvoiceLines[0].InvoicedQuantity = nil }},
		{"BR-23", func(u *UBL) { u.InvoiceLines[0].InvoicedQuantity.Unit = "" }},
		{"BR-25", func(u *UBL) { u.InvoiceLines[1].Item.Name = " " }},
		{"BR-26", func(u *UBL) { u.InvoiceLines[0].Price.Amount.Value = "" }},
		{"BR-27", func(u *UBL) { u.InvoiceLines[0].Price.Amount = amount(-1, "SEK") }},
		{"BR-32", func(u *UBL) { u.AllowanceCharges[0].TaxCategory = nil }},
		{"BR-33", func(u *UBL) { u.AllowanceCharges[0].Reason, u.AllowanceCharges[0].ReasonCode = "", "" }},
		{"BR-42", func(u *UBL) {
			u.InvoiceLines[0].AllowanceCharges[0].Reason, u.InvoiceLines[0].AllowanceCharges[0].ReasonCode = "", ""
		}},
		{"BR-47", func(u *UBL) { u.TaxTotal.Subtotals[1].Category.ID = "" }},
		{"BR-48", func(u *UBL) { u.TaxTotal.Subtotals[0].Category.Percent = "" }},
		{"BR-49", func(u *UBL) { u.PaymentMeans[0].Code = "" }},
		{"BR-50", func(u *UBL) { u.PaymentMeans[0].Account = nil }},
		{"BR-61", func(u *UBL) { u.PaymentMeans[0].Code, u.PaymentMeans[0].Account.ID = "58", "" }},
		{"BR-62", func(u *UBL) { u.Supplier.Party.EndpointID.SchemeID = "" }},
		{"BR-63", func(u *UBL) { u.Customer.Party.EndpointID.SchemeID = "" }},
		{"BR-CO-09", func(u *UBL) { u.Customer.Party.TaxScheme.CompanyID = "556677889901" }},
		{"BR-CO-10", func(u *UBL) { u.MonetaryTotal.LineExtension = amount(u.MonetaryTotal.LineExtension.minor+1, "SEK") }},
		{"BR-CO-11", func(u *UBL) { a := amount(1, "SEK"); u.MonetaryTotal.AllowanceTotal = &a }},
		{"BR-CO-14", func(u *UBL) { u.TaxTotal.TaxAmount = amount(u.TaxTotal.TaxAmount.minor-1, "SEK") }},
		{"BR-CO-16", func(u *UBL) { u.MonetaryTotal.Payable = amount(u.MonetaryTotal.Payable.minor+1, "SEK") }},
		{"BR-CO-25", func(u *UBL) { u.DueDate, u.PaymentTerms = "", nil }},
		{"BR-CO-26", func(u *UBL) { u.Supplier.Party.LegalEntity.CompanyID, u.Supplier.Party.TaxScheme = "", nil }},
		{"BR-S-02", func(u *UBL) { u.Supplier.Party.TaxScheme = nil; u.Supplier.Party.LegalEntity.CompanyID = "x" }},
		{"BR-S-05", func(u *UBL) {
			u.InvoiceLines[0].Item.TaxCategory = taxCategory(0)
			u.InvoiceLines[0].Item.TaxCategory.ID = "S"
		}},
		{"BR-S-10", func(u *UBL) { u.TaxTotal.Subtotals[0].Category.ExemptionReason = "exempt" }},
		{"BR-Z-09", func(u *UBL) {
			u.TaxTotal.Subtotals[1].TaxAmount = amount(1, "SEK")
			u.TaxTotal.TaxAmount = amount(u.TaxTotal.TaxAmount.minor+1, "SEK")
			u.MonetaryTotal.TaxInclusive = amount(u.MonetaryTotal.TaxInclusive.minor+1, "SEK")
			u.MonetaryTotal.Payable = u.MonetaryTotal.TaxInclusive
		}},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			u := validUBL(t)
			tc.break_(u)
			var rules []string
			for _, v := range Check(u) {
				rules = append(rules, v.Rule)
			}
			if !slices.Contains(rules, tc.rule) {
				t.Errorf("got %v, want %s among them", rules, tc.rule)
			}
		})
	}
	// The sums: a changed tax amount is BR-CO-17 and BR-S-09; a changed
	// taxable amount BR-S-08; a total that does not add up BR-CO-13/15.
	for _, tc := range []struct {
		want   []string
		break_ func(u *UBL)
	}{
		{[]string{"BR-CO-14", "BR-CO-17", "BR-S-09"}, func(u *UBL) {
			u.TaxTotal.Subtotals[0].TaxAmount = amount(u.TaxTotal.Subtotals[0].TaxAmount.minor+1, "SEK")
		}},
		{[]string{"BR-CO-17", "BR-S-08", "BR-S-09"}, func(u *UBL) {
			u.TaxTotal.Subtotals[0].TaxableAmount = amount(u.TaxTotal.Subtotals[0].TaxableAmount.minor+100, "SEK")
		}},
		{[]string{"BR-CO-13", "BR-CO-15"}, func(u *UBL) { u.MonetaryTotal.TaxExclusive = amount(u.MonetaryTotal.TaxExclusive.minor+1, "SEK") }},
	} {
		u := validUBL(t)
		tc.break_(u)
		var rules []string
		for _, v := range Check(u) {
			rules = append(rules, v.Rule)
		}
		slices.Sort(rules)
		if strings.Join(rules, ",") != strings.Join(tc.want, ",") {
			t.Errorf("got %v, want %v", rules, tc.want)
		}
	}
	if err := Invalid(Check(validUBL(t))); err != nil {
		t.Errorf("Invalid of no violations: %v", err)
	}
}

// checkXML parses the document back and checks its root element and
// namespace, and runs xmllint --noout on it when it is installed.
func checkXML(t *testing.T, doc []byte, root, ns string) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	var first *xml.StartElement
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && first == nil {
			first = &se
		}
	}
	if first == nil || first.Name.Local != root || first.Name.Space != ns {
		t.Fatalf("root element %+v, want %s in %s", first, root, ns)
	}
	if _, err := exec.LookPath("xmllint"); err != nil {
		return
	}
	f := filepath.Join(t.TempDir(), "doc.xml")
	if err := os.WriteFile(f, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("xmllint", "--noout", f).CombinedOutput(); err != nil {
		t.Fatalf("xmllint --noout: %v\n%s", err, out)
	}
}
