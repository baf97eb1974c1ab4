package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/page"
	"github.com/acme/crm/internal/tenant"
)

// AccessTokens issues and verifies short-lived access tokens.
type AccessTokens interface {
	Issue(p Principal) (token string, expires time.Time, err error)
	// Verify returns Unauthorized for any token it does not fully trust.
	Verify(token string) (Principal, error)
}

// Passwords hashes and checks passwords.
type Passwords interface {
	Hash(password string) (string, error)
	Verify(hash, password string) (bool, error)
}

// Limiter throttles attempts per key.
type Limiter interface {
	Allow(key string) (ok bool, retryAfter time.Duration)
	Reset(key string)
}

// WorkspaceSetup fills a new workspace with its defaults (pipeline, sources,
// templates…) inside the signup transaction; ctx is scoped to the workspace.
type WorkspaceSetup func(ctx context.Context, ws Workspace, admin User) error

// Service implements accounts, sessions and API keys.
type Service struct {
	store      Store
	tokens     AccessTokens
	passwords  Passwords
	limiter    Limiter
	mail       AccountMail
	sessions   *sessionCache
	setups     []WorkspaceSetup
	refreshTTL time.Duration
	now        func() time.Time
	// checkNumberFormat validates the invoice number format.
	checkNumberFormat func(field, format string) error
}

// Config builds a Service.
type Config struct {
	Store     Store
	Tokens    AccessTokens
	Passwords Passwords
	Limiter   Limiter
	// SessionCacheTTL is how long a user's session state is trusted
	// without a notification (default DefaultSessionCacheTTL).
	SessionCacheTTL time.Duration
	// Mail sends the signup e-mails; nil sends none.
	Mail       AccountMail
	RefreshTTL time.Duration // default 30 days
	Now        func() time.Time
	// CheckInvoiceNumberFormat validates the invoice number format setting
	// (the invoicing domain's rule); nil accepts any.
	CheckInvoiceNumberFormat func(field, format string) error
}

// NewService returns the identity service.
func NewService(c Config) *Service {
	s := &Service{store: c.Store, tokens: c.Tokens, passwords: c.Passwords, limiter: c.Limiter, mail: c.Mail, sessions: newSessionCache(c.SessionCacheTTL),
		refreshTTL: c.RefreshTTL, now: c.Now, checkNumberFormat: c.CheckInvoiceNumberFormat}
	if s.refreshTTL == 0 {
		s.refreshTTL = 30 * 24 * time.Hour
	}
	if s.now == nil {
		s.now = func() time.Time { return time.Now().UTC() }
	}
	return s
}

// OnWorkspaceCreated registers a setup step run for every new workspace.
func (s *Service) OnWorkspaceCreated(f WorkspaceSetup) { s.setups = append(s.setups, f) }

// Session is what a successful signup, log-in or refresh returns.
type Session struct {
	AccessToken      string
	AccessExpiresAt  time.Time
	RefreshToken     string
	RefreshExpiresAt time.Time
	User             User
	Workspace        Workspace
}

// SignupInput creates a workspace and its first admin.
type SignupInput struct {
	WorkspaceName string
	Currency      string
	Name          string
	Email         string
	Password      string
}

// Signup creates a workspace, its first admin and its defaults in one
// transaction and logs the admin in, at once: for the demo and seeding,
// which the operator runs. A taken e-mail is a Conflict. The public signup
// is RequestSignup and ConfirmSignup.
func (s *Service) Signup(ctx context.Context, in SignupInput) (Session, error) {
	ws, admin, hash, err := s.newSignup(in)
	if err != nil {
		return Session{}, err
	}
	var sess Session
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		sess, err = s.createWorkspace(ctx, ws, admin, hash)
		return err
	})
	return sess, err
}

// createWorkspace stores the workspace and its admin, runs the setup steps
// and starts a session, in the transaction of ctx.
func (s *Service) createWorkspace(ctx context.Context, ws Workspace, admin User, hash string) (Session, error) {
	sys := tenant.System(ctx)
	if err := s.store.CreateWorkspace(sys, ws); err != nil {
		return Session{}, err
	}
	wctx := WithPrincipal(ctx, Principal{WorkspaceID: ws.ID, ID: admin.ID, UserID: admin.ID, Role: RoleAdmin})
	if err := s.store.CreateUser(wctx, admin, hash); err != nil {
		return Session{}, conflictEmail(err)
	}
	for _, setup := range s.setups {
		if err := setup(wctx, ws, admin); err != nil {
			return Session{}, fmt.Errorf("set up workspace: %w", err)
		}
	}
	return s.startSession(wctx, ws, admin, uuid.Nil)
}

func (s *Service) newSignup(in SignupInput) (Workspace, User, string, error) {
	var fields []errs.FieldError
	add := func(err error) {
		if e, ok := errs.As(err); ok {
			fields = append(fields, e.Fields...)
		}
	}
	wsName, err := CheckName("workspace_name", in.WorkspaceName)
	add(err)
	name, err := CheckName("name", in.Name)
	add(err)
	email, err := NormalizeEmail("email", in.Email)
	add(err)
	add(CheckPassword("password", in.Password))
	currency := strings.ToUpper(strings.TrimSpace(in.Currency))
	if currency == "" {
		currency = "EUR"
	} else if !isCurrencyCode(currency) {
		fields = append(fields, errs.FieldError{Field: "currency", Message: "must be an ISO 4217 currency code"})
	}
	if err := errs.Fields("invalid signup", fields...); err != nil {
		return Workspace{}, User{}, "", err
	}
	hash, err := s.passwords.Hash(in.Password)
	if err != nil {
		return Workspace{}, User{}, "", err
	}
	now := s.now()
	ws := Workspace{ID: newID(), Name: wsName, DefaultCurrency: currency, FollowUpDays: 2, Version: 1, CreatedAt: now}
	admin := User{ID: newID(), WorkspaceID: ws.ID, Email: email, Name: name, Role: RoleAdmin, Active: true,
		Language: languageOf(currency), EmailNotifications: true, Version: 1, CreatedAt: now, UpdatedAt: now}
	return ws, admin, hash, nil
}

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

// Me returns the calling user with their workspace and unread
// notification count.
func (s *Service) Me(ctx context.Context) (Profile, error) {
	p, err := Caller(ctx)
	if err != nil {
		return Profile{}, err
	}
	return s.store.Profile(ctx, p.UserID)
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

// Workspace returns the caller's workspace.
func (s *Service) Workspace(ctx context.Context) (Workspace, error) { return s.store.Workspace(ctx) }

// ListUsers returns a page of the workspace's users.
func (s *Service) ListUsers(ctx context.Context, req page.Request) (page.Page[User], error) {
	return s.store.ListUsers(ctx, req)
}

// User returns one user of the workspace.
func (s *Service) User(ctx context.Context, id uuid.UUID) (User, error) { return s.store.User(ctx, id) }

func conflictEmail(err error) error {
	if errs.Is(err, errs.Conflict) {
		return errs.Wrap(err, errs.Conflict, "an account with this e-mail address already exists")
	}
	return err
}

func newID() uuid.UUID { return uuid.Must(uuid.NewV7()) }

func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(t string) []byte {
	h := sha256.Sum256([]byte(t))
	return h[:]
}

func isCurrencyCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// languageOf is the language a workspace in currency starts in: Swedish
// for kronor, else English (the quote template's default follows the same
// rule).
func languageOf(currency string) string {
	if currency == "SEK" {
		return "sv"
	}
	return "en"
}
