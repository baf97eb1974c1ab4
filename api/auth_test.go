package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/acme/crm/internal/testenv"
)

func TestSignup(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	good := map[string]any{"workspace_name": "Acme AB", "name": "Anna", "email": "anna@example.com", "password": "long enough pw", "currency": "SEK"}
	tests := []struct {
		name    string
		req     testenv.Request
		want    int
		wantErr string // a field named in the problem's errors, or a detail fragment
	}{
		{"accepted", testenv.Request{Body: good}, 202, "anna@example.com"},
		{"accepted again", testenv.Request{Body: merge(good, map[string]any{"email": "ANNA@example.com"})}, 202, "anna@example.com"},
		{"missing fields", testenv.Request{Body: map[string]any{"email": "x"}}, 422, "workspace_name"},
		{"short password", testenv.Request{Body: merge(good, map[string]any{"email": "b@example.com", "password": "short"})}, 422, "password"},
		{"bad currency", testenv.Request{Body: merge(good, map[string]any{"email": "c@example.com", "currency": "KRONOR"})}, 422, "currency"},
		{"unknown field", testenv.Request{Body: merge(good, map[string]any{"email": "d@example.com", "plan": "gold"})}, 400, "plan"},
		{"malformed JSON", testenv.Request{Raw: []byte(`{"name":`), Header: map[string]string{"Content-Type": "application/json"}}, 400, "malformed JSON"},
		{"wrong type", testenv.Request{Raw: []byte(`{"name": 5}`), Header: map[string]string{"Content-Type": "application/json"}}, 400, "name"},
		{"two values", testenv.Request{Raw: []byte(`{} {}`), Header: map[string]string{"Content-Type": "application/json"}}, 400, "more than one"},
		{"not JSON", testenv.Request{Raw: []byte(`name=x`), Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, 415, "application/json"},
		{"too large", testenv.Request{Raw: []byte(`{"name":"` + strings.Repeat("x", 1<<20) + `"}`), Header: map[string]string{"Content-Type": "application/json"}}, 413, "larger"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.req.Method, tt.req.Path = "POST", "/api/v1/auth/signup"
			res := env.Do(tt.req)
			if res.Status != tt.want {
				t.Fatalf("got %s, want status %d", res, tt.want)
			}
			if tt.wantErr != "" && !strings.Contains(string(res.Body), tt.wantErr) {
				t.Errorf("got %s, want it to mention %q", res.Body, tt.wantErr)
			}
		})
	}
}

func TestSignupReturnsWorkingSession(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/me", Token: a.Token})
	if res.Status != 200 {
		t.Fatalf("me: got %s", res)
	}
	m := res.Map(t)
	user := m["user"].(map[string]any)
	if user["id"] != a.UserID || user["role"] != "admin" || user["email"] != a.Email {
		t.Errorf("got user %v, want the admin %s", user, a.UserID)
	}
	if ws := m["workspace"].(map[string]any); ws["default_currency"] != "SEK" || ws["id"] != a.WorkspaceID {
		t.Errorf("got workspace %v", ws)
	}
	if res.Header.Get("ETag") == "" {
		t.Error("GET /me has no ETag")
	}
}

func TestLogin(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	ok := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]any{"email": strings.ToUpper(a.Email), "password": a.Password}})
	if ok.Status != 200 {
		t.Fatalf("login: got %s", ok)
	}
	m := ok.Map(t)
	if m["token_type"] != "Bearer" || m["expires_in"].(float64) != 900 {
		t.Errorf("got token_type %v expires_in %v, want Bearer 900", m["token_type"], m["expires_in"])
	}
	for _, tc := range []struct{ name, email, pw string }{
		{"wrong password", a.Email, "wrong password!"},
		{"unknown account", "nobody@example.com", a.Password},
	} {
		res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]any{"email": tc.email, "password": tc.pw}})
		if res.Status != 401 || res.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: got %s with WWW-Authenticate %q, want 401 with the header", tc.name, res, res.Header.Get("WWW-Authenticate"))
		}
	}
}

