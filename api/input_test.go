package api_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/acme/crm/internal/postgres"
	"github.com/acme/crm/internal/testenv"
)

// namedFields returns the fields a problem names.
func namedFields(t *testing.T, res *testenv.Response) []string {
	t.Helper()
	var p struct {
		Errors []struct{ Field string } `json:"errors"`
	}
	res.Decode(t, &p)
	var out []string
	for _, f := range p.Errors {
		out = append(out, f.Field)
	}
	return out
}

func wantBadField(t *testing.T, res *testenv.Response, field string) {
	t.Helper()
	if res.Status != http.StatusBadRequest {
		t.Fatalf("got %s, want 400 naming %s", res, field)
	}
	if got := namedFields(t, res); len(got) != 1 || got[0] != field {
		t.Fatalf("the problem names %v, want [%s]: %s", got, field, res)
	}
}

// TestIdempotencyKeyNotUTF8 (finding 1): a key PostgreSQL cannot store is
// a 400 naming the header, not a 500, and nothing is created.
func TestIdempotencyKeyNotUTF8(t *testing.T) {
	env := testenv.New(t)
	a := env.Signup()
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/organizations", Token: a.Token,
		Body: map[string]any{"name": "Café AB"}, Header: map[string]string{"Idempotency-Key": "caf\xe9"}})
	wantBadField(t, res, "Idempotency-Key")
	res = env.Do(testenv.Request{Method: "POST", Path: "/api/v1/organizations", Token: a.Token,
		Body: map[string]any{"name": "Café AB"}, Header: map[string]string{"Idempotency-Key": "nul\x00"}})
	if res.Status != http.StatusBadRequest {
		t.Fatalf("NUL in the key: got %s, want 400", res)
	}
	list := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/organizations", Token: a.Token})
	if strings.Contains(string(list.Body), "Café AB") {
		t.Fatalf("a refused request created the organization: %s", list)
	}
}

// TestNULAndBadUTF8InJSON (finding 2): NUL (\u0000) and invalid UTF-8 in
// any JSON string are a 400 naming the field by its path.
func TestNULAndBadUTF8InJSON(t *testing.T) {
	env := testenv.New(t)
	a := env.Signup()
	o := newOpportunity(t, env, a, nil)
	for _, tc := range []struct {
		name, path, body, field string
	}{
		{"NUL in a task title", "/api/v1/tasks", `{"title":"call\u0000back","due_date":"2030-01-01"}`, "title"},
		{"NUL in a note body", "/api/v1/opportunities/" + o.ID + "/notes", `{"body":"a\u0000b"}`, "body"},
		{"bad UTF-8 in a note body", "/api/v1/opportunities/" + o.ID + "/notes", "{\"body\":\"caf\xe9\"}", "body"},
		{"NUL in a key", "/api/v1/organizations", `{"name":"x","a\u0000":1}`, "a\x00"},
		{"nested", "/api/v1/opportunities/" + o.ID + "/lines", `{"name":"ok","quantity":1,"unit_price":1,"vat_rate":0,"description":"d\u0000"}`, "description"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := env.Do(testenv.Request{Method: "POST", Path: tc.path, Token: a.Token, Raw: []byte(tc.body),
				Header: map[string]string{"Content-Type": "application/json"}})
			if tc.field == "a\x00" {
				if res.Status != http.StatusBadRequest {
					t.Fatalf("got %s, want 400", res)
				}
				return
			}
			wantBadField(t, res, tc.field)
		})
	}
	notes := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/opportunities/" + o.ID + "/notes", Token: a.Token})
	if strings.Contains(string(notes.Body), `"body"`) {
		t.Fatalf("a refused note was stored: %s", notes)
	}
}

// TestNULInQuery (finding 2): ?q=a%00 on the lists is a 400 naming q.
func TestNULInQuery(t *testing.T) {
	env := testenv.New(t)
	a := env.Signup()
	for _, list := range []string{"opportunities", "organizations", "persons", "products"} {
		for _, q := range []string{"a%00", "caf%E9"} {
			res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/" + list + "?q=" + q, Token: a.Token})
			wantBadField(t, res, "q")
		}
	}
}

// TestJSONPath: checkJSONText names nested fields by their path.
func TestJSONPath(t *testing.T) {
	env := testenv.New(t)
	a := env.Signup()
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/organizations", Token: a.Token,
		Raw: []byte(`{"name":"ok","addresses":[{"street":"x"},{"street":"b\u0000"}]}`), Header: map[string]string{"Content-Type": "application/json"}, NoCheck: true})
	if res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), `addresses[1].street`) {
		t.Fatalf("got %s, want 400 naming addresses[1].street", res)
	}
}

// TestMalformedMultipart (finding 3): a part header without a colon and a
// NUL in a part's file name are 400s, and nothing is attached.
func TestMalformedMultipart(t *testing.T) {
	env := testenv.New(t)
	a := env.Signup()
	o := newOpportunity(t, env, a, nil)
	for _, tc := range []struct{ name, body string }{
		{"header without colon", "--b\r\nContent-Disposition form-data; name=\"file\"\r\n\r\nhello\r\n--b--\r\n"},
		{"NUL in file name", "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\x00.txt\"\r\n\r\nhello\r\n--b--\r\n"},
		{"bad UTF-8 in file name", "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"caf\xe9.txt\"\r\n\r\nhello\r\n--b--\r\n"},
		{"cut short", "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhel"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/opportunities/" + o.ID + "/attachments", Token: a.Token,
				Raw: []byte(tc.body), Header: map[string]string{"Content-Type": "multipart/form-data; boundary=b"}})
			if res.Status != http.StatusBadRequest {
				t.Fatalf("got %s, want 400", res)
			}
		})
	}
	list := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/opportunities/" + o.ID + "/attachments", Token: a.Token})
	var l struct{ Data []any }
	list.Decode(t, &l)
	if len(l.Data) != 0 {
		t.Fatalf("a refused upload was attached: %s", list)
	}
}

// TestDeleteQuotedOpportunityIs409 (finding 5): the 409 for an opportunity
// a quote refers to is in openapi.yaml (env.Do checks the answer against
// it).
func TestDeleteQuotedOpportunityIs409(t *testing.T) {
	env := testenv.New(t)
	a := env.Signup()
	o, _ := quotedOpportunity(t, env, a)
	createQuote(t, env, a, o.ID, nil)
	res := env.Do(testenv.Request{Method: "DELETE", Path: "/api/v1/opportunities/" + o.ID, Token: a.Token})
	if res.Status != http.StatusConflict {
		t.Fatalf("got %s, want 409", res)
	}
}

// cutProxy forwards TCP to PostgreSQL until cut; after that it drops each
// connection as soon as the client sends anything, so a query in flight
// meets the end of the stream as it would when the server dies.
type cutProxy struct {
	ln  net.Listener
	cut atomic.Bool
	mu  sync.Mutex
	all []net.Conn
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c, target)
		}
	}()
	return p
}

func (p *cutProxy) serve(c net.Conn, target string) {
	defer c.Close()
	up, err := net.Dial("tcp", target)
	if err != nil {
		return
	}
	defer up.Close()
	go func() { _, _ = io.Copy(c, up); c.Close() }()
	buf := make([]byte, 32<<10)
	for {
		n, err := c.Read(buf)
		if err != nil || p.cut.Load() {
			return
		}
		if _, err := up.Write(buf[:n]); err != nil {
			return
		}
	}
}

// TestConnectionLossIs503 (finding 4): requests in flight when the
// database goes away answer 503 with Retry-After, not 500.
func TestConnectionLossIs503(t *testing.T) {
	dsn := testenv.DSN(t)
	proxy := newCutProxy(t, "127.0.0.1:5432")
	via := strings.Replace(dsn, "127.0.0.1:5432", proxy.ln.Addr().String(), 1)
	if via == dsn {
		via = strings.Replace(dsn, "localhost:5432", proxy.ln.Addr().String(), 1)
	}
	if via == dsn {
		t.Fatalf("cannot route %s through the proxy", dsn)
	}
	db, err := postgres.Open(context.Background(), via, postgres.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	env := testenv.NewOn(t, db)
	a := env.Signup()
	proxy.cut.Store(true)
	for _, r := range []testenv.Request{
		{Method: "GET", Path: "/api/v1/organizations", Token: a.Token},
		{Method: "POST", Path: "/api/v1/organizations", Token: a.Token, Body: map[string]any{"name": "x"}},
		{Method: "GET", Path: "/api/v1/me", Token: a.Token},
	} {
		res := env.Do(r)
		if res.Status != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
			t.Errorf("%s %s with the database gone: got %s (Retry-After %q), want 503 with Retry-After",
				r.Method, r.Path, res, res.Header.Get("Retry-After"))
		}
	}
}
