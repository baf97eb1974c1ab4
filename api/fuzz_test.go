package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/acme/crm/internal/testenv"
)

// fuzzMethods are the methods the fuzzer sends; its method byte picks one.
var fuzzMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE"}

// fuzzFixtures are ids of real rows, put into path parameters by the
// segment before them, so that seeds reach handlers past their 404.
type fuzzFixtures map[string]string

// FuzzAPI sends the spec's operations through the real router, with the
// admin's token, and lets the fuzzer mutate method, path, query string,
// Idempotency-Key, content type and body. Whatever it sends, the answer
// must not be a 5xx other than a deliberate 503, must match openapi.yaml
// (status included) and every error must be problem+json. The seed corpus
// is every operation of openapi.yaml with a body built from the schema's
// examples, plus the inputs that once gave 500s; crashers the fuzzer finds
// are kept in testdata/fuzz/FuzzAPI and run with the seeds by go test.
//
//	go test ./api -run '^$' -fuzz '^FuzzAPI$' -fuzztime 60s   (make fuzz)
func FuzzAPI(f *testing.F) {
	env := testenv.New(f)
	a := env.Signup()
	fx := fuzzFixtureRows(f, env, a)
	doc, _ := testenv.Spec(f)
	for _, s := range specSeeds(doc, fx) {
		f.Add(s.method, s.path, s.query, s.idem, s.ctype, s.body)
	}
	// The findings of the attack that this fuzzer would have found.
	f.Add(uint8(1), "/api/v1/organizations", "", "caf\xe9", "application/json", []byte(`{"name":"x"}`))
	f.Add(uint8(1), "/api/v1/tasks", "", "", "application/json", []byte(`{"title":"a\u0000","due_date":"2030-01-01"}`))
	f.Add(uint8(0), "/api/v1/opportunities", "q=a%00", "", "", []byte(nil))
	f.Add(uint8(1), "/api/v1/opportunities/"+fx["opportunities"]+"/attachments", "", "", "multipart/form-data; boundary=b",
		[]byte("--b\r\nContent-Disposition form-data; name=\"file\"\r\n\r\nx\r\n--b--\r\n"))
	var n atomic.Uint32
	f.Fuzz(func(t *testing.T, method uint8, path, query, idem, ctype string, body []byte) {
		if !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "//") {
			t.Skip()
		}
		u, err := url.Parse(path)
		if err != nil || u.Host != "" || u.RawQuery != "" || u.Fragment != "" {
			t.Skip()
		}
		u.RawQuery = query
		if _, err := url.ParseQuery(query); err != nil {
			u.RawQuery = ""
		}
		req := httptest.NewRequest(fuzzMethods[int(method)%len(fuzzMethods)], "/", bytes.NewReader(body))
		req.URL, req.RequestURI = u, u.RequestURI()
		// A real server refuses control bytes in header values before any
		// handler sees them; the fuzzer sends what could arrive.
		if validHeaderValue(idem) && idem != "" {
			req.Header.Set("Idempotency-Key", idem)
		}
		if validHeaderValue(ctype) && ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		req.Header.Set("Authorization", "Bearer "+a.Token)
		i := n.Add(1)
		req.RemoteAddr = fmt.Sprintf("10.200.%d.%d:1234", i>>8&255, i&255)
		rec := httptest.NewRecorder()
		env.App.Handler.ServeHTTP(rec, req)
		checkFuzzAnswer(t, req, rec)
	})
}

func checkFuzzAnswer(t *testing.T, req *http.Request, rec *httptest.ResponseRecorder) {
	t.Helper()
	status, ct := rec.Code, rec.Header().Get("Content-Type")
	if status >= 500 && status != http.StatusServiceUnavailable {
		t.Fatalf("%s %s → %d: %s", req.Method, req.URL, status, rec.Body)
	}
	html := strings.HasPrefix(req.URL.Path, "/q/") && strings.HasPrefix(ct, "text/html")
	if status >= 400 && !html && req.Method != http.MethodHead && !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("%s %s → %d with Content-Type %q, want application/problem+json", req.Method, req.URL, status, ct)
	}
	testenv.CheckResponse(t, req, status, rec.Header(), rec.Body.Bytes())
}

// validHeaderValue reports whether net/http would accept v as a header
// value from the wire.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if b := v[i]; (b < 0x20 && b != '\t') || b == 0x7f {
			return false
		}
	}
	return true
}