func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	var last *testenv.Response
	for i := 0; i < 11; i++ { // 10 attempts per account per 5 minutes
		last = env.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]any{"email": a.Email, "password": "wrong password!"}})
	}
	if last.Status != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Fatalf("11th attempt: got %s (Retry-After %q), want 429 with Retry-After", last, last.Header.Get("Retry-After"))
	}
	// Even the right password is refused until the window ends.
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]any{"email": a.Email, "password": a.Password}})
	if res.Status != 429 {
		t.Errorf("right password while limited: got %s, want 429", res)
	}

}

func TestLoginRateLimitPerAddress(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	var last *testenv.Response
	for i := 0; i < 51; i++ { // 50 attempts per address per 5 minutes, whatever the account
		last = env.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/login", RemoteAddr: "203.0.113.7:5555",
			Body: map[string]any{"email": fmt.Sprintf("guess%d@example.com", i), "password": "guessing away"}})
	}
	if last.Status != 429 || last.Header.Get("Retry-After") == "" {
		t.Fatalf("51st attempt from one address: got %s, want 429 with Retry-After", last)
	}
	other := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/login", RemoteAddr: "203.0.113.8:5555",
		Body: map[string]any{"email": "guess0@example.com", "password": "guessing away"}})
	if other.Status != 401 {
		t.Errorf("another address: got %s, want 401", other)
	}
}

func TestRefreshRotation(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	refresh := func(tok string) *testenv.Response {
		return env.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/refresh", Body: map[string]any{"refresh_token": tok}})
	}
	first := refresh(a.RefreshToken)
	if first.Status != 200 {
		t.Fatalf("refresh: got %s", first)
	}
	next := first.Map(t)["refresh_token"].(string)
	if next == a.RefreshToken {
		t.Fatal("refresh returned the same refresh token; want a rotated one")
	}
	// Presenting the spent token again revokes the whole family…
	if res := refresh(a.RefreshToken); res.Status != 401 {
		t.Fatalf("reuse of a spent token: got %s, want 401", res)
	}
	// …so the token issued from it no longer works either.
	if res := refresh(next); res.Status != 401 {
		t.Fatalf("token of a revoked family: got %s, want 401", res)
	}
	if res := refresh("not-a-token"); res.Status != 401 {
		t.Errorf("unknown token: got %s, want 401", res)
	}
}

func TestLogout(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/logout", Body: map[string]any{"refresh_token": a.RefreshToken}})
	if res.Status != 204 {
		t.Fatalf("logout: got %s", res)
	}
	res = env.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/refresh", Body: map[string]any{"refresh_token": a.RefreshToken}})
	if res.Status != 401 {
		t.Errorf("refresh after logout: got %s, want 401", res)
	}
	res = env.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/logout", Body: map[string]any{"refresh_token": a.RefreshToken}})
	if res.Status != 204 {
		t.Errorf("second logout: got %s, want 204", res)
	}
}

func TestChangePassword(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	path := "/api/v1/me/password"
	res := env.Do(testenv.Request{Method: "POST", Path: path, Token: a.Token, Body: map[string]any{"current_password": "not it at all", "new_password": "a brand new password"}})
	if res.Status != 422 || !strings.Contains(string(res.Body), "current_password") {
		t.Fatalf("wrong current password: got %s, want 422 naming current_password", res)
	}
	res = env.Do(testenv.Request{Method: "POST", Path: path, Token: a.Token, Body: map[string]any{"current_password": a.Password, "new_password": "a brand new password"}})
	if res.Status != 204 {
		t.Fatalf("change: got %s", res)
	}
	if res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/refresh", Body: map[string]any{"refresh_token": a.RefreshToken}}); res.Status != 401 {
		t.Errorf("old refresh token after password change: got %s, want 401", res)
	}
	if res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]any{"email": a.Email, "password": "a brand new password"}}); res.Status != 200 {
		t.Errorf("login with the new password: got %s", res)
	}
	if res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]any{"email": a.Email, "password": a.Password}}); res.Status != 401 {
		t.Errorf("login with the old password: got %s, want 401", res)
	}
}

func merge(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
