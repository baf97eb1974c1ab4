package money

import (
	"fmt"
	"slices"

	"github.com/acme/crm/internal/errs"
)

// Line is the arithmetic part of a product line: how many, at what price,
// with which line discount and VAT rate. Descriptions and product ids live
// with the callers.
type Line struct {
	Quantity Quantity
	// UnitPrice is in minor units, 0..MaxAmount. Negative prices (credit
	// lines) are refused: a credit is a separate document, and allowing them
	// would let a line discount or an offer discount raise a total.
	UnitPrice int64
	Discount  BasisPoints // line discount, 0..10000
	VATRate   BasisPoints // 0..10000; 2500 is Swedish standard VAT
}

// Validate returns an errs.Invalid error listing every invalid field of l by
// its JSON name (quantity, unit_price, discount, vat_rate), or nil.
func (l Line) Validate() error {
	return errs.Fields("invalid product line", l.check()...)
}

// check returns l's field errors by JSON name.
func (l Line) check() []errs.FieldError {
	var fe []errs.FieldError
	if l.Quantity.IsZero() {
		fe = append(fe, errs.FieldError{Field: "quantity", Message: "must be greater than 0"})
	}
	if l.UnitPrice < 0 || l.UnitPrice > MaxAmount {
		fe = append(fe, errs.FieldError{Field: "unit_price",
			Message: fmt.Sprintf("must be between 0 and %d minor units", MaxAmount)})
	}
	if !l.Discount.Valid() {
		fe = append(fe, errs.FieldError{Field: "discount", Message: "must be between 0 and 10000 basis points"})
	}
	if !l.VATRate.Valid() {
		fe = append(fe, errs.FieldError{Field: "vat_rate", Message: "must be between 0 and 10000 basis points"})
	}
	return fe
}

// LineNet returns quantity × unit price × (1 − discount) in minor units,
// computed exactly and rounded half away from zero once. It answers an
// errs.Invalid error when l is invalid (see Validate) or the net exceeds
// MaxAmount.
func LineNet(l Line) (int64, error) {
	if err := l.Validate(); err != nil {
		return 0, err
	}
	return lineNet(l)
}

// lineNet computes a valid line's net. Quantity thousandths (< 10^15) times
// the remaining basis points (≤ 10^4) fits in uint64; times the price
// (< 10^15) it needs 128 bits, which mulDivRoundU provides, and it is divided
// by 1000 × 10000 in the same step, so nothing is rounded twice.
func lineNet(l Line) (int64, error) {
	f := uint64(l.Quantity.milli) * uint64(Whole-l.Discount)
	q, ok := mulDivRoundU(f, uint64(l.UnitPrice), 1000*uint64(Whole))
	if !ok || q > uint64(MaxAmount) {
		return 0, errs.Invalidf("line net exceeds the maximum amount %d", MaxAmount)
	}
	return int64(q), nil
}

// Totals are the figures of a set of lines, all in minor units of Currency.
// They tie out to the minor unit: Subtotal − OfferDiscountAmount = Net =
// Σ VAT[i].Base, VATTotal = Σ VAT[i].Amount, Total = Net + VATTotal.
type Totals struct {
	LineNets            []int64 // each line's net, in the order given
	Subtotal            int64   // Σ line nets
	OfferDiscountAmount int64   // Subtotal − Net
	Net                 int64   // Σ VAT bases: the amount VAT is charged on
	VAT                 []VATAmount
	VATTotal            int64 // Σ VAT amounts
	Total               int64 // Net + VATTotal: what the customer pays
	Currency            Currency
}

// VATAmount is the VAT breakdown for one rate (EN 16931 BG-23): the taxable
// base after the offer discount, and the VAT on it rounded once.
type VATAmount struct {
	Rate   BasisPoints
	Base   int64
	Amount int64
}

// Compute returns the totals of lines with the offer discount (on the whole
// offer, 0..10000 basis points) in currency c.
//
// Per VAT rate, the base is the sum of that rate's line nets reduced by the
// offer discount and rounded half away from zero; the offer discount amount
// is what the rounding left, Subtotal − Σ bases, so nothing is lost or
// invented. VAT is computed per rate on the summed base and rounded once
// (EN 16931 BR-CO-17), never per line. Totals.VAT has one entry per rate
// present in lines, highest rate first, zero rates included (documents must
// show them); it is empty, not nil, for no lines, and every figure is then 0.
//
// Invalid input answers an errs.Invalid error listing every bad field:
// "currency", "offer_discount", and "lines.<i>.quantity", "lines.<i>.unit_price",
// "lines.<i>.discount", "lines.<i>.vat_rate" (i from 0). Amounts beyond
// MaxAmount also answer errs.Invalid.
func Compute(lines []Line, offerDiscount BasisPoints, c Currency) (Totals, error) {
	if err := validate(lines, offerDiscount, c); err != nil {
		return Totals{}, err
	}
	nets := make([]int64, len(lines))
	rates := make([]BasisPoints, len(lines))
	for i, l := range lines {
		net, err := lineNet(l)
		if err != nil {
			return Totals{}, errs.Field(fmt.Sprintf("lines.%d", i), "line net exceeds the maximum amount")
		}
		nets[i], rates[i] = net, l.VATRate
	}
	return fromNets(nets, rates, offerDiscount, c)
}

