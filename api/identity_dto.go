package api

import (
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/identity"
)

// User is a person who logs in to the workspace.
type User struct {
	ID     uuid.UUID `json:"id" example:"0190a6e4-2f3b-7c6e-9a51-3c8e2b1d4f5a"`
	Email  string    `json:"email" format:"email" example:"anna@example.com"`
	Name   string    `json:"name" example:"Anna Svensson"`
	Role   string    `json:"role" enums:"admin,member" example:"member"`
	Active bool      `json:"active" example:"true"`
	// Language is the language of the product's e-mails to the user.
	Language string `json:"language" enums:"en,sv"`
	// EmailNotifications says whether notifications also come by e-mail.
	EmailNotifications bool       `json:"email_notifications" example:"true"`
	LastLoginAt        *time.Time `json:"last_login_at" extensions:"x-nullable"`
	Version            int64      `json:"version" example:"1"`
	CreatedAt          time.Time  `json:"created_at"`
	UpdatedAt          time.Time  `json:"updated_at"`
} // @name User

// Workspace is the company (tenant) the caller belongs to.
type Workspace struct {
	ID              uuid.UUID `json:"id"`
	Name            string    `json:"name" example:"Acme AB"`
	DefaultCurrency string    `json:"default_currency" example:"SEK"`
	FollowUpDays    int       `json:"follow_up_days" example:"2"`
	// TimeZone is the IANA zone the workspace's dates end in: a quote is
	// valid through the end of its last day there.
	TimeZone string `json:"time_zone" example:"Europe/Stockholm"`
	// ExpireOpportunities moves an opportunity whose current quote
	// expired to its pipeline's expired phase.
	ExpireOpportunities bool `json:"expire_opportunities" example:"false"`
	// InvoiceNumberFormat writes invoice and credit note numbers: {year} or
	// {yy}, and {seq} (at least 4 digits) or {seq:N}.
	InvoiceNumberFormat string `json:"invoice_number_format" example:"{year}-{seq}"`
	// PaymentTermsDays is the days to pay an invoice, unless the customer
	// organization has its own payment_terms_days.
	PaymentTermsDays int       `json:"payment_terms_days" example:"30"`
	CreatedAt        time.Time `json:"created_at"`
} // @name Workspace

// Session is returned by signup, log-in and refresh.
type Session struct {
	AccessToken      string    `json:"access_token"`
	TokenType        string    `json:"token_type" example:"Bearer"`
	ExpiresIn        int       `json:"expires_in" example:"900"`
	ExpiresAt        time.Time `json:"expires_at"`
	RefreshToken     string    `json:"refresh_token"`
	RefreshExpiresAt time.Time `json:"refresh_expires_at"`
	User             User      `json:"user"`
	Workspace        Workspace `json:"workspace"`
} // @name Session

// Me is the caller and their workspace.
type Me struct {
	User      User      `json:"user"`
	Workspace Workspace `json:"workspace"`
	// UnreadNotifications counts the caller's unread notifications.
	UnreadNotifications int `json:"unread_notifications" example:"3"`
} // @name Me

// UserList is a page of users.
type UserList struct {
	Data       []User  `json:"data"`
	NextCursor *string `json:"next_cursor" extensions:"x-nullable"`
} // @name UserList

// APIKey describes an integration key; the secret is never shown again.
type APIKey struct {
	ID         uuid.UUID  `json:"id"`
	Name       string     `json:"name" example:"Accounting sync"`
	Prefix     string     `json:"prefix" example:"crm_3kq9x2ab"`
	Role       string     `json:"role" enums:"admin,member"`
	CreatedBy  uuid.UUID  `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at" extensions:"x-nullable"`
	RevokedAt  *time.Time `json:"revoked_at" extensions:"x-nullable"`
	// RateLimitPerMinute is the key's own limit of requests a minute;
	// null: the server's default (see the RateLimit-Policy header).
	RateLimitPerMinute *int `json:"rate_limit_per_minute" extensions:"x-nullable" example:"600"`
} // @name APIKey

// CreatedAPIKey is a new key with its secret, shown this once.
type CreatedAPIKey struct {
	APIKey
	Key string `json:"key" example:"crm_3kq9x2ab_Vx0..."`
} // @name CreatedAPIKey

// APIKeyList is a page of API keys.
type APIKeyList struct {
	Data       []APIKey `json:"data"`
	NextCursor *string  `json:"next_cursor" extensions:"x-nullable"`
} // @name APIKeyList

func toUser(u identity.User) User {
	return User{ID: u.ID, Email: u.Email, Name: u.Name, Role: string(u.Role), Active: u.Active,
		Language: u.Language, EmailNotifications: u.EmailNotifications, LastLoginAt: utcp(u.LastLoginAt), Version: u.Version, CreatedAt: utc(u.CreatedAt), UpdatedAt: utc(u.UpdatedAt)}
}

func toWorkspace(w identity.Workspace) Workspace {
	return Workspace{ID: w.ID, Name: w.Name, DefaultCurrency: w.DefaultCurrency, FollowUpDays: w.FollowUpDays,
		TimeZone: w.TimeZone, ExpireOpportunities: w.ExpireOpportunities, InvoiceNumberFormat: w.InvoiceNumberFormat,
		PaymentTermsDays: w.PaymentTermsDays, CreatedAt: utc(w.CreatedAt)}
}

func toSession(s identity.Session, now time.Time) Session {
	return Session{AccessToken: s.AccessToken, TokenType: "Bearer", ExpiresIn: int(s.AccessExpiresAt.Sub(now).Round(time.Second).Seconds()),
		ExpiresAt: utc(s.AccessExpiresAt), RefreshToken: s.RefreshToken, RefreshExpiresAt: utc(s.RefreshExpiresAt),
		User: toUser(s.User), Workspace: toWorkspace(s.Workspace)}
}

func toAPIKey(k identity.APIKey) APIKey {
	return APIKey{ID: k.ID, Name: k.Name, Prefix: k.Prefix, Role: string(k.Role), CreatedBy: k.CreatedBy,
		CreatedAt: utc(k.CreatedAt), LastUsedAt: utcp(k.LastUsedAt), RevokedAt: utcp(k.RevokedAt),
		RateLimitPerMinute: k.RateLimitPerMinute}
}

func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func utcp(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := utc(*t)
	return &u
}

func mapSlice[A, B any](in []A, f func(A) B) []B {
	out := make([]B, len(in))
	for i, a := range in {
		out[i] = f(a)
	}
	return out
}
