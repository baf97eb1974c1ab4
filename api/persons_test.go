package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/acme/crm/internal/testenv"
)

// postPerson creates a person and returns its body.
func postPerson(t *testing.T, env *testenv.Env, token string, body map[string]any) map[string]any {
	t.Helper()
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/persons", Token: token, Body: body})
	if res.Status != http.StatusCreated {
		t.Fatalf("create person %v: got %s, want 201", body, res)
	}
	return res.Map(t)
}

func TestPersonLifecycle(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	admin := env.Signup()
	member := env.Member(admin)
	org := postOrganization(t, env, admin.Token, map[string]any{"name": "Nordvik Trading AB"})
	other := postOrganization(t, env, admin.Token, map[string]any{"name": "Other AB"})

	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/persons", Token: member.Token, Body: map[string]any{
		"first_name": "Karin", "last_name": " Lindqvist", "email": "karin@nordvik.example", "phone": "+46 70 123 45 67",
		"job_title": "Purchasing manager", "organization_id": org["id"]}})
	if res.Status != http.StatusCreated {
		t.Fatalf("create: got %s, want 201", res)
	}
	p := res.Map(t)
	path := "/api/v1/persons/" + p["id"].(string)
	if res.Header.Get("Location") != path || res.Header.Get("ETag") != `"1"` {
		t.Errorf("create: got Location %q ETag %q, want %q and \"1\"", res.Header.Get("Location"), res.Header.Get("ETag"), path)
	}
	if p["name"] != "Karin Lindqvist" || p["last_name"] != "Lindqvist" || p["organization_id"] != org["id"] {
		t.Errorf("create: got %v, want the full name, the last name trimmed, the organization", p)
	}
	get := env.Do(testenv.Request{Method: "GET", Path: path, Token: admin.Token})
	if get.Status != 200 || get.Header.Get("ETag") != `"1"` || !sameJSON(t, get.Body, res.Body) {
		t.Fatalf("get: got %s (ETag %q), want the created person", get, get.Header.Get("ETag"))
	}

	for _, step := range []struct {
		name string
		body map[string]any
		want func(p map[string]any) bool
	}{
		{"move to another organization", map[string]any{"organization_id": other["id"]},
			func(p map[string]any) bool {
				return p["organization_id"] == other["id"] && p["job_title"] == "Purchasing manager"
			}},
		{"detach with null", map[string]any{"organization_id": nil},
			func(p map[string]any) bool { return p["organization_id"] == nil }},
		{"absent organization stays detached", map[string]any{"job_title": ""},
			func(p map[string]any) bool { return p["organization_id"] == nil && p["job_title"] == "" }},
		{"clear the first name, keep the last", map[string]any{"first_name": ""},
			func(p map[string]any) bool { return p["name"] == "Lindqvist" && p["first_name"] == "" }},
	} {
		res := env.Do(testenv.Request{Method: "PATCH", Path: path, Token: member.Token, Body: step.body})
		if res.Status != 200 || !step.want(res.Map(t)) {
			t.Errorf("%s: got %s", step.name, res)
		}
	}

	if res := env.Do(testenv.Request{Method: "PATCH", Path: path, Token: member.Token, Header: map[string]string{"If-Match": `"1"`},
		Body: map[string]any{"first_name": "Lost"}}); res.Status != 412 {
		t.Errorf("patch with a stale ETag: got %s, want 412", res)
	}
	if res := env.Do(testenv.Request{Method: "DELETE", Path: path, Token: member.Token, Header: map[string]string{"If-Match": `"1"`}}); res.Status != 412 {
		t.Errorf("delete with a stale ETag: got %s, want 412", res)
	}
	etag := env.Do(testenv.Request{Method: "GET", Path: path, Token: member.Token}).Header.Get("ETag")
	if res := env.Do(testenv.Request{Method: "DELETE", Path: path, Token: member.Token, Header: map[string]string{"If-Match": etag}}); res.Status != 204 {
		t.Fatalf("delete with the current ETag %s: got %s, want 204", etag, res)
	}
	if res := env.Do(testenv.Request{Method: "GET", Path: path, Token: member.Token}); res.Status != 404 {
		t.Errorf("get after delete: got %s, want 404", res)
	}
}

