package postgres

import (
	"encoding/json"

	"github.com/acme/crm/internal/money"
)

// totalsDoc is the stored form of an opportunity's totals (jsonb).
type totalsDoc struct {
	Subtotal            int64        `json:"subtotal"`
	OfferDiscountAmount int64        `json:"offer_discount_amount"`
	Net                 int64        `json:"net"`
	VAT                 []vatDocItem `json:"vat"`
	VATTotal            int64        `json:"vat_total"`
	Total               int64        `json:"total"`
	Currency            string       `json:"currency"`
}

type vatDocItem struct {
	Rate   money.BasisPoints `json:"rate"`
	Base   int64             `json:"base"`
	Amount int64             `json:"amount"`
}

// encodeTotals is nil (SQL NULL) for nil totals.
func encodeTotals(t *money.Totals) []byte {
	if t == nil {
		return nil
	}
	d := totalsDoc{Subtotal: t.Subtotal, OfferDiscountAmount: t.OfferDiscountAmount, Net: t.Net,
		VATTotal: t.VATTotal, Total: t.Total, Currency: string(t.Currency), VAT: make([]vatDocItem, len(t.VAT))}
	for i, v := range t.VAT {
		d.VAT[i] = vatDocItem(v)
	}
	b, _ := json.Marshal(d) // plain integers and strings always encode
	return b
}

// decodeTotals is nil for NULL (and for a document it cannot read, which
// the service then recomputes from the lines).
func decodeTotals(b []byte) *money.Totals {
	if len(b) == 0 {
		return nil
	}
	var d totalsDoc
	if json.Unmarshal(b, &d) != nil {
		return nil
	}
	t := money.Totals{Subtotal: d.Subtotal, OfferDiscountAmount: d.OfferDiscountAmount, Net: d.Net,
		VATTotal: d.VATTotal, Total: d.Total, Currency: money.Currency(d.Currency), VAT: make([]money.VATAmount, len(d.VAT))}
	for i, v := range d.VAT {
		t.VAT[i] = money.VATAmount(v)
	}
	return &t
}
