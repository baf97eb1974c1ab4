package api_test

import (
	"fmt"
	"net"
	"testing"

	"github.com/acme/crm/internal/app"
	"github.com/acme/crm/internal/testenv"
)

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	res := env.Do(testenv.Request{Method: "GET", Path: "/healthz"})
	for h, want := range map[string]string{
		"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer",
		"Cache-Control": "no-store",
	} {
		if got := res.Header.Get(h); got != want {
			t.Errorf("%s: got %q, want %q", h, got, want)
		}
	}
}

func TestCORSAllowList(t *testing.T) {
	t.Parallel()
	env := testenv.New(t, func(c *app.Config) { c.CORSOrigins = []string{"https://app.example.com"} })
	preflight := func(origin string) string {
		res := env.Do(testenv.Request{Method: "OPTIONS", Path: "/api/v1/me", NoCheck: true, Header: map[string]string{
			"Origin": origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization,if-match"}})
		return res.Header.Get("Access-Control-Allow-Origin")
	}
	if got := preflight("https://app.example.com"); got != "https://app.example.com" {
		t.Errorf("allowed origin: got Access-Control-Allow-Origin %q", got)
	}
	if got := preflight("https://evil.example.net"); got != "" {
		t.Errorf("other origin: got Access-Control-Allow-Origin %q, want none", got)
	}
}

// TestForwardedForIsNotTrustedByDefault: a client cannot dodge the
// per-address log-in limit by sending X-Forwarded-For, unless the request
// comes through a configured proxy.
func TestForwardedForIsNotTrustedByDefault(t *testing.T) {
	t.Parallel()
	attempts := func(env *testenv.Env) int {
		for i := 0; i < 60; i++ {
			res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/login", RemoteAddr: "192.0.2.10:4000",
				Header: map[string]string{"X-Forwarded-For": fmt.Sprintf("198.51.100.%d", i)},
				Body:   map[string]any{"email": fmt.Sprintf("u%d@example.com", i), "password": "wrong password"}})
			if res.Status == 429 {
				return i
			}
		}
		return 60
	}
	if n := attempts(testenv.New(t)); n != 50 {
		t.Errorf("direct: limited after %d attempts, want 50 (X-Forwarded-For ignored)", n)
	}
	_, proxy, _ := net.ParseCIDR("192.0.2.0/24")
	if n := attempts(testenv.New(t, func(c *app.Config) { c.TrustedProxies = []*net.IPNet{proxy} })); n != 60 {
		t.Errorf("behind a trusted proxy: limited after %d attempts, want none (each forwarded client counted alone)", n)
	}
}
