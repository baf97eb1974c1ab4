// Package errstest holds the checks the domain packages' tests make on
// errs errors, so that each package's tests do not carry a copy.
package errstest

import (
	"slices"
	"testing"

	"github.com/acme/crm/internal/errs"
)

// FieldsOf lists the fields of an Invalid error in order; nil for no
// error. Any other error fails the test.
func FieldsOf(t testing.TB, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	e, ok := errs.As(err)
	if !ok || e.Code != errs.Invalid {
		t.Fatalf("got %v, want an invalid error", err)
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field)
	}
	return out
}

// WantFields fails unless err is an Invalid error listing exactly fields,
// in order; no fields wants no error.
func WantFields(t testing.TB, err error, fields ...string) {
	t.Helper()
	if len(fields) == 0 {
		if err != nil {
			t.Fatalf("got error %v, want none", err)
		}
		return
	}
	if got := FieldsOf(t, err); !slices.Equal(got, fields) {
		t.Fatalf("got fields %v, want %v", got, fields)
	}
}

// WantCode fails unless err carries code.
func WantCode(t testing.TB, err error, code errs.Code) {
	t.Helper()
	if got := errs.CodeOf(err); err == nil || got != code {
		t.Fatalf("got error %v (code %s), want code %s", err, got, code)
	}
}
