package api_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/acme/crm/internal/testenv"
)

// importForm builds the multipart body of POST /imports.
func importForm(t *testing.T, file []byte, fields map[string]string) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if file != nil {
		fw, err := w.CreateFormFile("file", "data.csv")
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(file)
	}
	w.Close()
	return buf.Bytes(), w.FormDataContentType()
}

type importState struct {
	ID         string            `json:"id"`
	Status     string            `json:"status"`
	RowsTotal  int               `json:"rows_total"`
	RowsDone   int               `json:"rows_done"`
	Created    int               `json:"created"`
	Updated    int               `json:"updated"`
	Unchanged  int               `json:"unchanged"`
	ErrorCount int               `json:"error_count"`
	Errors     []importRowError  `json:"errors"`
	Mapping    map[string]string `json:"mapping"`
}

type importRowError struct {
	Line    int    `json:"line"`
	Column  string `json:"column"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// runImport posts the file, works the job and answers the finished import.
func runImport(t *testing.T, env *testenv.Env, token string, file []byte, fields map[string]string) importState {
	t.Helper()
	body, ct := importForm(t, file, fields)
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/imports", Token: token, Raw: body, Header: map[string]string{"Content-Type": ct}})
	if res.Status != http.StatusAccepted || !strings.HasPrefix(res.Header.Get("Location"), "/api/v1/imports/") {
		t.Fatalf("POST /imports: got %s, want 202 with Location", res)
	}
	if _, err := env.App.Jobs.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	res = env.Do(testenv.Request{Method: "GET", Path: res.Header.Get("Location"), Token: token})
	if res.Status != http.StatusOK {
		t.Fatalf("GET import: %s", res)
	}
	var st importState
	res.Decode(t, &st)
	if st.Status != "succeeded" || st.RowsDone != st.RowsTotal {
		t.Fatalf("import: got %+v, want succeeded with every row done", st)
	}
	return st
}

func countFeed(t *testing.T, env *testenv.Env, token, since string) (int, string) {
	t.Helper()
	listable(t, env)
	items, next := drainFeed(t, env, token, since, "")
	return len(items), next
}

func TestImportOrganizations(t *testing.T) {
	env := testenv.New(t)
	a := env.Signup()
	// Swedish Excel: BOM, semicolons, a quoted field holding a semicolon
	// and a quote, å ä ö; column names mapped.
	file := []byte("\xEF\xBB\xBFNr;Namn;Ort;Land\r\n" +
		"K-1;Åkesson & Co AB;Malmö;SE\r\n" +
		"K-2;\"Ström; Söner \"\"HB\"\"\";Göteborg;SE\r\n" +
		"K-3;Felaktig AB;Umeå;Sverige\r\n" +
		"K-4;;Kiruna;SE\r\n")
	mapping := map[string]string{"mapping": `{"Nr": "external_id", "Namn": "name", "Ort": "city", "Land": "country"}`, "resource": "organizations"}
	_, start := countFeed(t, env, a.Token, "")
	st := runImport(t, env, a.Token, file, mapping)
	if st.RowsTotal != 4 || st.Created != 2 || st.ErrorCount != 2 {
		t.Fatalf("got %+v, want 4 rows: 2 created, 2 errors", st)
	}
	want := map[int]string{4: "Land", 5: "Namn"}
	for _, e := range st.Errors {
		if want[e.Line] != e.Column {
			t.Errorf("error %+v: want line 4 on Land (country) and line 5 on Namn (name)", e)
		}
		delete(want, e.Line)
	}
	if len(want) != 0 {
		t.Errorf("missing errors for lines %v: %+v", want, st.Errors)
	}
	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/organizations?external_id=K-2", Token: a.Token}).Map(t)
	data := res["data"].([]any)
	if len(data) != 1 || data[0].(map[string]any)["name"] != `Ström; Söner "HB"` {
		t.Errorf("K-2: got %v", data)
	}
	n, after := countFeed(t, env, a.Token, start)
	if n != 2 {
		t.Errorf("the feed has %d changes after the import, want 2", n)
	}

	// The same file again changes nothing; then a changed city updates.
	st = runImport(t, env, a.Token, file, mapping)
	if st.Created != 0 || st.Updated != 0 || st.Unchanged != 2 || st.ErrorCount != 2 {
		t.Errorf("re-run: got %+v, want 2 unchanged and the same 2 errors", st)
	}
	if n, _ := countFeed(t, env, a.Token, after); n != 0 {
		t.Errorf("the re-run changed %d records, want none", n)
	}
	st = runImport(t, env, a.Token, []byte("external_id,city\nK-1,Lund\n"), map[string]string{"resource": "organizations"})
	if st.Updated != 1 || st.Created != 0 {
		t.Errorf("changed city: got %+v, want 1 updated", st)
	}
}

func TestImportOpportunitiesAndPersons(t *testing.T) {
	env := testenv.New(t)
	a := env.Signup()
	existing := postOrganization(t, env, a.Token, map[string]any{"name": "Befintlig AB"})["id"].(string)
	file := []byte("title;organization;estimated_amount;expected_order_date;external_id\n" +
		"Avtal 1;befintlig ab;1 234,50;2027-01-31;O-1\n" +
		"Avtal 2;Ny Kund AB;99,5;;O-2\n" +
		"Avtal 3;Ny Kund AB;12.34.5;;O-3\n" +
		"Avtal 4;Ny Kund AB;100;31/01/2027;O-4\n")

	// A dry run checks and counts, and keeps nothing.
	dry := runImport(t, env, a.Token, file, map[string]string{"resource": "opportunities", "dry_run": "true"})
	if dry.Created != 2 || dry.ErrorCount != 2 {
		t.Errorf("dry run: got %+v, want 2 created and 2 errors", dry)
	}
	if n := len(env.Do(testenv.Request{Method: "GET", Path: "/api/v1/opportunities", Token: a.Token}).Map(t)["data"].([]any)); n != 0 {
		t.Fatalf("the dry run left %d opportunities", n)
	}

	st := runImport(t, env, a.Token, file, map[string]string{"resource": "opportunities"})
	if st.Created != 2 || st.ErrorCount != 2 {
		t.Fatalf("got %+v, want 2 created, 2 errors", st)
	}
	fields := map[int]string{}
	for _, e := range st.Errors {
		fields[e.Line] = e.Field
	}
	if fields[4] != "estimated_amount" || fields[5] != "expected_order_date" {
		t.Errorf("errors: got %+v, want line 4 estimated_amount and line 5 expected_order_date", st.Errors)
	}
	o1 := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/opportunities?external_id=O-1", Token: a.Token}).Map(t)["data"].([]any)[0].(map[string]any)
	if o1["estimated_amount"] != float64(123450) || o1["organization_id"] != existing || o1["expected_order_date"] != "2027-01-31" {
		t.Errorf("O-1: got %v, want 123450 minor units on the existing organization (name matched without case)", o1)
	}
	orgs := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/organizations?q=Ny+Kund", Token: a.Token}).Map(t)["data"].([]any)
	if len(orgs) != 1 {
		t.Errorf("Ny Kund AB: %d organizations, want one, created once for two rows", len(orgs))
	}

	persons := []byte("first_name,last_name,organization,email\nAnna,Berg,Ny Kund AB,anna@example.com\n")
	if st := runImport(t, env, a.Token, persons, map[string]string{"resource": "persons"}); st.Created != 1 {
		t.Errorf("persons: got %+v", st)
	}
	p := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/persons?q=Anna", Token: a.Token}).Map(t)["data"].([]any)[0].(map[string]any)
	if p["organization_id"] != orgs[0].(map[string]any)["id"] {
		t.Errorf("Anna: got %v, want her at Ny Kund AB", p)
	}
}

func TestImportValidation(t *testing.T) {
	env := testenv.New(t)
	a := env.Signup()
	csv := []byte("name\nX AB\n")
	for _, tc := range []struct {
		name   string
		file   []byte
		fields map[string]string
		field  string
	}{
		{"no file", nil, map[string]string{"resource": "organizations"}, "file"},
		{"unknown resource", csv, map[string]string{"resource": "unicorns"}, "resource"},
		{"mapping to an unknown field", csv, map[string]string{"resource": "organizations", "mapping": `{"name": "shoe_size"}`}, "mapping"},
		{"mapping not JSON", csv, map[string]string{"resource": "organizations", "mapping": `name=title`}, "mapping"},
		{"no usable column", []byte("foo,bar\n1,2\n"), map[string]string{"resource": "organizations"}, "file"},
		{"empty file", []byte{}, map[string]string{"resource": "organizations"}, "file"},
		{"bad dry_run", csv, map[string]string{"resource": "organizations", "dry_run": "maybe"}, "dry_run"},
	} {
		body, ct := importForm(t, tc.file, tc.fields)
		res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/imports", Token: a.Token, Raw: body, Header: map[string]string{"Content-Type": ct}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: got %s, want 422", tc.name, res)
			continue
		}
		wantFields(t, res, tc.field)
	}
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/imports", Token: a.Token, Body: map[string]any{"resource": "organizations"}})
	if res.Status != http.StatusUnsupportedMediaType {
		t.Errorf("JSON body: got %s, want 415", res)
	}
	if res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/imports/" + newID(), Token: a.Token}); res.Status != http.StatusNotFound {
		t.Errorf("unknown import: got %s, want 404", res)
	}
}

func init() {
	addProbes(map[string]probe{
		"POST /api/v1/imports":    {kind: own},
		"GET /api/v1/imports/:id": {kind: item, setup: importOfA},
	})
}

func importOfA(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
	body, ct := importForm(t, []byte("name\nA's import AB\n"), map[string]string{"resource": "organizations"})
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/imports", Token: a.Token, Raw: body, Header: map[string]string{"Content-Type": ct}})
	if res.Status != http.StatusAccepted {
		t.Fatalf("import: %s", res)
	}
	id := res.Map(t)["id"].(string)
	return fixture{params: map[string]string{"id": id}, ids: []string{id}}
}

func TestImportProducts(t *testing.T) {
	env := testenv.New(t)
	a := env.Signup()
	file := []byte("external_id;code;name;unit_price;vat_rate;active;unit\n" +
		"P-1;LIC-1;Licens;1 499,00;25;ja;month\n" +
		"P-2;TIM;Konsulttimme;1250;12,5 %;nej;hour\n" +
		"P-3;BAD;Fel moms;10;tjugo;ja;pcs\n")
	st := runImport(t, env, a.Token, file, map[string]string{"resource": "products"})
	if st.Created != 2 || st.ErrorCount != 1 || st.Errors[0].Field != "vat_rate" || st.Errors[0].Line != 4 {
		t.Fatalf("got %+v, want 2 created and line 4's vat_rate refused", st)
	}
	p := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/products?external_id=P-2", Token: a.Token}).Map(t)["data"].([]any)
	if len(p) != 1 {
		t.Fatalf("P-2: got %v", p)
	}
	got := p[0].(map[string]any)
	if got["unit_price"] != float64(125000) || got["vat_rate"] != float64(1250) || got["active"] != false {
		t.Errorf("P-2: got %v, want 125000 minor units, 1250 basis points, inactive", got)
	}
	if st := runImport(t, env, a.Token, file, map[string]string{"resource": "products"}); st.Unchanged != 2 || st.Created+st.Updated != 0 {
		t.Errorf("re-run: got %+v, want 2 unchanged", st)
	}
	m := env.Member(a)
	body, ct := importForm(t, file, map[string]string{"resource": "products"})
	if res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/imports", Token: m.Token, Raw: body, Header: map[string]string{"Content-Type": ct}}); res.Status != http.StatusForbidden {
		t.Errorf("a member importing products: got %s, want 403", res)
	}
}
