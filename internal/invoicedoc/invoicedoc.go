// Package invoicedoc turns an invoice or credit note into the view model of
// the renderers, as quotedoc does for quotes: values formatted in the
// invoice's language, the invoice's own labels, the payment block (amount
// due, OCR reference, bank details) and a credit note's wording.
package invoicedoc

import (
	"fmt"
	"strings"

	"github.com/acme/crm/internal/invoicing"
	"github.com/acme/crm/internal/money"
	"github.com/acme/crm/internal/quoting"
	"github.com/acme/crm/internal/render"
)

// Document returns the view model of inv with the seller's logo; a draft
// must carry a preview snapshot (invoicing fills one in).
func Document(inv invoicing.Invoice, logo []byte) render.Document {
	lang := inv.Language
	ql := quoting.LabelsFor(lang)
	il := invoicing.LabelsFor(lang)
	s := inv.Snapshot
	if s == nil {
		s = &invoicing.Snapshot{}
	}
	title, number := il.Invoice, inv.Number
	if inv.Kind == invoicing.KindCreditNote {
		title = il.CreditNote
	}

	d := render.Document{
		Labels: labels(ql, il), Lang: lang, Title: title, Number: number, Logo: logo,
		Company: seller(*s, ql), Customer: buyer(s.Buyer), Contact: s.Contact, Salesperson: s.Salesperson,
		Footer: s.Footer, Lines: lines(inv), Totals: totals(inv, ql), Intro: inv.Note,
	}
	if inv.IssueDate != nil {
		d.Date = invoicing.FormatDate(*inv.IssueDate, lang)
	}
	if inv.DueDate != nil && inv.Kind == invoicing.KindInvoice {
		d.ValidUntil = invoicing.FormatDate(*inv.DueDate, lang)
	}
	if inv.OCR != "" {
		d.Extra = append(d.Extra, render.Meta{Label: il.OCR, Value: inv.OCR})
	}
	if s.Credits != nil {
		d.Extra = append(d.Extra, render.Meta{Label: il.Credits, Value: s.Credits.Number})
	}
	if inv.BuyerReference != "" && inv.BuyerReference != s.Contact {
		d.Extra = append(d.Extra, render.Meta{Label: il.BuyerRef, Value: inv.BuyerReference})
		if d.Contact == "" {
			d.Labels.YourRef = il.BuyerRef
		}
	}
	d.Labels.Total = il.InvoiceTotal
	if inv.Kind == invoicing.KindCreditNote {
		d.Labels.Total, d.Labels.Number = il.CreditTotal, il.CreditNumber
	} else {
		d.Terms = payment(inv, *s, il, ql)
	}
	switch {
	case !inv.Issued():
		d.Notice = il.Draft
	case inv.Kind == invoicing.KindCreditNote && s.Credits != nil:
		d.Notice = fmt.Sprintf(il.CreditNotice, s.Credits.Number)
	}
	return d
}

func labels(ql quoting.Labels, il invoicing.Labels) render.Labels {
	page := strings.Replace(strings.Replace(ql.Page, "%d", "{current}", 1), "%d", "{total}", 1)
	return render.Labels{Number: il.Number, Date: il.IssueDate, ValidUntil: il.DueDate,
		Customer: ql.Customer, OurReference: ql.Salesperson, YourRef: ql.Contact, Position: ql.Position, Code: ql.Code,
		Description: ql.Description, Quantity: ql.Quantity, Unit: ql.Unit, UnitPrice: ql.UnitPrice, Discount: ql.Discount,
		VAT: ql.VAT, Net: ql.Net, Subtotal: ql.Subtotal, OfferDiscount: ql.OfferDiscount, NetTotal: ql.NetTotal,
		Total: ql.Total, Terms: il.PaymentTerms, RegNo: ql.OrganizationNumber, VATNo: ql.VATNumber, Phone: ql.Phone,
		Email: ql.Email, Website: ql.Website, Page: page}
}

