package api_test

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/acme/crm/internal/testenv"
)

// TestAccessTokenAttacks presents forged and misused tokens: each is 401.
func TestAccessTokenAttacks(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	kid, keyB64, _ := strings.Cut(env.Keys, ":")
	key, err := base64.RawURLEncoding.DecodeString(keyB64)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	claims := func(mod func(jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{"iss": "crm", "aud": []string{"crm-api"}, "sub": a.UserID, "ws": a.WorkspaceID,
			"role": "admin", "iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(), "sid": newID()}
		if mod != nil {
			mod(c)
		}
		return c
	}
	sign := func(method jwt.SigningMethod, c jwt.MapClaims, hdr map[string]any, k any) string {
		tok := jwt.NewWithClaims(method, c)
		tok.Header["kid"], tok.Header["typ"] = kid, "at+jwt"
		for h, v := range hdr {
			if v == nil {
				delete(tok.Header, h)
			} else {
				tok.Header[h] = v
			}
		}
		s, err := tok.SignedString(k)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	good := sign(jwt.SigningMethodHS256, claims(nil), nil, key)
	if res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/me", Token: good}); res.Status != 200 {
		t.Fatalf("a correctly forged-by-us token must pass (sanity): got %s", res)
	}
	parts := strings.Split(a.Token, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(payload), `"role":"admin"`, `"role":"member"`, 1))) + "." + parts[2]

	attacks := map[string]string{
		"alg none":                  sign(jwt.SigningMethodNone, claims(nil), nil, jwt.UnsafeAllowNoneSignatureType),
		"HS256 with a wrong key":    sign(jwt.SigningMethodHS256, claims(nil), nil, []byte("0123456789abcdef0123456789abcdef")),
		"HS512 with the right key":  sign(jwt.SigningMethodHS512, claims(nil), nil, key),
		"unknown kid":               sign(jwt.SigningMethodHS256, claims(nil), map[string]any{"kid": "k-unknown"}, key),
		"injected kid":              sign(jwt.SigningMethodHS256, claims(nil), map[string]any{"kid": "../../../../dev/null"}, []byte{}),
		"no kid":                    sign(jwt.SigningMethodHS256, claims(nil), map[string]any{"kid": nil}, key),
		"not an access token (typ)": sign(jwt.SigningMethodHS256, claims(nil), map[string]any{"typ": "JWT"}, key),
		"expired beyond leeway":     sign(jwt.SigningMethodHS256, claims(func(c jwt.MapClaims) { c["exp"] = now.Add(-2 * time.Minute).Unix() }), nil, key),
		"no exp":                    sign(jwt.SigningMethodHS256, claims(func(c jwt.MapClaims) { delete(c, "exp") }), nil, key),
		"wrong issuer":              sign(jwt.SigningMethodHS256, claims(func(c jwt.MapClaims) { c["iss"] = "evil" }), nil, key),
		"wrong audience":            sign(jwt.SigningMethodHS256, claims(func(c jwt.MapClaims) { c["aud"] = []string{"other-api"} }), nil, key),
		"issued in the future":      sign(jwt.SigningMethodHS256, claims(func(c jwt.MapClaims) { c["iat"] = now.Add(time.Hour).Unix() }), nil, key),
		"no session (sid)":          sign(jwt.SigningMethodHS256, claims(func(c jwt.MapClaims) { delete(c, "sid") }), nil, key),
		"unknown role":              sign(jwt.SigningMethodHS256, claims(func(c jwt.MapClaims) { c["role"] = "root" }), nil, key),
		"tampered claims":           tampered,
		"refresh token as bearer":   a.RefreshToken,
		"garbage":                   "not.a.jwt",
		"signature stripped":        parts[0] + "." + parts[1] + ".",
	}
	for name, tok := range attacks {
		t.Run(name, func(t *testing.T) {
			res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/me", Token: tok})
			if res.Status != 401 || !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Fatalf("got %s (WWW-Authenticate %q), want 401 with a Bearer challenge", res, res.Header.Get("WWW-Authenticate"))
			}
		})
	}
	for name, hdr := range map[string]map[string]string{
		"no header":    nil,
		"basic scheme": {"Authorization": "Basic dXNlcjpwYXNz"},
		"empty bearer": {"Authorization": "Bearer "},
	} {
		res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/me", Header: hdr})
		if res.Status != 401 || res.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: got %s, want 401 with WWW-Authenticate", name, res)
		}
	}
}
