package testenv

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/acme/crm/internal/app"
	"github.com/acme/crm/internal/auth"
	"github.com/acme/crm/internal/postgres"
)

// Env is the product on a fresh database, driven through its real router.
type Env struct {
	T    testing.TB
	App  *app.App
	DB   *postgres.DB
	Keys string // the token keyring spec the app signs with
	// Mail holds the account e-mails (signup codes) the app sent.
	Mail *Mailbox
	dsn  string
}

// Option adjusts the app configuration of a new Env.
type Option func(*app.Config)

// New builds the product on a new database.
func New(t testing.TB, opts ...Option) *Env {
	t.Helper()
	dsn := DSN(t)
	return build(t, dsn, open(t, dsn), auth.GenerateKeyring(), opts)
}

// NewOn builds the product on db (a database from DSN opened by the test,
// for example through a proxy that can cut its connections).
func NewOn(t testing.TB, db *postgres.DB, opts ...Option) *Env {
	t.Helper()
	return build(t, "", db, auth.GenerateKeyring(), opts)
}

// Replica builds a second instance of the product on the same database
// with the same keys and its own connection pool, as another replica.
func (e *Env) Replica(opts ...Option) *Env {
	e.T.Helper()
	if e.dsn == "" {
		e.T.Fatal("Replica needs an Env made by New")
	}
	return build(e.T, e.dsn, open(e.T, e.dsn), e.Keys, opts)
}

func open(t testing.TB, dsn string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), dsn, postgres.Options{MaxConns: 16})
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(db.Close)
	return db
}

func build(t testing.TB, dsn string, db *postgres.DB, spec string, opts []Option) *Env {
	t.Helper()
	keys, err := auth.ParseKeyring(spec)
	if err != nil {
		t.Fatal(err)
	}
	// The per-caller quota is lifted, so that tests and benchmarks that
	// loop are not refused; TestRateLimit sets its own.
	box := &Mailbox{}
	cfg := app.Config{TokenKeys: keys, PublicURL: "http://crm.test",
		Argon2: auth.Argon2{Memory: 1024, Time: 1, Threads: 1}, AccountMail: box, RateLimitPerMinute: 1_000_000,
		// Far below the limit, a request writes its count only on its
		// caller's first request: TestReadRoundTrips counts round trips.
		RateLimitSync: time.Hour}
	for _, o := range opts {
		o(&cfg)
	}
	a, err := app.New(cfg, db, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("build app: %v", err)
	}
	t.Cleanup(a.CloseStreams)
	return &Env{T: t, App: a, DB: db, Keys: spec, Mail: box, dsn: dsn}
}

// Request describes one call; zero fields are left out.
type Request struct {
	Method  string
	Path    string
	Token   string
	Body    any    // marshalled as JSON unless Raw is set
	Raw     []byte // sent as is with ContentType
	Header  map[string]string
	NoCheck bool // skip the openapi.yaml check (for deliberately odd requests)
	// RemoteAddr is the client's address; by default each request has its own.
	RemoteAddr string
	// Queries, when set, counts the statements the request sends to
	// PostgreSQL.
	Queries *atomic.Int64
}

// Response is a recorded response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Decode unmarshals the body into v, failing the test on error.
func (r *Response) Decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", truncate(r.Body), err)
	}
}

// Map returns the body as a JSON object.
func (r *Response) Map(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.Decode(t, &m)
	return m
}

func (r *Response) String() string { return fmt.Sprintf("%d %s", r.Status, truncate(r.Body)) }

var ipCounter atomic.Uint32