func address(p invoicing.Party) []string {
	out := append([]string{}, p.Address...)
	if city := strings.TrimSpace(p.PostalCode + " " + p.City); city != "" {
		out = append(out, city)
	}
	if p.Country != "" {
		out = append(out, p.Country)
	}
	return out
}

func seller(s invoicing.Snapshot, l quoting.Labels) render.Party {
	p := s.Seller
	return render.Party{Name: p.Name, Address: address(p), RegNo: p.OrganizationNumber, VATNo: p.VATNumber,
		Email: p.Email, Phone: p.Phone, Website: p.Website, Bank: strings.Join(bankLines(s.PaymentInfo, l), "\n")}
}

func bankLines(pi invoicing.PaymentInfo, l quoting.Labels) []string {
	var out []string
	if pi.BankName != "" || pi.BankAccount != "" {
		out = append(out, strings.TrimSpace(pi.BankName+" "+pi.BankAccount))
	}
	if pi.IBAN != "" {
		out = append(out, l.IBAN+" "+pi.IBAN)
	}
	if pi.BIC != "" {
		out = append(out, l.BIC+" "+pi.BIC)
	}
	return out
}

func buyer(p invoicing.Party) render.Party {
	return render.Party{Name: p.Name, Address: address(p), RegNo: p.OrganizationNumber, VATNo: p.VATNumber,
		Email: p.Email, Phone: p.Phone}
}

func lines(inv invoicing.Invoice) []render.Line {
	lang := inv.Language
	out := make([]render.Line, len(inv.Lines))
	for i, l := range inv.Lines {
		rl := render.Line{Position: fmt.Sprint(l.Position), Code: l.Code, Name: l.Name, Description: l.Description,
			Quantity: l.Quantity.Format(lang), Unit: l.Unit, UnitPrice: money.Format(l.UnitPrice, inv.Currency, lang),
			VAT: l.VATRate.Format(lang), Net: money.Format(l.Net, inv.Currency, lang)}
		if l.Discount > 0 {
			rl.Discount = l.Discount.Format(lang)
		}
		out[i] = rl
	}
	return out
}

// totals are the document's figures with its sign, VAT per rate on its
// base (EN 16931: rounded once per rate).
func totals(inv invoicing.Invoice, l quoting.Labels) render.Totals {
	lang := inv.Language
	t := inv.Totals
	f := func(v int64) string { return money.Format(v, inv.Currency, lang) }
	out := render.Totals{Subtotal: f(t.Subtotal), Net: f(t.Net), Total: f(t.Total)}
	if t.OfferDiscountAmount != 0 {
		out.OfferDiscount = f(-t.OfferDiscountAmount) + " (" + inv.OfferDiscount.Format(lang) + ")"
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

// payment is the block under the totals: what to pay, by when, with which
// reference, to which account; a credit note says nothing is to be paid.
func payment(inv invoicing.Invoice, s invoicing.Snapshot, il invoicing.Labels, ql quoting.Labels) string {
	lang := inv.Language
	f := func(v int64) string { return money.Format(v, inv.Currency, lang) }
	var b []string
	if inv.Kind == invoicing.KindInvoice {
		due := inv.Totals.Total
		if inv.Issued() {
			due = inv.AmountDue()
		}
		b = append(b, il.AmountDue+": "+f(max(due, 0)))
		if inv.Paid > 0 {
			b = append(b, il.Paid+": "+f(inv.Paid))
		}
		if inv.DueDate != nil {
			b = append(b, il.DueDate+": "+invoicing.FormatDate(*inv.DueDate, lang))
		}
		b = append(b, fmt.Sprintf(il.DaysNet, s.PaymentInfo.TermsDays))
	}
	if inv.OCR != "" {
		b = append(b, il.OCR+": "+inv.OCR)
	}
	if bank := bankLines(s.PaymentInfo, ql); len(bank) > 0 && inv.Kind == invoicing.KindInvoice {
		b = append(b, il.PayTo+": "+strings.Join(bank, " · "))
	}
	return strings.Join(b, "\n")
}
