package invoicing

import (
	"strconv"

	"github.com/acme/crm/internal/errs"
)

// LuhnDigit returns the check digit that the Luhn (modulus 10) algorithm
// appends to digits: from the right, every second digit starting with the
// last is doubled (9 subtracted when it passes 9), and the check digit tops
// the sum up to a multiple of ten. digits must be ASCII digits.
func LuhnDigit(digits string) byte {
	sum := 0
	double := true
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}

// ValidLuhn reports whether s is at least two digits whose last is the
// Luhn check digit of the others.
func ValidLuhn(s string) bool {
	if len(s) < 2 || !allDigits(s) {
		return false
	}
	return LuhnDigit(s[:len(s)-1]) == s[len(s)-1]
}

// OCR returns the Swedish OCR payment reference of an invoice number of
// year and sequence: the year's four digits, the sequence with at least
// four digits, and the Luhn check digit ("2026", "0042" → "202600425").
// Its length varies with the sequence (variable-length OCR with a check
// digit, as Bankgirot's "soft" and "hard" checks accept; no length digit).
// Every reference is unique per workspace because the number is, and a
// payment's reference finds its invoice (Filter.OCR).
func OCR(year, seq int) (string, error) {
	if year < 1 || year > 9999 || seq < 1 || seq > 999_999_999 {
		return "", errs.Invalidf("no OCR reference for year %d and sequence %d", year, seq)
	}
	base := pad(year, 4) + pad(seq, 4)
	return base + string(LuhnDigit(base)), nil
}

// CheckOCR answers an errs.Invalid error on field unless s is a valid OCR
// reference: 2 to 25 digits with a correct Luhn check digit.
func CheckOCR(field, s string) error {
	if len(s) < 2 || len(s) > 25 || !ValidLuhn(s) {
		return errs.Field(field, "must be an OCR reference: 2 to 25 digits ending in a Luhn check digit")
	}
	return nil
}

func pad(n, width int) string {
	s := strconv.Itoa(n)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
