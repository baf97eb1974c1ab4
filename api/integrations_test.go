package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
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
			// NUL is refused at the input boundary (400 naming the field).
			if res := env.Do(testenv.Request{Method: "GET", Path: r.path + "?external_id=%00", Token: admin.Token}); res.Status != 400 || !strings.Contains(string(res.Body), `"external_id"`) {
				t.Errorf("list by a NUL external_id: got %s, want 400 naming external_id", res)
			}

			res = env.Do(testenv.Request{Method: "POST", Path: r.path, Token: admin.Token, Body: with(r.body("c"), "external_id", "ERP 1/ä")})
			if res.Status != http.StatusConflict || !strings.Contains(string(res.Body), `"external_id"`) {
				t.Errorf("taken external_id: got %s, want 409 naming external_id", res)
			}
			for _, bad := range []string{"", "a\u0001b", strings.Repeat("x", 256)} {
				res = env.Do(testenv.Request{Method: "POST", Path: r.path, Token: admin.Token, Body: with(r.body("d"), "external_id", bad)})
				wantFields(t, res, "external_id")
			}
			res = env.Do(testenv.Request{Method: "POST", Path: r.path, Token: admin.Token, NoCheck: true,
				Raw: []byte(`{"external_id": "` + "\xff" + `"}`), Header: map[string]string{"Content-Type": "application/json"}})
			if res.Status != 400 {
				t.Errorf("invalid UTF-8: got %s, want 400", res)
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

// TestUpsertByExternalID: PUT .../external/{external_id} creates (201,
// Location, ETag) and then updates (200) the same record, changing only the
// fields the body names; If-Match is honoured; bad ids and bodies change
// nothing.
func TestUpsertByExternalID(t *testing.T) {
	env := testenv.New(t)
	admin := env.Signup()
	for _, r := range integrationResources(t, env, admin) {
		t.Run(strings.TrimPrefix(r.path, "/api/v1/"), func(t *testing.T) {
			put := func(ext string, body map[string]any, h map[string]string) *testenv.Response {
				return env.Do(testenv.Request{Method: "PUT", Path: r.path + "/external/" + ext, Token: admin.Token, Body: body, Header: h})
			}
			first := r.body("u1")
			res := put("ERP%2F7", first, nil)
			if res.Status != http.StatusCreated {
				t.Fatalf("first PUT: got %s, want 201", res)
			}
			rec := res.Map(t)
			id, _ := rec["id"].(string)
			if res.Header.Get("Location") != r.path+"/"+id || res.Header.Get("ETag") != `"1"` || rec["external_id"] != "ERP/7" {
				t.Errorf("first PUT: got Location %q, ETag %q, external_id %v; want the record's path, \"1\", ERP/7",
					res.Header.Get("Location"), res.Header.Get("ETag"), rec["external_id"])
			}

			second := r.body("u2")
			res = put("ERP%2F7", second, nil)
			got := res.Map(t)
			if res.Status != http.StatusOK || got["id"] != id || res.Header.Get("ETag") != `"2"` || res.Header.Get("Location") != "" {
				t.Fatalf("second PUT: got %s (ETag %q), want 200 for the same record with ETag \"2\"", res, res.Header.Get("ETag"))
			}
			for k, v := range second {
				if k != "organization_id" && fmt.Sprint(got[k]) != fmt.Sprint(v) {
					t.Errorf("second PUT: %s is %v, want %v", k, got[k], v)
				}
			}

			if res := put("ERP%2F7", second, map[string]string{"If-Match": `"1"`}); res.Status != http.StatusPreconditionFailed {
				t.Errorf("stale If-Match: got %s, want 412", res)
			}
			if res := put("ERP%2F7", second, map[string]string{"If-Match": `"2"`}); res.Status != http.StatusOK || res.Header.Get("ETag") != `"3"` {
				t.Errorf("current If-Match: got %s, want 200 with ETag \"3\"", res)
			}
			if res := put("NEW-1", first, map[string]string{"If-Match": `"1"`}); res.Status != http.StatusPreconditionFailed {
				t.Errorf("If-Match on a new external id: got %s, want 412", res)
			}
			wantFields(t, put("ERP-8", with(first, "external_id", "ERP-9"), nil), "external_id")
			wantFields(t, put("a%01b", first, nil), "external_id")
			if res := put("a%00b", first, nil); res.Status != 400 || !strings.Contains(string(res.Body), `"external_id"`) {
				t.Errorf("NUL in the path: got %s, want 400 naming external_id", res)
			}
			wantFields(t, put(strings.Repeat("x", 256), first, nil), "external_id")

			list := env.Do(testenv.Request{Method: "GET", Path: r.path + "?limit=200", Token: admin.Token})
			var page struct{ Data []map[string]any }
			list.Decode(t, &page)
			for _, row := range page.Data {
				if ext := row["external_id"]; ext != nil && ext != "ERP/7" && ext != "TAKEN" {
					t.Errorf("a refused PUT stored external_id %v", ext)
				}
			}
		})
	}
}

// TestUpsertConcurrently: PUTs of one new external id at once make one
// record; exactly one of them answers 201.
func TestUpsertConcurrently(t *testing.T) {
	env := testenv.New(t)
	admin := env.Signup()
	for _, r := range integrationResources(t, env, admin) {
		t.Run(strings.TrimPrefix(r.path, "/api/v1/"), func(t *testing.T) {
			const n = 8
			statuses := make(chan int, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					res := env.Do(testenv.Request{Method: "PUT", Path: r.path + "/external/RACE", Token: admin.Token, Body: r.body(fmt.Sprint("race", i))})
					statuses <- res.Status
				}()
			}
			wg.Wait()
			close(statuses)
			count := map[int]int{}
			for s := range statuses {
				count[s]++
			}
			if count[201] != 1 || count[200] != n-1 {
				t.Errorf("got statuses %v, want one 201 and %d 200", count, n-1)
			}
			list := env.Do(testenv.Request{Method: "GET", Path: r.path + "?external_id=RACE", Token: admin.Token})
			var page struct{ Data []map[string]any }
			list.Decode(t, &page)
			if len(page.Data) != 1 {
				t.Errorf("got %d records with the external id, want 1", len(page.Data))
			}
		})
	}
}

