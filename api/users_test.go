package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/acme/crm/internal/testenv"
)

func TestUsers(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	admin := env.Signup()
	member := env.Member(admin)

	t.Run("member cannot create users", func(t *testing.T) {
		res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/users", Token: member.Token,
			Body: map[string]any{"email": "x@example.com", "name": "X", "password": "long enough pw"}})
		if res.Status != http.StatusForbidden {
			t.Fatalf("got %s, want 403", res)
		}
	})
	t.Run("duplicate e-mail", func(t *testing.T) {
		res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/users", Token: admin.Token,
			Body: map[string]any{"email": member.Email, "name": "Again", "password": "long enough pw"}})
		if res.Status != http.StatusConflict {
			t.Fatalf("got %s, want 409", res)
		}
	})
	t.Run("invalid role", func(t *testing.T) {
		res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/users", Token: admin.Token,
			Body: map[string]any{"email": "r@example.com", "name": "R", "password": "long enough pw", "role": "owner"}})
		if res.Status != 422 || !strings.Contains(string(res.Body), `"field":"role"`) {
			t.Fatalf("got %s, want 422 naming role", res)
		}
	})
	t.Run("everyone lists, paged", func(t *testing.T) {
		res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/users?limit=1&sort=email", Token: member.Token})
		if res.Status != 200 {
			t.Fatalf("got %s", res)
		}
		var page struct {
			Data       []map[string]any `json:"data"`
			NextCursor *string          `json:"next_cursor"`
		}
		res.Decode(t, &page)
		if len(page.Data) != 1 || page.NextCursor == nil {
			t.Fatalf("got %d users and cursor %v, want 1 and a cursor", len(page.Data), page.NextCursor)
		}
		res = env.Do(testenv.Request{Method: "GET", Path: "/api/v1/users?limit=1&sort=email&cursor=" + *page.NextCursor, Token: member.Token})
		var page2 struct {
			Data       []map[string]any `json:"data"`
			NextCursor *string          `json:"next_cursor"`
		}
		res.Decode(t, &page2)
		if len(page2.Data) != 1 || page2.Data[0]["email"] == page.Data[0]["email"] || page2.NextCursor != nil {
			t.Fatalf("second page: got %v (cursor %v), want the other user and no cursor", page2.Data, page2.NextCursor)
		}
	})
	t.Run("paging errors", func(t *testing.T) {
		for _, tc := range []struct {
			query string
			want  int
		}{
			{"limit=0", 422}, {"limit=201", 422}, {"limit=abc", 422}, {"sort=password_hash", 422},
			{"cursor=garbage", 400}, {"cursor=eyJzIjoiY3JlYXRlZF9hdCJ9.AAAAAAAAAAAAAAAAAAAAAA", 400},
		} {
			res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/users?" + tc.query, Token: member.Token})
			if res.Status != tc.want {
				t.Errorf("?%s: got %s, want %d", tc.query, res, tc.want)
			}
		}
	})
}

func TestUserIfMatch(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	admin := env.Signup()
	member := env.Member(admin)
	path := "/api/v1/users/" + member.UserID
	get := env.Do(testenv.Request{Method: "GET", Path: path, Token: admin.Token})
	tag := get.Header.Get("ETag")
	if get.Status != 200 || tag == "" {
		t.Fatalf("get: got %s with ETag %q", get, tag)
	}
	// Two clients change the same version at once: one wins, one is told.
	patch := func(name string) testenv.Request {
		return testenv.Request{Method: "PATCH", Path: path, Token: admin.Token, Body: map[string]any{"name": name}}
	}
	env.RaceIfMatch(tag, patch("First"), patch("Second"))
	res := env.Do(testenv.Request{Method: "PATCH", Path: path, Token: admin.Token,
		Header: map[string]string{"If-Match": `"not-a-version"`}, Body: map[string]any{"name": "X"}})
	if res.Status != 412 {
		t.Errorf("foreign ETag: got %s, want 412", res)
	}
	res = env.Do(testenv.Request{Method: "PATCH", Path: path, Token: admin.Token, Body: map[string]any{"name": "No If-Match"}})
	if res.Status != 200 || res.Header.Get("ETag") == tag {
		t.Errorf("PATCH without If-Match: got %s, ETag %q, want 200 with a new ETag", res, res.Header.Get("ETag"))
	}
}

func TestUserRolesAndDeactivation(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	admin := env.Signup()
	member := env.Member(admin)
	patch := func(token, id string, body map[string]any) *testenv.Response {
		return env.Do(testenv.Request{Method: "PATCH", Path: "/api/v1/users/" + id, Token: token, Body: body})
	}
	if res := patch(admin.Token, admin.UserID, map[string]any{"role": "member"}); res.Status != 409 {
		t.Fatalf("demoting the last admin: got %s, want 409", res)
	}
	if res := patch(admin.Token, admin.UserID, map[string]any{"active": false}); res.Status != 409 {
		t.Fatalf("deactivating the last admin: got %s, want 409", res)
	}
	if res := patch(member.Token, member.UserID, map[string]any{"role": "admin"}); res.Status != 403 {
		t.Fatalf("member promoting themself: got %s, want 403", res)
	}
	if res := patch(admin.Token, member.UserID, map[string]any{"role": "admin"}); res.Status != 200 || res.Map(t)["role"] != "admin" {
		t.Fatalf("promote: got %s", res)
	}
	if res := patch(admin.Token, member.UserID, map[string]any{"role": "member", "active": false}); res.Status != 200 || res.Map(t)["active"] != false {
		t.Fatalf("deactivate: got %s", res)
	}
	login := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]any{"email": member.Email, "password": member.Password}})
	if login.Status != 401 {
		t.Errorf("deactivated user logs in: got %s, want 401", login)
	}
	refresh := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/refresh", Body: map[string]any{"refresh_token": member.RefreshToken}})
	if refresh.Status != 401 {
		t.Errorf("deactivated user refreshes: got %s, want 401", refresh)
	}
	if res := patch(admin.Token, "not-a-uuid", map[string]any{"name": "x"}); res.Status != 404 {
		t.Errorf("malformed id: got %s, want 404", res)
	}
}