func TestPersonValidation(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a, b := env.Signup(), env.Signup()
	orgOfB := postOrganization(t, env, b.Token, map[string]any{"name": "B's organization"})
	person := postPerson(t, env, a.Token, map[string]any{"last_name": "Only"})
	path := "/api/v1/persons/" + person["id"].(string)

	for _, tc := range []struct {
		name   string
		method string
		body   map[string]any
		fields []string
	}{
		{"no name", "POST", map[string]any{"email": "x@example.com"}, []string{"first_name", "last_name"}},
		{"blank names", "POST", map[string]any{"first_name": " ", "last_name": ""}, []string{"first_name", "last_name"}},
		{"first name too long", "POST", map[string]any{"first_name": strings.Repeat("x", 101)}, []string{"first_name"}},
		{"e-mail", "POST", map[string]any{"first_name": "X", "email": "x@"}, []string{"email"}},
		{"job title with a tab", "POST", map[string]any{"first_name": "X", "job_title": "Boss\tof all"}, []string{"job_title"}},
		{"organization id not a UUID", "POST", map[string]any{"first_name": "X", "organization_id": "nope"}, []string{"organization_id"}},
		{"missing organization", "POST", map[string]any{"first_name": "X", "organization_id": newID()}, []string{"organization_id"}},
		{"another workspace's organization", "POST", map[string]any{"first_name": "X", "organization_id": orgOfB["id"]}, []string{"organization_id"}},
		{"patch to a missing organization", "PATCH", map[string]any{"organization_id": newID()}, []string{"organization_id"}},
		{"patch to another workspace's organization", "PATCH", map[string]any{"organization_id": orgOfB["id"]}, []string{"organization_id"}},
		{"patch removes the only name", "PATCH", map[string]any{"last_name": ""}, []string{"first_name", "last_name"}},
		{"patch phone", "PATCH", map[string]any{"phone": "n/a"}, []string{"phone"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := "/api/v1/persons"
			if tc.method == "PATCH" {
				p = path
			}
			wantFields(t, env.Do(testenv.Request{Method: tc.method, Path: p, Token: a.Token, Body: tc.body}), tc.fields...)
		})
	}
	// Another workspace's organization answers exactly like a missing one.
	missing := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/persons", Token: a.Token,
		Body: map[string]any{"first_name": "X", "organization_id": newID()}})
	foreign := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/persons", Token: a.Token,
		Body: map[string]any{"first_name": "X", "organization_id": orgOfB["id"]}})
	if detail(t, missing) != detail(t, foreign) || problemFields(t, missing) != problemFields(t, foreign) {
		t.Errorf("B's organization: got %s; a missing one gets %s; want the same answer", foreign, missing)
	}
	for _, tc := range []struct {
		name   string
		method string
		path   string
		body   any
		want   int
	}{
		{"unknown field", "POST", "/api/v1/persons", map[string]any{"first_name": "X", "title": "Dr"}, 400},
		{"patch unknown field", "PATCH", path, map[string]any{"organization": "X"}, 400},
		{"patch organization id of the wrong type", "PATCH", path, map[string]any{"organization_id": 7}, 400},
		{"missing id", "GET", "/api/v1/persons/" + newID(), nil, 404},
		{"patch missing id", "PATCH", "/api/v1/persons/" + newID(), map[string]any{"first_name": "X"}, 404},
		{"delete missing id", "DELETE", "/api/v1/persons/" + newID(), nil, 404},
		{"filter by a malformed organization id", "GET", "/api/v1/persons?organization_id=nope", nil, 422},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if res := env.Do(testenv.Request{Method: tc.method, Path: tc.path, Token: a.Token, Body: tc.body}); res.Status != tc.want {
				t.Errorf("got %s, want %d", res, tc.want)
			}
		})
	}
	if res := env.Do(testenv.Request{Method: "GET", Path: path, Token: a.Token}); res.Map(t)["version"] != float64(1) {
		t.Errorf("after refused changes: got %s, want version 1", res)
	}
}

