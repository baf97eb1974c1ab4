package postgres

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestReplicaFault: only failures of the replica itself send a read to the
// primary; a query's own error would fail there too, and a cancelled
// request is not retried at all.
func TestReplicaFault(t *testing.T) {
	t.Parallel()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		err  error
		want bool
	}{
		{"connection lost", context.Background(), io.ErrUnexpectedEOF, true},
		{"connection refused", context.Background(), &pgconn.ConnectError{}, true},
		{"server shutting down", context.Background(), &pgconn.PgError{Code: "57P01"}, true},
		{"too many connections", context.Background(), &pgconn.PgError{Code: "53300"}, true},
		{"conflict with recovery", context.Background(), &pgconn.PgError{Code: "40001"}, true},
		{"protocol violation", context.Background(), &pgconn.PgError{Code: "08P01"}, true},
		{"syntax error", context.Background(), &pgconn.PgError{Code: "42601"}, false},
		{"bad input", context.Background(), &pgconn.PgError{Code: "22P02"}, false},
		{"request cancelled", cancelled, errors.New("context canceled"), false},
	}
	for _, tt := range tests {
		if got := replicaFault(tt.ctx, tt.err); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}
