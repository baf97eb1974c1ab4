package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"
	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
)

// decode reads a JSON body into dst strictly: the media type must be JSON
// (415), the body one well-formed JSON value (400) without unknown fields
// (400 naming the field), within the size limit (413); then dst's validate
// tags are checked (422 listing the fields).
func (s *Server) decode(c echo.Context, dst any) error {
	body, err := readJSON(c)
	if err != nil {
		return err
	}
	return s.decodeBytes(body, dst)
}

// readJSON reads a JSON request body: 415 for another media type, 413
// past the size limit.
func readJSON(c echo.Context) ([]byte, error) {
	if err := requireJSON(c.Request()); err != nil {
		return nil, err
	}
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errs.New(errs.TooLarge, "the body is larger than %d bytes", mbe.Limit)
		}
		return nil, errs.Wrap(err, errs.BadRequest, "could not read the body")
	}
	// NUL and invalid UTF-8 are refused naming the field: PostgreSQL text
	// cannot hold NUL, and encoding/json would turn invalid UTF-8 into
	// U+FFFD silently, storing text the client never sent.
	if err := checkJSONText(body); err != nil {
		return nil, err
	}
	return body, nil
}

// decodeBytes is decode's strict decoding and validation of a body
// already read.
func (s *Server) decodeBytes(body []byte, dst any) error {
	if err := decodeStrict(body, dst); err != nil {
		return err
	}
	return s.validate(dst)
}

// decodeStrict decodes one JSON value without unknown fields into dst.
func decodeStrict(body []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return errs.New(errs.BadRequest, "the body holds more than one JSON value")
	}
	return nil
}

func requireJSON(r *http.Request) error {
	ct := r.Header.Get(echo.HeaderContentType)
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return errs.New(errs.Unsupported, "send the body as application/json (got %q)", ct)
	}
	return nil
}

func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return errs.New(errs.BadRequest, "the body is empty; send a JSON object")
	case errors.As(err, &syn):
		return errs.New(errs.BadRequest, "malformed JSON at byte %d: %s", syn.Offset, syn.Error())
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "(body)"
		}
		e := errs.New(errs.BadRequest, "field %s must be %s", field, jsonKind(typ.Type))
		e.Fields = []errs.FieldError{{Field: field, Message: "must be " + jsonKind(typ.Type)}}
		return e
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		e := errs.New(errs.BadRequest, "unknown field %q", name)
		e.Fields = []errs.FieldError{{Field: name, Message: "is not a known field"}}
		return e
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errs.New(errs.BadRequest, "malformed JSON: unexpected end of input")
	}
	if e, ok := errs.As(err); ok {
		return e
	}
	return errs.Wrap(err, errs.BadRequest, "malformed JSON: %v", err)
}

func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "of type " + t.String()
}

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	return v
}

func (s *Server) validate(dst any) error {
	err := s.validator.Struct(dst)
	if err == nil {
		return nil
	}
	var ves validator.ValidationErrors
	if !errors.As(err, &ves) {
		return errs.Wrap(err, errs.Internal, "validation failed")
	}
	fields := make([]errs.FieldError, 0, len(ves))
	for _, fe := range ves {
		ns := fe.Namespace()
		if i := strings.IndexByte(ns, '.'); i >= 0 {
			ns = ns[i+1:]
		}
		fields = append(fields, errs.FieldError{Field: ns, Message: ruleMessage(fe)})
	}
	return errs.Fields("the request has invalid fields", fields...)
}

func ruleMessage(fe validator.FieldError) string {
	p := fe.Param()
	switch fe.Tag() {
	case "required":
		return "is required"
	case "email":
		return "must be a valid e-mail address"
	case "min":
		if fe.Kind() == reflect.String {
			return fmt.Sprintf("must be at least %s characters", p)
		}
		if fe.Kind() == reflect.Slice {
			return fmt.Sprintf("must have at least %s items", p)
		}
		return "must be at least " + p
	case "max":
		if fe.Kind() == reflect.String {
			return fmt.Sprintf("must be at most %s characters", p)
		}
		if fe.Kind() == reflect.Slice {
			return fmt.Sprintf("must have at most %s items", p)
		}
		return "must be at most " + p
	case "gte":
		return "must be at least " + p
	case "lte":
		return "must be at most " + p
	case "gt":
		return "must be greater than " + p
	case "oneof":
		return "must be one of: " + strings.ReplaceAll(p, " ", ", ")
	case "uuid":
		return "must be a UUID"
	case "iso4217":
		return "must be an ISO 4217 currency code"
	case "hexcolor":
		return "must be a colour like #1A2B3C"
	case "url", "http_url":
		return "must be a URL"
	case "datetime":
		return "must be a date " + p
	}
	return "is invalid (" + fe.Tag() + ")"
}

// queryParams parses query parameters and collects every error.
type queryParams struct {
	c      echo.Context
	fields []errs.FieldError
}

func (q *queryParams) fail(field, msg string) {
	q.fields = append(q.fields, errs.FieldError{Field: field, Message: msg})
}

func (q *queryParams) err() error { return errs.Fields("invalid query parameters", q.fields...) }

func (q *queryParams) uuid(name string) *uuid.UUID {
	v := q.c.QueryParam(name)
	if v == "" {
		return nil
	}
	id, err := uuid.Parse(v)
	if err != nil {
		q.fail(name, "must be a UUID")
		return nil
	}
	return &id
}

// userID reads a user id, where "me" is the caller.
func (q *queryParams) userID(name string) *uuid.UUID {
	if q.c.QueryParam(name) == "me" {
		p, _ := identity.PrincipalFrom(q.c.Request().Context())
		return &p.UserID
	}
	return q.uuid(name)
}

func (q *queryParams) time(name string) *time.Time {
	v := q.c.QueryParam(name)
	if v == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		q.fail(name, "must be an RFC 3339 time such as 2026-12-01T09:00:00Z")
		return nil
	}
	return &t
}

func (q *queryParams) date(name string) *time.Time {
	v := q.c.QueryParam(name)
	if v == "" {
		return nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		q.fail(name, "must be a date as YYYY-MM-DD")
		return nil
	}
	return &t
}
