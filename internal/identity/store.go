package identity

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/page"
)

// Store persists identity data. Methods are scoped to the context's
// workspace unless the context is marked tenant.System. Missing rows are
// errs.NotFound, duplicate e-mails errs.Conflict.
type Store interface {
	WithTx(ctx context.Context, fn func(ctx context.Context) error) error

	CreateWorkspace(ctx context.Context, ws Workspace) error
	Workspace(ctx context.Context) (Workspace, error)
	UpdateWorkspace(ctx context.Context, patch WorkspacePatch, ifVersion *int64) (Workspace, error)

	CreateUser(ctx context.Context, u User, passwordHash string) error
	User(ctx context.Context, id uuid.UUID) (User, error)
	// Profile reads a user with their workspace and unread notification
	// count at once (GET /me is one round trip).
	Profile(ctx context.Context, userID uuid.UUID) (Profile, error)
	LockUser(ctx context.Context, id uuid.UUID) (User, error)
	UserByEmail(ctx context.Context, email string) (User, string, error)
	ListUsers(ctx context.Context, req page.Request) (page.Page[User], error)
	UpdateUser(ctx context.Context, id uuid.UUID, patch UserPatch, at time.Time) (User, error)
	CountActiveAdmins(ctx context.Context) (int, error)
	PasswordHash(ctx context.Context, id uuid.UUID) (string, error)
	SetPassword(ctx context.Context, id uuid.UUID, hash string) error
	TouchLogin(ctx context.Context, id uuid.UUID, at time.Time) error

	CreateRefreshToken(ctx context.Context, rt RefreshToken) error
	LockRefreshToken(ctx context.Context, hash []byte) (RefreshToken, error)
	MarkRefreshUsed(ctx context.Context, id uuid.UUID, at time.Time) error
	RevokeFamily(ctx context.Context, family uuid.UUID, at time.Time) error
	// RevokeUserTokens ends every session of the user: revokes the
	// refresh tokens and sets sessions_valid_after to at.
	RevokeUserTokens(ctx context.Context, userID uuid.UUID, at time.Time) error
	// SessionState reads a user's SessionState (NotFound: no such user),
	// with the sessions revoked after revokedSince.
	SessionState(ctx context.Context, userID uuid.UUID, revokedSince time.Time) (SessionState, error)

	// CreateSignupRequest stores a pending signup and drops expired ones.
	CreateSignupRequest(ctx context.Context, r SignupRequest, now time.Time) error
	// TakeSignupRequest deletes the signup with the code hash and returns
	// it (NotFound when none): of two confirmations, one gets it.
	TakeSignupRequest(ctx context.Context, codeHash []byte) (SignupRequest, error)
	// DeleteSignupRequests drops every pending signup of an address.
	DeleteSignupRequests(ctx context.Context, email string) error

	CreateAPIKey(ctx context.Context, k APIKey, hash []byte) error
	// APIKeyByHash finds a key across workspaces with its workspace and
	// its creator's current state.
	APIKeyByHash(ctx context.Context, hash []byte) (APIKey, KeyOwner, error)
	TouchAPIKey(ctx context.Context, id uuid.UUID, at time.Time) error
	ListAPIKeys(ctx context.Context, req page.Request) (page.Page[APIKey], error)
	RevokeAPIKey(ctx context.Context, id uuid.UUID, at time.Time) error
}
