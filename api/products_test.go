package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/acme/crm/internal/testenv"
)

type productJSON struct {
	ID        string `json:"id"`
	Code      string `json:"code"`
	Name      string `json:"name"`
	Unit      string `json:"unit"`
	UnitPrice int64  `json:"unit_price"`
	Currency  string `json:"currency"`
	VATRate   int    `json:"vat_rate"`
	Active    bool   `json:"active"`
	Version   int64  `json:"version"`
}

// newProduct creates a product as the admin; body fields override defaults.
func newProduct(t *testing.T, env *testenv.Env, a testenv.Account, body map[string]any) productJSON {
	t.Helper()
	full := map[string]any{"code": "P-" + newID()[24:], "name": "Product " + newID()[24:], "unit_price": 10000, "vat_rate": 2500}
	for k, v := range body {
		full[k] = v
	}
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/products", Token: a.Token, Body: full})
	if res.Status != http.StatusCreated {
		t.Fatalf("create product: %s", res)
	}
	var p productJSON
	res.Decode(t, &p)
	return p
}

func TestProductCRUD(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	member := env.Member(a)
	p := newProduct(t, env, a, map[string]any{"code": "SEAT-1", "name": "CRM seat", "unit_price": 29900})
	if p.Unit != "pcs" || p.Currency != "SEK" || !p.Active || p.Version != 1 || p.VATRate != 2500 {
		t.Fatalf("got %+v, want unit pcs, SEK, active, version 1", p)
	}
	path := "/api/v1/products/" + p.ID
	for _, tc := range []struct {
		name   string
		method string
		path   string
		token  string
		body   any
		header map[string]string
		want   int
		field  string
	}{
		{"read as member", "GET", path, member.Token, nil, nil, 200, ""},
		{"list as member", "GET", "/api/v1/products", member.Token, nil, nil, 200, ""},
		{"member cannot create", "POST", "/api/v1/products", member.Token, map[string]any{"code": "X", "name": "X", "unit_price": 1, "vat_rate": 0}, nil, 403, ""},
		{"member cannot change", "PATCH", path, member.Token, map[string]any{"name": "Mine"}, nil, 403, ""},
		{"member cannot delete", "DELETE", path, member.Token, nil, nil, 403, ""},
		{"duplicate code ignoring case", "POST", "/api/v1/products", a.Token, map[string]any{"code": "seat-1", "name": "Other", "unit_price": 1, "vat_rate": 0}, nil, 409, ""},
		{"code with spaces", "POST", "/api/v1/products", a.Token, map[string]any{"code": "A B", "name": "Other", "unit_price": 1, "vat_rate": 0}, nil, 422, "code"},
		{"negative price", "POST", "/api/v1/products", a.Token, map[string]any{"code": "N", "name": "N", "unit_price": -1, "vat_rate": 0}, nil, 422, "unit_price"},
		{"vat over 100 %", "POST", "/api/v1/products", a.Token, map[string]any{"code": "V", "name": "V", "unit_price": 1, "vat_rate": 10001}, nil, 422, "vat_rate"},
		{"bad currency", "POST", "/api/v1/products", a.Token, map[string]any{"code": "C", "name": "C", "unit_price": 1, "vat_rate": 0, "currency": "XXQ"}, nil, 422, "currency"},
		{"missing", "GET", "/api/v1/products/" + newID(), a.Token, nil, nil, 404, ""},
		{"stale If-Match", "PATCH", path, a.Token, map[string]any{"name": "Late"}, map[string]string{"If-Match": `"7"`}, 412, ""},
		{"rename with If-Match", "PATCH", path, a.Token, map[string]any{"name": "CRM seat licence", "unit_price": 0}, map[string]string{"If-Match": `"1"`}, 200, ""},
		{"rename to a taken code", "PATCH", path, a.Token, map[string]any{"code": "TAKEN"}, nil, 409, ""},
		{"bad active filter", "GET", "/api/v1/products?active=maybe", a.Token, nil, nil, 422, "active"},
		{"sort with q", "GET", "/api/v1/products?q=a&sort=name", a.Token, nil, nil, 422, "sort"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "rename to a taken code" {
				newProduct(t, env, a, map[string]any{"code": "TAKEN"})
			}
			res := env.Do(testenv.Request{Method: tc.method, Path: tc.path, Token: tc.token, Body: tc.body, Header: tc.header})
			if res.Status != tc.want || (tc.field != "" && !strings.Contains(string(res.Body), `"field":"`+tc.field+`"`)) {
				t.Fatalf("got %s, want %d %s", res, tc.want, tc.field)
			}
		})
	}
	var got productJSON
	env.OK(testenv.Request{Method: "GET", Path: path, Token: a.Token}).Decode(t, &got)
	if got.Name != "CRM seat licence" || got.UnitPrice != 0 || got.Version != 2 {
		t.Errorf("after the patch: got %+v, want the new name, price 0 (a zero value kept), version 2", got)
	}
	if res := env.Do(testenv.Request{Method: "DELETE", Path: path, Token: a.Token, Header: map[string]string{"If-Match": `"2"`}}); res.Status != 204 {
		t.Fatalf("delete: got %s, want 204", res)
	}
	if res := env.Do(testenv.Request{Method: "GET", Path: path, Token: a.Token}); res.Status != 404 {
		t.Errorf("deleted product: got %s, want 404", res)
	}
}

