package identity

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/tenant"
)

// LoginInput is a log-in attempt; IP feeds the rate limit.
type LoginInput struct {
	Email    string
	Password string
	IP       string
}

// Login checks the credentials and starts a session. Wrong credentials and
// inactive accounts are Unauthorized; too many attempts are RateLimited.
func (s *Service) Login(ctx context.Context, in LoginInput) (Session, error) {
	email := strings.ToLower(strings.TrimSpace(in.Email))
	if err := s.throttle("ip:"+in.IP, "acct:"+email); err != nil {
		return Session{}, err
	}
	sys := tenant.System(ctx)
	u, hash, err := s.store.UserByEmail(sys, email)
	if errs.Is(err, errs.NotFound) {
		// Spend the same time as a real check so that timing does not tell
		// which addresses have accounts.
		_, _ = s.passwords.Verify(dummyHash, in.Password)
		return Session{}, errBadCredentials
	}
	if err != nil {
		return Session{}, err
	}
	ok, err := s.passwords.Verify(hash, in.Password)
	if err != nil {
		return Session{}, err
	}
	if !ok || !u.Active {
		return Session{}, errBadCredentials
	}
	s.limiter.Reset("acct:" + email)
	var sess Session
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		wctx := WithPrincipal(ctx, Principal{WorkspaceID: u.WorkspaceID, ID: u.ID, UserID: u.ID, Role: u.Role})
		ws, err := s.store.Workspace(wctx)
		if err != nil {
			return err
		}
		if err := s.store.TouchLogin(wctx, u.ID, s.now()); err != nil {
			return err
		}
		sess, err = s.startSession(wctx, ws, u, uuid.Nil)
		return err
	})
	return sess, err
}

var errBadCredentials = errs.New(errs.Unauthorized, "wrong e-mail or password")

// dummyHash is an argon2id hash of a random password, verified when the
// account does not exist.
var dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Wj2rkn3vQw4kMCeGkVtY0n8M1gC0uSQ7lH0sRkV8d3s"

func (s *Service) throttle(keys ...string) error {
	var wait time.Duration
	for _, k := range keys {
		if ok, after := s.limiter.Allow(k); !ok && after > wait {
			wait = after
		}
	}
	if wait > 0 {
		e := errs.New(errs.RateLimited, "too many log-in attempts; try again later")
		e.RetryAfter = int(wait.Round(time.Second).Seconds())
		if e.RetryAfter < 1 {
			e.RetryAfter = 1
		}
		return e
	}
	return nil
}

// startSession issues an access token and a new refresh token in family
// (a new family when family is Nil).
func (s *Service) startSession(ctx context.Context, ws Workspace, u User, family uuid.UUID) (Session, error) {
	if family == uuid.Nil {
		family = newID()
	}
	p := Principal{WorkspaceID: ws.ID, ID: u.ID, UserID: u.ID, Role: u.Role, SessionID: family}
	access, exp, err := s.tokens.Issue(p)
	if err != nil {
		return Session{}, fmt.Errorf("issue access token: %w", err)
	}
	secret := randomToken(32)
	rt := RefreshToken{ID: newID(), UserID: u.ID, FamilyID: family, Hash: hashToken(secret),
		ExpiresAt: s.now().Add(s.refreshTTL)}
	if err := s.store.CreateRefreshToken(ctx, rt); err != nil {
		return Session{}, err
	}
	return Session{AccessToken: access, AccessExpiresAt: exp, RefreshToken: secret,
		RefreshExpiresAt: rt.ExpiresAt, User: u, Workspace: ws}, nil
}

// RefreshToken is a stored refresh token (only its hash is kept).
type RefreshToken struct {
	ID          uuid.UUID
	WorkspaceID uuid.UUID
	UserID      uuid.UUID
	FamilyID    uuid.UUID
	Hash        []byte
	ExpiresAt   time.Time
	UsedAt      *time.Time
	RevokedAt   *time.Time
}

