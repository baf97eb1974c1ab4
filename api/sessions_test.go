package api_test

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/acme/crm/internal/app"
	"github.com/acme/crm/internal/auth"
	"github.com/acme/crm/internal/postgres"
	"github.com/acme/crm/internal/testenv"
)

func status(env *testenv.Env, method, path, token string, body any) int {
	env.T.Helper()
	return env.Do(testenv.Request{Method: method, Path: path, Token: token, Body: body}).Status
}

func login(t *testing.T, env *testenv.Env, email, password string) testenv.Account {
	t.Helper()
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]any{"email": email, "password": password}})
	if res.Status != http.StatusOK {
		t.Fatalf("log in %s: %s", email, res)
	}
	var s struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		User         struct{ ID string }
	}
	res.Decode(t, &s)
	return testenv.Account{Token: s.AccessToken, RefreshToken: s.RefreshToken, UserID: s.User.ID, Email: email, Password: password}
}

// TestSessionsEnd (finding 6): log-out, password change, a reused refresh
// token, deactivation and demotion take effect on the very next request,
// not when the access token expires.
func TestSessionsEnd(t *testing.T) {
	env := testenv.New(t)
	admin := env.Signup()

	t.Run("log-out", func(t *testing.T) {
		m := env.Member(admin)
		other := login(t, env, m.Email, m.Password) // a second device
		if s := status(env, "GET", "/api/v1/me", m.Token, nil); s != 200 {
			t.Fatalf("before log-out: %d", s)
		}
		if s := status(env, "POST", "/api/v1/auth/logout", "", map[string]any{"refresh_token": m.RefreshToken}); s != 204 {
			t.Fatalf("log-out: %d", s)
		}
		if s := status(env, "GET", "/api/v1/me", m.Token, nil); s != 401 {
			t.Errorf("the logged-out session's access token: got %d, want 401", s)
		}
		if s := status(env, "GET", "/api/v1/me", other.Token, nil); s != 200 {
			t.Errorf("the other device's session: got %d, want 200 (log-out ends one session)", s)
		}
	})

	t.Run("password change", func(t *testing.T) {
		m := env.Member(admin)
		other := login(t, env, m.Email, m.Password)
		if s := status(env, "POST", "/api/v1/me/password", m.Token, map[string]any{"current_password": m.Password, "new_password": "a brand new password"}); s != 204 {
			t.Fatalf("change password: %d", s)
		}
		for _, tok := range []string{m.Token, other.Token} {
			if s := status(env, "GET", "/api/v1/me", tok, nil); s != 401 {
				t.Errorf("a token from before the password change: got %d, want 401", s)
			}
		}
		fresh := login(t, env, m.Email, "a brand new password")
		if s := status(env, "GET", "/api/v1/me", fresh.Token, nil); s != 200 {
			t.Errorf("a log-in right after the change: got %d, want 200", s)
		}
	})

	t.Run("refresh family revoked", func(t *testing.T) {
		m := env.Member(admin)
		res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/refresh", Body: map[string]any{"refresh_token": m.RefreshToken}})
		if res.Status != 200 {
			t.Fatalf("refresh: %s", res)
		}
		var rotated struct {
			AccessToken string `json:"access_token"`
		}
		res.Decode(t, &rotated)
		// The spent token again: stolen. The whole log-in ends.
		if s := status(env, "POST", "/api/v1/auth/refresh", "", map[string]any{"refresh_token": m.RefreshToken}); s != 401 {
			t.Fatalf("reuse: %d", s)
		}
		for _, tok := range []string{m.Token, rotated.AccessToken} {
			if s := status(env, "GET", "/api/v1/me", tok, nil); s != 401 {
				t.Errorf("an access token of the revoked family: got %d, want 401", s)
			}
		}
	})

	t.Run("deactivation", func(t *testing.T) {
		m := env.Member(admin)
		if s := status(env, "PATCH", "/api/v1/users/"+m.UserID, admin.Token, map[string]any{"active": false}); s != 200 {
			t.Fatalf("deactivate: %d", s)
		}
		if s := status(env, "GET", "/api/v1/me", m.Token, nil); s != 401 {
			t.Errorf("a deactivated user's token: got %d, want 401", s)
		}
	})

	t.Run("demotion", func(t *testing.T) {
		m := env.Member(admin)
		if s := status(env, "PATCH", "/api/v1/users/"+m.UserID, admin.Token, map[string]any{"role": "admin"}); s != 200 {
			t.Fatalf("promote: %d", s)
		}
		if s := status(env, "GET", "/api/v1/api-keys", m.Token, nil); s != 200 {
			t.Fatalf("a promoted user with the token issued as member: got %d, want 200 (the role is read, not the token's)", s)
		}
		if s := status(env, "PATCH", "/api/v1/users/"+m.UserID, admin.Token, map[string]any{"role": "member"}); s != 200 {
			t.Fatalf("demote: %d", s)
		}
		if s := status(env, "GET", "/api/v1/api-keys", m.Token, nil); s != 403 {
			t.Errorf("a demoted admin: got %d, want 403", s)
		}
	})
}

