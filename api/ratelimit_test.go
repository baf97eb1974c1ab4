package api_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/acme/crm/internal/app"
	"github.com/acme/crm/internal/auth"
	"github.com/acme/crm/internal/testenv"
)

// TestRateLimit: every authenticated answer carries RateLimit-Policy and
// RateLimit; an API key's own limit holds across two replicas on one
// database, and the request past it is 429 with Retry-After.
func TestRateLimit(t *testing.T) {
	env := testenv.New(t, func(c *app.Config) { c.RateLimitPerMinute = 600 })
	admin := env.Signup()

	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/me", Token: admin.Token})
	if p := res.Header.Get("RateLimit-Policy"); p != `"per-minute";q=600;w=60` {
		t.Errorf("user: RateLimit-Policy %q, want the default 600 a minute", p)
	}
	if r := res.Header.Get("RateLimit"); !strings.HasPrefix(r, `"per-minute";r=`) || !strings.Contains(r, ";t=") {
		t.Errorf("user: RateLimit %q, want remaining and reset", r)
	}
	res = env.Do(testenv.Request{Method: "GET", Path: "/api/v1/opportunities/" + newID(), Token: admin.Token})
	if res.Status != 404 || res.Header.Get("RateLimit") == "" {
		t.Errorf("a 404: got %s with RateLimit %q, want the headers on errors too", res, res.Header.Get("RateLimit"))
	}
	if res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/me", Token: "nonsense"}); res.Header.Get("RateLimit") != "" {
		t.Errorf("a 401 carries RateLimit %q; there is no caller to count", res.Header.Get("RateLimit"))
	}
	wantFields(t, env.Do(testenv.Request{Method: "POST", Path: "/api/v1/api-keys", Token: admin.Token,
		Body: map[string]any{"name": "Zero", "rate_limit_per_minute": 0}}), "rate_limit_per_minute")

	res = env.Do(testenv.Request{Method: "POST", Path: "/api/v1/api-keys", Token: admin.Token,
		Body: map[string]any{"name": "Sync", "rate_limit_per_minute": 3}})
	key := res.Map(t)
	if res.Status != 201 || key["rate_limit_per_minute"] != float64(3) {
		t.Fatalf("create key: got %s, want 201 with rate_limit_per_minute 3", res)
	}
	secret := key["key"].(string)

	// A second replica: another app on the same database.
	other, err := app.New(app.Config{TokenKeys: mustKeyring(t), PublicURL: "http://crm.test", RateLimitPerMinute: 600,
		Argon2: auth.Argon2{Memory: 1024, Time: 1, Threads: 1}}, env.DB, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	onOther := func() *http.Response {
		req := httptest.NewRequest("GET", "/api/v1/me", nil)
		req.Header.Set("X-API-Key", secret)
		rec := httptest.NewRecorder()
		other.Handler.ServeHTTP(rec, req)
		testenv.CheckResponse(t, req, rec.Code, rec.Header(), rec.Body.Bytes())
		return rec.Result()
	}
	for i, want := range []string{"r=2", "r=1", "r=0"} {
		var got http.Header
		if i == 1 {
			got = onOther().Header
		} else {
			got = env.Do(testenv.Request{Method: "GET", Path: "/api/v1/me", Header: map[string]string{"X-API-Key": secret}}).Header
		}
		if p := got.Get("RateLimit-Policy"); p != `"per-minute";q=3;w=60` || !strings.Contains(got.Get("RateLimit"), want) {
			t.Errorf("request %d: RateLimit-Policy %q, RateLimit %q; want q=3 and %s", i+1, p, got.Get("RateLimit"), want)
		}
	}
	refused := onOther()
	if refused.StatusCode != http.StatusTooManyRequests || refused.Header.Get("Retry-After") == "" ||
		!strings.Contains(refused.Header.Get("RateLimit"), "r=0") {
		t.Errorf("4th request on the other replica: got %d, Retry-After %q, RateLimit %q; want 429 with Retry-After",
			refused.StatusCode, refused.Header.Get("Retry-After"), refused.Header.Get("RateLimit"))
	}
	res = env.Do(testenv.Request{Method: "GET", Path: "/api/v1/me", Header: map[string]string{"X-API-Key": secret}})
	if res.Status != http.StatusTooManyRequests {
		t.Errorf("5th request: got %s, want 429", res)
	}
	// The user who made the key has a count of their own.
	if res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/me", Token: admin.Token}); res.Status != 200 {
		t.Errorf("the key's creator: got %s, want 200", res)
	}
}

func mustKeyring(t *testing.T) *auth.Keyring {
	t.Helper()
	k, err := auth.ParseKeyring(auth.GenerateKeyring())
	if err != nil {
		t.Fatal(err)
	}
	return k
}
