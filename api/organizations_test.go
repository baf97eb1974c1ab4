package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/acme/crm/internal/testenv"
)

// postOrganization creates an organization and returns its body.
func postOrganization(t *testing.T, env *testenv.Env, token string, body map[string]any) map[string]any {
	t.Helper()
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/organizations", Token: token, Body: body})
	if res.Status != http.StatusCreated {
		t.Fatalf("create organization %v: got %s, want 201", body, res)
	}
	return res.Map(t)
}

// wantFields fails unless res is a 422 naming exactly the fields.
func wantFields(t *testing.T, res *testenv.Response, fields ...string) {
	t.Helper()
	var p struct {
		Errors []struct{ Field string } `json:"errors"`
	}
	res.Decode(t, &p)
	var got []string
	for _, e := range p.Errors {
		got = append(got, e.Field)
	}
	if res.Status != http.StatusUnprocessableEntity || strings.Join(got, ",") != strings.Join(fields, ",") {
		t.Errorf("got %s, want 422 naming %v", res, fields)
	}
}

func TestOrganizationLifecycle(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	admin := env.Signup()
	member := env.Member(admin)

	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/organizations", Token: member.Token, Body: map[string]any{
		"name": "  Nordvik Trading AB ", "registration_number": "556677-8899", "vat_number": "SE556677889901",
		"email": "info@nordvik.example", "phone": "+46 8 123 456 78", "website": "https://nordvik.example",
		"address": map[string]any{"street": "Storgatan 1", "postal_code": "111 22", "city": "Stockholm", "country": "se"}}})
	if res.Status != http.StatusCreated {
		t.Fatalf("create: got %s, want 201", res)
	}
	org := res.Map(t)
	id, _ := org["id"].(string)
	path := "/api/v1/organizations/" + id
	if res.Header.Get("Location") != path || res.Header.Get("ETag") != `"1"` {
		t.Errorf("create: got Location %q ETag %q, want %q and \"1\"", res.Header.Get("Location"), res.Header.Get("ETag"), path)
	}
	addr, _ := org["address"].(map[string]any)
	if org["name"] != "Nordvik Trading AB" || addr["country"] != "SE" || addr["city"] != "Stockholm" {
		t.Errorf("create: got %v, want the name trimmed and the country upper-cased", org)
	}

	get := env.Do(testenv.Request{Method: "GET", Path: path, Token: admin.Token})
	if get.Status != 200 || get.Header.Get("ETag") != `"1"` || !sameJSON(t, get.Body, res.Body) {
		t.Fatalf("get: got %s (ETag %q), want the created organization with ETag \"1\"", get, get.Header.Get("ETag"))
	}

	// Only the named fields change; "" clears an optional one.
	res = env.Do(testenv.Request{Method: "PATCH", Path: path, Token: member.Token, Header: map[string]string{"If-Match": `"1"`},
		Body: map[string]any{"phone": "", "address": map[string]any{"city": "Göteborg"}}})
	if res.Status != 200 || res.Header.Get("ETag") != `"2"` {
		t.Fatalf("patch: got %s (ETag %q), want 200 with ETag \"2\"", res, res.Header.Get("ETag"))
	}
	org = res.Map(t)
	addr, _ = org["address"].(map[string]any)
	if org["phone"] != "" || addr["city"] != "Göteborg" || addr["street"] != "Storgatan 1" || org["vat_number"] != "SE556677889901" {
		t.Errorf("patch: got %v, want phone cleared, city changed, the rest kept", org)
	}

	stale := map[string]string{"If-Match": `"1"`}
	if res := env.Do(testenv.Request{Method: "PATCH", Path: path, Token: member.Token, Header: stale, Body: map[string]any{"name": "Lost update"}}); res.Status != 412 {
		t.Errorf("patch with a stale ETag: got %s, want 412", res)
	}
	if res := env.Do(testenv.Request{Method: "DELETE", Path: path, Token: member.Token, Header: stale}); res.Status != 412 {
		t.Errorf("delete with a stale ETag: got %s, want 412", res)
	}
	if res := env.Do(testenv.Request{Method: "DELETE", Path: path, Token: member.Token, Header: map[string]string{"If-Match": `"2"`}}); res.Status != 204 {
		t.Fatalf("delete: got %s, want 204", res)
	}
	for _, method := range []string{"GET", "DELETE"} {
		if res := env.Do(testenv.Request{Method: method, Path: path, Token: member.Token}); res.Status != 404 {
			t.Errorf("%s after delete: got %s, want 404", method, res)
		}
	}
}

