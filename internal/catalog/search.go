package catalog

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/acme/crm/internal/errs"
)

// Filter narrows a product list. Query is the type-ahead: products whose
// code or name starts with it, or where every word of it starts a word of the
// name, best matches first (see Rank).
type Filter struct {
	Query string
	// Active filters on the flag when set; otherwise inactive products are
	// left out unless IncludeInactive.
	Active          *bool
	IncludeInactive bool
	// ExternalID keeps the product with that external id, active or not
	// (unless Active says otherwise); it cannot be combined with Query.
	ExternalID string
}

// Rank orders type-ahead matches: a lower rank is a better match. Within a
// rank, code matches sort by code and name matches by name.
type Rank int

const (
	RankExactCode  Rank = iota // the code, ignoring case
	RankCodePrefix             // the code starts with the query
	RankNamePrefix             // the name starts with the query
	RankWordPrefix             // every query word starts a word of the name
)

// MinWordPrefix is the shortest query that also matches word prefixes: one
// letter would match most words of a large catalogue, all ranked last,
// while codes and names starting with it are still found.
const MinWordPrefix = 2

// MaxQueryLen bounds the type-ahead text.
const MaxQueryLen = 100

// CheckQuery trims q and refuses overlong queries (errs.Invalid on "q").
func CheckQuery(q string) (string, error) {
	q = strings.TrimSpace(q)
	if utf8.RuneCountInString(q) > MaxQueryLen {
		return "", errs.Field("q", "must be at most 100 characters")
	}
	return q, nil
}

// SearchWords splits a query into lower-cased runs of letters and digits,
// the way PostgreSQL's 'simple' text search splits names into words; "Wi-Fi
// ro" gives [wi fi ro]. Only letters and digits survive, so the words are
// safe to quote into a tsquery.
func SearchWords(q string) []string {
	return strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}
