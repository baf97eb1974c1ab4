package identity

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/errs/errstest"
)

func ptr[T any](v T) *T { return &v }

// fieldsOf is errstest.FieldsOf.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	return errstest.FieldsOf(t, err)
}

func wantFields(t *testing.T, err error, want ...string) {
	t.Helper()
	if got := fieldsOf(t, err); !slices.Equal(got, want) {
		t.Fatalf("got fields %v (%v), want %v", got, err, want)
	}
}

func TestPasswordLengthIs10To200Characters(t *testing.T) {
	tests := []struct {
		pw string
		ok bool
	}{
		{strings.Repeat("a", 9), false},
		{strings.Repeat("ä", 10), true},
		{strings.Repeat("a", 200), true},
		{strings.Repeat("a", 201), false},
	}
	for _, tt := range tests {
		err := CheckPassword("password", tt.pw)
		if tt.ok != (err == nil) {
			t.Errorf("%d characters: got %v", len([]rune(tt.pw)), err)
		}
	}
}

func TestNamesAreTrimmedAndBounded(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"  Ann ", "Ann", true},
		{" ", "", false},
		{strings.Repeat("ö", 200), strings.Repeat("ö", 200), true},
		{strings.Repeat("o", 201), "", false},
	}
	for _, tt := range tests {
		got, err := CheckName("name", tt.in)
		if tt.ok != (err == nil) || got != tt.want {
			t.Errorf("CheckName(%q): got %q, %v", tt.in, got, err)
		}
	}
}

func TestEmailIsLowerCasedAndBare(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{" Ann@Example.COM ", "ann@example.com", true},
		{"ann", "", false},
		{"Ann <ann@example.com>", "", false},
		{"a@b@c", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, err := NormalizeEmail("email", tt.in)
		if tt.ok != (err == nil) || got != tt.want {
			t.Errorf("NormalizeEmail(%q): got %q, %v", tt.in, got, err)
		}
	}
}