// TestAPIKeyFollowsItsCreator (finding 6): a key never outranks its
// creator: an admin's admin key acts as member once the admin is demoted,
// stops when the admin is deactivated and works again on reactivation.
func TestAPIKeyFollowsItsCreator(t *testing.T) {
	env := testenv.New(t)
	admin := env.Signup()
	other := env.Member(admin)
	if s := status(env, "PATCH", "/api/v1/users/"+other.UserID, admin.Token, map[string]any{"role": "admin"}); s != 200 {
		t.Fatalf("promote: %d", s)
	}
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/api-keys", Token: other.Token, Body: map[string]any{"name": "sync", "role": "admin"}})
	if res.Status != 201 {
		t.Fatalf("create key: %s", res)
	}
	var k struct{ Key string }
	res.Decode(t, &k)
	steps := []struct {
		name          string
		patch         map[string]any
		admin, member int // GET /api-keys (admins), GET /opportunities (anyone)
	}{
		{"creator an admin", nil, 200, 200},
		{"creator demoted", map[string]any{"role": "member"}, 403, 200},
		{"creator deactivated", map[string]any{"active": false}, 401, 401},
		{"creator back as admin", map[string]any{"active": true, "role": "admin"}, 200, 200},
	}
	for _, st := range steps {
		if st.patch != nil {
			if s := status(env, "PATCH", "/api/v1/users/"+other.UserID, admin.Token, st.patch); s != 200 {
				t.Fatalf("%s: patch %d", st.name, s)
			}
		}
		if s := status(env, "GET", "/api/v1/api-keys", k.Key, nil); s != st.admin {
			t.Errorf("%s: the key on an admin route: got %d, want %d", st.name, s, st.admin)
		}
		if s := status(env, "GET", "/api/v1/opportunities", k.Key, nil); s != st.member {
			t.Errorf("%s: the key on a member route: got %d, want %d", st.name, s, st.member)
		}
	}
}

// TestSessionCheckCostsNoQuery: with the session state cached, a read by
// id is still one round trip to PostgreSQL.
func TestSessionCheckCostsNoQuery(t *testing.T) {
	env := testenv.New(t)
	a := env.Signup()
	o := newOpportunity(t, env, a, nil)
	var n atomic.Int64
	if res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/opportunities/" + o.ID, Token: a.Token, Queries: &n}); res.Status != 200 {
		t.Fatal(res)
	}
	if got := n.Load(); got != 1 {
		t.Errorf("GET by id with a warm session cache: %d round trips, want 1", got)
	}
}

// replicaPair is two instances of the product on one database, each with
// its own pool, like two replicas; they share the token keys.
func replicaPair(t *testing.T, ttl time.Duration) (a, b *testenv.Env) {
	t.Helper()
	dsn := testenv.DSN(t)
	spec := auth.GenerateKeyring()
	keys, err := auth.ParseKeyring(spec)
	if err != nil {
		t.Fatal(err)
	}
	open := func() *testenv.Env {
		db, err := postgres.Open(context.Background(), dsn, postgres.Options{MaxConns: 8})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(db.Close)
		return testenv.NewOn(t, db, func(c *app.Config) { c.TokenKeys = keys; c.SessionCacheTTL = ttl })
	}
	return open(), open()
}

// eventuallyStatus polls until the request answers want or the deadline
// passes; it returns the last status.
func eventuallyStatus(env *testenv.Env, path, token string, want int, within time.Duration) int {
	env.T.Helper()
	deadline := time.Now().Add(within)
	for {
		s := status(env, "GET", path, token, nil)
		if s == want || time.Now().After(deadline) {
			return s
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSessionsEndOnEveryReplica (finding 6): a session ended through one
// replica ends on the other through NOTIFY. The cache lives an hour here,
// so only the notification can make the other replica see it.
func TestSessionsEndOnEveryReplica(t *testing.T) {
	a, b := replicaPair(t, time.Hour)
	a.App.ListenSessions(t.Context(), slog.New(slog.DiscardHandler))
	b.App.ListenSessions(t.Context(), slog.New(slog.DiscardHandler))
	admin := a.Signup()
	m := a.Member(admin)
	other := login(t, a, m.Email, m.Password)
	for _, tok := range []string{m.Token, other.Token, admin.Token} {
		if s := status(b, "GET", "/api/v1/me", tok, nil); s != 200 { // b caches the state
			t.Fatalf("on replica b: %d", s)
		}
	}
	if s := status(a, "POST", "/api/v1/auth/logout", "", map[string]any{"refresh_token": m.RefreshToken}); s != 204 {
		t.Fatalf("log-out on a: %d", s)
	}
	if s := eventuallyStatus(b, "/api/v1/me", m.Token, 401, 10*time.Second); s != 401 {
		t.Errorf("replica b after log-out on a: got %d, want 401", s)
	}
	if s := status(a, "PATCH", "/api/v1/users/"+m.UserID, admin.Token, map[string]any{"active": false}); s != 200 {
		t.Fatalf("deactivate on a: %d", s)
	}
	if s := eventuallyStatus(b, "/api/v1/me", other.Token, 401, 10*time.Second); s != 401 {
		t.Errorf("replica b after deactivation on a: got %d, want 401", s)
	}
}

// TestSessionCacheWorstCase: without notifications (behind PgBouncer in
// transaction mode, or while a listener reconnects) a replica keeps a
// session alive at most for the cache's lifetime.
func TestSessionCacheWorstCase(t *testing.T) {
	const ttl = 2 * time.Second
	a, b := replicaPair(t, ttl)
	admin := a.Signup()
	m := a.Member(admin)
	if s := status(b, "GET", "/api/v1/me", m.Token, nil); s != 200 {
		t.Fatalf("on b: %d", s)
	}
	start := time.Now()
	if s := status(a, "POST", "/api/v1/auth/logout", "", map[string]any{"refresh_token": m.RefreshToken}); s != 204 {
		t.Fatalf("log-out on a: %d", s)
	}
	if s := status(b, "GET", "/api/v1/me", m.Token, nil); s != 200 && time.Since(start) < ttl {
		t.Fatalf("b without notifications, within the cache's lifetime: got %d, want 200 (the check costs no query)", s)
	}
	if s := eventuallyStatus(b, "/api/v1/me", m.Token, 401, ttl+5*time.Second); s != 401 {
		t.Errorf("b after the cache's lifetime: got %d, want 401", s)
	}
}