func TestPersonSearchAndFilter(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	admin := env.Signup()
	nordvik := postOrganization(t, env, admin.Token, map[string]any{"name": "Nordvik"})
	for _, p := range []map[string]any{
		{"first_name": "Karin", "last_name": "Lindqvist", "email": "karin@nordvik.example", "organization_id": nordvik["id"]},
		{"first_name": "Erik", "last_name": "Lund", "email": "ERIK.LUND@mail.example", "organization_id": nordvik["id"]},
		{"first_name": "Lena", "last_name": "Åström", "email": "lena@astrom.example"},
		{"last_name": "Karlsson"},
	} {
		postPerson(t, env, admin.Token, p)
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"q=karin", []string{"Karin Lindqvist"}},
		{"q=" + url.QueryEscape("KARIN LIND"), []string{"Karin Lindqvist"}},
		{"q=erik.lund", []string{"Erik Lund"}},
		{"q=MAIL.EXAMPLE", []string{"Erik Lund"}},
		{"q=" + url.QueryEscape("ÅSTRÖM"), []string{"Lena Åström"}},
		{"q=kar", []string{"Karin Lindqvist", "Karlsson"}},
		{"organization_id=" + nordvik["id"].(string), []string{"Erik Lund", "Karin Lindqvist"}},
		{"organization_id=" + nordvik["id"].(string) + "&q=lindq", []string{"Karin Lindqvist"}},
		{"organization_id=" + newID(), nil},
	} {
		t.Run(tc.query, func(t *testing.T) {
			got := listNames(t, env, admin.Token, "/api/v1/persons?sort=name&"+tc.query)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("?%s: got %v, want %v", tc.query, got, tc.want)
			}
		})
	}
	// The name sort is on the full name as shown: "Karlsson" has no first
	// name and sorts as "Karlsson", not " Karlsson".
	got, pages := pageAll(t, env, admin.Token, "/api/v1/persons?limit=1&sort=-name")
	want := []string{"Lena Åström", "Karlsson", "Karin Lindqvist", "Erik Lund"}
	if strings.Join(got, "|") != strings.Join(want, "|") || pages != 4 {
		t.Errorf("sort=-name, one per page: got %v in %d pages, want %v in 4", got, pages, want)
	}
}

// TestPersonTenancyFilter: filtering by another workspace's organization
// shows nothing, never that organization's persons.
func TestPersonTenancyFilter(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a, b := env.Signup(), env.Signup()
	org := postOrganization(t, env, a.Token, map[string]any{"name": "A's organization"})
	postPerson(t, env, a.Token, map[string]any{"first_name": "Secret", "organization_id": org["id"]})
	if got := listNames(t, env, b.Token, "/api/v1/persons?organization_id="+org["id"].(string)); len(got) != 0 {
		t.Errorf("B filters by A's organization: got %v, want nothing", got)
	}
}

func problemFields(t *testing.T, r *testenv.Response) string {
	t.Helper()
	var p struct {
		Errors []struct{ Field, Message string } `json:"errors"`
	}
	r.Decode(t, &p)
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Field+": "+e.Message)
	}
	return strings.Join(out, "; ")
}

func init() {
	addProbes(map[string]probe{
		"GET /api/v1/organizations":        {kind: list, setup: organizationOfA},
		"POST /api/v1/organizations":       {kind: own, body: map[string]any{"name": "B's organization"}},
		"GET /api/v1/organizations/:id":    {kind: item, setup: organizationOfA},
		"PATCH /api/v1/organizations/:id":  {kind: item, setup: organizationOfA, body: map[string]any{"name": "Hijacked"}, check: organizationUnchanged},
		"DELETE /api/v1/organizations/:id": {kind: item, setup: organizationOfA, check: organizationUnchanged},
		"GET /api/v1/persons":              {kind: list, setup: personOfA},
		"POST /api/v1/persons":             {kind: own, body: map[string]any{"first_name": "B's person"}},
		"GET /api/v1/persons/:id":          {kind: item, setup: personOfA},
		"PATCH /api/v1/persons/:id":        {kind: item, setup: personOfA, body: map[string]any{"first_name": "Hijacked", "organization_id": nil}, check: personUnchanged},
		"DELETE /api/v1/persons/:id":       {kind: item, setup: personOfA, check: personUnchanged},
	})
}

func organizationOfA(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
	o := postOrganization(t, env, a.Token, map[string]any{"name": "A's secret organization " + newID(), "email": "a-org@example.com"})
	id := o["id"].(string)
	return fixture{params: map[string]string{"id": id}, ids: []string{id, o["name"].(string)}}
}

func organizationUnchanged(t *testing.T, env *testenv.Env, a testenv.Account, fx fixture) {
	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/organizations/" + fx.params["id"], Token: a.Token})
	if o := res.Map(t); res.Status != 200 || o["name"] != fx.ids[1] || o["version"] != float64(1) {
		t.Errorf("A's organization changed: %s", res)
	}
}

func personOfA(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
	o := postOrganization(t, env, a.Token, map[string]any{"name": "A's employer"})
	p := postPerson(t, env, a.Token, map[string]any{"first_name": "Secret", "last_name": newID(), "organization_id": o["id"]})
	id := p["id"].(string)
	return fixture{params: map[string]string{"id": id, "org": o["id"].(string)}, ids: []string{id, p["last_name"].(string)}}
}

func personUnchanged(t *testing.T, env *testenv.Env, a testenv.Account, fx fixture) {
	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/persons/" + fx.params["id"], Token: a.Token})
	if p := res.Map(t); res.Status != 200 || p["first_name"] != "Secret" || p["organization_id"] != fx.params["org"] || p["version"] != float64(1) {
		t.Errorf("A's person changed: %s", res)
	}
}
