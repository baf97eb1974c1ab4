package api_test

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"testing"

	"github.com/acme/crm/internal/app"
	"github.com/acme/crm/internal/auth"
	"github.com/acme/crm/internal/rediscount"
	"github.com/acme/crm/internal/testenv"
)

// The log-in limit holds across two replicas on one database, with the
// counts in PostgreSQL and in Redis: ten failures on the first make the
// 11th attempt on the second a 429.
func TestLoginLimitAcrossReplicas(t *testing.T) {
	redisURL := os.Getenv("TEST_REDIS_URL")
	if redisURL == "" {
		redisURL = "redis://127.0.0.1:6379/0"
	}
	for _, tc := range []struct{ name, redis string }{{"postgres", ""}, {"redis", redisURL}} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.redis != "" {
				c, err := rediscount.Open(context.Background(), tc.redis)
				if err != nil && os.Getenv("CI") == "" {
					t.Skipf("no redis (CI starts one): %v", err)
				}
				if c != nil {
					_ = c.Close()
				}
			}
			cfg := func(c *app.Config) { c.RedisURL = tc.redis }
			env := testenv.New(t, cfg)
			keys, err := auth.ParseKeyring(env.Keys)
			if err != nil {
				t.Fatal(err)
			}
			second := app.Config{TokenKeys: keys, PublicURL: "http://crm.test", Argon2: auth.Argon2{Memory: 1024, Time: 1, Threads: 1}}
			cfg(&second)
			other, err := app.New(second, env.DB, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			replica := &testenv.Env{T: t, App: other, DB: env.DB, Keys: env.Keys}
			a := env.Signup()
			login := func(e *testenv.Env) *testenv.Response {
				return e.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/login",
					Body: map[string]any{"email": a.Email, "password": "wrong password!"}})
			}
			for i := range 10 {
				if res := login(env); res.Status != http.StatusUnauthorized {
					t.Fatalf("attempt %d on the first replica: %s", i+1, res)
				}
			}
			if res := login(replica); res.Status != http.StatusTooManyRequests {
				t.Fatalf("11th attempt on the second replica: got %s, want 429", res)
			}
		})
	}
}