// FromNets returns the totals of lines whose nets are already known (in
// minor units, 0..MaxAmount each) with their VAT rates, exactly as Compute
// does from there on: the offer discount per rate, VAT per rate on the
// summed base rounded once. A credit note that takes a line's remaining net
// uses it. Invalid input answers errs.Invalid.
func FromNets(nets []int64, rates []BasisPoints, offerDiscount BasisPoints, c Currency) (Totals, error) {
	var fe []errs.FieldError
	if !c.Valid() {
		fe = append(fe, errs.FieldError{Field: "currency", Message: "must be an active ISO 4217 code such as SEK"})
	}
	if !offerDiscount.Valid() {
		fe = append(fe, errs.FieldError{Field: "offer_discount", Message: "must be between 0 and 10000 basis points"})
	}
	if len(nets) != len(rates) {
		fe = append(fe, errs.FieldError{Field: "lines", Message: "every net needs its VAT rate"})
	}
	for i := range nets {
		if nets[i] < 0 || nets[i] > MaxAmount || (i < len(rates) && !rates[i].Valid()) {
			fe = append(fe, errs.FieldError{Field: fmt.Sprintf("lines.%d", i), Message: "net or VAT rate out of range"})
		}
	}
	if err := errs.Fields("invalid line nets", fe...); err != nil {
		return Totals{}, err
	}
	return fromNets(slices.Clone(nets), rates, offerDiscount, c)
}

// fromNets computes the totals of valid nets, keeping nets as LineNets.
func fromNets(nets []int64, rates []BasisPoints, offerDiscount BasisPoints, c Currency) (Totals, error) {
	t := Totals{Currency: c, LineNets: nets}
	groups := make([]VATAmount, 0, 4) // Base holds the undiscounted sum until discounted
	for i, net := range nets {
		t.Subtotal += net // each net ≤ MaxAmount, so the sum cannot wrap before the check
		if t.Subtotal > MaxAmount {
			return Totals{}, errs.Invalidf("the lines' subtotal exceeds the maximum amount %d", MaxAmount)
		}
		groups = addToRate(groups, rates[i], net)
	}
	slices.SortFunc(groups, func(a, b VATAmount) int { return int(b.Rate - a.Rate) })
	for i := range groups {
		g := &groups[i]
		g.Base = applyBP(g.Base, Whole-offerDiscount)
		g.Amount = applyBP(g.Base, g.Rate)
		t.Net += g.Base
		t.VATTotal += g.Amount
	}
	t.VAT = groups
	t.OfferDiscountAmount = t.Subtotal - t.Net
	t.Total = t.Net + t.VATTotal
	if t.Total > MaxAmount {
		return Totals{}, errs.Invalidf("the total exceeds the maximum amount %d", MaxAmount)
	}
	return t, nil
}

// addToRate adds net to the group of rate, appending the group if needed.
// Offers carry a handful of rates, so a linear scan beats a map.
func addToRate(groups []VATAmount, rate BasisPoints, net int64) []VATAmount {
	for i := range groups {
		if groups[i].Rate == rate {
			groups[i].Base += net
			return groups
		}
	}
	return append(groups, VATAmount{Rate: rate, Base: net})
}

// validate checks everything Compute needs and reports all field errors at
// once, so that a client can fix a whole form in one round trip.
func validate(lines []Line, offerDiscount BasisPoints, c Currency) error {
	var fe []errs.FieldError
	if !c.Valid() {
		fe = append(fe, errs.FieldError{Field: "currency", Message: "must be an active ISO 4217 code such as SEK"})
	}
	if !offerDiscount.Valid() {
		fe = append(fe, errs.FieldError{Field: "offer_discount", Message: "must be between 0 and 10000 basis points"})
	}
	for i, l := range lines {
		for _, f := range l.check() { // no prefix built for valid lines: Compute stays allocation-light
			f.Field = fmt.Sprintf("lines.%d.%s", i, f.Field)
			fe = append(fe, f)
		}
	}
	return errs.Fields("invalid product lines", fe...)
}
