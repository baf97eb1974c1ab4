package errs_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"testing"

	"github.com/acme/crm/internal/errs"
)

type sqlState string

func (s sqlState) Error() string    { return "pg: " + string(s) }
func (s sqlState) SQLState() string { return string(s) }

type lockErr struct{}

func (lockErr) Error() string     { return "conn busy" }
func (lockErr) SafeToRetry() bool { return true }

// TestConnectionLost: the ways a dropped database connection surfaces are
// unavailable; input and constraint errors are not.
func TestConnectionLost(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{fmt.Errorf("query: %w", io.ErrUnexpectedEOF), true},
		{errors.New("failed to deallocate cached statement(s): conn closed"), true},
		{&net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}, true},
		{fmt.Errorf("x: %w", net.ErrClosed), true},
		{lockErr{}, true},
		{sqlState("57P01"), true},
		{sqlState("08006"), true},
		{sqlState("23505"), false},
		{errors.New("boom"), false},
		{nil, false},
	} {
		if got := errs.ConnectionLost(tc.err); got != tc.want {
			t.Errorf("ConnectionLost(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
