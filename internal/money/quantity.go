package money

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/acme/crm/internal/errs"
)

// Quantity is a positive number of units with at most three decimals
// (1.5 hours, 0.125 kg), stored exactly as thousandths. The zero value means
// "no quantity" and is rejected wherever a line is computed.
//
// In PostgreSQL it maps to numeric(15,3): Thousandths and
// QuantityFromThousandths convert, and MaxQuantityThousandths is that
// column's largest value.
type Quantity struct {
	milli int64
}

// MaxQuantityThousandths is the largest quantity in thousandths:
// 999 999 999 999.999, the largest value of numeric(15,3).
const MaxQuantityThousandths int64 = 999_999_999_999_999

// maxNumberLen bounds the text ParseQuantity looks at, so that a hostile
// exponent or a megabyte of zeros cannot cost more than a few comparisons.
const maxNumberLen = 64

// ParseQuantity parses a JSON number such as "1", "1.5", "0.125" or "1e2"
// (a json.Number converts with string(n)). The value must be greater than 0,
// be a whole number of thousandths (so "1.0001" and "1e-4" are refused, while
// "1.5000" is the exact value 1.5 and accepted) and not exceed
// MaxQuantityThousandths. Every refusal is an errs.Invalid error whose
// message suits a field error for "quantity".
func ParseQuantity(s string) (Quantity, error) {
	d, ok := scanNumber(s)
	switch {
	case !ok:
		return Quantity{}, errs.Invalidf("quantity must be a number such as 1 or 1.5")
	case d.neg || d.digits == "":
		return Quantity{}, errs.Invalidf("quantity must be greater than 0")
	case d.exp < -3:
		return Quantity{}, errs.Invalidf("quantity may have at most 3 decimals")
	case len(d.digits)+d.exp+3 > 15:
		return Quantity{}, errs.Invalidf("quantity is too large")
	}
	milli, err := strconv.ParseInt(d.digits+strings.Repeat("0", d.exp+3), 10, 64)
	if err != nil { // unreachable after the length check; kept as a guard
		return Quantity{}, errs.Invalidf("quantity is too large")
	}
	return Quantity{milli: milli}, nil
}

// QuantityFromThousandths returns the quantity n/1000, as read back from the
// database. n must lie in 1..MaxQuantityThousandths, or an errs.Invalid
// error comes back.
func QuantityFromThousandths(n int64) (Quantity, error) {
	if n <= 0 || n > MaxQuantityThousandths {
		return Quantity{}, errs.Invalidf("quantity must be between 0.001 and 999999999999.999")
	}
	return Quantity{milli: n}, nil
}

// Thousandths returns q in thousandths of a unit (1.5 → 1500).
func (q Quantity) Thousandths() int64 { return q.milli }

// IsZero reports whether q is the zero value, which no valid line carries.
func (q Quantity) IsZero() bool { return q.milli == 0 }

// String returns q as a JSON number without trailing zeros: "2", "1.5",
// "0.125".
func (q Quantity) String() string {
	whole, frac := q.parts()
	if frac == "" {
		return whole
	}
	return whole + "." + frac
}

// Format writes q for documents: "1 234,5" in Swedish ("sv", no-break space
// between thousands), "1,234.5" otherwise.
func (q Quantity) Format(lang string) string {
	whole, frac := q.parts()
	sv := isSwedish(lang)
	s := group(whole, sv)
	if frac != "" {
		s += decimalSep(sv) + frac
	}
	return s
}

// parts splits q into its whole digits and its decimals without trailing
// zeros ("" when q is whole).
func (q Quantity) parts() (whole, frac string) {
	m := q.milli // never negative: the constructors refuse it
	whole = strconv.FormatInt(m/1000, 10)
	frac = strings.TrimRight(strconv.FormatInt(1000+m%1000, 10)[1:], "0")
	return whole, frac
}

// MarshalJSON writes q as a JSON number, as String does.
func (q Quantity) MarshalJSON() ([]byte, error) {
	return []byte(q.String()), nil
}

// UnmarshalJSON reads a JSON number with ParseQuantity's rules. A JSON
// string ("1.5") is refused: quantities are numbers in the API. null leaves
// q unchanged, as encoding/json does for other types.
func (q *Quantity) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if string(data) == "null" {
		return nil
	}
	v, err := ParseQuantity(string(data))
	if err != nil {
		return err
	}
	*q = v
	return nil
}

// decimal is a scanned number: digits × 10^exp, with digits free of leading
// and trailing zeros ("" for zero).
type decimal struct {
	neg    bool
	digits string
	exp    int
}

// scanNumber parses s by the JSON number grammar (RFC 8259 section 6):
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?. It reports false for
// anything else, including leading "+", leading zeros, "1." and ".5".
func scanNumber(s string) (decimal, bool) {
	var d decimal
	if len(s) == 0 || len(s) > maxNumberLen {
		return d, false
	}
	i := 0
	if s[0] == '-' {
		d.neg, i = true, 1
	}
	intStart := i
	i = skipDigits(s, i)
	if i == intStart || (s[intStart] == '0' && i-intStart > 1) {
		return d, false
	}
	mant := s[intStart:i]
	if i < len(s) && s[i] == '.' {
		fracStart := i + 1
		i = skipDigits(s, fracStart)
		if i == fracStart {
			return d, false
		}
		mant += s[fracStart:i]
		d.exp = -(i - fracStart)
	}
	exp, i, ok := scanExponent(s, i)
	if !ok || i != len(s) {
		return d, false
	}
	d.exp += exp
	trimmed := strings.TrimRight(mant, "0")
	d.exp += len(mant) - len(trimmed)
	d.digits = strings.TrimLeft(trimmed, "0")
	return d, true
}

// scanExponent reads an optional exponent at s[i:] and returns its value and
// the index after it. Because s is at most maxNumberLen long, clamping the
// exponent at ±10000 cannot change whether the value is a whole number of
// thousandths or within range.
func scanExponent(s string, i int) (int, int, bool) {
	if i == len(s) || (s[i] != 'e' && s[i] != 'E') {
		return 0, i, true
	}
	i++
	sign := 1
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		if s[i] == '-' {
			sign = -1
		}
		i++
	}
	start, exp := i, 0
	for ; i < len(s) && isDigit(s[i]); i++ {
		exp = min(exp*10+int(s[i]-'0'), 10000)
	}
	return sign * exp, i, i > start
}

func skipDigits(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }
