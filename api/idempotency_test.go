package api_test

import (
	"context"
	"crypto/sha256"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/idempotency"
	"github.com/acme/crm/internal/testenv"
)

func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	admin := env.Signup()
	body := map[string]any{"email": "idem@example.com", "name": "Idem", "password": "long enough pw"}
	post := func(key string, body any) *testenv.Response {
		return env.Do(testenv.Request{Method: "POST", Path: "/api/v1/users", Token: admin.Token,
			Header: map[string]string{"Idempotency-Key": key}, Body: body})
	}
	first := post("k1", body)
	if first.Status != 201 {
		t.Fatalf("first: got %s", first)
	}
	again := post("k1", body)
	if again.Status != 201 || string(again.Body) != string(first.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry: got %s (replayed %q), want the first response replayed", again, again.Header.Get("Idempotent-Replayed"))
	}
	if again.Header.Get("Location") != first.Header.Get("Location") || again.Header.Get("ETag") != first.Header.Get("ETag") {
		t.Errorf("retry headers: got Location %q ETag %q, want %q %q", again.Header.Get("Location"), again.Header.Get("ETag"),
			first.Header.Get("Location"), first.Header.Get("ETag"))
	}
	if res := post("k1", map[string]any{"email": "other@example.com", "name": "Other", "password": "long enough pw"}); res.Status != 422 {
		t.Fatalf("same key, other body: got %s, want 422", res)
	}
	// An error response is kept too: the retry gets the same answer.
	bad := map[string]any{"email": "idem@example.com", "name": "Dup", "password": "long enough pw"}
	if res := post("k2", bad); res.Status != 409 {
		t.Fatalf("duplicate e-mail: got %s, want 409", res)
	}
	if res := post("k2", bad); res.Status != 409 || res.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry of a 409: got %s, want the 409 replayed", res)
	}
	// Keys belong to the principal: another user's same key is a new request.
	member := env.Member(admin)
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/api-keys", Token: member.Token,
		Header: map[string]string{"Idempotency-Key": "k1"}, Body: map[string]any{"name": "x"}})
	if res.Status != 403 {
		t.Errorf("another principal's key k1: got %s, want its own answer (403)", res)
	}
	if n := countUsers(t, env, admin, "idem@example.com"); n != 1 {
		t.Errorf("users created: got %d, want 1", n)
	}
}

func TestIdempotencyKeyInFlight(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	admin := env.Signup()
	body := []byte(`{"name":"Sync"}`)
	h := sha256.New()
	h.Write([]byte("POST /api/v1/api-keys\n"))
	h.Write(body)
	// Another replica claimed the key and is still working on it.
	k := idempotency.Key{WorkspaceID: uuid.MustParse(admin.WorkspaceID), PrincipalID: uuid.MustParse(admin.UserID), Key: "busy"}
	if claimed, _, err := env.App.Idempotency.Begin(context.Background(), k, h.Sum(nil)); err != nil || !claimed {
		t.Fatalf("claim: %v %v", claimed, err)
	}
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/api-keys", Token: admin.Token,
		Header: map[string]string{"Idempotency-Key": "busy", "Content-Type": "application/json"}, Raw: body})
	if res.Status != 409 {
		t.Fatalf("key in flight: got %s, want 409", res)
	}
}

func TestIdempotencyKeyConcurrent(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	admin := env.Signup()
	body := map[string]any{"email": "race@example.com", "name": "Race", "password": "long enough pw"}
	var wg sync.WaitGroup
	results := make(chan *testenv.Response, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results <- env.Do(testenv.Request{Method: "POST", Path: "/api/v1/users", Token: admin.Token,
				Header: map[string]string{"Idempotency-Key": "same"}, Body: body})
		}()
	}
	wg.Wait()
	close(results)
	var created string
	for res := range results {
		switch res.Status {
		case 201:
			if created != "" && created != string(res.Body) {
				t.Errorf("two different 201 bodies for one key:\n%s\n%s", created, res.Body)
			}
			created = string(res.Body)
		case 409: // still in flight: the client retries later
		default:
			t.Errorf("got %s, want 201 (first or replayed) or 409 (in flight)", res)
		}
	}
	if n := countUsers(t, env, admin, "race@example.com"); n != 1 {
		t.Fatalf("users created: got %d, want exactly 1", n)
	}
}

func countUsers(t *testing.T, env *testenv.Env, a testenv.Account, email string) int {
	t.Helper()
	var page struct {
		Data []struct{ Email string } `json:"data"`
	}
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/users?limit=200", Token: a.Token}).Decode(t, &page)
	n := 0
	for _, u := range page.Data {
		if u.Email == email {
			n++
		}
	}
	return n
}
