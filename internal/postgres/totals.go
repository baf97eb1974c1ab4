package postgres

import (
	"strconv"
	"strings"

	"github.com/acme/crm/internal/money"
)

// totalsCols are an opportunity's stored totals: NULLs without totals.
// The net is the opportunity's estimated amount and the currency its own.
type totalsCols struct {
	Subtotal, OfferDiscount, VATTotal, Total *int64
	VAT                                      *string
}

// encodeTotals writes t into the columns (all NULL for nil totals).
func encodeTotals(t *money.Totals) totalsCols {
	if t == nil {
		return totalsCols{}
	}
	var b strings.Builder
	for i, v := range t.VAT {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(strconv.FormatInt(int64(v.Rate), 10))
		b.WriteByte(':')
		b.WriteString(strconv.FormatInt(v.Base, 10))
		b.WriteByte(':')
		b.WriteString(strconv.FormatInt(v.Amount, 10))
	}
	vat := b.String()
	return totalsCols{Subtotal: &t.Subtotal, OfferDiscount: &t.OfferDiscountAmount, VATTotal: &t.VATTotal,
		Total: &t.Total, VAT: &vat}
}

// decode reads the columns back: nil when there are no totals, or when
// they cannot be read (the service then computes them from the lines).
func (c totalsCols) decode(net int64, currency string) *money.Totals {
	if c.Total == nil || c.Subtotal == nil || c.OfferDiscount == nil || c.VATTotal == nil || c.VAT == nil {
		return nil
	}
	t := money.Totals{Subtotal: *c.Subtotal, OfferDiscountAmount: *c.OfferDiscount, Net: net, VATTotal: *c.VATTotal,
		Total: *c.Total, Currency: money.Currency(currency), VAT: make([]money.VATAmount, 0, strings.Count(*c.VAT, ";")+1)}
	for rest := *c.VAT; rest != ""; {
		var part string
		part, rest, _ = strings.Cut(rest, ";")
		if part == "" {
			continue
		}
		f0, rest, ok1 := strings.Cut(part, ":")
		f1, f2, ok2 := strings.Cut(rest, ":")
		if !ok1 || !ok2 {
			return nil
		}
		rate, err1 := strconv.ParseInt(f0, 10, 64)
		base, err2 := strconv.ParseInt(f1, 10, 64)
		amount, err3 := strconv.ParseInt(f2, 10, 64)
		if err1 != nil || err2 != nil || err3 != nil {
			return nil
		}
		t.VAT = append(t.VAT, money.VATAmount{Rate: money.BasisPoints(rate), Base: base, Amount: amount})
	}
	return &t
}
