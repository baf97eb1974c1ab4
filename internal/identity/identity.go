// Package identity holds workspaces, users, roles, API keys and sessions:
// who is calling and what they may do. It issues and checks credentials
// through the AccessTokens and Passwords interfaces, implemented in auth.
package identity

import (
	"context"
	"net/mail"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/tenant"
)

// Role is what a principal may do: admins configure, members sell.
type Role string

const (
	RoleAdmin  Role = "admin"
	RoleMember Role = "member"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleMember }

// Profile is what a user sees of themselves: their account, their
// workspace and how many of their notifications are unread.
type Profile struct {
	User                User
	Workspace           Workspace
	UnreadNotifications int
}

// Workspace is a tenant: one company using the product.
type Workspace struct {
	ID              uuid.UUID
	Name            string
	DefaultCurrency string
	FollowUpDays    int
	// TimeZone is the IANA zone the workspace's dates end in (a quote is
	// valid through the end of its last day there); Europe/Stockholm by
	// default.
	TimeZone string
	// ExpireOpportunities moves an opportunity whose current quote expired
	// to its pipeline's expired phase.
	ExpireOpportunities bool
	// InvoiceNumberFormat is how invoice numbers are written ("{year}-{seq}");
	// PaymentTermsDays the days to pay an invoice unless the customer
	// organization has its own terms.
	InvoiceNumberFormat string
	PaymentTermsDays    int
	Version             int64
	CreatedAt           time.Time
}

// DefaultTimeZone is a new workspace's time zone.
const DefaultTimeZone = "Europe/Stockholm"

// User is a person who logs in to a workspace.
type User struct {
	ID          uuid.UUID
	WorkspaceID uuid.UUID
	Email       string
	Name        string
	Role        Role
	Active      bool
	// Language is the language of the product's e-mails to the user ("en"
	// or "sv"); EmailNotifications whether notifications come by e-mail.
	Language           string
	EmailNotifications bool
	LastLoginAt        *time.Time
	Version            int64
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// APIKey is a credential for integrations; its secret is shown once.
type APIKey struct {
	ID         uuid.UUID
	Name       string
	Prefix     string
	Role       Role
	CreatedBy  uuid.UUID
	LastUsedAt *time.Time
	RevokedAt  *time.Time
	CreatedAt  time.Time
	// RateLimitPerMinute caps the key's requests a minute; nil: the
	// server's default.
	RateLimitPerMinute *int
}

// Principal is the authenticated caller of a request.
type Principal struct {
	WorkspaceID uuid.UUID
	// ID is the user's id, or the API key's id for integrations.
	ID     uuid.UUID
	UserID uuid.UUID // the acting user: the key's creator for API keys
	Role   Role
	APIKey bool
	// RateLimit is the API key's own requests a minute; 0: the server's
	// default (always for users).
	RateLimit int
	// SessionID is the log-in an access token belongs to (its refresh
	// family); IssuedAt when the token was issued. Both are zero for API
	// keys.
	SessionID uuid.UUID
	IssuedAt  time.Time
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p and scoped to p's workspace.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return tenant.With(context.WithValue(ctx, principalKey{}, p), p.WorkspaceID)
}

// PrincipalFrom returns the caller of ctx.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// Caller returns the principal or an Unauthorized error.
func Caller(ctx context.Context) (Principal, error) {
	p, ok := PrincipalFrom(ctx)
	if !ok {
		return Principal{}, errs.New(errs.Unauthorized, "authentication required")
	}
	return p, nil
}

// RequireAdmin returns Forbidden unless the caller is an admin.
func RequireAdmin(ctx context.Context) error {
	p, err := Caller(ctx)
	if err != nil {
		return err
	}
	if p.Role != RoleAdmin {
		return errs.New(errs.Forbidden, "this action needs the admin role")
	}
	return nil
}

// NormalizeEmail trims and lower-cases an address and checks its form.
func NormalizeEmail(field, s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s, "@") {
		return "", errs.Field(field, "must be a valid e-mail address")
	}
	return s, nil
}

// CheckPassword enforces the password policy: 10 to 200 characters.
func CheckPassword(field, pw string) error {
	n := len([]rune(pw))
	if n < 10 || n > 200 {
		return errs.Field(field, "must be between 10 and 200 characters")
	}
	return nil
}

// CheckName requires 1 to 200 characters after trimming.
func CheckName(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if n := len([]rune(s)); n == 0 || n > 200 {
		return "", errs.Field(field, "must be between 1 and 200 characters")
	}
	return s, nil
}
