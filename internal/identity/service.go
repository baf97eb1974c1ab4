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

// Me returns the calling user with their workspace and unread
// notification count.
func (s *Service) Me(ctx context.Context) (Profile, error) {
	p, err := Caller(ctx)
	if err != nil {
		return Profile{}, err
	}
	return s.store.Profile(ctx, p.UserID)
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