// Do sends the request through the router and checks the response against
// openapi.yaml. Each Env call comes from its own remote address unless the
// test sets one, so that log-in rate limits only bite where a test wants.
func (e *Env) Do(r Request) *Response {
	e.T.Helper()
	var body io.Reader
	ct := ""
	switch {
	case r.Raw != nil:
		body = bytes.NewReader(r.Raw)
	case r.Body != nil:
		b, err := json.Marshal(r.Body)
		if err != nil {
			e.T.Fatal(err)
		}
		body, ct = bytes.NewReader(b), "application/json"
	}
	req := httptest.NewRequest(r.Method, r.Path, body)
	if r.Queries != nil {
		req = req.WithContext(postgres.CountQueries(req.Context(), r.Queries))
	}
	n := ipCounter.Add(1)
	req.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:1234", n>>16&255, n>>8&255, n&255)
	if r.RemoteAddr != "" {
		req.RemoteAddr = r.RemoteAddr
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if r.Token != "" {
		req.Header.Set("Authorization", "Bearer "+r.Token)
	}
	for k, v := range r.Header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.App.Handler.ServeHTTP(rec, req)
	res := &Response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	if !r.NoCheck {
		CheckResponse(e.T, req, res.Status, res.Header, res.Body)
	}
	page := strings.HasPrefix(r.Path, "/q/") && strings.HasPrefix(res.Header.Get("Content-Type"), "text/html")
	if res.Status >= 400 && !page && !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
		e.T.Errorf("%s %s → %d with Content-Type %q, want application/problem+json", r.Method, r.Path, res.Status, res.Header.Get("Content-Type"))
	}
	return res
}

// OK sends the request like Do and fails the test at once unless the answer
// is a success (2xx), or one of want when given: for the setup calls of a
// test, which must not fail unnoticed.
func (e *Env) OK(r Request, want ...int) *Response {
	e.T.Helper()
	res := e.Do(r)
	if len(want) == 0 && res.Status >= 200 && res.Status < 300 || slices.Contains(want, res.Status) {
		return res
	}
	if len(want) == 0 {
		e.T.Fatalf("%s %s: got %s, want a success", r.Method, r.Path, res)
	} else {
		e.T.Fatalf("%s %s: got %s, want %v", r.Method, r.Path, res, want)
	}
	return res
}

// Account is a signed-up workspace admin.
type Account struct {
	Token        string
	RefreshToken string
	UserID       string
	WorkspaceID  string
	Email        string
	Password     string
}

var accountCounter atomic.Uint64

// Signup creates a new workspace and returns its admin: it signs up,
// takes the code from the e-mail and confirms it.
func (e *Env) Signup() Account {
	e.T.Helper()
	n := accountCounter.Add(1)
	email := fmt.Sprintf("admin%d-%p@example.com", n, e)
	pw := "a long password 1"
	res := e.Do(Request{Method: "POST", Path: "/api/v1/auth/signup", Body: map[string]any{
		"workspace_name": fmt.Sprintf("Workspace %d", n), "name": "Admin", "email": email, "password": pw, "currency": "SEK"}})
	if res.Status != http.StatusAccepted {
		e.T.Fatalf("signup: %s", res)
	}
	res = e.Confirm(email)
	if res.Status != http.StatusCreated {
		e.T.Fatalf("confirm signup: %s", res)
	}
	var s struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		User         struct{ ID string }
		Workspace    struct{ ID string }
	}
	res.Decode(e.T, &s)
	return Account{Token: s.AccessToken, RefreshToken: s.RefreshToken, UserID: s.User.ID,
		WorkspaceID: s.Workspace.ID, Email: email, Password: pw}
}

// Confirm posts the code last mailed to email to the signup confirmation.
func (e *Env) Confirm(email string) *Response {
	e.T.Helper()
	return e.Do(Request{Method: "POST", Path: "/api/v1/auth/signup/confirm", Body: map[string]any{"code": e.Mail.Code(e.T, email)}})
}

// Member adds a member to the admin's workspace and logs them in.
func (e *Env) Member(admin Account) Account {
	e.T.Helper()
	n := accountCounter.Add(1)
	email := fmt.Sprintf("member%d-%p@example.com", n, e)
	pw := "another long password"
	res := e.Do(Request{Method: "POST", Path: "/api/v1/users", Token: admin.Token, Body: map[string]any{
		"email": email, "name": "Member", "password": pw, "role": "member"}})
	if res.Status != http.StatusCreated {
		e.T.Fatalf("create member: %s", res)
	}
	res = e.Do(Request{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]any{"email": email, "password": pw}})
	if res.Status != http.StatusOK {
		e.T.Fatalf("member login: %s", res)
	}
	var s struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		User         struct{ ID string }
	}
	res.Decode(e.T, &s)
	return Account{Token: s.AccessToken, RefreshToken: s.RefreshToken, UserID: s.User.ID,
		WorkspaceID: admin.WorkspaceID, Email: email, Password: pw}
}
