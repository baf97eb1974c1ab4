package postgres

import (
	"reflect"
	"testing"

	"github.com/acme/crm/internal/money"
)

// Stored totals read back as they were written; nothing stored is nil.
func TestTotalsColumns(t *testing.T) {
	t.Parallel()
	for _, want := range []*money.Totals{
		{Subtotal: 123456, OfferDiscountAmount: 3456, Net: 120000, VATTotal: 27400, Total: 147400, Currency: "SEK",
			VAT: []money.VATAmount{{Rate: 2500, Base: 100000, Amount: 25000}, {Rate: 1200, Base: 20000, Amount: 2400}}},
		{Subtotal: 0, Net: 0, Total: 0, Currency: "EUR", VAT: []money.VATAmount{}},
	} {
		got := encodeTotals(want).decode(want.Net, string(want.Currency))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %+v, want %+v", got, want)
		}
	}
	if got := encodeTotals(nil).decode(5, "SEK"); got != nil {
		t.Errorf("no totals read back as %+v", got)
	}
	bad := "25:x:1"
	if got := (totalsCols{Subtotal: new(int64), OfferDiscount: new(int64), VATTotal: new(int64), Total: new(int64), VAT: &bad}).decode(0, "SEK"); got != nil {
		t.Errorf("an unreadable VAT column read as %+v, want nil (computed from the lines instead)", got)
	}
}

func BenchmarkDecodeTotals(b *testing.B) {
	c := encodeTotals(&money.Totals{Subtotal: 123456, Net: 120000, VATTotal: 30000, Total: 150000, Currency: "SEK",
		VAT: []money.VATAmount{{Rate: 2500, Base: 100000, Amount: 25000}, {Rate: 1200, Base: 20000, Amount: 2400}}})
	b.ReportAllocs()
	for b.Loop() {
		if c.decode(120000, "SEK") == nil {
			b.Fatal("nil")
		}
	}
}
