package auth

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/identity"
)

// A verified token is remembered only until it expires, and only the very
// same string: an altered token is checked in full and refused.
func TestVerifiedTokensExpireAndMatchExactly(t *testing.T) {
	keys, err := ParseKeyring(GenerateKeyring())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	tok := NewTokens(TokensConfig{Keys: keys, Now: func() time.Time { return now }})
	p := identity.Principal{WorkspaceID: uuid.New(), UserID: uuid.New(), Role: identity.RoleAdmin, SessionID: uuid.New()}
	s, _, err := tok.Issue(p)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 { // the second time from the cache
		got, err := tok.Verify(s)
		if err != nil || got.UserID != p.UserID || got.SessionID != p.SessionID {
			t.Fatalf("verify %d: got %+v, %v", i+1, got, err)
		}
	}
	altered := s[:len(s)-2] + map[bool]string{true: "AA", false: "BB"}[s[len(s)-2:] != "AA"]
	if _, err := tok.Verify(altered); err == nil {
		t.Error("an altered token was accepted")
	}
	now = now.Add(15*time.Minute + 31*time.Second) // past expiry and leeway
	if _, err := tok.Verify(s); err == nil {
		t.Error("an expired token was accepted from the cache")
	}
}
