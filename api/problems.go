package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/errs"
)

// Problem is an RFC 9457 problem document, the body of every error response.
type Problem struct {
	Type      string         `json:"type" example:"/problems/validation"`
	Title     string         `json:"title" example:"Validation failed"`
	Status    int            `json:"status" example:"422"`
	Detail    string         `json:"detail,omitempty" example:"estimated_amount cannot be set while the opportunity has product lines"`
	Instance  string         `json:"instance,omitempty" example:"/api/v1/opportunities/0190a6e4-2f3b-7c6e-9a51-3c8e2b1d4f5a"`
	RequestID string         `json:"request_id,omitempty" example:"b9f1c2d3e4f5a6b7"`
	Errors    []ProblemField `json:"errors,omitempty"`
} // @name Problem

// ProblemField names one invalid input field.
type ProblemField struct {
	Field   string `json:"field" example:"email"`
	Message string `json:"message" example:"must be a valid e-mail address"`
} // @name ProblemField

type problemKind struct {
	status int
	slug   string
	title  string
}

// kinds maps each error code to its HTTP status; this is the only place.
var kinds = map[errs.Code]problemKind{
	errs.BadRequest:         {http.StatusBadRequest, "bad-request", "Malformed request"},
	errs.Unauthorized:       {http.StatusUnauthorized, "unauthorized", "Authentication required"},
	errs.Forbidden:          {http.StatusForbidden, "forbidden", "Not allowed"},
	errs.NotFound:           {http.StatusNotFound, "not-found", "Not found"},
	errs.Conflict:           {http.StatusConflict, "conflict", "Conflict"},
	errs.Gone:               {http.StatusGone, "gone", "Gone"},
	errs.PreconditionFailed: {http.StatusPreconditionFailed, "precondition-failed", "Precondition failed"},
	errs.TooLarge:           {http.StatusRequestEntityTooLarge, "too-large", "Request too large"},
	errs.Unsupported:        {http.StatusUnsupportedMediaType, "unsupported-media-type", "Unsupported media type"},
	errs.Invalid:            {http.StatusUnprocessableEntity, "validation", "Validation failed"},
	errs.RateLimited:        {http.StatusTooManyRequests, "rate-limited", "Too many requests"},
	errs.Unavailable:        {http.StatusServiceUnavailable, "unavailable", "Service unavailable"},
	errs.Internal:           {http.StatusInternalServerError, "internal", "Internal error"},
	methodNotAllowed:        {http.StatusMethodNotAllowed, "method-not-allowed", "Method not allowed"},
}

// methodNotAllowed is an HTTP-only code: the domain never returns it.
const methodNotAllowed errs.Code = "method_not_allowed"

// codeOfStatus maps Echo's own HTTP errors (404 route, 405, 413…) to codes.
var codeOfStatus = map[int]errs.Code{
	400: errs.BadRequest, 401: errs.Unauthorized, 403: errs.Forbidden, 404: errs.NotFound,
	405: methodNotAllowed, 409: errs.Conflict, 412: errs.PreconditionFailed, 413: errs.TooLarge,
	415: errs.Unsupported, 422: errs.Invalid, 429: errs.RateLimited, 503: errs.Unavailable,
}

// handleError is Echo's error handler: every error leaves as problem+json,
// and only internal errors are logged with their cause.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	e := classify(c, err)
	k := kinds[e.Code]
	if k.status == 0 {
		k = kinds[errs.Internal]
	}
	detail := e.Message
	if e.Code == errs.Internal {
		s.log.ErrorContext(c.Request().Context(), "internal error", "err", err.Error(),
			"request_id", requestID(c), "path", c.Path())
		detail = "an unexpected error occurred; quote the request id when reporting it"
	}
	h := c.Response().Header()
	if e.Code == errs.Unauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="crm"`)
	}
	if wait := retryAfter(e); wait > 0 {
		h.Set("Retry-After", strconv.Itoa(wait))
	}
	p := Problem{Type: "/problems/" + k.slug, Title: k.title, Status: k.status, Detail: detail,
		Instance: c.Request().URL.Path, RequestID: requestID(c)}
	for _, f := range e.Fields {
		p.Errors = append(p.Errors, ProblemField{Field: f.Field, Message: f.Message})
	}
	writeProblem(c, p)
}

func writeProblem(c echo.Context, p Problem) {
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(p.Status)
		return
	}
	_ = c.JSON(p.Status, p)
}

func classify(c echo.Context, err error) *errs.Error {
	if e, ok := errs.As(err); ok {
		return e
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		code, ok := codeOfStatus[he.Code]
		if !ok {
			return errs.Wrap(err, errs.Internal, "internal error")
		}
		msg := http.StatusText(he.Code)
		if m, ok := he.Message.(string); ok && m != "" {
			msg = strings.ToLower(m[:1]) + m[1:]
		}
		switch he.Code {
		case http.StatusNotFound:
			msg = "no route matches this path"
		case http.StatusMethodNotAllowed:
			msg = "this path does not accept the method " + c.Request().Method
		}
		return errs.Wrap(err, code, "%s", msg)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return errs.Wrap(err, errs.Unavailable, "the request took too long")
	}
	if errs.ConnectionLost(err) {
		return errs.Wrap(err, errs.Unavailable, "the database connection was lost; retry")
	}
	if errors.Is(err, context.Canceled) {
		return errs.Wrap(err, errs.BadRequest, "the request was cancelled")
	}
	return errs.Wrap(err, errs.Internal, "internal error")
}

// unavailableRetryAfter is how long a client waits after a 503: about as
// long as a database fail-over or restart takes.
const unavailableRetryAfter = 5

// retryAfter is the Retry-After of a 429 or 503, in seconds (0: none).
func retryAfter(e *errs.Error) int {
	switch e.Code {
	case errs.RateLimited:
		return max(e.RetryAfter, 1)
	case errs.Unavailable:
		return unavailableRetryAfter
	}
	return 0
}
