package testenv

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/mail"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	crm "github.com/acme/crm"
)

var (
	specOnce   sync.Once
	specDoc    *openapi3.T
	specRouter routers.Router
	specErr    error
)

// Spec returns the parsed and validated openapi.yaml.
func Spec(t testing.TB) (*openapi3.T, routers.Router) {
	t.Helper()
	specOnce.Do(func() {
		for _, ct := range []string{"text/html", "application/yaml", "application/pdf", "text/calendar", "text/csv"} {
			openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
		}
		defineFormats()
		loader := openapi3.NewLoader()
		specDoc, specErr = loader.LoadFromData(crm.OpenAPI)
		if specErr != nil {
			return
		}
		if specErr = specDoc.Validate(context.Background(), openapi3.EnableSchemaFormatValidation()); specErr != nil {
			return
		}
		closeSchemas(specDoc)
		specRouter, specErr = gorillamux.NewRouter(specDoc)
	})
	if specErr != nil {
		t.Fatalf("openapi.yaml: %v", specErr)
	}
	return specDoc, specRouter
}

// CheckResponse fails the test unless the response matches openapi.yaml for
// the request's operation, status code included. Requests to paths the spec
// does not describe (unknown routes) are not checked.
func CheckResponse(t testing.TB, req *http.Request, status int, header http.Header, body []byte) {
	t.Helper()
	_, router := Spec(t)
	r := req.Clone(context.Background())
	r.Body = io.NopCloser(bytes.NewReader(nil))
	route, params, err := router.FindRoute(r)
	if err != nil {
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s %s → %d does not match openapi.yaml: %v\nbody: %s", req.Method, req.URL.Path, status, err, truncate(body))
	}
	resp := route.Operation.Responses.Status(status)
	if resp == nil || resp.Value == nil {
		return
	}
	for _, name := range headersThatMatter {
		if header.Get(name) != "" && resp.Value.Headers[name] == nil {
			t.Errorf("%s %s → %d sends %s, which openapi.yaml does not declare for it", req.Method, req.URL.Path, status, name)
		}
	}
	checkVersion(t, req, status, header, body, resp.Value)
}

// headersThatMatter are response headers that clients act on: sending one
// that the document does not declare fails the test.
var headersThatMatter = []string{"ETag", "Location", "Content-Disposition", "Retry-After", "Idempotent-Replayed", "RateLimit", "RateLimit-Policy"}

// CheckSchema fails the test unless the JSON document body matches the
// component schema name of openapi.yaml (for what ValidateResponse cannot
// see, such as the events of a text/event-stream).
func CheckSchema(t testing.TB, name string, body []byte) {
	t.Helper()
	doc, _ := Spec(t)
	ref := doc.Components.Schemas[name]
	if ref == nil || ref.Value == nil {
		t.Fatalf("openapi.yaml has no schema %s", name)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("%s: %v: %s", name, err, truncate(body))
	}
	if err := ref.Value.VisitJSON(v); err != nil {
		t.Errorf("does not match %s in openapi.yaml: %v\nbody: %s", name, err, truncate(body))
	}
}

// NotRowVersion names the schemas whose version field is not yet the row
// version behind the ETag.
var NotRowVersion = map[string]string{}

// checkVersion fails when a JSON body's version is not the version its
// ETag carries: version means the row version everywhere.
func checkVersion(t testing.TB, req *http.Request, status int, header http.Header, body []byte, resp *openapi3.Response) {
	t.Helper()
	tag := header.Get("ETag")
	mt := resp.Content.Get("application/json")
	if tag == "" || mt == nil || mt.Schema == nil {
		return
	}
	if _, skip := NotRowVersion[strings.TrimPrefix(mt.Schema.Ref, "#/components/schemas/")]; skip {
		return
	}
	var v struct {
		Version *json.Number `json:"version"`
	}
	if json.Unmarshal(body, &v) != nil || v.Version == nil {
		return
	}
	if want := `"` + v.Version.String() + `"`; tag != want {
		t.Errorf("%s %s → %d: ETag %s, but the body's version is %s; version must be the row version behind the ETag",
			req.Method, req.URL.Path, status, tag, v.Version)
	}
}

// defineFormats makes the response check validate the formats the
// document uses; kin-openapi knows date, date-time, int32 and int64 by
// itself and passes any string as an unknown format.
func defineFormats() {
	openapi3.DefineStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC9562))
	openapi3.DefineStringFormatValidator("email", openapi3.NewCallbackValidator(func(s string) error {
		a, err := mail.ParseAddress(s)
		if err != nil || a.Address != s {
			return fmt.Errorf("%q is not an e-mail address", s)
		}
		return nil
	}))
	openapi3.DefineNumberFormatValidator("double", openapi3.NewRangeFormatValidator(-math.MaxFloat64, math.MaxFloat64))
}

// closeSchemas forbids properties that a component schema does not
// declare, so that the response check fails on a field the document does
// not describe. Only the tests see this: the published document stays
// open to additions.
func closeSchemas(doc *openapi3.T) {
	no := false
	for _, ref := range doc.Components.Schemas {
		if s := ref.Value; s != nil && s.Type.Is(openapi3.TypeObject) && len(s.Properties) > 0 {
			s.AdditionalProperties = openapi3.AdditionalProperties{Has: &no}
		}
	}
}

func truncate(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}
