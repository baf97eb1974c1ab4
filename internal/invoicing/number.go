package invoicing

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/acme/crm/internal/errs"
)

// DefaultNumberFormat is a workspace's invoice number format until an
// admin sets another: "2026-0001".
const DefaultNumberFormat = "{year}-{seq}"

// placeholder matches {year}, {yy}, {seq} and {seq:N}.
var placeholder = regexp.MustCompile(`\{(year|yy|seq)(?::([1-9]))?\}`)

// literal is what a format may hold between placeholders: characters that
// are safe in file names, e-mail subjects and UBL identifiers.
var literal = regexp.MustCompile(`^[A-Za-z0-9 ._/#-]*$`)

// CheckNumberFormat answers an errs.Invalid error on field when format is
// not a usable invoice number format: at most 40 characters, {seq} (or
// {seq:N}, N digits at least, 1–9; {seq} is {seq:4}) exactly once, {year}
// or {yy} (the series restarts every year, so the year must be in the
// number to keep numbers unique), and otherwise letters, digits, space and
// . _ / # -.
func CheckNumberFormat(field, format string) error {
	bad := func(msg string) error { return errs.Field(field, msg) }
	if format == "" || len(format) > 40 {
		return bad("must be 1 to 40 characters")
	}
	seqs, years := 0, 0
	for _, m := range placeholder.FindAllStringSubmatch(format, -1) {
		switch m[1] {
		case "seq":
			seqs++
		default:
			if m[2] != "" {
				return bad("{year} and {yy} take no width")
			}
			years++
		}
	}
	if seqs != 1 {
		return bad("must contain {seq} (or {seq:N}) exactly once")
	}
	if years == 0 {
		return bad("must contain {year} or {yy}: the sequence restarts every year")
	}
	if !literal.MatchString(placeholder.ReplaceAllString(format, "")) {
		return bad("may contain, besides {year}, {yy} and {seq}, only letters, digits, space and . _ / # -")
	}
	return nil
}

// FormatNumber writes the number of sequence seq in year with format (see
// CheckNumberFormat; an invalid format falls back to the default):
// "{year}-{seq}" gives "2026-0042", "F{yy}{seq:6}" gives "F26000042".
func FormatNumber(format string, year, seq int) string {
	if CheckNumberFormat("f", format) != nil {
		format = DefaultNumberFormat
	}
	return placeholder.ReplaceAllStringFunc(format, func(p string) string {
		m := placeholder.FindStringSubmatch(p)
		switch m[1] {
		case "year":
			return fmt.Sprintf("%04d", year)
		case "yy":
			return fmt.Sprintf("%02d", year%100)
		}
		width := 4
		if m[2] != "" {
			width, _ = strconv.Atoi(m[2])
		}
		return fmt.Sprintf("%0*d", width, seq)
	})
}

// fileSafe turns a number into a file-name part.
func fileSafe(number string) string {
	return strings.NewReplacer("/", "-", " ", "_", "#", "").Replace(number)
}
