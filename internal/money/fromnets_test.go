package money

import (
	"slices"
	"testing"

	"github.com/acme/crm/internal/errs"
)

// FromNets is Compute from the line nets on: the same totals for the same
// nets, and every invalid input named.
func TestFromNetsMatchesCompute(t *testing.T) {
	lines := []Line{
		{Quantity: qty(t, "0.5"), UnitPrice: 6667, VATRate: 1900},
		{Quantity: qty(t, "0.5"), UnitPrice: 6667, VATRate: 1900},
		{Quantity: qty(t, "0.5"), UnitPrice: 6667, VATRate: 1900},
		{Quantity: qty(t, "2"), UnitPrice: 1000, VATRate: 600, Discount: 1000},
	}
	want := mustCompute(t, lines, 500)
	nets := slices.Clone(want.LineNets)
	rates := []BasisPoints{1900, 1900, 1900, 600}
	got, err := FromNets(nets, rates, 500, "SEK")
	if err != nil {
		t.Fatal(err)
	}
	if got.Net != want.Net || got.VATTotal != want.VATTotal || got.Total != want.Total || !slices.Equal(got.LineNets, want.LineNets) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	got.LineNets[0] = -1
	if nets[0] == -1 {
		t.Error("FromNets kept the caller's slice")
	}
	if _, err := FromNets([]int64{0, MaxAmount}, []BasisPoints{0, Whole}, Whole, "EUR"); err != nil {
		t.Errorf("the limits: got %v", err)
	}
}

func TestFromNetsRefuses(t *testing.T) {
	tests := []struct {
		name  string
		nets  []int64
		rates []BasisPoints
		offer BasisPoints
		cur   Currency
		want  []string
	}{
		{"bad currency and discount", nil, nil, Whole + 1, "sek", []string{"currency", "offer_discount"}},
		{"negative discount", nil, nil, -1, "SEK", []string{"offer_discount"}},
		{"a net without a rate", []int64{1, 2}, []BasisPoints{0}, 0, "SEK", []string{"lines"}},
		{"a negative net", []int64{-1}, []BasisPoints{0}, 0, "SEK", []string{"lines.0"}},
		{"a net over the maximum", []int64{0, MaxAmount + 1}, []BasisPoints{0, 0}, 0, "SEK", []string{"lines.1"}},
		{"a rate over 100 %", []int64{1}, []BasisPoints{Whole + 1}, 0, "SEK", []string{"lines.0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromNets(tt.nets, tt.rates, tt.offer, tt.cur)
			e, ok := errs.As(err)
			if !ok || e.Code != errs.Invalid {
				t.Fatalf("got %v, want invalid", err)
			}
			if got := fieldNames(e); !slices.Equal(got, tt.want) {
				t.Errorf("got fields %v, want %v", got, tt.want)
			}
		})
	}
}
