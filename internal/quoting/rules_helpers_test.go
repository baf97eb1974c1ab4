package quoting

import (
	"testing"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/errs/errstest"
)

func ptr[T any](v T) *T { return &v }

// wantFields and wantCode are errstest's checks (see there).
func wantFields(t *testing.T, err error, fields ...string) {
	t.Helper()
	errstest.WantFields(t, err, fields...)
}

func wantCode(t *testing.T, err error, code errs.Code) {
	t.Helper()
	errstest.WantCode(t, err, code)
}
