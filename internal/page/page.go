// Package page describes keyset pagination independently of HTTP and SQL:
// the API layer encodes cursors, storage turns them into WHERE clauses.
package page

import "github.com/google/uuid"

const (
	// DefaultLimit is the page size when the caller names none.
	DefaultLimit = 50
	// MaxLimit is the largest page a caller may ask for.
	MaxLimit = 200
)

// Cursor points just past the last row of a page: the sort key's value
// (as text, cast by storage) and the row id that breaks ties.
type Cursor struct {
	Sort  string    `json:"s"`
	Value *string   `json:"v,omitempty"`
	ID    uuid.UUID `json:"i"`
}

// Request asks for one page sorted by Sort (a field name the resource allows).
type Request struct {
	Limit  int
	Sort   string
	Desc   bool
	Cursor *Cursor
}

// Page is one page of items and the cursor for the next, nil on the last page.
type Page[T any] struct {
	Items []T
	Next  *Cursor
}
