// Package money holds the exact arithmetic behind product lines on
// opportunities, quotes and invoices: ISO 4217 currencies, basis points,
// quantities in thousandths, amounts in integer minor units, rounding half
// away from zero, the totals engine (line nets, offer discount, VAT per rate
// as EN 16931 BR-CO-17 asks) and formatting of amounts for documents.
//
// Amounts are plain int64 minor units (öre, cent). No float is used anywhere:
// every product of quantity, price and percentages is computed exactly in
// 128-bit integers and rounded once.
package money

import "github.com/acme/crm/internal/errs"

// Currency is an ISO 4217 alphabetic code such as "SEK". Obtain one with
// ParseCurrency so that it is known to be active.
type Currency string

// ParseCurrency returns the currency for an active ISO 4217 code. The code
// must be exactly three upper-case letters ("SEK", not "sek"), so that what is
// stored is what the client sent. Unknown or withdrawn codes answer an
// errs.Invalid error.
func ParseCurrency(s string) (Currency, error) {
	c := Currency(s)
	if !c.Valid() {
		return "", errs.Invalidf("currency must be an active ISO 4217 code such as SEK, got %q", s)
	}
	return c, nil
}

// Valid reports whether c is an active ISO 4217 code with a minor unit.
func (c Currency) Valid() bool {
	_, ok := exponents[c]
	return ok
}

// Exponent returns the number of decimals of c's minor unit: 2 for SEK
// (100 öre), 0 for JPY, 3 for KWD. An unknown currency answers 2, the most
// common exponent, so that formatting never fails; validate with
// ParseCurrency or Valid first.
func (c Currency) Exponent() int {
	if e, ok := exponents[c]; ok {
		return e
	}
	return 2
}

// String returns the ISO code.
func (c Currency) String() string { return string(c) }
