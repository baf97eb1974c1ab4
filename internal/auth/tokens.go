// Package auth implements identity's credentials: JWT access tokens signed
// with a rotating keyring, and argon2id password hashes.
package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
)

const (
	// accessType is the JOSE typ header of access tokens (RFC 9068), so that
	// no other token signed with the same keys can pass as one.
	accessType = "at+jwt"
	// MinKeyBytes is the shortest HMAC key accepted (RFC 8725: 256 bits).
	MinKeyBytes = 32
)

// Keyring holds the HMAC keys by id; the first is the one that signs, the
// others still verify, so keys can rotate without logging everyone out.
type Keyring struct {
	active string
	keys   map[string][]byte
}

// ParseKeyring reads "kid:base64key[,kid:base64key…]" (standard or URL
// base64); the first key signs.
func ParseKeyring(spec string) (*Keyring, error) {
	kr := &Keyring{keys: map[string][]byte{}}
	for i, part := range strings.Split(spec, ",") {
		kid, enc, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok || kid == "" {
			return nil, fmt.Errorf("token key %d: want kid:base64key", i+1)
		}
		key, err := decodeKey(enc)
		if err != nil {
			return nil, fmt.Errorf("token key %q: %w", kid, err)
		}
		if len(key) < MinKeyBytes {
			return nil, fmt.Errorf("token key %q: %d bytes, need at least %d random bytes", kid, len(key), MinKeyBytes)
		}
		if _, dup := kr.keys[kid]; dup {
			return nil, fmt.Errorf("token key %q appears twice", kid)
		}
		kr.keys[kid] = key
		if i == 0 {
			kr.active = kid
		}
	}
	return kr, nil
}

func decodeKey(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, fmt.Errorf("not base64")
}

// GenerateKeyring returns a spec for ParseKeyring with one fresh random key.
func GenerateKeyring() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return fmt.Sprintf("k%s:%s", time.Now().UTC().Format("20060102"), base64.RawURLEncoding.EncodeToString(b))
}

// Tokens issues and verifies access tokens.
type Tokens struct {
	keys     *Keyring
	issuer   string
	audience string
	ttl      time.Duration
	leeway   time.Duration
	now      func() time.Time
	verified verifiedTokens
}

// TokensConfig configures Tokens.
type TokensConfig struct {
	Keys     *Keyring
	Issuer   string        // default "crm"
	Audience string        // default "crm-api"
	TTL      time.Duration // default 15 minutes
	Now      func() time.Time
}

// NewTokens returns the access-token issuer and verifier.
func NewTokens(c TokensConfig) *Tokens {
	t := &Tokens{keys: c.Keys, issuer: c.Issuer, audience: c.Audience, ttl: c.TTL, leeway: 30 * time.Second, now: c.Now}
	if t.issuer == "" {
		t.issuer = "crm"
	}
	if t.audience == "" {
		t.audience = "crm-api"
	}
	if t.ttl == 0 {
		t.ttl = 15 * time.Minute
	}
	if t.now == nil {
		t.now = time.Now
	}
	return t
}

type claims struct {
	jwt.RegisteredClaims
	Workspace uuid.UUID `json:"ws"`
	// Role is informative for clients; the server reads the role from the
	// user's current state, not from the token.
	Role string `json:"role"`
	// Session is the log-in the token belongs to (its refresh family):
	// ending that session ends the token.
	Session uuid.UUID `json:"sid"`
}

// Issue signs an access token for p with the active key.
func (t *Tokens) Issue(p identity.Principal) (string, time.Time, error) {
	now := t.now().UTC()
	exp := now.Add(t.ttl)
	c := claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: t.issuer, Subject: p.UserID.String(), Audience: jwt.ClaimStrings{t.audience},
			ExpiresAt: jwt.NewNumericDate(exp), IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now),
			ID: uuid.NewString(),
		},
		Workspace: p.WorkspaceID, Role: string(p.Role), Session: p.SessionID,
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, c)
	tok.Header["kid"] = t.keys.active
	tok.Header["typ"] = accessType
	s, err := tok.SignedString(t.keys.keys[t.keys.active])
	return s, exp, err
}

var errInvalidToken = errs.New(errs.Unauthorized, "invalid or expired access token")

// Verify checks signature, algorithm, key id, type, expiry, issuer and
// audience; anything short of all of them is Unauthorized.
func (t *Tokens) Verify(s string) (identity.Principal, error) {
	if p, ok := t.verified.get(s, t.now()); ok {
		return p, nil
	}
	var c claims
	_, err := jwt.ParseWithClaims(s, &c, t.key,
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(), jwt.WithIssuedAt(),
		jwt.WithIssuer(t.issuer), jwt.WithAudience(t.audience),
		jwt.WithLeeway(t.leeway), jwt.WithTimeFunc(t.now))
	if err != nil {
		return identity.Principal{}, errs.Wrap(err, errs.Unauthorized, "invalid or expired access token")
	}
	uid, err := uuid.Parse(c.Subject)
	role := identity.Role(c.Role)
	if err != nil || c.Workspace == uuid.Nil || !role.Valid() || c.Session == uuid.Nil {
		return identity.Principal{}, errInvalidToken
	}
	p := identity.Principal{WorkspaceID: c.Workspace, ID: uid, UserID: uid, Role: role,
		SessionID: c.Session, IssuedAt: c.IssuedAt.Time}
	t.verified.put(s, p, c.ExpiresAt.Add(t.leeway), t.now())
	return p, nil
}

func (t *Tokens) key(tok *jwt.Token) (any, error) {
	if typ, _ := tok.Header["typ"].(string); typ != accessType {
		return nil, fmt.Errorf("token type %q is not an access token", typ)
	}
	if tok.Method != jwt.SigningMethodHS256 {
		return nil, fmt.Errorf("unexpected signing method %v", tok.Header["alg"])
	}
	kid, _ := tok.Header["kid"].(string)
	key, ok := t.keys.keys[kid]
	if !ok {
		return nil, fmt.Errorf("unknown key id %q", kid)
	}
	return key, nil
}

// Derive returns a key for another server-side MAC (pagination cursors),
// derived from the signing key so that it survives restarts and replicas
// agree on it without more configuration.
func (k *Keyring) Derive(purpose string) []byte {
	m := hmac.New(sha256.New, k.keys[k.active])
	m.Write([]byte("crm derive: " + purpose))
	return m.Sum(nil)
}
