// Package idempotency describes the records that make POST requests safe to
// retry: the HTTP layer claims a key, runs the request and stores the
// response; storage keeps the records.
package idempotency

import (
	"context"

	"github.com/google/uuid"
)

// Key identifies one client operation: the workspace, the principal and the
// key the client chose.
type Key struct {
	WorkspaceID uuid.UUID
	PrincipalID uuid.UUID
	Key         string
}

// Response is a response kept for replay.
type Response struct {
	RequestHash []byte
	Done        bool
	Status      int
	Header      map[string]string
	Body        []byte
}

// Store keeps idempotency records for 24 hours.
type Store interface {
	// Begin claims k for a request with hash; claimed is false when k is
	// already known, and then prev is its record.
	Begin(ctx context.Context, k Key, hash []byte) (claimed bool, prev Response, err error)
	// Complete stores the response of a claimed key.
	Complete(ctx context.Context, k Key, resp Response) error
	// Release forgets a claimed key (the request failed and may be retried).
	Release(ctx context.Context, k Key) error
}
