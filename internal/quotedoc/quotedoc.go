// Package quotedoc turns a quote version into the view model of the
// renderers: values formatted in the quote's language, labels from
// quoting.LabelsFor. The salesperson's preview, the PDF and the customer's
// quote page all go through Document, so they show the same thing.
package quotedoc

import (
	"fmt"
	"strings"

	"github.com/acme/crm/internal/money"
	"github.com/acme/crm/internal/quoting"
	"github.com/acme/crm/internal/render"
)

// Document returns the view model of quote version q.
func Document(q quoting.Quote) render.Document {
	s := q.Snapshot
	lang := quoting.Language(s.Language)
	l := quoting.LabelsFor(lang)
	date := q.CreatedAt
	if q.SentAt != nil {
		date = *q.SentAt
	}
	d := render.Document{
		Labels: labels(l), Lang: lang, Title: l.Quote, Number: q.Number, Version: q.QuoteVersion,
		Date: quoting.FormatDate(date, lang), ValidUntil: quoting.FormatDate(q.ValidUntil, lang),
		Color: s.Company.PrimaryColor, Logo: s.Company.Logo.Data,
		Company: company(s.Company, l), Customer: customer(s.Customer),
		Contact: s.Contact.Name, Salesperson: s.Salesperson.Name,
		Intro: s.Texts.Intro, Terms: s.Texts.Terms, Footer: s.Texts.Footer,
		Lines: lines(s, lang), Totals: totals(s, l, lang), Notice: notice(q, l),
	}
	return d
}

func labels(l quoting.Labels) render.Labels {
	page := strings.Replace(strings.Replace(l.Page, "%d", "{current}", 1), "%d", "{total}", 1)
	return render.Labels{Number: l.Number, Version: l.Version, Date: l.Date, ValidUntil: l.ValidUntil,
		Customer: l.Customer, OurReference: l.Salesperson, YourRef: l.Contact, Position: l.Position, Code: l.Code,
		Description: l.Description, Quantity: l.Quantity, Unit: l.Unit, UnitPrice: l.UnitPrice, Discount: l.Discount,
		VAT: l.VAT, Net: l.Net, Subtotal: l.Subtotal, OfferDiscount: l.OfferDiscount, NetTotal: l.NetTotal,
		Total: l.Total, Terms: l.Terms, RegNo: l.OrganizationNumber, VATNo: l.VATNumber, Phone: l.Phone,
		Email: l.Email, Website: l.Website, Page: page}
}

func address(a quoting.Address) []string {
	out := append([]string{}, a.Lines...)
	if city := strings.TrimSpace(a.PostalCode + " " + a.City); city != "" {
		out = append(out, city)
	}
	if a.Country != "" {
		out = append(out, a.Country)
	}
	return out
}

func company(c quoting.Company, l quoting.Labels) render.Party {
	var bank []string
	if c.Bank.Name != "" || c.Bank.Account != "" {
		bank = append(bank, strings.TrimSpace(c.Bank.Name+" "+c.Bank.Account))
	}
	if c.Bank.IBAN != "" {
		bank = append(bank, l.IBAN+" "+c.Bank.IBAN)
	}
	if c.Bank.BIC != "" {
		bank = append(bank, l.BIC+" "+c.Bank.BIC)
	}
	return render.Party{Name: c.Name, Address: address(c.Address), RegNo: c.OrganizationNumber, VATNo: c.VATNumber,
		Email: c.Email, Phone: c.Phone, Website: c.Website, Bank: strings.Join(bank, "\n")}
}

func customer(c quoting.Customer) render.Party {
	return render.Party{Name: c.Name, Address: address(c.Address), RegNo: c.OrganizationNumber, VATNo: c.VATNumber,
		Email: c.Email, Phone: c.Phone}
}

func lines(s quoting.Snapshot, lang string) []render.Line {
	out := make([]render.Line, len(s.Lines))
	for i, l := range s.Lines {
		rl := render.Line{Position: fmt.Sprint(l.Position), Code: l.Code, Name: l.Name, Description: l.Description,
			Quantity: l.Quantity.Format(lang), Unit: l.Unit, UnitPrice: money.Format(l.UnitPrice, s.Currency, lang),
			VAT: l.VATRate.Format(lang), Net: money.Format(l.Net, s.Currency, lang)}
		if l.Discount > 0 {
			rl.Discount = l.Discount.Format(lang)
		}
		out[i] = rl
	}
	return out
}

func totals(s quoting.Snapshot, l quoting.Labels, lang string) render.Totals {
	t := s.Totals
	f := func(v int64) string { return money.Format(v, s.Currency, lang) }
	out := render.Totals{Subtotal: f(t.Subtotal), Net: f(t.Net), Total: f(t.Total)}
	if t.OfferDiscountAmount != 0 {
		out.OfferDiscount = f(-t.OfferDiscountAmount) + " (" + s.OfferDiscount.Format(lang) + ")"
	}
	on := "on"
	if lang == quoting.LangSwedish {
		on = "på"
	}
	for _, v := range t.VAT {
		label := l.VAT + " " + v.Rate.Format(lang) + " " + on + " " + f(v.Base)
		out.VAT = append(out.VAT, render.VATRow{Label: label, Amount: f(v.Amount)})
	}
	return out
}

