package main

import (
	"errors"
	"fmt"
	"mime"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

const problemRef = "#/components/schemas/Problem"

// shared error responses, by status: what can happen to any operation.
var shared = map[string]string{
	"400": "Malformed request: bad JSON, unknown field, bad query parameter or cursor",
	"422": "Validation failed or a rule refused the change",
	"429": "Too many requests",
	"500": "Internal error",
	"503": "Service unavailable",
}

// headers are the response headers the rules below declare, as components.
var headers = openapi3.Headers{
	"ETag":                header(true, "The resource's row version as a strong entity tag (\"3\"); send it as If-Match to change or delete only what you read."),
	"Location":            header(true, "The new resource's path."),
	"Content-Disposition": header(true, "attachment or inline, with the file name."),
	"Retry-After":         header(true, "Seconds to wait before trying again."),
	"Idempotent-Replayed": header(false, "true when this is the stored response to an earlier request with the same Idempotency-Key."),
	"RateLimit-Policy": header(false, "The caller's request quota (IETF httpapi-ratelimit-headers): `\"per-minute\";q=600;w=60` is 600 requests per 60-second window, "+
		"per user or API key (an API key may have its own limit). Absent when the limiter could not count."),
	"RateLimit": header(false, "What is left of the quota: `\"per-minute\";r=597;t=42` is 597 requests left in a window that ends in 42 seconds; "+
		"past the limit the answer is 429 with Retry-After."),
}

func header(required bool, desc string) *openapi3.HeaderRef {
	return &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: openapi3.Parameter{
		Description: desc, Required: required, Schema: openapi3.NewStringSchema().NewRef()}}}
}

func headerRef(name string) *openapi3.HeaderRef {
	return &openapi3.HeaderRef{Ref: "#/components/headers/" + name}
}

// improveOperation adds what every operation of its kind shares and what
// its handler's code does: security, problem responses, headers, If-Match
// and Idempotency-Key parameters, binary bodies.
func improveOperation(path, method string, op *openapi3.Operation, h *handler) error {
	if h == nil {
		return fmt.Errorf("%s %s: no handler has this @Router line", method, path)
	}
	secured := op.Security != nil && len(*op.Security) > 0
	if secured {
		op.Security = &openapi3.SecurityRequirements{{"BearerAuth": {}}, {"ApiKeyAuth": {}}}
	} else {
		op.Security = &openapi3.SecurityRequirements{} // public: no login
	}
	for code, r := range op.Responses.Map() {
		if code >= "400" && r.Value != nil && !(strings.HasPrefix(path, "/q/") && htmlResponse(r.Value)) {
			problemContent(r.Value)
		}
	}
	if strings.HasPrefix(path, "/api/") {
		addProblems(op, method, secured)
	}
	binaryBodies(op)
	if err := ifMatchParam(op, h); err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	replays := secured || strings.HasPrefix(path, "/api/v1/public/") // the customer's link keys its retries
	if secured && strings.HasPrefix(path, "/api/") {
		rateLimitHeaders(op)
	}
	return responseHeaders(op, method, replays, h)
}

func addProblems(op *openapi3.Operation, method string, secured bool) {
	add := func(status, desc string) {
		if op.Responses.Value(status) == nil {
			op.Responses.Set(status, &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription(desc).
				WithContent(openapi3.NewContentWithSchemaRef(openapi3.NewSchemaRef(problemRef, nil), []string{"application/problem+json"}))})
		}
	}
	for status, desc := range shared {
		add(status, desc)
	}
	if secured {
		add("401", "Missing, invalid or expired credentials")
	}
	if op.RequestBody != nil {
		add("413", "Body too large")
		add("415", "Unsupported media type of the body")
	}
	if secured && method == "POST" {
		add("409", "A request with the same Idempotency-Key is still running, or the state forbids the change")
		op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Value: openapi3.NewHeaderParameter("Idempotency-Key").
			WithDescription("Makes the request safe to retry: a retry with the same key and body replays the first response for 24 hours; the same key with another body is 422.").
			WithSchema(openapi3.NewStringSchema().WithMaxLength(255))})
	}
}