func TestDeleteProductUsedByLines(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	p := newProduct(t, env, a, nil)
	o := newOpportunity(t, env, a, nil)
	addLine(t, env, a, o.ID, map[string]any{"product_id": p.ID, "quantity": 1})
	res := env.Do(testenv.Request{Method: "DELETE", Path: "/api/v1/products/" + p.ID, Token: a.Token})
	if res.Status != 409 || !strings.Contains(string(res.Body), "deactivate") {
		t.Fatalf("delete a product in use: got %s, want 409 suggesting to deactivate", res)
	}
	res = env.Do(testenv.Request{Method: "PATCH", Path: "/api/v1/products/" + p.ID, Token: a.Token, Body: map[string]any{"active": false}})
	if res.Status != 200 || res.Map(t)["active"] != false {
		t.Fatalf("deactivate: got %s", res)
	}
}

func TestProductTypeAhead(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	for _, p := range []map[string]any{
		{"code": "WEB", "name": "Consulting hour"},         // exact code for "web"
		{"code": "WEB-HOST", "name": "Hosting"},            // code prefix
		{"code": "X-1", "name": "Webinar package"},         // name prefix
		{"code": "X-2", "name": "Annual web shop licence"}, // word prefix
		{"code": "X-3", "name": "Cobweb remover"},          // "web" inside a word: no match
		{"code": "X-4", "name": "Old web thing", "active": false},
		{"code": "SEAT", "name": "Wi-Fi router"},
	} {
		newProduct(t, env, a, p)
	}
	search := func(query string) string {
		t.Helper()
		res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/products?" + query, Token: a.Token})
		if res.Status != 200 {
			t.Fatalf("?%s: %s", query, res)
		}
		var l struct{ Data []productJSON }
		res.Decode(t, &l)
		var codes []string
		for _, p := range l.Data {
			codes = append(codes, p.Code)
		}
		return strings.Join(codes, " ")
	}
	for _, tc := range []struct{ query, want string }{
		{"q=web", "WEB WEB-HOST X-1 X-2"},
		{"q=WE", "WEB WEB-HOST X-1 X-2"},
		{"q=web&include_inactive=true", "WEB WEB-HOST X-1 X-2 X-4"},
		{"q=web&active=false", "X-4"},
		{"q=web%20sh", "X-2"},
		{"q=annual%20lic", "X-2"},
		{"q=fi", "SEAT"},
		{"q=wi-f", "SEAT"},
		{"q=host", "X-1"[:0] + "WEB-HOST"},
		{"q=x-", "X-1 X-2 X-3"},
		{"q=zzz", ""},
		{"q=%25", ""},
		{"q=_", ""},
		{"sort=code", "SEAT WEB WEB-HOST X-1 X-2 X-3"},
		{"sort=code&include_inactive=true", "SEAT WEB WEB-HOST X-1 X-2 X-3 X-4"},
	} {
		if got := search(tc.query); got != tc.want {
			t.Errorf("?%s: got %q, want %q", tc.query, got, tc.want)
		}
	}
	// Paging through the ranked answer visits every match once, in order.
	var seen []string
	for _, p := range testenv.Pages[productJSON](env, a.Token, "/api/v1/products?q=web&limit=1") {
		seen = append(seen, p.Code)
	}
	if got := strings.Join(seen, " "); got != "WEB WEB-HOST X-1 X-2" {
		t.Errorf("paged type-ahead: got %q, want %q", got, "WEB WEB-HOST X-1 X-2")
	}
}

func init() {
	productOfA := func(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
		p := newProduct(t, env, a, map[string]any{"name": "A's secret product"})
		return fixture{params: map[string]string{"id": p.ID}, ids: []string{p.ID}}
	}
	productUnchanged := func(t *testing.T, env *testenv.Env, a testenv.Account, fx fixture) {
		res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/products/" + fx.ids[0], Token: a.Token})
		if res.Status != 200 || res.Header.Get("ETag") != `"1"` {
			t.Errorf("A's product changed or vanished: %s", res)
		}
	}
	addProbes(map[string]probe{
		"GET /api/v1/products":        {kind: list, setup: productOfA},
		"POST /api/v1/products":       {kind: own, body: map[string]any{"code": "B-1", "name": "B's", "unit_price": 1, "vat_rate": 0}},
		"GET /api/v1/products/:id":    {kind: item, setup: productOfA},
		"PATCH /api/v1/products/:id":  {kind: item, setup: productOfA, body: map[string]any{"name": "Hijacked"}, check: productUnchanged},
		"DELETE /api/v1/products/:id": {kind: item, setup: productOfA, check: productUnchanged},
	})
}
