// Package tenant carries the current workspace through a context. Storage scopes
// every query on a tenant table by it, so the workspace can only ever come from
// the authenticated principal that the HTTP layer puts here.
package tenant

import (
	"context"

	"github.com/google/uuid"
)

type key int

const (
	workspaceKey key = iota
	systemKey
)

// With returns a context scoped to the workspace.
func With(ctx context.Context, workspaceID uuid.UUID) context.Context {
	return context.WithValue(ctx, workspaceKey, workspaceID)
}

// From returns the workspace of ctx; ok is false when there is none.
func From(ctx context.Context) (uuid.UUID, bool) {
	id, ok := ctx.Value(workspaceKey).(uuid.UUID)
	return id, ok && id != uuid.Nil
}

// System marks ctx as acting across workspaces (log-in by e-mail, token and
// API-key look-ups, signup). Only identity code uses it, for those look-ups.
func System(ctx context.Context) context.Context {
	return context.WithValue(ctx, systemKey, true)
}

// IsSystem reports whether ctx was marked by System.
func IsSystem(ctx context.Context) bool {
	v, _ := ctx.Value(systemKey).(bool)
	return v
}