// TestBatch: a batch creates and upserts in order, answers each item's id
// and whether it was created, writes nothing when any item is bad (naming
// items[i].field), and replays for a repeated Idempotency-Key.
func TestBatch(t *testing.T) {
	env := testenv.New(t)
	admin := env.Signup()
	member := env.Member(admin)
	count := func(path string) int {
		var page struct{ Data []map[string]any }
		env.Do(testenv.Request{Method: "GET", Path: path + "?limit=200", Token: admin.Token}).Decode(t, &page)
		return len(page.Data)
	}
	for _, r := range integrationResources(t, env, admin) {
		t.Run(strings.TrimPrefix(r.path, "/api/v1/"), func(t *testing.T) {
			existing := env.Do(testenv.Request{Method: "PUT", Path: r.path + "/external/B-1", Token: admin.Token, Body: r.body("b0")}).Map(t)
			before := count(r.path)
			batch := func(items []map[string]any, h map[string]string) *testenv.Response {
				return env.Do(testenv.Request{Method: "POST", Path: r.path + "/batch", Token: admin.Token, Body: map[string]any{"items": items}, Header: h})
			}

			bad := []map[string]any{r.body("b1"), with(r.body("b2"), "external_id", ""), r.body("b3"), with(r.body("b4"), "external_id", "a\u0001")}
			for k := range bad[2] {
				if k != "organization_id" && k != "unit_price" && k != "vat_rate" && k != "estimated_amount" && k != "first_name" {
					bad[2] = with(bad[2], k, strings.Repeat("x", 201))
				}
			}
			res := batch(bad, nil)
			if res.Status != 422 {
				t.Fatalf("bad items: got %s, want 422", res)
			}
			var p struct{ Errors []struct{ Field string } }
			res.Decode(t, &p)
			fields := map[string]bool{}
			for _, e := range p.Errors {
				fields[e.Field[:strings.IndexByte(e.Field, '.')]] = true
			}
			if !fields["items[1]"] || !fields["items[2]"] || !fields["items[3]"] || fields["items[0]"] {
				t.Errorf("bad items: got %s, want items[1], items[2] and items[3] named", res)
			}
			if n := count(r.path); n != before {
				t.Errorf("a refused batch wrote %d records", n-before)
			}
			wantFields(t, batch([]map[string]any{}, nil), "items")
			many := make([]map[string]any, 101)
			for i := range many {
				many[i] = r.body(fmt.Sprint("m", i))
			}
			wantFields(t, batch(many, nil), "items")

			items := []map[string]any{with(r.body("c1"), "external_id", "B-2"), with(r.body("c2"), "external_id", "B-1"), r.body("c3"), with(r.body("c4"), "external_id", "B-2")}
			key := map[string]string{"Idempotency-Key": "batch-" + r.path}
			res = batch(items, key)
			var out struct {
				Items []struct {
					ID      string
					Created bool
					Data    map[string]any
				}
			}
			res.Decode(t, &out)
			if res.Status != 200 || len(out.Items) != 4 {
				t.Fatalf("batch: got %s, want 200 with 4 items", res)
			}
			created := []bool{out.Items[0].Created, out.Items[1].Created, out.Items[2].Created, out.Items[3].Created}
			if fmt.Sprint(created) != "[true false true false]" || out.Items[1].ID != existing["id"] || out.Items[3].ID != out.Items[0].ID {
				t.Errorf("batch: got created %v and ids %v; want [true false true false], item 1 the existing record and item 3 item 0's", created, out.Items)
			}
			for i, it := range out.Items {
				if it.Data["id"] != it.ID {
					t.Errorf("item %d: data.id %v, want %s", i, it.Data["id"], it.ID)
				}
			}
			if n := count(r.path); n != before+2 {
				t.Errorf("batch: %d new records, want 2", n-before)
			}
			again := batch(items, key)
			if again.Status != 200 || again.Header.Get("Idempotent-Replayed") != "true" || !sameJSON(t, again.Body, res.Body) {
				t.Errorf("retry with the Idempotency-Key: got %s, want the first answer replayed", again)
			}
			if n := count(r.path); n != before+2 {
				t.Errorf("replayed batch: %d new records, want 2", n-before)
			}
			if res := batch(items[:1], key); res.Status != 422 {
				t.Errorf("the Idempotency-Key with another body: got %s, want 422", res)
			}
			if r.path == "/api/v1/products" {
				res := env.Do(testenv.Request{Method: "POST", Path: r.path + "/batch", Token: member.Token, Body: map[string]any{"items": items}})
				if res.Status != http.StatusForbidden {
					t.Errorf("member: got %s, want 403", res)
				}
			}
		})
	}
}

// TestBatchRefusedInStorage: an item that only the database refuses (a
// relation that does not exist) makes the whole batch 422 naming it, and
// the items before it are rolled back.
func TestBatchRefusedInStorage(t *testing.T) {
	env := testenv.New(t)
	admin := env.Signup()
	org := postOrganization(t, env, admin.Token, map[string]any{"name": "Real AB"})
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/opportunities/batch", Token: admin.Token, Body: map[string]any{"items": []map[string]any{
		{"title": "Fine", "organization_id": org["id"], "external_id": "S-1"},
		{"title": "No such organization", "organization_id": newID()},
		{"title": "Fine too", "organization_id": org["id"], "external_id": "S-2"},
	}}})
	wantFields(t, res, "items[1].organization_id")
	list := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/opportunities", Token: admin.Token})
	var page struct{ Data []map[string]any }
	list.Decode(t, &page)
	if len(page.Data) != 0 {
		t.Errorf("a refused batch left %d opportunities", len(page.Data))
	}
	tasks := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/tasks", Token: admin.Token})
	tasks.Decode(t, &page)
	if len(page.Data) != 0 {
		t.Errorf("a refused batch left %d follow-up tasks", len(page.Data))
	}
}

// externalOfA gives workspace A a record of path's kind with the external
// id ext, for B to upsert the same external id.
func externalOfA(path, ext string, body map[string]any) func(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
	return func(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
		t.Helper()
		b := body
		if path == "/api/v1/products" {
			b = with(b, "code", "A-"+ext)
		}
		if path == "/api/v1/opportunities" {
			org := postOrganization(t, env, a.Token, map[string]any{"name": "A's customer"})
			b = with(b, "organization_id", org["id"])
		}
		res := env.Do(testenv.Request{Method: "PUT", Path: path + "/external/" + ext, Token: a.Token, Body: b})
		if res.Status != http.StatusCreated && res.Status != http.StatusOK {
			t.Fatalf("A's record: %s", res)
		}
		id, _ := res.Map(t)["id"].(string)
		return fixture{params: map[string]string{"external_id": ext}, ids: []string{id}}
	}
}

// unchangedOfA checks that A's record kept its first version.
func unchangedOfA(path string) func(t *testing.T, env *testenv.Env, a testenv.Account, fx fixture) {
	return func(t *testing.T, env *testenv.Env, a testenv.Account, fx fixture) {
		t.Helper()
		res := env.Do(testenv.Request{Method: "GET", Path: path + "/" + fx.ids[0], Token: a.Token})
		if m := res.Map(t); res.Status != 200 || m["version"] != float64(1) {
			t.Errorf("A's record changed: %s", res)
		}
	}
}

func init() {
	bodies := map[string]map[string]any{
		"/api/v1/organizations": {"name": "Probe AB", "external_id": "SHARED-1"},
		"/api/v1/persons":       {"first_name": "Probe", "external_id": "SHARED-1"},
		"/api/v1/products":      {"code": "PROBE", "name": "Probe", "unit_price": 100, "vat_rate": 2500, "external_id": "SHARED-1"},
		"/api/v1/opportunities": {"title": "Probe", "external_id": "SHARED-1", "organization": map[string]any{"name": "B's own"}},
	}
	m := map[string]probe{}
	for path, body := range bodies {
		aBody := with(body, "external_id", nil)
		delete(aBody, "external_id")
		batchItem := with(body, "external_id", "SHARED-2")
		if path == "/api/v1/products" {
			batchItem = with(batchItem, "code", "B-2")
		}
		delete(aBody, "organization")
		// B upserting A's external id makes B's own record (the id space is
		// per workspace): A's record is neither found nor changed.
		m["PUT "+path+"/external/:external_id"] = probe{kind: own, setup: externalOfA(path, "SHARED-1", aBody), body: body, check: unchangedOfA(path)}
		m["POST "+path+"/batch"] = probe{kind: own, setup: externalOfA(path, "SHARED-2", aBody),
			body: map[string]any{"items": []map[string]any{batchItem}}, check: unchangedOfA(path)}
	}
	addProbes(m)
}
