package invoicing

import (
	"fmt"
	"strings"
	"time"

	"github.com/acme/crm/internal/money"
)

// Labels are the fixed words of invoice documents in one language.
type Labels struct {
	Invoice, CreditNote, Draft                      string
	Number, IssueDate, DueDate, OCR, Credits, Terms string
	AmountDue, Paid, PaymentTerms, PayTo, BuyerRef  string
	CreditNotice                                    string // "%s": the credited invoice's number
	CreditTotal, InvoiceTotal, CreditNumber         string
	DaysNet                                         string // "%d"
}

// LabelsFor returns the invoice labels in lang ("sv" or English).
func LabelsFor(lang string) Labels {
	if lang == "sv" {
		return svLabels
	}
	return enLabels
}

var enLabels = Labels{
	Invoice: "Invoice", CreditNote: "Credit note", Draft: "Draft – not a valid invoice",
	Number: "Invoice number", IssueDate: "Invoice date", DueDate: "Due date", OCR: "OCR reference",
	Credits: "Credits invoice", Terms: "Payment terms", AmountDue: "Amount due", Paid: "Paid",
	PaymentTerms: "Payment", InvoiceTotal: "Total incl. VAT", CreditNumber: "Credit note number", PayTo: "Pay to", BuyerRef: "Your reference",
	CreditNotice: "This credit note credits invoice %s. The amounts are credited to you.",
	DaysNet:      "%d days net", CreditTotal: "Total credit",
}

var svLabels = Labels{
	Invoice: "Faktura", CreditNote: "Kreditfaktura", Draft: "Utkast – inte en giltig faktura",
	Number: "Fakturanummer", IssueDate: "Fakturadatum", DueDate: "Förfallodatum", OCR: "OCR-nummer",
	Credits: "Krediterar faktura", Terms: "Betalningsvillkor", AmountDue: "Att betala", Paid: "Betalt",
	PaymentTerms: "Betalning", InvoiceTotal: "Summa inkl. moms", CreditNumber: "Kreditfakturanr", PayTo: "Betala till", BuyerRef: "Er referens",
	CreditNotice: "Denna kreditfaktura krediterar faktura %s. Beloppen krediteras er.",
	DaysNet:      "%d dagar netto", CreditTotal: "Summa kredit",
}

// FormatDate writes a date for documents: ISO in Swedish, "31 March 2026"
// in English.
func FormatDate(d time.Time, lang string) string {
	if lang == "sv" {
		return d.Format(time.DateOnly)
	}
	return d.Format("2 January 2006")
}

// DefaultMail returns the invoice e-mail's subject and body in lang, with
// the placeholders {{invoice_number}}, {{company_name}}, {{customer_name}},
// {{amount_due}}, {{due_date}}, {{ocr}} and {{contact_name}}.
func DefaultMail(lang string) (subject, body string) {
	if lang == "sv" {
		return "Faktura {{invoice_number}} från {{company_name}}",
			"Hej {{contact_name}},\n\nBifogat finns faktura {{invoice_number}} till {{customer_name}}.\n\n" +
				"Att betala: {{amount_due}}\nFörfallodatum: {{due_date}}\nOCR-nummer: {{ocr}}\n\n" +
				"Med vänliga hälsningar\n{{company_name}}\n"
	}
	return "Invoice {{invoice_number}} from {{company_name}}",
		"Hello {{contact_name}},\n\nPlease find attached invoice {{invoice_number}} for {{customer_name}}.\n\n" +
			"Amount due: {{amount_due}}\nDue date: {{due_date}}\nOCR reference: {{ocr}}\n\n" +
			"Kind regards,\n{{company_name}}\n"
}

// creditMail is the e-mail of a credit note.
func creditMail(lang string) (subject, body string) {
	if lang == "sv" {
		return "Kreditfaktura {{invoice_number}} från {{company_name}}",
			"Hej {{contact_name}},\n\nBifogat finns kreditfaktura {{invoice_number}} till {{customer_name}}.\n\n" +
				"Med vänliga hälsningar\n{{company_name}}\n"
	}
	return "Credit note {{invoice_number}} from {{company_name}}",
		"Hello {{contact_name}},\n\nPlease find attached credit note {{invoice_number}} for {{customer_name}}.\n\n" +
			"Kind regards,\n{{company_name}}\n"
}

// fill replaces the placeholders of an invoice e-mail.
func fill(text string, inv Invoice) string {
	s := inv.Snapshot
	due := ""
	if inv.DueDate != nil {
		due = FormatDate(*inv.DueDate, inv.Language)
	}
	contact := s.Contact
	if contact == "" {
		contact = s.Buyer.Name
	}
	return strings.NewReplacer(
		"{{invoice_number}}", inv.Number, "{{company_name}}", s.Seller.Name, "{{customer_name}}", s.Buyer.Name,
		"{{amount_due}}", money.Format(max(inv.AmountDue(), 0), inv.Currency, inv.Language), "{{due_date}}", due,
		"{{ocr}}", inv.OCR, "{{contact_name}}", contact,
	).Replace(text)
}

// FileName is the file name of a document's PDF or UBL ("invoice-2026-0042.pdf").
func FileName(inv Invoice, ext string) string {
	kind := "invoice"
	if inv.Kind == KindCreditNote {
		kind = "credit-note"
	}
	n := fileSafe(inv.Number)
	if n == "" {
		n = "draft-" + inv.ID.String()[:8]
	}
	return fmt.Sprintf("%s-%s.%s", kind, n, ext)
}
