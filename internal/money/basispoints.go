package money

import (
	"strconv"
	"strings"

	"github.com/acme/crm/internal/errs"
)

// BasisPoints is a percentage in hundredths of a percent: 2500 is 25 %,
// 750 is 7.5 %. Discounts and VAT rates use it so that no float is needed.
type BasisPoints int

// Whole is 100 % in basis points.
const Whole BasisPoints = 10000

// Valid reports whether b lies in 0..10000 (0 % to 100 %), the range of
// every discount and VAT rate.
func (b BasisPoints) Valid() bool { return b >= 0 && b <= Whole }

// Validate returns an errs.Invalid error naming field when b is outside
// 0..10000, and nil otherwise.
func (b BasisPoints) Validate(field string) error {
	if b.Valid() {
		return nil
	}
	return errs.Field(field, "must be between 0 and 10000 basis points (0 to 100 %)")
}

// Format writes b as a percentage for documents: "25 %" and "7,5 %" in
// Swedish ("sv", with a no-break space), "25%" and "7.5%" otherwise.
// Trailing zero decimals are dropped.
func (b BasisPoints) Format(lang string) string {
	sv := isSwedish(lang)
	n := int64(b)
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	s := strconv.FormatInt(n/100, 10)
	if frac := n % 100; frac != 0 {
		dec := "."
		if sv {
			dec = ","
		}
		s += dec + strings.TrimRight(strconv.FormatInt(100+frac, 10)[1:], "0")
	}
	if sv {
		return sign + s + nbsp + "%"
	}
	return sign + s + "%"
}