// responseHeaders declares the headers the handler sets (ETag and Location
// through ok and created, others by name), Location on every 201,
// Retry-After on 429 and 503, and Idempotent-Replayed on every response a
// retry can replay.
func responseHeaders(op *openapi3.Operation, method string, secured bool, h *handler) error {
	for code, r := range op.Responses.Map() {
		if r.Value == nil {
			continue
		}
		status, _ := strconv.Atoi(code)
		set := func(name string) {
			if r.Value.Headers == nil {
				r.Value.Headers = openapi3.Headers{}
			}
			r.Value.Headers[name] = headerRef(name)
		}
		if status >= 200 && status < 300 && status != 204 {
			for name := range h.headers {
				set(name)
			}
		}
		if (status == 200 && h.ok) || (status == 201 && h.created) {
			set("ETag")
		}
		if status == 201 || status == 303 {
			set("Location")
		}
		if status == 429 || status == 503 {
			set("Retry-After")
		}
		if secured && method == "POST" && status < 500 {
			set("Idempotent-Replayed")
		}
	}
	if h.ok && op.Responses.Value("200") == nil {
		return fmt.Errorf("%s answers 200 through ok() but declares no 200", h.name)
	}
	if h.created && op.Responses.Value("201") == nil {
		return fmt.Errorf("%s answers 201 through created() but declares no 201", h.name)
	}
	return nil
}

// rateLimitHeaders declares the quota headers on every answer of an
// operation that needs a login, except 401 (no caller to count).
func rateLimitHeaders(op *openapi3.Operation) {
	for code, r := range op.Responses.Map() {
		if r.Value == nil || code == "401" {
			continue
		}
		if r.Value.Headers == nil {
			r.Value.Headers = openapi3.Headers{}
		}
		r.Value.Headers["RateLimit"] = headerRef("RateLimit")
		r.Value.Headers["RateLimit-Policy"] = headerRef("RateLimit-Policy")
	}
}

// ifMatchParam declares If-Match where the handler reads it, and only there.
func ifMatchParam(op *openapi3.Operation, h *handler) error {
	declared := op.Parameters.GetByInAndName(openapi3.ParameterInHeader, "If-Match")
	switch {
	case declared != nil && !h.ifMatch:
		return errors.New("declares If-Match, but its handler never reads it")
	case declared == nil && h.ifMatch:
		op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Value: openapi3.NewHeaderParameter("If-Match").
			WithSchema(openapi3.NewStringSchema())})
		declared = op.Parameters.GetByInAndName(openapi3.ParameterInHeader, "If-Match")
	}
	if declared != nil {
		declared.Description = "The ETag you read. A stale one is refused with 412; without the header the change is unconditional."
	}
	return nil
}

// binaryBodies types uploads: a raw body of a non-JSON media type is
// binary, and multipart parts lose swag's x-formData-name.
func binaryBodies(op *openapi3.Operation) {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return
	}
	for ct, mt := range op.RequestBody.Value.Content {
		base, _, _ := mime.ParseMediaType(ct)
		switch {
		case base == "application/json" || strings.HasSuffix(base, "+json"):
		case base == "multipart/form-data":
			if mt.Schema != nil && mt.Schema.Value != nil {
				for _, p := range mt.Schema.Value.Properties {
					if p.Value != nil {
						delete(p.Value.Extensions, "x-formData-name")
					}
				}
			}
		default:
			mt.Schema = openapi3.NewSchemaRef("", openapi3.NewStringSchema().WithFormat("binary"))
		}
	}
	delete(op.RequestBody.Value.Extensions, "x-originalParamName")
}

// problemContent makes an error response's body application/problem+json:
// a Problem, or the problem document the operation names (PublicGone).
func problemContent(r *openapi3.Response) {
	ref := problemRef
	for _, mt := range r.Content {
		if mt.Schema != nil && strings.HasPrefix(mt.Schema.Ref, "#/components/schemas/") {
			ref = mt.Schema.Ref
		}
	}
	r.Content = openapi3.NewContentWithSchemaRef(openapi3.NewSchemaRef(ref, nil), []string{"application/problem+json"})
}

// htmlResponse reports whether r is a page: the customer's quote page
// answers its errors as pages too.
func htmlResponse(r *openapi3.Response) bool {
	_, ok := r.Content["text/html"]
	return ok
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
