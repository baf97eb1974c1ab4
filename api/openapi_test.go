package api_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/acme/crm/internal/testenv"
)

// notInSpec are routes that are deliberately not part of the API description.
var notInSpec = map[string]string{
	"GET /docs/*": "the Swagger UI's static files",
}

var echoParam = regexp.MustCompile(`:([a-z_]+)`)

// TestRoutesMatchSpec: every registered route is in openapi.yaml and every
// operation in openapi.yaml is registered, so the description cannot drift.
func TestRoutesMatchSpec(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	doc, _ := testenv.Spec(t)
	registered := map[string]bool{}
	for _, r := range env.App.Handler.Routes() {
		if strings.HasPrefix(r.Name, "github.com/labstack/echo") || r.Method == "echo_route_any" {
			continue
		}
		key := r.Method + " " + echoParam.ReplaceAllString(r.Path, "{$1}")
		if _, skip := notInSpec[r.Method+" "+r.Path]; skip {
			continue
		}
		registered[key] = true
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	var missing, stale []string
	for k := range registered {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !registered[k] {
			stale = append(stale, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	if len(missing) > 0 {
		t.Errorf("routes missing from openapi.yaml (add swag annotations, run make openapi):\n  %s", strings.Join(missing, "\n  "))
	}
	if len(stale) > 0 {
		t.Errorf("operations in openapi.yaml that no route serves:\n  %s", strings.Join(stale, "\n  "))
	}
	if len(registered) < 10 {
		t.Fatalf("found only %d routes; the route walk is broken", len(registered))
	}
}

func TestPlatformEndpoints(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	for _, tc := range []struct {
		path, wantType, wantBody string
	}{
		{"/healthz", "application/json", `"ok"`},
		{"/readyz", "application/json", `"ok"`},
		{"/openapi.yaml", "application/yaml", "openapi: 3.0"},
		{"/docs", "text/html", "swagger-ui-bundle.js"},
		{"/docs/swagger-ui-bundle.js", "javascript", "SwaggerUIBundle"},
	} {
		res := env.Do(testenv.Request{Method: "GET", Path: tc.path})
		if res.Status != 200 || !strings.Contains(res.Header.Get("Content-Type"), tc.wantType) || !strings.Contains(string(res.Body), tc.wantBody) {
			t.Errorf("GET %s: got %d %q, want 200 %s containing %q", tc.path, res.Status, res.Header.Get("Content-Type"), tc.wantType, tc.wantBody)
		}
	}
	env.Do(testenv.Request{Method: "GET", Path: "/api/v1/me"})
	if res := env.Do(testenv.Request{Method: "GET", Path: "/metrics", NoCheck: true}); res.Status != http.StatusNotFound {
		t.Errorf("GET /metrics on the API's router: got %d, want 404 (metrics have their own listener)", res.Status)
	}
	rec := httptest.NewRecorder()
	env.App.Metrics.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	res := &testenv.Response{Status: rec.Code, Body: rec.Body.Bytes()}
	for _, want := range []string{`crm_http_requests_total{method="GET",route="/api/v1/me",status="401"}`, "crm_http_request_duration_seconds_bucket", `go_sql_max_open_connections{db_name="crm"}`} {
		if !strings.Contains(string(res.Body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestReadyzWithoutDatabase(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	env.DB.Close()
	res := env.Do(testenv.Request{Method: "GET", Path: "/readyz"})
	if res.Status != http.StatusServiceUnavailable {
		t.Fatalf("got %s, want 503", res)
	}
	if res := env.Do(testenv.Request{Method: "GET", Path: "/healthz"}); res.Status != 200 {
		t.Errorf("healthz without database: got %s, want 200 (the process lives)", res)
	}
}

func TestErrorsAreProblems(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	for _, tc := range []struct {
		name   string
		req    testenv.Request
		status int
	}{
		{"unknown route", testenv.Request{Method: "GET", Path: "/api/v1/nope", Token: a.Token}, 404},
		{"wrong method", testenv.Request{Method: "PUT", Path: "/api/v1/me", Token: a.Token}, 405},
		{"missing user", testenv.Request{Method: "GET", Path: "/api/v1/users/" + newID(), Token: a.Token}, 404},
	} {
		res := env.Do(tc.req)
		if res.Status != tc.status {
			t.Errorf("%s: got %s, want %d", tc.name, res, tc.status)
			continue
		}
		p := res.Map(t)
		if p["status"].(float64) != float64(tc.status) || p["title"] == "" || p["type"] == "" || p["request_id"] == "" {
			t.Errorf("%s: problem %v lacks status, title, type or request_id", tc.name, p)
		}
		if res.Header.Get("X-Request-ID") == "" {
			t.Errorf("%s: no X-Request-ID", tc.name)
		}
	}
}
