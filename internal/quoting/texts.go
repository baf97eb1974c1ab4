package quoting

import (
	"strings"
	"time"
)

// The languages documents and mails are written in.
const (
	LangEnglish = "en"
	LangSwedish = "sv"
)

// Language maps a language tag to a supported language: "sv" for Swedish
// tags ("sv", "SV", "sv-SE", "sv_FI"), "en" for everything else, the same
// rule money.Format follows.
func Language(tag string) string {
	t := strings.ToLower(tag)
	if t == "sv" || strings.HasPrefix(t, "sv-") || strings.HasPrefix(t, "sv_") {
		return LangSwedish
	}
	return LangEnglish
}

// FormatDate writes the date of d for documents and mails: ISO "2026-03-31"
// in Swedish, "31 March 2026" in English (unambiguous on both sides of the
// Atlantic). The zero time gives "".
func FormatDate(d time.Time, lang string) string {
	if d.IsZero() {
		return ""
	}
	if Language(lang) == LangSwedish {
		return d.Format(time.DateOnly)
	}
	return d.Format("2 January 2006")
}

// TemplateTexts are a quote template's texts: those a quote freezes in its
// snapshot, and the e-mail that sends it, with placeholders.
type TemplateTexts struct {
	Texts
	EmailSubject string
	EmailBody    string
	// InvoiceSubject and InvoiceBody are the e-mail that sends an invoice
	// (with the invoicing placeholders); empty: the default texts.
	InvoiceSubject string
	InvoiceBody    string
}

// DefaultTexts returns the texts of the default template that signup creates
// in a workspace, in lang's language (see Language). Their subject and body
// use only known placeholders.
func DefaultTexts(lang string) TemplateTexts {
	if Language(lang) == LangSwedish {
		return svTexts
	}
	return enTexts
}

var enTexts = TemplateTexts{
	Texts: Texts{
		Intro: "Thank you for your interest. We are pleased to offer you the following.",
		Terms: "This quote is valid until the date stated above. Prices are exclusive of VAT, " +
			"which is shown separately. Payment within 30 days of invoice date. Delivery as agreed.",
		Footer: "We look forward to working with you.",
	},
	EmailSubject: "Quote {{quote_number}} from {{company_name}}",
	EmailBody: "Hello {{contact_name}},\n\n" +
		"Here is our quote {{quote_number}} for {{customer_name}}. At the link below you can read it, " +
		"sign it online, ask for a change or decline it.\n\n" +
		"{{link}}\n\n" +
		"The quote is valid until {{valid_until}}.\n\n" +
		"Kind regards,\n{{sender}}\n{{company_name}}\n",
}

var svTexts = TemplateTexts{
	Texts: Texts{
		Intro: "Tack för ert intresse. Vi har nöjet att lämna följande offert.",
		Terms: "Offerten gäller till och med angivet datum. Priserna anges exklusive moms, " +
			"som redovisas separat. Betalning inom 30 dagar från fakturadatum. Leverans enligt överenskommelse.",
		Footer: "Vi ser fram emot att arbeta med er.",
	},
	EmailSubject: "Offert {{quote_number}} från {{company_name}}",
	EmailBody: "Hej {{contact_name}},\n\n" +
		"Här är vår offert {{quote_number}} till {{customer_name}}. Via länken nedan kan du läsa den, " +
		"signera den direkt, begära en ändring eller tacka nej.\n\n" +
		"{{link}}\n\n" +
		"Offerten gäller till och med {{valid_until}}.\n\n" +
		"Med vänliga hälsningar\n{{sender}}\n{{company_name}}\n",
}

// Labels are the fixed words of quote documents (PDF, HTML page) in one
// language. Fields with verbs are fmt formats: Page takes the page and the
// page count, ChangesSince and SupersededBy a version number.
type Labels struct {
	Quote, Number, Version, Date, ValidUntil                    string
	Customer, Contact, Salesperson                              string
	OrganizationNumber, VATNumber, Email, Phone, Website        string
	Bank, IBAN, BIC                                             string
	Position, Code, Description, Quantity, Unit, UnitPrice      string
	Discount, VAT, Net                                          string
	Subtotal, OfferDiscount, NetTotal, VATTotal, Total          string
	Page                                                        string // "Page %d of %d"
	Terms, Signature, SignedBy, SignedAt, Name                  string
	ChangesSince, Added, Removed, Changed, Before, After        string // ChangesSince: "Changes since version %d"
	Sent, Signed, ChangeRequested, Rejected, Expired, Withdrawn string
	SupersededBy                                                string // "Replaced by version %d"
}

// LabelsFor returns the document labels in lang's language (see Language).
func LabelsFor(lang string) Labels {
	if Language(lang) == LangSwedish {
		return svLabels
	}
	return enLabels
}

var enLabels = Labels{
	Quote: "Quote", Number: "Quote number", Version: "Version", Date: "Date", ValidUntil: "Valid until",
	Customer: "Customer", Contact: "Contact", Salesperson: "Our reference",
	OrganizationNumber: "Reg. no.", VATNumber: "VAT no.", Email: "E-mail", Phone: "Phone", Website: "Website",
	Bank: "Bank", IBAN: "IBAN", BIC: "BIC",
	Position: "#", Code: "Item no.", Description: "Description", Quantity: "Qty", Unit: "Unit",
	UnitPrice: "Unit price", Discount: "Discount", VAT: "VAT", Net: "Amount",
	Subtotal: "Subtotal", OfferDiscount: "Discount on the offer", NetTotal: "Total excl. VAT",
	VATTotal: "Total VAT", Total: "Total to pay",
	Page: "Page %d of %d", Terms: "Terms", Signature: "Signature", SignedBy: "Signed by",
	SignedAt: "Signed at", Name: "Name",
	ChangesSince: "Changes since version %d", Added: "Added", Removed: "Removed", Changed: "Changed",
	Before: "Before", After: "After",
	Sent: "Sent", Signed: "Signed", ChangeRequested: "Change requested", Rejected: "Rejected",
	Expired: "Expired", Withdrawn: "Withdrawn", SupersededBy: "Replaced by version %d",
}

var svLabels = Labels{
	Quote: "Offert", Number: "Offertnummer", Version: "Version", Date: "Datum", ValidUntil: "Giltig till",
	Customer: "Kund", Contact: "Kontaktperson", Salesperson: "Vår referens",
	OrganizationNumber: "Org.nr", VATNumber: "Momsreg.nr", Email: "E-post", Phone: "Telefon", Website: "Webbplats",
	Bank: "Bank", IBAN: "IBAN", BIC: "BIC",
	Position: "#", Code: "Art.nr", Description: "Beskrivning", Quantity: "Antal", Unit: "Enhet",
	UnitPrice: "À-pris", Discount: "Rabatt", VAT: "Moms", Net: "Belopp",
	Subtotal: "Summa", OfferDiscount: "Offertrabatt", NetTotal: "Summa exkl. moms",
	VATTotal: "Summa moms", Total: "Att betala",
	Page: "Sida %d av %d", Terms: "Villkor", Signature: "Underskrift", SignedBy: "Signerad av",
	SignedAt: "Signerad", Name: "Namn",
	ChangesSince: "Ändringar sedan version %d", Added: "Tillagt", Removed: "Borttaget", Changed: "Ändrat",
	Before: "Före", After: "Efter",
	Sent: "Skickad", Signed: "Signerad", ChangeRequested: "Ändring begärd", Rejected: "Avböjd",
	Expired: "Utgången", Withdrawn: "Återkallad", SupersededBy: "Ersatt av version %d",
}