// notice is the banner of versions the customer should not act on as they
// are: drafts, and closed or replaced versions.
func notice(q quoting.Quote, l quoting.Labels) string {
	switch q.Status {
	case quoting.StatusSigned:
		return l.Signed
	case quoting.StatusRejected:
		return l.Rejected
	case quoting.StatusExpired:
		return l.Expired
	case quoting.StatusWithdrawn:
		return l.Withdrawn
	case quoting.StatusChangeRequested:
		return l.ChangeRequested
	case quoting.StatusSuperseded:
		return fmt.Sprintf(l.SupersededBy, q.QuoteVersion+1)
	}
	return ""
}

// certLabels are the certificate page's words.
type certLabels struct {
	Title, Intro, Reference                           string
	Signer, Email, JobTitle, SignedAt, Address, Agent string
	Channel, Direct, Remote, Consent, ConsentVersion  string
	DocumentHash, EvidenceID, Signature, QuoteNumber  string
	// Channels name the ways a link is sent, in the reader's words.
	Channels map[string]string
}

var enCert = certLabels{
	Title: "Signature certificate",
	Intro: "This page is part of the signed document. It records who signed the quote on the preceding pages, " +
		"when and from where, and the SHA-256 of the exact document they were shown. The same facts are kept in " +
		"the seller's tamper-evident evidence log under the evidence id below.",
	Reference: "Quote %s · version %d", Signer: "Signed by", Email: "E-mail", JobTitle: "Title",
	SignedAt: "Signed at (UTC)", Address: "Client address", Agent: "User agent", Channel: "Channel",
	Direct: "in the seller's presence (direct)", Remote: "through the link sent by the seller (%s)",
	Consent: "Consent given", ConsentVersion: "version %s", DocumentHash: "Document SHA-256",
	EvidenceID: "Evidence id", Signature: "Drawn signature", QuoteNumber: "Quote",
	Channels: map[string]string{"link": "link", "email": "e-mail"},
}

var svCert = certLabels{
	Title: "Signeringsintyg",
	Intro: "Den här sidan hör till det signerade dokumentet. Den visar vem som signerade offerten på föregående " +
		"sidor, när och varifrån, och SHA-256 för exakt det dokument som visades. Samma uppgifter finns i " +
		"säljarens manipuleringssäkra bevislogg under bevis-id nedan.",
	Reference: "Offert %s · version %d", Signer: "Signerad av", Email: "E-post", JobTitle: "Titel",
	SignedAt: "Signerad (UTC)", Address: "Klientadress", Agent: "Webbläsare", Channel: "Kanal",
	Direct: "i säljarens närvaro (direkt)", Remote: "via länken som säljaren skickade (%s)",
	Consent: "Samtycke", ConsentVersion: "version %s", DocumentHash: "Dokumentets SHA-256",
	EvidenceID: "Bevis-id", Signature: "Ritad underskrift", QuoteNumber: "Offert",
	Channels: map[string]string{"link": "länk", "email": "e-post"},
}

// Certificate returns the signature page of version q signed as c, in the
// quote's language.
func Certificate(q quoting.Quote, c quoting.Certificate) render.Certificate {
	l := enCert
	if quoting.Language(q.Snapshot.Language) == quoting.LangSwedish {
		l = svCert
	}
	name := l.Channels[c.Channel]
	if name == "" {
		name = c.Channel
	}
	channel := fmt.Sprintf(l.Remote, name)
	if c.Channel == string(quoting.ChannelDirect) {
		channel = l.Direct
	}
	rows := []render.CertificateRow{
		{Label: l.QuoteNumber, Value: fmt.Sprintf(l.Reference, q.Number, q.QuoteVersion)},
		{Label: l.Signer, Value: c.SignerName},
		{Label: l.Email, Value: c.SignerEmail},
	}
	if c.SignerTitle != "" {
		rows = append(rows, render.CertificateRow{Label: l.JobTitle, Value: c.SignerTitle})
	}
	rows = append(rows,
		render.CertificateRow{Label: l.SignedAt, Value: c.SignedAt.UTC().Format("2006-01-02 15:04:05.000")},
		render.CertificateRow{Label: l.Address, Value: c.IP},
		render.CertificateRow{Label: l.Agent, Value: c.UserAgent},
		render.CertificateRow{Label: l.Channel, Value: channel},
		render.CertificateRow{Label: l.Consent, Value: c.ConsentText + " (" + fmt.Sprintf(l.ConsentVersion, c.ConsentVersion) + ")"},
		render.CertificateRow{Label: l.DocumentHash, Value: c.DocumentSHA256, Mono: true},
		render.CertificateRow{Label: l.EvidenceID, Value: c.EvidenceID.String(), Mono: true},
	)
	return render.Certificate{Title: l.Title, Intro: l.Intro, Company: q.Snapshot.Company.Name,
		Reference: fmt.Sprintf(l.Reference, q.Number, q.QuoteVersion), Rows: rows, Signature: c.Signature,
		SignatureLabel: l.Signature, Color: q.Snapshot.Company.PrimaryColor}
}
