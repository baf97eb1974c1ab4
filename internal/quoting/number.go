package quoting

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/acme/crm/internal/errs"
)

// maxSeqDigits bounds the sequence part so that it always fits an int, and
// a workspace's billion quotes a year is far beyond any real use.
const maxSeqDigits = 9

// FormatNumber writes a quote number "{year}-{sequence}": the year with four
// digits and the sequence with at least four, more once it passes 9999
// ("2026-0042", "2026-12345"). year must lie in 1..9999 and seq be ≥ 1; the
// storage counter that hands out seq per workspace and year keeps the numbers
// gap-free.
func FormatNumber(year, seq int) string {
	return fmt.Sprintf("%04d-%04d", year, seq)
}

// ParseNumber reads a number written by FormatNumber and answers its year
// and sequence. It accepts only the canonical form, so that every number has
// one spelling: "2026-42" and "2026-00042" are refused, as is anything but
// digits. A refusal is an errs.Invalid error.
func ParseNumber(s string) (year, seq int, err error) {
	y, q, ok := strings.Cut(s, "-")
	if !ok || len(y) != 4 || len(q) < 4 || len(q) > maxSeqDigits || !digits(y) || !digits(q) ||
		len(q) > 4 && q[0] == '0' {
		return 0, 0, invalidNumber(s)
	}
	year, _ = strconv.Atoi(y) // cannot fail: four digits
	seq, _ = strconv.Atoi(q)  // cannot fail: at most nine digits
	if year == 0 || seq == 0 {
		return 0, 0, invalidNumber(s)
	}
	return year, seq, nil
}

func invalidNumber(s string) error {
	return errs.Invalidf("invalid quote number %q: want year-sequence such as 2026-0042", s)
}

// digits reports whether s is made of ASCII digits only.
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
