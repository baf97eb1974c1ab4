package money

import (
	"reflect"
	"slices"
	"testing"

	"github.com/acme/crm/internal/errs"
)

// qty parses a quantity literal for test tables.
func qty(t testing.TB, s string) Quantity {
	t.Helper()
	q, err := ParseQuantity(s)
	if err != nil {
		t.Fatalf("ParseQuantity(%q): %v", s, err)
	}
	return q
}

func mustCompute(t *testing.T, lines []Line, offer BasisPoints) Totals {
	t.Helper()
	got, err := Compute(lines, offer, "SEK")
	if err != nil {
		t.Fatalf("Compute: %v", err)
	}
	return got
}

func TestLineNet(t *testing.T) {
	tests := []struct {
		name string
		line Line
		want int64
	}{
		{"half rounds up", Line{Quantity: qty(t, "0.5"), UnitPrice: 6667, VATRate: 1900}, 3334},
		{"0.5 of one öre rounds away from zero", Line{Quantity: qty(t, "0.5"), UnitPrice: 1}, 1},
		{"2.5 rounds to 3, not to even", Line{Quantity: qty(t, "2.5"), UnitPrice: 1}, 3},
		{"below half rounds down", Line{Quantity: qty(t, "0.499"), UnitPrice: 1}, 0},
		{"one thousandth of one öre", Line{Quantity: qty(t, "0.001"), UnitPrice: 1}, 0},
		{"whole", Line{Quantity: qty(t, "3"), UnitPrice: 33333, VATRate: 2500}, 99999},
		{"line discount rounded once", Line{Quantity: qty(t, "1.5"), UnitPrice: 9999, Discount: 1000}, 13499},
		{"quantity and discount both fractional", Line{Quantity: qty(t, "0.333"), UnitPrice: 1000, Discount: 250}, 325},
		{"100 % line discount", Line{Quantity: qty(t, "7"), UnitPrice: 12345, Discount: 10000}, 0},
		{"free item", Line{Quantity: qty(t, "2"), UnitPrice: 0}, 0},
		{"largest price", Line{Quantity: qty(t, "1"), UnitPrice: MaxAmount}, MaxAmount},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LineNet(tt.line)
			if err != nil {
				t.Fatalf("LineNet: %v", err)
			}
			if got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

func TestLineNetRefuses(t *testing.T) {
	tests := []struct {
		name      string
		line      Line
		wantField string // "" when the error has no field details
	}{
		{"zero quantity", Line{UnitPrice: 100}, "quantity"},
		{"negative price", Line{Quantity: qty(t, "1"), UnitPrice: -1}, "unit_price"},
		{"price above max", Line{Quantity: qty(t, "1"), UnitPrice: MaxAmount + 1}, "unit_price"},
		{"discount above 100 %", Line{Quantity: qty(t, "1"), Discount: 10001}, "discount"},
		{"negative VAT", Line{Quantity: qty(t, "1"), VATRate: -1}, "vat_rate"},
		{"net above max", Line{Quantity: qty(t, "2"), UnitPrice: MaxAmount}, ""},
		{"huge quantity and price", Line{Quantity: qty(t, "999999999999.999"), UnitPrice: MaxAmount}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LineNet(tt.line)
			e, ok := errs.As(err)
			if !ok || e.Code != errs.Invalid {
				t.Fatalf("got error %v, want an errs.Invalid error", err)
			}
			if got := fieldNames(e); tt.wantField != "" && !slices.Equal(got, []string{tt.wantField}) {
				t.Errorf("got fields %v, want [%s]", got, tt.wantField)
			}
		})
	}
}

func fieldNames(e *errs.Error) []string {
	var names []string
	for _, f := range e.Fields {
		names = append(names, f.Field)
	}
	return names
}

// TestComputeVATPerRateNotPerLine is the example of NOTES.md: EN 16931
// BR-CO-17 rounds VAT once on the summed base (19.00), where rounding per
// line would give 3 × 6.33 = 18.99.
func TestComputeVATPerRateNotPerLine(t *testing.T) {
	l := Line{Quantity: qty(t, "0.5"), UnitPrice: 6667, VATRate: 1900}
	got := mustCompute(t, []Line{l, l, l}, 0)
	want := Totals{
		LineNets: []int64{3334, 3334, 3334},
		Subtotal: 10002, Net: 10002,
		VAT:      []VATAmount{{Rate: 1900, Base: 10002, Amount: 1900}},
		VATTotal: 1900, Total: 11902, Currency: "SEK",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// TestComputeMixedRates was computed by hand. The offer discount is taken per
// rate: 7.5 % of the subtotal 1212.96 would be 90.972 → 90.97, but the four
// rounded bases leave 90.96.
func TestComputeMixedRates(t *testing.T) {
	lines := []Line{
		{Quantity: qty(t, "3"), UnitPrice: 33333, VATRate: 2500},                   // 999.99
		{Quantity: qty(t, "1.5"), UnitPrice: 9999, Discount: 1000, VATRate: 1200},  // 134.9865 → 134.99
		{Quantity: qty(t, "2"), UnitPrice: 1234, VATRate: 600},                     // 24.68
		{Quantity: qty(t, "1"), UnitPrice: 5005, VATRate: 0},                       // 50.05
		{Quantity: qty(t, "0.333"), UnitPrice: 1000, Discount: 250, VATRate: 2500}, // 3.24675 → 3.25
	}
	got := mustCompute(t, lines, 750)
	want := Totals{
		LineNets:            []int64{99999, 13499, 2468, 5005, 325},
		Subtotal:            121296,
		OfferDiscountAmount: 9096,
		Net:                 112200,
		VAT: []VATAmount{
			{Rate: 2500, Base: 92800, Amount: 23200}, // 1003.24 × 0.925 = 927.997
			{Rate: 1200, Base: 12487, Amount: 1498},  // 124.86575 → 124.87; × 0.12 = 14.9844
			{Rate: 600, Base: 2283, Amount: 137},     // 22.829; × 0.06 = 1.3698
			{Rate: 0, Base: 4630, Amount: 0},         // 46.29625 → 46.30
		},
		VATTotal: 24835,
		Total:    137035,
		Currency: "SEK",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestComputeZeros(t *testing.T) {
	lines := []Line{
		{Quantity: qty(t, "2"), UnitPrice: 10000, VATRate: 2500},
		{Quantity: qty(t, "1"), UnitPrice: 500, VATRate: 1200},
	}
	tests := []struct {
		name  string
		lines []Line
		offer BasisPoints
		want  Totals
	}{
		{"no lines", nil, 0, Totals{LineNets: []int64{}, VAT: []VATAmount{}, Currency: "SEK"}},
		{"no lines with offer discount", nil, 5000, Totals{LineNets: []int64{}, VAT: []VATAmount{}, Currency: "SEK"}},
		{"100 % offer discount", lines, 10000, Totals{
			LineNets: []int64{20000, 500}, Subtotal: 20500, OfferDiscountAmount: 20500,
			VAT: []VATAmount{{Rate: 2500}, {Rate: 1200}}, Currency: "SEK",
		}},
		{"100 % line discount", []Line{{Quantity: qty(t, "3"), UnitPrice: 999, Discount: 10000, VATRate: 2500}}, 0, Totals{
			LineNets: []int64{0}, VAT: []VATAmount{{Rate: 2500}}, Currency: "SEK",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustCompute(t, tt.lines, tt.offer)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestComputeOrdersRatesDescending(t *testing.T) {
	var lines []Line
	for _, r := range []BasisPoints{600, 0, 2500, 1200, 600, 2500} {
		lines = append(lines, Line{Quantity: qty(t, "1"), UnitPrice: 100, VATRate: r})
	}
	got := mustCompute(t, lines, 0)
	var rates []BasisPoints
	for _, v := range got.VAT {
		rates = append(rates, v.Rate)
	}
	if want := []BasisPoints{2500, 1200, 600, 0}; !slices.Equal(rates, want) {
		t.Errorf("got rates %v, want %v", rates, want)
	}
}

func TestComputeRefuses(t *testing.T) {
	one := qty(t, "1")
	tests := []struct {
		name       string
		lines      []Line
		offer      BasisPoints
		currency   Currency
		wantFields []string
	}{
		{"every bad field at once", []Line{
			{Quantity: one, UnitPrice: 100},
			{UnitPrice: -5, Discount: 20000, VATRate: 10001},
		}, -1, "sek", []string{"currency", "offer_discount", "lines.1.quantity", "lines.1.unit_price", "lines.1.discount", "lines.1.vat_rate"}},
		{"offer discount above 100 %", nil, 10001, "SEK", []string{"offer_discount"}},
		{"line net too large", []Line{{Quantity: qty(t, "1000"), UnitPrice: MaxAmount}}, 0, "SEK", []string{"lines.0"}},
		{"subtotal too large", []Line{{Quantity: one, UnitPrice: MaxAmount}, {Quantity: one, UnitPrice: 1}}, 0, "SEK", nil},
		{"total with VAT too large", []Line{{Quantity: one, UnitPrice: MaxAmount, VATRate: 2500}}, 0, "SEK", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compute(tt.lines, tt.offer, tt.currency)
			e, ok := errs.As(err)
			if !ok || e.Code != errs.Invalid {
				t.Fatalf("got error %v, want an errs.Invalid error", err)
			}
			if got := fieldNames(e); !slices.Equal(got, tt.wantFields) {
				t.Errorf("got fields %v, want %v", got, tt.wantFields)
			}
		})
	}
}
