package api_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/acme/crm/internal/testenv"
)

// publicPaths are the operations that need no login, by path prefix.
var publicPaths = []string{
	"/api/v1/auth/signup", "/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/auth/logout",
	"/api/v1/public/", // the customer's side of quotes: the link's token is the credential
	"/q/",             // the customer's quote page
	"/calendar/",      // personal iCalendar feeds: the URL's token is the credential
	"/healthz", "/readyz", "/openapi.yaml", "/docs",
}

// notUUID are string properties named like ids that are not UUIDs (and
// every external_id: another system's id, any text).
var notUUID = map[string]bool{"Email.message_id": true, "Problem.request_id": true, "PublicGone.request_id": true}

// TestSpecContract walks openapi.yaml for what generated clients rely on,
// so that the document cannot lose it while tests still pass.
func TestSpecContract(t *testing.T) {
	t.Parallel()
	doc, _ := testenv.Spec(t)
	var fails []string
	fail := func(format string, args ...any) { fails = append(fails, fmt.Sprintf(format, args...)) }
	responseSchemas := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			op := op
			where := method + " " + path
			if op.Security == nil || len(*op.Security) == 0 {
				if op.Security == nil {
					fail("%s: no security requirement at all; public operations say security: []", where)
				}
				if !isPublic(path) {
					fail("%s needs no login but is not one of the known public operations", where)
				}
			}
			if strings.HasPrefix(path, "/api/") && (op.Responses.Value("400") == nil || op.Responses.Value("422") == nil) {
				fail("%s does not declare the 400 and 422 problems", where)
			}
			for code, r := range op.Responses.Map() {
				if code == "201" && r.Value.Headers["Location"] == nil {
					fail("%s → 201 does not declare Location", where)
				}
				if (code == "429" || code == "503") && r.Value.Headers["Retry-After"] == nil {
					fail("%s → %s does not declare Retry-After", where, code)
				}
				for _, mt := range r.Value.Content {
					collect(doc, mt.Schema, responseSchemas)
				}
			}
			if method == "PATCH" {
				checkClearable(doc, where, op, fail)
			}
		}
	}
	for name := range responseSchemas {
		s := doc.Components.Schemas[name].Value
		if len(s.Properties) > 0 && len(s.Required) == 0 {
			fail("response schema %s lists no required fields", name)
		}
		if _, pending := testenv.NotRowVersion[name]; pending {
			continue
		}
		if v := s.Properties["version"]; v != nil && v.Value.Format != "int64" {
			fail("%s.version is not the int64 row version", name)
		}
	}
	for name, ref := range doc.Components.Schemas {
		for prop, p := range ref.Value.Properties {
			idLike := prop == "id" || strings.HasSuffix(prop, "_id")
			switch {
			case p.Value.Format == "uuid" && !idLike && !strings.HasSuffix(prop, "_by"):
				fail("%s.%s is format uuid but not an id", name, prop)
			case idLike && p.Value.Type.Is("string") && p.Value.Format != "uuid" && !notUUID[name+"."+prop] && prop != "external_id":
				fail("%s.%s looks like an id but is not format uuid", name, prop)
			case p.Value.Type.Is("number") && p.Value.Format == "":
				fail("%s.%s is a number without format (generators make it float32)", name, prop)
			}
		}
	}
	sort.Strings(fails)
	for _, f := range fails {
		t.Error(f)
	}
	if len(responseSchemas) < 20 {
		t.Fatalf("found only %d response schemas; the walk is broken", len(responseSchemas))
	}
}

func isPublic(path string) bool {
	for _, p := range publicPaths {
		if path == p || (strings.HasSuffix(p, "/") && strings.HasPrefix(path, p)) || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

// checkClearable fails when a PATCH's response has a nullable field that
// its request cannot set to null: a client could never clear it.
func checkClearable(doc *openapi3.T, where string, op *openapi3.Operation, fail func(string, ...any)) {
	if op.RequestBody == nil || op.Responses.Value("200") == nil {
		return
	}
	req := op.RequestBody.Value.Content.Get("application/json")
	res := op.Responses.Value("200").Value.Content.Get("application/json")
	if req == nil || res == nil {
		return
	}
	in, out := resolve(doc, req.Schema), resolve(doc, res.Schema)
	for prop, p := range in.Properties {
		o := out.Properties[prop]
		if o != nil && o.Value.Nullable && !p.Value.Nullable {
			fail("%s: %s may be null in the response but the request cannot clear it with null", where, prop)
		}
	}
}

func resolve(doc *openapi3.T, ref *openapi3.SchemaRef) *openapi3.Schema {
	if name, ok := strings.CutPrefix(ref.Ref, "#/components/schemas/"); ok {
		return doc.Components.Schemas[name].Value
	}
	return ref.Value
}

// collect adds the component schemas a schema reaches.
func collect(doc *openapi3.T, ref *openapi3.SchemaRef, into map[string]bool) {
	if ref == nil {
		return
	}
	if name, ok := strings.CutPrefix(ref.Ref, "#/components/schemas/"); ok {
		if into[name] {
			return
		}
		into[name] = true
	}
	s := ref.Value
	for _, p := range s.Properties {
		collect(doc, p, into)
	}
	collect(doc, s.Items, into)
	for _, r := range s.AllOf {
		collect(doc, r, into)
	}
}
