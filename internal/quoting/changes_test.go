package quoting

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/acme/crm/internal/money"
)

// version2 revises version1: Licence moves first with 8 pcs at 15 %,
// Consulting stays, Travel goes, Support is added, 5 % offer discount, new
// terms.
//
//	Licence     8 pcs × 499,00, 15 % discount         =  3 393,20
//	Consulting 10 h × 1 000,00                        = 10 000,00
//	Support    12 month × 1 500,00                    = 18 000,00
//	subtotal 31 393,20; −5 % → net 29 823,54 (discount 1 569,66)
//	VAT 25 % 7 455,885 → 7 455,89; total 37 279,43
func version2(t *testing.T) Snapshot {
	t.Helper()
	s := version1(t)
	licence, consulting := s.Lines[1], s.Lines[0]
	licence.Quantity, licence.Discount = qty(t, "8"), 1500
	s.Lines = []SnapshotLine{licence, consulting,
		{ProductID: productSupport, Code: "S1", Name: "Support", Unit: "month", Quantity: qty(t, "12"),
			UnitPrice: 150000, VATRate: 2500}}
	s.OfferDiscount = 500
	s.Texts.Terms = "14 dagar netto."
	return s
}

func TestDiffExample(t *testing.T) {
	v1, v2 := build(t, version1(t)), build(t, version2(t))
	got := Diff(v1, v2)

	want := Changes{
		Added:         []SnapshotLine{v2.Lines[2]},
		Removed:       []SnapshotLine{v1.Lines[2]},
		Changed:       []LineChange{{Before: v1.Lines[1], After: v2.Lines[0], Fields: []string{"quantity", "discount"}}},
		Texts:         []string{"terms"},
		OfferDiscount: BasisPointsChange{Before: 0, After: 500},
		Currency:      CurrencyChange{Before: "SEK", After: "SEK"},
		Totals: TotalsChange{
			Before: TotalsSummary{Subtotal: 1474550, Net: 1474550, VATTotal: 368638, Total: 1843188},
			After: TotalsSummary{Subtotal: 3139320, OfferDiscountAmount: 156966, Net: 2982354,
				VATTotal: 745589, Total: 3727943},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	// The hand-computed figures of the changed line, as the customer sees them.
	ch := got.Changed[0]
	if ch.Before.Quantity.String() != "5" || ch.After.Quantity.String() != "8" ||
		ch.Before.Net != 224550 || ch.After.Net != 339320 || ch.Before.Position != 2 || ch.After.Position != 1 {
		t.Errorf("got change %+v, want 5 → 8 pcs, net 224550 → 339320, position 2 → 1", ch)
	}
	if got.Empty() {
		t.Errorf("got Empty() = true, want false")
	}
}

// lineSummary is what TestDiffMatching compares: names of added and removed
// lines, and "name:field,field" for changed ones.
type lineSummary struct {
	added, removed, changed []string
}

func summarizeLines(c Changes) lineSummary {
	var s lineSummary
	for _, l := range c.Added {
		s.added = append(s.added, l.Name+" "+l.Quantity.String())
	}
	for _, l := range c.Removed {
		s.removed = append(s.removed, l.Name+" "+l.Quantity.String())
	}
	for _, l := range c.Changed {
		f := l.After.Name + ":"
		for i, x := range l.Fields {
			if i > 0 {
				f += ","
			}
			f += x
		}
		s.changed = append(s.changed, f)
	}
	return s
}

func TestDiffMatching(t *testing.T) {
	base := func(t *testing.T) []SnapshotLine { return version1(t).Lines }
	tests := []struct {
		name  string
		edit  func(t *testing.T, lines []SnapshotLine) []SnapshotLine
		want  lineSummary
		empty bool
	}{
		{"identical", func(_ *testing.T, l []SnapshotLine) []SnapshotLine { return l }, lineSummary{}, true},
		{"reordered only", func(_ *testing.T, l []SnapshotLine) []SnapshotLine {
			return []SnapshotLine{l[2], l[0], l[1]}
		}, lineSummary{}, true},
		{"free-text line renamed", func(_ *testing.T, l []SnapshotLine) []SnapshotLine {
			l[2].Name = "Travel costs"
			return l
		}, lineSummary{added: []string{"Travel costs 1"}, removed: []string{"Travel 1"}}, false},
		{"free-text line unit changed", func(_ *testing.T, l []SnapshotLine) []SnapshotLine {
			l[2].Unit = "day"
			return l
		}, lineSummary{added: []string{"Travel 1"}, removed: []string{"Travel 1"}}, false},
		{"free-text line repriced", func(_ *testing.T, l []SnapshotLine) []SnapshotLine {
			l[2].UnitPrice = 300000
			return l
		}, lineSummary{changed: []string{"Travel:unit_price"}}, false},
		{"catalogue line renamed and described", func(_ *testing.T, l []SnapshotLine) []SnapshotLine {
			l[0].Name, l[0].Description, l[0].Code = "Senior consulting", "On site", "C2"
			return l
		}, lineSummary{changed: []string{"Senior consulting:code,name,description"}}, false},
		{"product replaced", func(_ *testing.T, l []SnapshotLine) []SnapshotLine {
			l[1].ProductID = productSupport
			return l
		}, lineSummary{added: []string{"Licence 5"}, removed: []string{"Licence 5"}}, false},
		{"vat and unit changed", func(_ *testing.T, l []SnapshotLine) []SnapshotLine {
			l[1].VATRate, l[1].Unit = 1200, "seat"
			return l
		}, lineSummary{changed: []string{"Licence:unit,vat_rate"}}, false},
		{"same product added on a second line", func(t *testing.T, l []SnapshotLine) []SnapshotLine {
			extra := l[0]
			extra.Quantity = qty(t, "3")
			return append(l, extra)
		}, lineSummary{added: []string{"Consulting 3"}}, false},
		{"catalogue line removed", func(t *testing.T, l []SnapshotLine) []SnapshotLine {
			return l[1:]
		}, lineSummary{removed: []string{"Consulting 10"}}, false},
		{"all removed", func(_ *testing.T, _ []SnapshotLine) []SnapshotLine { return nil },
			lineSummary{removed: []string{"Consulting 10", "Licence 5", "Travel 1"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prev := version1(t)
			next := version1(t)
			next.Lines = tt.edit(t, base(t))
			got := Diff(build(t, prev), build(t, next))
			if s := summarizeLines(got); !reflect.DeepEqual(s, tt.want) {
				t.Errorf("got %+v, want %+v", s, tt.want)
			}
			if got.Empty() != tt.empty {
				t.Errorf("got Empty() = %v, want %v", got.Empty(), tt.empty)
			}
		})
	}
}

// TestDiffDuplicatesPreferExactMatch: with the same product on two lines, the
// line left untouched is not reported, whichever position it holds.
func TestDiffDuplicatesPreferExactMatch(t *testing.T) {
	prev := version1(t)
	second := prev.Lines[0]
	second.Quantity = qty(t, "2")
	prev.Lines = []SnapshotLine{prev.Lines[0], second}
	next := version1(t)
	changed := second
	changed.Quantity = qty(t, "4")
	next.Lines = []SnapshotLine{changed, prev.Lines[0]}

	c := Diff(build(t, prev), build(t, next))
	got := summarizeLines(c)
	want := lineSummary{changed: []string{"Consulting:quantity"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if b, a := c.Changed[0].Before.Quantity.String(), c.Changed[0].After.Quantity.String(); b != "2" || a != "4" {
		t.Errorf("got quantity %s → %s, want 2 → 4", b, a)
	}
}

func TestDiffCurrencyAndDiscountOnly(t *testing.T) {
	prev := build(t, version1(t))
	next := version1(t)
	next.Currency = money.Currency("EUR")
	got := Diff(prev, build(t, next))
	if got.Currency != (CurrencyChange{Before: "SEK", After: "EUR"}) || got.Empty() {
		t.Errorf("got currency %+v empty %v, want SEK → EUR and not empty", got.Currency, got.Empty())
	}
}

func TestChangesJSONRoundTrip(t *testing.T) {
	for name, c := range map[string]Changes{
		"example": Diff(build(t, version1(t)), build(t, version2(t))),
		"none":    Diff(build(t, version1(t)), build(t, version1(t))),
	} {
		t.Run(name, func(t *testing.T) {
			data, err := json.Marshal(c)
			if err != nil {
				t.Fatalf("marshal: %v", err)
			}
			var back Changes
			if err := json.Unmarshal(data, &back); err != nil {
				t.Fatalf("unmarshal %s: %v", data, err)
			}
			if !reflect.DeepEqual(back, c) {
				t.Errorf("got %+v, want %+v", back, c)
			}
		})
	}
}

func TestChangesJSONShape(t *testing.T) {
	data, err := json.Marshal(Diff(build(t, version1(t)), build(t, version1(t))))
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	want := `{"added":[],"removed":[],"changed":[],"texts":[],` +
		`"offer_discount":{"before":0,"after":0},"currency":{"before":"SEK","after":"SEK"},` +
		`"totals":{"before":{"subtotal":1474550,"offer_discount_amount":0,"net":1474550,"vat_total":368638,"total":1843188},` +
		`"after":{"subtotal":1474550,"offer_discount_amount":0,"net":1474550,"vat_total":368638,"total":1843188}}}`
	if string(data) != want {
		t.Errorf("got %s\nwant %s", data, want)
	}
}
