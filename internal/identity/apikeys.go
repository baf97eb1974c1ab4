package identity

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/page"
	"github.com/acme/crm/internal/tenant"
)

// apiKeyScheme starts every API key, so that a bearer credential tells
// whether it is a key or an access token, and leaked keys are easy to find.
const apiKeyScheme = "crm_"

// NewAPIKey is an admin's request for an integration key.
type NewAPIKey struct {
	Name string
	Role Role
	// RateLimitPerMinute caps the key's requests a minute (1 to
	// MaxRateLimit); nil: the server's default.
	RateLimitPerMinute *int
}

// MaxRateLimit is the highest rate limit a key may have, a minute.
const MaxRateLimit = 1_000_000

// CreateAPIKey makes a key and returns it with its secret, which is shown
// this once: only a hash is stored.
func (s *Service) CreateAPIKey(ctx context.Context, in NewAPIKey) (APIKey, string, error) {
	if err := RequireAdmin(ctx); err != nil {
		return APIKey{}, "", err
	}
	name, err := CheckName("name", in.Name)
	if err != nil {
		return APIKey{}, "", err
	}
	if in.Role == "" {
		in.Role = RoleMember
	}
	if !in.Role.Valid() {
		return APIKey{}, "", errs.Field("role", "must be admin or member")
	}
	if r := in.RateLimitPerMinute; r != nil && (*r < 1 || *r > MaxRateLimit) {
		return APIKey{}, "", errs.Field("rate_limit_per_minute", "must be from 1 to 1000000")
	}
	p, _ := PrincipalFrom(ctx)
	prefix := apiKeyScheme + strings.ToLower(randomToken(6))[:8]
	secret := prefix + "_" + randomToken(32)
	k := APIKey{ID: newID(), Name: name, Prefix: prefix, Role: in.Role, CreatedBy: p.UserID, CreatedAt: s.now(),
		RateLimitPerMinute: in.RateLimitPerMinute}
	if err := s.store.CreateAPIKey(ctx, k, hashToken(secret)); err != nil {
		return APIKey{}, "", err
	}
	return k, secret, nil
}

// ListAPIKeys returns the workspace's keys, revoked ones included.
func (s *Service) ListAPIKeys(ctx context.Context, req page.Request) (page.Page[APIKey], error) {
	if err := RequireAdmin(ctx); err != nil {
		return page.Page[APIKey]{}, err
	}
	return s.store.ListAPIKeys(ctx, req)
}

// RevokeAPIKey stops a key from working. Revoking twice is harmless.
func (s *Service) RevokeAPIKey(ctx context.Context, id uuid.UUID) error {
	if err := RequireAdmin(ctx); err != nil {
		return err
	}
	return s.store.RevokeAPIKey(ctx, id, s.now())
}

// KeyOwner is where an API key belongs: its workspace, and the current
// role and active flag of the user who created it.
type KeyOwner struct {
	WorkspaceID   uuid.UUID
	CreatorRole   Role
	CreatorActive bool
}

// authenticateKey admits an API key while it is not revoked and its
// creator is an active user, with the lower of the key's role and the
// creator's current role: a key never outranks the person answerable for
// it. Deactivating the creator stops their keys (reactivating them brings
// the keys back); demoting an admin makes their admin keys act as members.
// The creator's state comes with the key's own lookup: no extra query.
func (s *Service) authenticateKey(ctx context.Context, secret string) (Principal, error) {
	k, owner, err := s.store.APIKeyByHash(tenant.System(ctx), hashToken(secret))
	if errs.Is(err, errs.NotFound) || (err == nil && k.RevokedAt != nil) {
		return Principal{}, errs.New(errs.Unauthorized, "invalid or revoked API key")
	}
	if err != nil {
		return Principal{}, err
	}
	if !owner.CreatorActive {
		return Principal{}, errs.New(errs.Unauthorized, "the API key's creator is deactivated; an active admin must create a new key")
	}
	wsID := owner.WorkspaceID
	role := k.Role
	if owner.CreatorRole != RoleAdmin {
		role = RoleMember
	}
	now := s.now()
	// Recording each use would write on every request; once a minute is
	// enough to tell a live key from a dead one.
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) > time.Minute {
		if err := s.store.TouchAPIKey(tenant.With(ctx, wsID), k.ID, now); err != nil {
			return Principal{}, err
		}
	}
	p := Principal{WorkspaceID: wsID, ID: k.ID, UserID: k.CreatedBy, Role: role, APIKey: true}
	if k.RateLimitPerMinute != nil {
		p.RateLimit = *k.RateLimitPerMinute
	}
	return p, nil
}