func TestOrganizationValidation(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	admin := env.Signup()
	org := postOrganization(t, env, admin.Token, map[string]any{"name": "Valid AB"})
	path := "/api/v1/organizations/" + org["id"].(string)

	for _, tc := range []struct {
		name   string
		method string
		body   map[string]any
		fields []string
	}{
		{"name missing", "POST", map[string]any{"email": "a@example.com"}, []string{"name"}},
		{"name blank", "POST", map[string]any{"name": "   "}, []string{"name"}},
		{"name too long", "POST", map[string]any{"name": strings.Repeat("x", 201)}, []string{"name"}},
		{"name on two lines", "POST", map[string]any{"name": "A\nB"}, []string{"name"}},
		{"e-mail", "POST", map[string]any{"name": "X", "email": "not an address"}, []string{"email"}},
		{"e-mail with display name", "POST", map[string]any{"name": "X", "email": "Info <info@example.com>"}, []string{"email"}},
		{"website without scheme", "POST", map[string]any{"name": "X", "website": "example.com"}, []string{"website"}},
		{"website ftp", "POST", map[string]any{"name": "X", "website": "ftp://example.com"}, []string{"website"}},
		{"phone without digits", "POST", map[string]any{"name": "X", "phone": "call us"}, []string{"phone"}},
		{"country", "POST", map[string]any{"name": "X", "address": map[string]any{"country": "XX"}}, []string{"address.country"}},
		{"country too long", "POST", map[string]any{"name": "X", "address": map[string]any{"country": "SWE"}}, []string{"address.country"}},
		{"vat number too long", "POST", map[string]any{"name": "X", "vat_number": strings.Repeat("1", 51)}, []string{"vat_number"}},
		{"several at once", "POST", map[string]any{"name": " ", "email": "x", "website": "x"}, []string{"name", "email", "website"}},
		{"patch clears the name", "PATCH", map[string]any{"name": ""}, []string{"name"}},
		{"patch postal code", "PATCH", map[string]any{"address": map[string]any{"postal_code": strings.Repeat("1", 21)}}, []string{"address.postal_code"}},
		{"patch country", "PATCH", map[string]any{"address": map[string]any{"country": "ZZ"}}, []string{"address.country"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := "/api/v1/organizations"
			if tc.method == "PATCH" {
				p = path
			}
			wantFields(t, env.Do(testenv.Request{Method: tc.method, Path: p, Token: admin.Token, Body: tc.body}), tc.fields...)
		})
	}
	for _, tc := range []struct {
		name   string
		method string
		path   string
		body   any
		want   int
	}{
		{"unknown field", "POST", "/api/v1/organizations", map[string]any{"name": "X", "fax": "123"}, 400},
		{"unknown address field", "PATCH", path, map[string]any{"address": map[string]any{"region": "Norrland"}}, 400},
		{"wrong type", "POST", "/api/v1/organizations", map[string]any{"name": 42}, 400},
		{"missing id", "GET", "/api/v1/organizations/" + newID(), nil, 404},
		{"malformed id", "GET", "/api/v1/organizations/nope", nil, 404},
		{"patch missing id", "PATCH", "/api/v1/organizations/" + newID(), map[string]any{"name": "X"}, 404},
		{"delete missing id", "DELETE", "/api/v1/organizations/" + newID(), nil, 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if res := env.Do(testenv.Request{Method: tc.method, Path: tc.path, Token: admin.Token, Body: tc.body}); res.Status != tc.want {
				t.Errorf("got %s, want %d", res, tc.want)
			}
		})
	}
	if res := env.Do(testenv.Request{Method: "GET", Path: path, Token: admin.Token}); res.Map(t)["version"] != float64(1) {
		t.Errorf("after refused changes: got %s, want version 1", res)
	}
}

func TestOrganizationSearch(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	admin := env.Signup()
	for _, o := range []map[string]any{
		{"name": "Nordvik Trading AB", "email": "info@nordvik.example"},
		{"name": "Söderberg & Co", "email": "kontakt@ACME-MAIL.example"},
		{"name": "100% Design", "email": "hello@design.example"},
		{"name": "Under_score Ltd"},
		{"name": "Parks Ltd"},
	} {
		postOrganization(t, env, admin.Token, o)
	}
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"nord", []string{"Nordvik Trading AB"}},
		{"TRADING", []string{"Nordvik Trading AB"}},
		{"acme-mail", []string{"Söderberg & Co"}},
		{"SÖDER", []string{"Söderberg & Co"}},
		{"@", []string{"100% Design", "Nordvik Trading AB", "Söderberg & Co"}},
		{"%", []string{"100% Design"}},
		{"r_s", []string{"Under_score Ltd"}},
		{"  ltd  ", []string{"Parks Ltd", "Under_score Ltd"}},
		{"nothing like it", nil},
	} {
		t.Run(tc.q, func(t *testing.T) {
			got := listNames(t, env, admin.Token, "/api/v1/organizations?sort=name&q="+url.QueryEscape(tc.q))
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("q=%q: got %v, want %v", tc.q, got, tc.want)
			}
		})
	}
	if res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/organizations?q=" + strings.Repeat("x", 201), Token: admin.Token}); res.Status != 422 {
		t.Errorf("q of 201 characters: got %s, want 422", res)
	}
}

