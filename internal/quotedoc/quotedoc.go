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
