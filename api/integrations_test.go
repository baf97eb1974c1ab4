package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/acme/crm/internal/testenv"
)

// integrationResource is one resource that carries external ids: its path
// and a valid create body (n makes unique values).
type integrationResource struct {
	path string
	body func(n string) map[string]any
}

func integrationResources(t *testing.T, env *testenv.Env, admin testenv.Account) []integrationResource {
	t.Helper()
	org := postOrganization(t, env, admin.Token, map[string]any{"name": "Relation AB"})
	return []integrationResource{
		{"/api/v1/organizations", func(n string) map[string]any { return map[string]any{"name": "Org " + n} }},
		{"/api/v1/persons", func(n string) map[string]any { return map[string]any{"first_name": "Karin", "last_name": n} }},
		{"/api/v1/products", func(n string) map[string]any {
			return map[string]any{"code": "P-" + n, "name": "Product " + n, "unit_price": 1000, "vat_rate": 2500}
		}},
		{"/api/v1/opportunities", func(n string) map[string]any {
			return map[string]any{"title": "Deal " + n, "organization_id": org["id"], "estimated_amount": 5000}
		}},
	}
}

func with(m map[string]any, k string, v any) map[string]any {
	out := map[string]any{}
	for key, val := range m {
		out[key] = val
	}
	out[k] = v
	return out
}

// TestExternalIDs: every resource with external ids stores, returns,
// filters, changes and clears them, refuses a taken, empty or malformed one
// (changing nothing), and another workspace may use the same one.
func TestExternalIDs(t *testing.T) {
	env := testenv.New(t)
	admin := env.Signup()
	other := env.Signup()
	for _, r := range integrationResources(t, env, admin) {
		t.Run(strings.TrimPrefix(r.path, "/api/v1/"), func(t *testing.T) {
			res := env.Do(testenv.Request{Method: "POST", Path: r.path, Token: admin.Token, Body: with(r.body("a"), "external_id", "ERP 1/ä")})
			if res.Status != http.StatusCreated {
				t.Fatalf("create: got %s, want 201", res)
			}
			created := res.Map(t)
			if created["external_id"] != "ERP 1/ä" {
				t.Errorf("create: got external_id %v, want ERP 1/ä", created["external_id"])
			}
			plain := env.Do(testenv.Request{Method: "POST", Path: r.path, Token: admin.Token, Body: r.body("b")}).Map(t)
			if v, ok := plain["external_id"]; !ok || v != nil {
				t.Errorf("create without: got external_id %v (present %v), want null", v, ok)
			}

			list := env.Do(testenv.Request{Method: "GET", Path: r.path + "?external_id=" + url.QueryEscape("ERP 1/ä"), Token: admin.Token})
			var page struct{ Data []map[string]any }
			list.Decode(t, &page)
			if list.Status != 200 || len(page.Data) != 1 || page.Data[0]["id"] != created["id"] {
				t.Errorf("list by external_id: got %s, want exactly the created record", list)
			}
			list = env.Do(testenv.Request{Method: "GET", Path: r.path + "?external_id=" + url.QueryEscape("ERP 1/ä"), Token: other.Token})
			list.Decode(t, &page)
			if len(page.Data) != 0 {
				t.Errorf("list by external_id in another workspace: got %s, want none", list)
			}
			if res := env.Do(testenv.Request{Method: "GET", Path: r.path + "?external_id=%00", Token: admin.Token}); res.Status != 422 {
				t.Errorf("list by a NUL external_id: got %s, want 422", res)
			}

			res = env.Do(testenv.Request{Method: "POST", Path: r.path, Token: admin.Token, Body: with(r.body("c"), "external_id", "ERP 1/ä")})
			if res.Status != http.StatusConflict || !strings.Contains(string(res.Body), `"external_id"`) {
				t.Errorf("taken external_id: got %s, want 409 naming external_id", res)
			}
			for _, bad := range []string{"", "a\u0000b", strings.Repeat("x", 256)} {
				res = env.Do(testenv.Request{Method: "POST", Path: r.path, Token: admin.Token, Body: with(r.body("d"), "external_id", bad)})
				wantFields(t, res, "external_id")
			}
			res = env.Do(testenv.Request{Method: "POST", Path: r.path, Token: admin.Token, NoCheck: true,
				Raw: []byte(`{"external_id": "` + "\xff" + `"}`), Header: map[string]string{"Content-Type": "application/json"}})
			if res.Status != 400 && res.Status != 422 {
				t.Errorf("invalid UTF-8: got %s, want 400 or 422", res)
			}
			list = env.Do(testenv.Request{Method: "GET", Path: r.path + "?limit=200", Token: admin.Token})
			list.Decode(t, &page)
			for _, row := range page.Data {
				if row["external_id"] != nil && row["external_id"] != "ERP 1/ä" {
					t.Errorf("a refused request stored external_id %v", row["external_id"])
				}
			}

			// The same external id in another workspace is another record.
			if r.path != "/api/v1/opportunities" {
				res = env.Do(testenv.Request{Method: "POST", Path: r.path, Token: other.Token, Body: with(r.body("a"), "external_id", "ERP 1/ä")})
				if res.Status != http.StatusCreated {
					t.Errorf("same external_id in another workspace: got %s, want 201", res)
				}
			}

			path := r.path + "/" + created["id"].(string)
			res = env.Do(testenv.Request{Method: "PATCH", Path: path, Token: admin.Token, Body: map[string]any{"external_id": "ERP-2"}})
			if res.Status != 200 || res.Map(t)["external_id"] != "ERP-2" {
				t.Errorf("patch external_id: got %s, want ERP-2", res)
			}
			res = env.Do(testenv.Request{Method: "PATCH", Path: path, Token: admin.Token, Body: map[string]any{"external_id": plainTaken(t, env, r, admin)}})
			if res.Status != http.StatusConflict {
				t.Errorf("patch to a taken external_id: got %s, want 409", res)
			}
			wantFields(t, env.Do(testenv.Request{Method: "PATCH", Path: path, Token: admin.Token, Body: map[string]any{"external_id": ""}}), "external_id")
			res = env.Do(testenv.Request{Method: "PATCH", Path: path, Token: admin.Token, Body: map[string]any{"external_id": nil}})
			if m := res.Map(t); res.Status != 200 || m["external_id"] != nil {
				t.Errorf("patch external_id null: got %s, want it cleared", res)
			}
		})
	}
}

// plainTaken gives a new record of r an external id and returns it.
func plainTaken(t *testing.T, env *testenv.Env, r integrationResource, admin testenv.Account) string {
	t.Helper()
	res := env.Do(testenv.Request{Method: "POST", Path: r.path, Token: admin.Token, Body: with(r.body("taken"), "external_id", "TAKEN")})
	if res.Status != http.StatusCreated {
		t.Fatalf("create with TAKEN: got %s", res)
	}
	return "TAKEN"
}
