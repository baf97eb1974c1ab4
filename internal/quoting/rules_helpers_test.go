package quoting

import (
	"slices"
	"testing"

	"github.com/acme/crm/internal/errs"
)

func ptr[T any](v T) *T { return &v }

// wantFields fails unless err is an Invalid error listing exactly fields,
// in order; no fields wants no error.
func wantFields(t *testing.T, err error, fields ...string) {
	t.Helper()
	if len(fields) == 0 {
		if err != nil {
			t.Fatalf("got error %v, want none", err)
		}
		return
	}
	e, ok := errs.As(err)
	if !ok || e.Code != errs.Invalid {
		t.Fatalf("got error %v, want invalid on %v", err, fields)
	}
	var got []string
	for _, f := range e.Fields {
		got = append(got, f.Field)
	}
	if !slices.Equal(got, fields) {
		t.Fatalf("got fields %v, want %v", got, fields)
	}
}

// wantCode fails unless err carries code.
func wantCode(t *testing.T, err error, code errs.Code) {
	t.Helper()
	if got := errs.CodeOf(err); err == nil || got != code {
		t.Fatalf("got error %v (code %s), want code %s", err, got, code)
	}
}
