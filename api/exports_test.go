package api_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/acme/crm/internal/testenv"
)

// exportCSV downloads an export and parses it.
func exportCSV(t *testing.T, env *testenv.Env, token, path string, comma rune) ([]byte, [][]string) {
	t.Helper()
	res := env.Do(testenv.Request{Method: "GET", Path: path, Token: token})
	if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
		!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("GET %s: got %d %v, want 200 text/csv as an attachment", path, res.Status, res.Header)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(res.Body, []byte("\xEF\xBB\xBF"))))
	r.Comma = comma
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return res.Body, rows
}

func column(t *testing.T, rows [][]string, name string) int {
	t.Helper()
	for i, h := range rows[0] {
		if h == name {
			return i
		}
	}
	t.Fatalf("no column %s in %v", name, rows[0])
	return -1
}

func TestExportRoundTrip(t *testing.T) {
	env := testenv.New(t)
	a := env.Signup()
	// Enough organizations for several pages of the export.
	var b strings.Builder
	b.WriteString("external_id,name,city\n")
	for i := range 450 {
		fmt.Fprintf(&b, "E-%d,Bulk %d AB,Ort %d\n", i, i, i)
	}
	runImport(t, env, a.Token, []byte(b.String()), map[string]string{"resource": "organizations"})
	odd := postOrganization(t, env, a.Token, map[string]any{"name": `=HYPERLINK("x"); "Citat" AB`})["id"].(string)
	postPerson(t, env, a.Token, map[string]any{"first_name": "Åsa", "last_name": "Öberg", "organization_id": odd})
	for i, amount := range []int64{123456, 5, 0} {
		res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/opportunities", Token: a.Token, Body: map[string]any{
			"title": fmt.Sprintf("Affär %d", i), "organization_id": odd, "estimated_amount": amount,
			"expected_order_date": "2027-03-31", "description": "två\nrader; och \"citat\""}})
		if res.Status != http.StatusCreated {
			t.Fatalf("opportunity: %s", res)
		}
	}

	_, orgs := exportCSV(t, env, a.Token, "/api/v1/organizations/export.csv", ',')
	if len(orgs) != 452 {
		t.Fatalf("organizations: %d lines, want a header and 451 rows", len(orgs))
	}
	raw, excel := exportCSV(t, env, a.Token, "/api/v1/organizations/export.csv?excel=true&q=HYPERLINK", ';')
	if !bytes.HasPrefix(raw, []byte("\xEF\xBB\xBFid;external_id;name")) || len(excel) != 2 ||
		excel[1][column(t, excel, "name")] != `'=HYPERLINK("x"); "Citat" AB` {
		t.Errorf("excel export: got %q, want a BOM, semicolons, the q filter and the formula guarded by an apostrophe", raw)
	}
	_, opps := exportCSV(t, env, a.Token, "/api/v1/opportunities/export.csv?excel=true&sort=-estimated_amount", ';')
	if len(opps) != 4 || opps[1][column(t, opps, "estimated_amount")] != "1234,56" || opps[2][column(t, opps, "estimated_amount")] != "0,05" {
		t.Errorf("opportunities: got %q, want 1234,56 then 0,05 (sorted by amount, decimal comma)", opps)
	}
	newProduct(t, env, a, map[string]any{"code": "P-1", "name": "Halvår", "unit_price": 123456, "vat_rate": 1250, "external_id": "ERP-P1"})
	newProduct(t, env, a, map[string]any{"code": "=P-2", "name": "Gammal", "unit_price": 5, "vat_rate": 0, "active": false})
	_, products := exportCSV(t, env, a.Token, "/api/v1/products/export.csv?excel=true&include_inactive=true&sort=code", ';')
	if len(products) != 3 || products[1][column(t, products, "code")] != "'=P-2" || products[1][column(t, products, "active")] != "false" ||
		products[2][column(t, products, "unit_price")] != "1234,56" || products[2][column(t, products, "vat_rate")] != "12,50" ||
		products[2][column(t, products, "external_id")] != "ERP-P1" {
		t.Errorf("products: got %q, want the inactive one guarded, then 1234,56 at 12,50 %%", products)
	}
	_, persons := exportCSV(t, env, a.Token, "/api/v1/persons/export.csv?organization_id="+odd, ',')
	if len(persons) != 2 || persons[1][column(t, persons, "organization_id")] != odd {
		t.Errorf("persons: got %q", persons)
	}

	// Importing every export back changes nothing.
	_, since := countFeed(t, env, a.Token, "")
	for _, tc := range []struct{ resource, path string }{
		{"organizations", "/api/v1/organizations/export.csv"},
		{"organizations", "/api/v1/organizations/export.csv?excel=true"},
		{"persons", "/api/v1/persons/export.csv?excel=true"},
		{"opportunities", "/api/v1/opportunities/export.csv"},
		{"opportunities", "/api/v1/opportunities/export.csv?excel=true"},
		{"products", "/api/v1/products/export.csv?include_inactive=true"},
		{"products", "/api/v1/products/export.csv?include_inactive=true&excel=true"},
	} {
		raw, rows := exportCSV(t, env, a.Token, tc.path, map[bool]rune{true: ';', false: ','}[strings.Contains(tc.path, "excel")])
		st := runImport(t, env, a.Token, raw, map[string]string{"resource": tc.resource})
		if st.Created != 0 || st.Updated != 0 || st.ErrorCount != 0 || st.Unchanged != len(rows)-1 {
			t.Errorf("%s back in: got %+v, want all %d rows unchanged", tc.path, st, len(rows)-1)
		}
	}
	if n, _ := countFeed(t, env, a.Token, since); n != 0 {
		t.Errorf("the round trips changed %d records, want none", n)
	}
}

func TestExportValidation(t *testing.T) {
	env := testenv.New(t)
	a := env.Signup()
	for _, path := range []string{
		"/api/v1/organizations/export.csv?excel=maybe",
		"/api/v1/persons/export.csv?organization_id=nope",
		"/api/v1/opportunities/export.csv?status=sleeping",
		"/api/v1/products/export.csv?active=sometimes",
	} {
		if res := env.Do(testenv.Request{Method: "GET", Path: path, Token: a.Token}); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: got %s, want 422", path, res)
		}
	}
	if res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/opportunities/export.csv?sort=title", Token: a.Token}); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("unsortable field: got %s, want 422", res)
	}
}

func init() {
	// A's record of each kind, named so that B's export would show it.
	oppOfA := func(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
		o := newOpportunity(t, env, a, map[string]any{"title": "A's secret deal"})
		return fixture{ids: []string{o.ID, "A's secret deal"}}
	}
	productOfA := func(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
		p := newProduct(t, env, a, map[string]any{"name": "A's secret product"})
		return fixture{ids: []string{p.ID, "A's secret product"}}
	}
	addProbes(map[string]probe{
		"GET /api/v1/organizations/export.csv": {kind: list, setup: changesOfA},
		"GET /api/v1/persons/export.csv":       {kind: list, setup: personOfA},
		"GET /api/v1/opportunities/export.csv": {kind: list, setup: oppOfA},
		"GET /api/v1/products/export.csv":      {kind: list, setup: productOfA},
	})
}
