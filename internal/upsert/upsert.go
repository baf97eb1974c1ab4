// Package upsert holds what integrations write with: the rule for an
// external id (the id a record has in the system an integration syncs
// from), create-or-update by it that holds under concurrent calls, and
// batches of such writes run all or nothing in one transaction.
package upsert

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/acme/crm/internal/errs"
)

// MaxExternalID is the longest external id, in characters (the migration's
// CHECK repeats it).
const MaxExternalID = 255

// MaxBatch is the most items one batch may hold.
const MaxBatch = 100

// CheckExternalID reports whether s is a usable external id: 1 to 255
// characters of valid UTF-8 without control characters (NUL among them,
// which PostgreSQL text cannot hold). It is errs.Invalid naming field.
// External ids are compared exactly: no trimming, no case folding.
func CheckExternalID(field, s string) error {
	switch {
	case !utf8.ValidString(s):
		return errs.Field(field, "must be valid UTF-8")
	case s == "":
		return errs.Field(field, "must not be empty; leave it out (or null) for none")
	case utf8.RuneCountInString(s) > MaxExternalID:
		return errs.Field(field, fmt.Sprintf("must be at most %d characters", MaxExternalID))
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return errs.Field(field, "must not contain control characters")
	}
	return nil
}

// CheckOptional checks an external id that may be absent (nil).
func CheckOptional(field string, s *string) error {
	if s == nil {
		return nil
	}
	return CheckExternalID(field, *s)
}

// Tx runs work in transactions and savepoints (postgres.DB).
type Tx interface {
	// WithTx runs fn in a transaction carried by its context, joining one
	// already in ctx.
	WithTx(ctx context.Context, fn func(ctx context.Context) error) error
	// Savepoint runs fn in a savepoint of the transaction in ctx (opening
	// one when there is none) and rolls back to it when fn fails, so that
	// the transaction stays usable.
	Savepoint(ctx context.Context, fn func(ctx context.Context) error) error
}

// Taken reports whether err says that the external id is already used by
// another record (a unique violation on it, reported by storage as
// errs.Conflict naming the field external_id).
func Taken(err error) bool {
	e, ok := errs.As(err)
	if !ok || e.Code != errs.Conflict {
		return false
	}
	for _, f := range e.Fields {
		if f.Field == "external_id" {
			return true
		}
	}
	return false
}

// Ops are the steps of one create-or-update by external id.
type Ops[T any] struct {
	// Find reads the record with the external id FOR UPDATE; found false
	// when there is none.
	Find func(ctx context.Context) (T, bool, error)
	// Create stores a new record with the external id.
	Create func(ctx context.Context) (T, error)
	// Update changes the record Find returned (locked).
	Update func(ctx context.Context, cur T) (T, error)
}

// Do creates the record with an external id or updates the one that has it,
// in one transaction, and reports whether it created it. Two concurrent
// calls for a new external id make one record: the create that loses the
// race fails on the unique index (after the winner commits), is rolled back
// to its savepoint, and the call then finds the winner's record, locks it
// and updates it.
func Do[T any](ctx context.Context, tx Tx, ops Ops[T]) (out T, created bool, err error) {
	err = tx.WithTx(ctx, func(ctx context.Context) error {
		for attempt := 0; ; attempt++ {
			cur, found, err := ops.Find(ctx)
			if err != nil {
				return err
			}
			if found {
				out, err = ops.Update(ctx, cur)
				return err
			}
			err = tx.Savepoint(ctx, func(ctx context.Context) error {
				var err error
				out, err = ops.Create(ctx)
				return err
			})
			if Taken(err) && attempt == 0 {
				continue
			}
			created = err == nil
			return err
		}
	})
	return out, created, err
}

// Result is one item of a batch: the record and whether it was created.
type Result[T any] struct {
	Value   T
	Created bool
}

// Batch runs item for each of n items in order, all in one transaction:
// all are written or none. Each item runs in a savepoint, so that after an
// invalid item the others are still checked: the error then lists every
// invalid field of every item as items[i].field (errs.Invalid). Any other
// error stops the batch at once, its message prefixed with the item.
func Batch[T any](ctx context.Context, tx Tx, n int, item func(ctx context.Context, i int) (T, bool, error)) ([]Result[T], error) {
	if n < 1 || n > MaxBatch {
		return nil, errs.Field("items", fmt.Sprintf("must hold from 1 to %d items", MaxBatch))
	}
	out := make([]Result[T], n)
	err := tx.WithTx(ctx, func(ctx context.Context) error {
		var bad []errs.FieldError
		for i := range n {
			err := tx.Savepoint(ctx, func(ctx context.Context) error {
				v, created, err := item(ctx, i)
				out[i] = Result[T]{Value: v, Created: created}
				return err
			})
			if err == nil {
				continue
			}
			e, ok := errs.As(err)
			if !ok {
				return fmt.Errorf("batch item %d: %w", i, err)
			}
			if e.Code == errs.Invalid {
				bad = append(bad, itemFields(i, e)...)
				continue
			}
			return errs.Wrap(err, e.Code, "items[%d]: %s", i, e.Message)
		}
		return errs.Fields("invalid items: nothing was written", bad...)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// itemFields prefixes an item's invalid fields with items[i].
func itemFields(i int, e *errs.Error) []errs.FieldError {
	prefix := fmt.Sprintf("items[%d]", i)
	if len(e.Fields) == 0 {
		return []errs.FieldError{{Field: prefix, Message: e.Message}}
	}
	out := make([]errs.FieldError, len(e.Fields))
	for j, f := range e.Fields {
		out[j] = errs.FieldError{Field: prefix + "." + f.Field, Message: f.Message}
	}
	return out
}

// Change is a PATCH of an external id: a nil Value clears it.
type Change struct{ Value *string }
