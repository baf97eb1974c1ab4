package imports

import (
	"strconv"
	"strings"

	"github.com/acme/crm/internal/errs"
)

// ParseAmount reads an amount in major units into minor units (hundredths)
// as people and spreadsheets write it: "1 234,50" and "1234,5" (Swedish:
// decimal comma, spaces between thousands), "1,234.50" and "1234.50", or
// "1.234,50". With both separators the last is the decimal one; a lone
// separator followed by exactly three digits more than once ("1.234.567")
// groups thousands. At most two decimals; field names the column in the
// error (errs.Invalid).
func ParseAmount(field, s string) (int64, error) {
	bad := errs.Field(field, "must be an amount such as 1 234,50 or 1234.50 (at most two decimals)")
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u00a0', '\u202f', '\'':
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return 0, bad
	}
	dec := strings.LastIndexAny(s, ",.")
	intPart, frac := s, ""
	if dec >= 0 {
		sep := s[dec]
		other := byte(',')
		if sep == ',' {
			other = '.'
		}
		switch {
		case strings.IndexByte(s, other) >= 0: // "1.234,50": other groups thousands
			if !groups(s[:dec], other) {
				return 0, bad
			}
			intPart, frac = strings.ReplaceAll(s[:dec], string(other), ""), s[dec+1:]
		case strings.Count(s, string(sep)) > 1: // "1.234.567": thousands only
			if !groups(s, sep) {
				return 0, bad
			}
			intPart = strings.ReplaceAll(s, string(sep), "")
		default:
			intPart, frac = s[:dec], s[dec+1:]
		}
	}
	if len(frac) > 2 || intPart == "" || strings.IndexByte(intPart, ',') >= 0 || strings.IndexByte(intPart, '.') >= 0 {
		return 0, bad
	}
	frac += strings.Repeat("0", 2-len(frac))
	n, err := strconv.ParseInt(intPart+frac, 10, 64)
	if err != nil || n > 1e15 {
		return 0, bad
	}
	for _, r := range intPart + frac {
		if r < '0' || r > '9' {
			return 0, bad
		}
	}
	if neg {
		n = -n
	}
	return n, nil
}

// groups reports whether s is digits grouped by sep in threes after the
// first group ("1.234.567").
func groups(s string, sep byte) bool {
	parts := strings.Split(s, string(sep))
	if len(parts[0]) == 0 || len(parts[0]) > 3 {
		return false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 {
			return false
		}
	}
	return true
}
