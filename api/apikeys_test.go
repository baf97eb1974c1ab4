package api_test

import (
	"strings"
	"testing"

	"github.com/acme/crm/internal/testenv"
)

func TestAPIKeys(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	admin := env.Signup()
	member := env.Member(admin)

	if res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/api-keys", Token: member.Token, Body: map[string]any{"name": "x"}}); res.Status != 403 {
		t.Fatalf("member creates a key: got %s, want 403", res)
	}
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/api-keys", Token: admin.Token, Body: map[string]any{"name": "Accounting sync"}})
	if res.Status != 201 {
		t.Fatalf("create: got %s", res)
	}
	created := res.Map(t)
	secret, _ := created["key"].(string)
	prefix, _ := created["prefix"].(string)
	if !strings.HasPrefix(secret, prefix+"_") || !strings.HasPrefix(prefix, "crm_") || created["role"] != "member" {
		t.Fatalf("got key %q with prefix %q role %v, want crm_ prefix, the key starting with it, role member", secret, prefix, created["role"])
	}

	// The key works as a bearer token and as X-API-Key; it acts as its creator.
	for _, r := range []testenv.Request{
		{Method: "GET", Path: "/api/v1/me", Token: secret},
		{Method: "GET", Path: "/api/v1/me", Header: map[string]string{"X-API-Key": secret}},
	} {
		me := env.Do(r)
		if me.Status != 200 || me.Map(t)["user"].(map[string]any)["id"] != admin.UserID {
			t.Fatalf("me with the key: got %s", me)
		}
	}
	// A member key cannot do admin things.
	if res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/api-keys", Token: secret}); res.Status != 403 {
		t.Errorf("member key lists keys: got %s, want 403", res)
	}

	list := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/api-keys", Token: admin.Token})
	if list.Status != 200 || strings.Contains(string(list.Body), secret) || !strings.Contains(string(list.Body), `"last_used_at":"`) {
		t.Fatalf("list: got %s, want the key without its secret and with last_used_at", list)
	}

	id := created["id"].(string)
	if res := env.Do(testenv.Request{Method: "DELETE", Path: "/api/v1/api-keys/" + id, Token: admin.Token}); res.Status != 204 {
		t.Fatalf("revoke: got %s", res)
	}
	if res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/me", Token: secret}); res.Status != 401 {
		t.Errorf("revoked key: got %s, want 401", res)
	}
	if res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/me", Token: "crm_unknown_key"}); res.Status != 401 {
		t.Errorf("unknown key: got %s, want 401", res)
	}
	if res := env.Do(testenv.Request{Method: "DELETE", Path: "/api/v1/api-keys/" + newID(), Token: admin.Token}); res.Status != 404 {
		t.Errorf("revoke a missing key: got %s, want 404", res)
	}
}