// Refresh rotates a refresh token: the presented one is spent and a new one
// of the same family returned. Presenting a spent token revokes the family
// (it was stolen or replayed); unknown, expired or revoked tokens are
// Unauthorized.
func (s *Service) Refresh(ctx context.Context, token string) (Session, error) {
	var sess Session
	var reused bool
	var reusedUser uuid.UUID
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		sys := tenant.System(ctx)
		rt, err := s.store.LockRefreshToken(sys, hashToken(token))
		if errs.Is(err, errs.NotFound) {
			return errBadRefresh
		}
		if err != nil {
			return err
		}
		now := s.now()
		if rt.UsedAt != nil && rt.RevokedAt == nil {
			reused, reusedUser = true, rt.UserID
			return s.store.RevokeFamily(sys, rt.FamilyID, now)
		}
		if rt.RevokedAt != nil || now.After(rt.ExpiresAt) {
			return errBadRefresh
		}
		if err := s.store.MarkRefreshUsed(sys, rt.ID, now); err != nil {
			return err
		}
		u, ws, err := s.activeUser(ctx, rt.WorkspaceID, rt.UserID)
		if err != nil {
			return err
		}
		sess, err = s.startSession(WithPrincipal(ctx, Principal{WorkspaceID: ws.ID, ID: u.ID}), ws, u, rt.FamilyID)
		return err
	})
	if err == nil && reused {
		s.sessions.invalidate(reusedUser)
		return Session{}, errs.New(errs.Unauthorized, "refresh token already used; all sessions of this log-in are revoked")
	}
	return sess, err
}

var errBadRefresh = errs.New(errs.Unauthorized, "invalid or expired refresh token")

func (s *Service) activeUser(ctx context.Context, wsID, userID uuid.UUID) (User, Workspace, error) {
	wctx := tenant.With(ctx, wsID)
	u, err := s.store.User(wctx, userID)
	if err != nil {
		return User{}, Workspace{}, err
	}
	if !u.Active {
		return User{}, Workspace{}, errs.New(errs.Unauthorized, "account deactivated")
	}
	ws, err := s.store.Workspace(wctx)
	return u, ws, err
}

// Logout revokes the refresh token's whole family. Unknown tokens are
// ignored so that logging out twice is harmless.
func (s *Service) Logout(ctx context.Context, token string) error {
	var user uuid.UUID
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		sys := tenant.System(ctx)
		rt, err := s.store.LockRefreshToken(sys, hashToken(token))
		if errs.Is(err, errs.NotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		user = rt.UserID
		return s.store.RevokeFamily(sys, rt.FamilyID, s.now())
	})
	if err == nil && user != uuid.Nil {
		s.sessions.invalidate(user) // this replica at once; the others by NOTIFY
	}
	return err
}

// ChangePassword replaces the caller's password after checking the current
// one, and revokes the caller's refresh tokens (other devices log in again).
func (s *Service) ChangePassword(ctx context.Context, current, next string) error {
	p, err := Caller(ctx)
	if err != nil {
		return err
	}
	if p.APIKey {
		return errs.New(errs.Forbidden, "API keys have no password")
	}
	if err := CheckPassword("new_password", next); err != nil {
		return err
	}
	hash, err := s.store.PasswordHash(ctx, p.UserID)
	if err != nil {
		return err
	}
	ok, err := s.passwords.Verify(hash, current)
	if err != nil {
		return err
	}
	if !ok {
		return errs.Field("current_password", "is not the current password")
	}
	newHash, err := s.passwords.Hash(next)
	if err != nil {
		return err
	}
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		if err := s.store.SetPassword(ctx, p.UserID, newHash); err != nil {
			return err
		}
		return s.store.RevokeUserTokens(ctx, p.UserID, s.now())
	})
	if err == nil {
		s.sessions.invalidate(p.UserID)
	}
	return err
}

// Authenticate turns a bearer credential (an access token or an API key)
// into a principal.
func (s *Service) Authenticate(ctx context.Context, credential string) (Principal, error) {
	if strings.HasPrefix(credential, apiKeyScheme) {
		return s.authenticateKey(ctx, credential)
	}
	p, err := s.tokens.Verify(credential)
	if err != nil {
		return Principal{}, err
	}
	return s.checkSession(ctx, p)
}