func TestOrganizationPaging(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	admin := env.Signup()
	var names []string
	for i := range 7 {
		n := fmt.Sprintf("Org %c", 'G'-i) // created in reverse name order
		names = append([]string{n}, names...)
		postOrganization(t, env, admin.Token, map[string]any{"name": n})
	}
	for _, tc := range []struct {
		sort string
		want []string
	}{
		{"name", names},
		{"-name", reversed(names)},
		{"created_at", reversed(names)},
		{"-created_at", names},
		{"updated_at", reversed(names)},
	} {
		t.Run(tc.sort, func(t *testing.T) {
			got, pages := pageAll(t, env, admin.Token, "/api/v1/organizations?limit=3&sort="+tc.sort)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") || pages != 3 {
				t.Errorf("got %v in %d pages, want %v in 3", got, pages, tc.want)
			}
		})
	}
	// A cursor belongs to its sort.
	_, cursor := listPage(t, env, admin.Token, "/api/v1/organizations?limit=3&sort=name")
	if res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/organizations?sort=-name&cursor=" + cursor, Token: admin.Token}); res.Status != 400 {
		t.Errorf("cursor with another sort: got %s, want 400", res)
	}
	if res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/organizations?sort=email", Token: admin.Token}); res.Status != 422 {
		t.Errorf("sort=email: got %s, want 422", res)
	}
}

// TestOrganizationDeleteKeepsPersons: deleting an organization detaches its
// persons (a new version of each) instead of deleting or blocking.
func TestOrganizationDeleteKeepsPersons(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	admin := env.Signup()
	org := postOrganization(t, env, admin.Token, map[string]any{"name": "Closing AB"})
	person := postPerson(t, env, admin.Token, map[string]any{"first_name": "Kim", "organization_id": org["id"]})
	if res := env.Do(testenv.Request{Method: "DELETE", Path: "/api/v1/organizations/" + org["id"].(string), Token: admin.Token}); res.Status != 204 {
		t.Fatalf("delete: got %s, want 204", res)
	}
	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/persons/" + person["id"].(string), Token: admin.Token})
	p := res.Map(t)
	if res.Status != 200 || p["organization_id"] != nil || p["version"] != float64(2) || res.Header.Get("ETag") != `"2"` {
		t.Errorf("person after its organization's delete: got %s, want 200 without organization, version 2", res)
	}
}

// TestOrganizationDeleteReferenced: a row of another table that refers to
// the organization (as opportunities will) turns the delete into 409.
func TestOrganizationDeleteReferenced(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	admin := env.Signup()
	org := postOrganization(t, env, admin.Token, map[string]any{"name": "Busy AB"})
	for _, stmt := range []string{
		`CREATE TABLE relation_refs (workspace_id uuid, organization_id uuid,
			FOREIGN KEY (workspace_id, organization_id) REFERENCES organizations (workspace_id, id) ON DELETE RESTRICT)`,
		`INSERT INTO relation_refs VALUES ('` + admin.WorkspaceID + `', '` + org["id"].(string) + `')`,
	} {
		if _, err := env.DB.SQL().Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	path := "/api/v1/organizations/" + org["id"].(string)
	res := env.Do(testenv.Request{Method: "DELETE", Path: path, Token: admin.Token})
	if res.Status != 409 || !strings.Contains(detail(t, res), "relation refs") {
		t.Fatalf("delete a referenced organization: got %s, want 409 naming relation refs", res)
	}
	if res := env.Do(testenv.Request{Method: "GET", Path: path, Token: admin.Token}); res.Status != 200 {
		t.Errorf("after the refused delete: got %s, want the organization still there", res)
	}
}

func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xs, _ := json.Marshal(x)
	ys, _ := json.Marshal(y)
	return string(xs) == string(ys)
}

// listPage returns the names on one page of a list and its next cursor.
func listPage(t *testing.T, env *testenv.Env, token, path string) ([]string, string) {
	t.Helper()
	res := env.Do(testenv.Request{Method: "GET", Path: path, Token: token})
	if res.Status != 200 {
		t.Fatalf("GET %s: got %s, want 200", path, res)
	}
	var page struct {
		Data       []struct{ Name string } `json:"data"`
		NextCursor *string                 `json:"next_cursor"`
	}
	res.Decode(t, &page)
	names := make([]string, 0, len(page.Data))
	for _, d := range page.Data {
		names = append(names, d.Name)
	}
	if page.NextCursor == nil {
		return names, ""
	}
	return names, *page.NextCursor
}

func listNames(t *testing.T, env *testenv.Env, token, path string) []string {
	t.Helper()
	names, cursor := listPage(t, env, token, path)
	if cursor != "" {
		t.Fatalf("GET %s: got a next cursor, want one page", path)
	}
	return names
}

// pageAll follows next_cursor to the end and counts the pages.
func pageAll(t *testing.T, env *testenv.Env, token, path string) ([]string, int) {
	t.Helper()
	var all []string
	pages := 0
	for cursor := ""; pages == 0 || cursor != ""; pages++ {
		p := path
		if cursor != "" {
			p += "&cursor=" + cursor
		}
		var names []string
		names, cursor = listPage(t, env, token, p)
		all = append(all, names...)
		if pages > 50 {
			t.Fatalf("GET %s: more than 50 pages", path)
		}
	}
	return all, pages
}

func reversed(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}