func fuzzFixtureRows(t testing.TB, env *testenv.Env, a testenv.Account) fuzzFixtures {
	post := func(path string, body any) string {
		res := env.Do(testenv.Request{Method: "POST", Path: path, Token: a.Token, Body: body})
		var v struct{ ID string }
		if res.Status != http.StatusCreated || json.Unmarshal(res.Body, &v) != nil {
			t.Fatalf("fixture %s: %s", path, res)
		}
		return v.ID
	}
	fx := fuzzFixtures{"users": a.UserID}
	fx["organizations"] = post("/api/v1/organizations", map[string]any{"name": "Fuzz AB"})
	fx["persons"] = post("/api/v1/persons", map[string]any{"first_name": "Fia", "last_name": "Fuzz"})
	fx["opportunities"] = post("/api/v1/opportunities", map[string]any{"title": "Fuzzed", "organization_id": fx["organizations"]})
	fx["products"] = post("/api/v1/products", map[string]any{"code": "FUZZ-1", "name": "Fuzz licence", "unit_price": 1000, "vat_rate": 2500})
	fx["notes"] = post("/api/v1/opportunities/"+fx["opportunities"]+"/notes", map[string]any{"body": "a note"})
	return fx
}

type fuzzSeed struct {
	method                   uint8
	path, query, idem, ctype string
	body                     []byte
}

// specSeeds is one valid-looking request per operation of the document.
func specSeeds(doc *openapi3.T, fx fuzzFixtures) []fuzzSeed {
	var out []fuzzSeed
	paths := doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	for _, p := range paths {
		item := doc.Paths.Value(p)
		for m, op := range item.Operations() {
			idx := -1
			for i, fm := range fuzzMethods {
				if fm == m {
					idx = i
				}
			}
			if idx < 0 {
				continue
			}
			s := fuzzSeed{method: uint8(idx), path: fillPath(p, fx)}
			var q []string
			for _, prm := range append(item.Parameters, op.Parameters...) {
				if prm.Value != nil && prm.Value.In == "query" && prm.Value.Schema != nil && prm.Value.Schema.Value != nil {
					if v, ok := exampleOf(prm.Value.Schema.Value, 0).(string); ok {
						q = append(q, url.QueryEscape(prm.Value.Name)+"="+url.QueryEscape(v))
					}
				}
			}
			s.query = strings.Join(q, "&")
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				s.ctype, s.body = seedBody(op.RequestBody.Value.Content)
			}
			out = append(out, s)
		}
	}
	return out
}

func fillPath(p string, fx fuzzFixtures) string {
	parts := strings.Split(p, "/")
	for i, part := range parts {
		if !strings.HasPrefix(part, "{") {
			continue
		}
		v := "0190a6e4-2f3b-7c6e-9a51-3c8e2b1d4f5a"
		if id, ok := fx[parts[i-1]]; ok && part == "{id}" {
			v = id
		}
		if part == "{token}" || part == "{file}" {
			v = "not-a-token"
		}
		parts[i] = v
	}
	return strings.Join(parts, "/")
}

func seedBody(content openapi3.Content) (string, []byte) {
	if mt := content.Get("application/json"); mt != nil && mt.Schema != nil && mt.Schema.Value != nil {
		b, _ := json.Marshal(exampleOf(mt.Schema.Value, 0))
		return "application/json", b
	}
	if content.Get("multipart/form-data") != nil {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		for _, name := range []string{"file", "logo"} {
			fw, _ := w.CreateFormFile(name, "a.txt")
			fw.Write([]byte("hello"))
		}
		w.Close()
		return w.FormDataContentType(), buf.Bytes()
	}
	for ct := range content {
		return ct, []byte("x")
	}
	return "", nil
}

// exampleOf builds a value for a schema from its examples, enums and
// types.
func exampleOf(s *openapi3.Schema, depth int) any {
	if s.Example != nil {
		return s.Example
	}
	if len(s.Enum) > 0 {
		return s.Enum[0]
	}
	for _, sub := range append(append([]*openapi3.SchemaRef{}, s.AllOf...), s.OneOf...) {
		if sub.Value != nil {
			return exampleOf(sub.Value, depth+1)
		}
	}
	if depth > 4 {
		return nil
	}
	switch {
	case s.Type.Is(openapi3.TypeObject) || len(s.Properties) > 0:
		m := map[string]any{}
		for name, p := range s.Properties {
			if p.Value != nil && !p.Value.ReadOnly {
				m[name] = exampleOf(p.Value, depth+1)
			}
		}
		return m
	case s.Type.Is(openapi3.TypeArray):
		if s.Items != nil && s.Items.Value != nil {
			return []any{exampleOf(s.Items.Value, depth+1)}
		}
		return []any{}
	case s.Type.Is(openapi3.TypeInteger):
		if s.Min != nil {
			return int64(*s.Min)
		}
		return 1
	case s.Type.Is(openapi3.TypeNumber):
		return 1.5
	case s.Type.Is(openapi3.TypeBoolean):
		return true
	}
	switch s.Format {
	case "uuid":
		return "0190a6e4-2f3b-7c6e-9a51-3c8e2b1d4f5a"
	case "date":
		return "2030-01-15"
	case "date-time":
		return "2030-01-15T09:00:00Z"
	case "email":
		return "fuzz@example.com"
	}
	return "fuzz"
}