func TestRolesAndAdminRule(t *testing.T) {
	for _, r := range []Role{RoleAdmin, RoleMember} {
		if !r.Valid() {
			t.Errorf("%s: got invalid", r)
		}
	}
	for _, r := range []Role{"", "owner", "Admin"} {
		if r.Valid() {
			t.Errorf("%q: got valid", r)
		}
	}
	tests := []struct {
		name string
		ctx  context.Context
		want errs.Code
	}{
		{"nobody", context.Background(), errs.Unauthorized},
		{"member", WithPrincipal(context.Background(), Principal{Role: RoleMember}), errs.Forbidden},
		{"admin", WithPrincipal(context.Background(), Principal{Role: RoleAdmin}), ""},
	}
	for _, tt := range tests {
		err := RequireAdmin(tt.ctx)
		if tt.want == "" && err != nil || tt.want != "" && !errs.Is(err, tt.want) {
			t.Errorf("%s: got %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestCurrencyCodeShapeAndLanguage(t *testing.T) {
	tests := []struct {
		code string
		ok   bool
	}{
		{"EUR", true}, {"AZZ", true}, {"eur", false}, {"EU", false}, {"EURO", false}, {"E1R", false}, {"@UR", false}, {"[UR", false},
	}
	for _, tt := range tests {
		if got := isCurrencyCode(tt.code); got != tt.ok {
			t.Errorf("isCurrencyCode(%q): got %v", tt.code, got)
		}
	}
	if languageOf("SEK") != "sv" || languageOf("EUR") != "en" || languageOf("NOK") != "en" {
		t.Error("the language follows the currency: SEK is Swedish, the rest English")
	}
}

type hasher struct{ err error }

func (h hasher) Hash(pw string) (string, error)       { return "hash:" + pw, h.err }
func (h hasher) Verify(hash, pw string) (bool, error) { return hash == "hash:"+pw, h.err }

func TestSignupChecksEveryFieldAndFillsDefaults(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	s := NewService(Config{Passwords: hasher{}, Now: func() time.Time { return now }})
	good := SignupInput{WorkspaceName: " Acme ", Name: " Ann ", Email: "Ann@Example.com", Password: "correct horse"}

	ws, admin, hash, err := s.newSignup(good)
	if err != nil {
		t.Fatal(err)
	}
	if ws.Name != "Acme" || ws.DefaultCurrency != "EUR" || ws.FollowUpDays != 2 || ws.Version != 1 || !ws.CreatedAt.Equal(now) {
		t.Errorf("got workspace %+v", ws)
	}
	if admin.WorkspaceID != ws.ID || admin.Name != "Ann" || admin.Email != "ann@example.com" || admin.Role != RoleAdmin ||
		!admin.Active || admin.Language != "en" || !admin.EmailNotifications || hash != "hash:correct horse" {
		t.Errorf("got admin %+v, hash %q", admin, hash)
	}
	sek := good
	sek.Currency = " sek "
	if ws, admin, _, _ := s.newSignup(sek); ws.DefaultCurrency != "SEK" || admin.Language != "sv" {
		t.Errorf("SEK: got %s, %s", ws.DefaultCurrency, admin.Language)
	}
	_, _, _, err = s.newSignup(SignupInput{Currency: "euro"})
	wantFields(t, err, "workspace_name", "name", "email", "password", "currency")
	_, _, _, err = NewService(Config{Passwords: hasher{err: errors.New("out of memory")}}).newSignup(good)
	if err == nil || !strings.Contains(err.Error(), "out of memory") {
		t.Errorf("hashing fails: got %v", err)
	}
	_, err = NewService(Config{}).Signup(context.Background(), SignupInput{}) // a nil store panics if touched
	if err == nil {
		t.Error("empty signup: got no error")
	}
}

func TestNewServiceDefaults(t *testing.T) {
	s := NewService(Config{})
	if s.refreshTTL != 30*24*time.Hour || s.now == nil || s.now().Location() != time.UTC {
		t.Errorf("got refresh TTL %s", s.refreshTTL)
	}
	if s := NewService(Config{RefreshTTL: time.Hour}); s.refreshTTL != time.Hour {
		t.Errorf("got refresh TTL %s, want 1h", s.refreshTTL)
	}
}

// limiter refuses the keys it names, for the time given.
type limiter struct {
	refuse map[string]time.Duration
	reset  []string
}

func (l *limiter) Allow(key string) (bool, time.Duration) {
	d, ok := l.refuse[key]
	return !ok, d
}
func (l *limiter) Reset(key string) { l.reset = append(l.reset, key) }

func TestLoginThrottleWaitsForTheLongestRefusal(t *testing.T) {
	tests := []struct {
		name   string
		refuse map[string]time.Duration
		after  int // 0: allowed
	}{
		{"allowed", nil, 0},
		{"the address", map[string]time.Duration{"ip:1.2.3.4": 30 * time.Second}, 30},
		{"the account", map[string]time.Duration{"acct:ann@example.com": 90 * time.Second}, 90},
		{"both: the longer", map[string]time.Duration{"ip:1.2.3.4": 2 * time.Minute, "acct:ann@example.com": time.Minute}, 120},
		{"under a second: one", map[string]time.Duration{"ip:1.2.3.4": 100 * time.Millisecond}, 1},
		{"rounded", map[string]time.Duration{"ip:1.2.3.4": 1500 * time.Millisecond}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewService(Config{Limiter: &limiter{refuse: tt.refuse}})
			err := s.throttle("ip:1.2.3.4", "acct:ann@example.com")
			if tt.after == 0 {
				if err != nil {
					t.Fatalf("got %v", err)
				}
				return
			}
			e, ok := errs.As(err)
			if !ok || e.Code != errs.RateLimited || e.RetryAfter != tt.after {
				t.Fatalf("got %v (retry after %d), want rate limited for %d s", err, e.RetryAfter, tt.after)
			}
		})
	}
	s := NewService(Config{Limiter: &limiter{refuse: map[string]time.Duration{"acct:ann@example.com": time.Minute}}})
	if _, err := s.Login(context.Background(), LoginInput{Email: " ANN@example.com ", IP: "1.2.3.4"}); !errs.Is(err, errs.RateLimited) {
		t.Errorf("login of a throttled account (the address lower-cased): got %v", err)
	}
}
