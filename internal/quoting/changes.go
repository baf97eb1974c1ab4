package quoting

import (
	"github.com/google/uuid"

	"github.com/acme/crm/internal/money"
)

// Changes is what a quote version changed against the version before it,
// as the customer's page and the salesperson's history show it. It is stored
// with the version (JSON tags, like Snapshot) and never recomputed. Slices
// are empty, never nil, so that the JSON form has "[]" rather than "null".
type Changes struct {
	Added   []SnapshotLine `json:"added"`   // lines of the new version, in its order
	Removed []SnapshotLine `json:"removed"` // lines of the old version, in its order
	Changed []LineChange   `json:"changed"` // in the new version's order
	// Texts names the texts that differ: "intro", "terms", "footer".
	Texts         []string          `json:"texts"`
	OfferDiscount BasisPointsChange `json:"offer_discount"`
	Currency      CurrencyChange    `json:"currency"`
	Totals        TotalsChange      `json:"totals"`
}

// LineChange is a line present in both versions whose content differs.
// Before and After are the whole lines, so that old and new quantity, unit
// price, discount and net are always at hand; Fields names what differs, by
// JSON name: "code", "name", "description", "unit", "quantity",
// "unit_price", "discount", "vat_rate". A line that only moved is not
// changed.
type LineChange struct {
	Before SnapshotLine `json:"before"`
	After  SnapshotLine `json:"after"`
	Fields []string     `json:"fields"`
}

// BasisPointsChange is a percentage before and after.
type BasisPointsChange struct {
	Before money.BasisPoints `json:"before"`
	After  money.BasisPoints `json:"after"`
}

// CurrencyChange is the currency before and after; the totals before are in
// Before, those after in After.
type CurrencyChange struct {
	Before money.Currency `json:"before"`
	After  money.Currency `json:"after"`
}

// TotalsChange is the headline figures before and after.
type TotalsChange struct {
	Before TotalsSummary `json:"before"`
	After  TotalsSummary `json:"after"`
}

// TotalsSummary is the headline figures of a version, in minor units.
type TotalsSummary struct {
	Subtotal            int64 `json:"subtotal"`
	OfferDiscountAmount int64 `json:"offer_discount_amount"`
	Net                 int64 `json:"net"`
	VATTotal            int64 `json:"vat_total"`
	Total               int64 `json:"total"`
}

func summarize(t money.Totals) TotalsSummary {
	return TotalsSummary{Subtotal: t.Subtotal, OfferDiscountAmount: t.OfferDiscountAmount,
		Net: t.Net, VATTotal: t.VATTotal, Total: t.Total}
}

// Empty reports whether nothing the customer pays for or reads changed:
// no line added, removed or changed, no text, discount, currency or total
// changed.
func (c Changes) Empty() bool {
	return len(c.Added) == 0 && len(c.Removed) == 0 && len(c.Changed) == 0 && len(c.Texts) == 0 &&
		c.OfferDiscount.Before == c.OfferDiscount.After && c.Currency.Before == c.Currency.After &&
		c.Totals.Before == c.Totals.After
}

// Diff returns what next changed against prev.
//
// Lines are matched by a key: the product id when the line has one,
// otherwise its name and unit (free-text lines have nothing more stable).
// Lines with equal keys and equal content pair up first, then the remaining
// lines with equal keys in document order; so when the same product is on
// two lines and one goes, the untouched one is not reported as changed.
// Consequences: replacing a line's product reads as one line removed and one
// added, and so does renaming a free-text line; renaming a catalogue line is
// a change of "name". Unmatched lines of prev are removed, of next added.
// Matching is quadratic in the number of lines, which stays in the hundreds.
func Diff(prev, next Snapshot) Changes {
	c := Changes{
		Added: []SnapshotLine{}, Removed: []SnapshotLine{}, Changed: []LineChange{},
		Texts:         textChanges(prev.Texts, next.Texts),
		OfferDiscount: BasisPointsChange{Before: prev.OfferDiscount, After: next.OfferDiscount},
		Currency:      CurrencyChange{Before: prev.Currency, After: next.Currency},
		Totals:        TotalsChange{Before: summarize(prev.Totals), After: summarize(next.Totals)},
	}
	pairs, used := matchLines(prev.Lines, next.Lines)
	for j, l := range next.Lines {
		if pairs[j] < 0 {
			c.Added = append(c.Added, l)
			continue
		}
		old := prev.Lines[pairs[j]]
		if f := lineFields(old, l); len(f) > 0 {
			c.Changed = append(c.Changed, LineChange{Before: old, After: l, Fields: f})
		}
	}
	for i, l := range prev.Lines {
		if !used[i] {
			c.Removed = append(c.Removed, l)
		}
	}
	return c
}

// matchLines pairs lines as Diff describes: pairs[j] is the index in prev of
// next[j]'s partner or -1, used[i] whether prev[i] has a partner.
func matchLines(prev, next []SnapshotLine) (pairs []int, used []bool) {
	pairs = make([]int, len(next))
	for j := range pairs {
		pairs[j] = -1
	}
	used = make([]bool, len(prev))
	pass := func(exact bool) {
		for j, l := range next {
			for i, p := range prev {
				if pairs[j] < 0 && !used[i] && keyOf(p) == keyOf(l) && (!exact || len(lineFields(p, l)) == 0) {
					pairs[j], used[i] = i, true
				}
			}
		}
	}
	pass(true)
	pass(false)
	return pairs, used
}

// lineKey identifies a line across versions (see Diff).
type lineKey struct {
	product    uuid.UUID
	name, unit string
}

func keyOf(l SnapshotLine) lineKey {
	if l.ProductID != uuid.Nil {
		return lineKey{product: l.ProductID}
	}
	return lineKey{name: l.Name, unit: l.Unit}
}

// lineFields names the fields in which a and b differ, in document column
// order. Position and Net are left out: moving a line is no change, and the
// net follows from the other fields.
func lineFields(a, b SnapshotLine) []string {
	var f []string
	add := func(differs bool, name string) {
		if differs {
			f = append(f, name)
		}
	}
	add(a.Code != b.Code, "code")
	add(a.Name != b.Name, "name")
	add(a.Description != b.Description, "description")
	add(a.Unit != b.Unit, "unit")
	add(a.Quantity != b.Quantity, "quantity")
	add(a.UnitPrice != b.UnitPrice, "unit_price")
	add(a.Discount != b.Discount, "discount")
	add(a.VATRate != b.VATRate, "vat_rate")
	return f
}

func textChanges(a, b Texts) []string {
	f := []string{}
	if a.Intro != b.Intro {
		f = append(f, "intro")
	}
	if a.Terms != b.Terms {
		f = append(f, "terms")
	}
	if a.Footer != b.Footer {
		f = append(f, "footer")
	}
	return f
}
