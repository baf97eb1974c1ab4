// Package errs is the product's one error vocabulary. Domain packages return
// *errs.Error values with a Code; storage translates driver errors into them;
// the HTTP layer maps each Code to one status and an RFC 9457 problem document.
package errs

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
)

// Code classifies an error for callers. Each code maps to one HTTP status.
type Code string

const (
	Invalid            Code = "invalid"             // 422: a rule or validation failed
	BadRequest         Code = "bad_request"         // 400: malformed input
	NotFound           Code = "not_found"           // 404: missing or in another workspace
	Conflict           Code = "conflict"            // 409: state forbids the change
	Gone               Code = "gone"                // 410: existed, no longer usable
	Forbidden          Code = "forbidden"           // 403: authenticated but not allowed
	Unauthorized       Code = "unauthorized"        // 401: no or bad credentials
	PreconditionFailed Code = "precondition_failed" // 412: If-Match did not match
	TooLarge           Code = "too_large"           // 413
	Unsupported        Code = "unsupported"         // 415
	RateLimited        Code = "rate_limited"        // 429
	Unavailable        Code = "unavailable"         // 503: a dependency is down
	Internal           Code = "internal"            // 500
)

// FieldError names one invalid input field (JSON name, dotted for nesting).
type FieldError struct {
	Field   string
	Message string
}

// Error is a classified error with a message safe to show to API callers.
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError
	// RetryAfter is set on RateLimited errors (seconds).
	RetryAfter int
	err        error
}

func (e *Error) Error() string {
	if e.err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.err }

// New returns an error with the code and a caller-safe message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap classifies err with code and message, keeping err as the cause.
func Wrap(err error, code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), err: err}
}

// Field returns an Invalid error for one field.
func Field(field, message string) *Error {
	return &Error{Code: Invalid, Message: message, Fields: []FieldError{{Field: field, Message: message}}}
}

// Fields returns an Invalid error listing several fields; nil when fields is empty.
func Fields(message string, fields ...FieldError) error {
	if len(fields) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: message, Fields: fields}
}

// NotFoundf returns a NotFound error naming what was not found.
func NotFoundf(format string, args ...any) *Error { return New(NotFound, format, args...) }

// Conflictf returns a Conflict error.
func Conflictf(format string, args ...any) *Error { return New(Conflict, format, args...) }

// Invalidf returns an Invalid error without field details.
func Invalidf(format string, args ...any) *Error { return New(Invalid, format, args...) }

// CodeOf returns the code of the first *Error in err's chain, or Internal.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// Is reports whether err carries the code.
func Is(err error, code Code) bool { return err != nil && CodeOf(err) == code }

// As returns the first *Error in err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// ConnectionLost reports whether err says that a connection to a
// dependency (the database) broke or could not be made: an unexpected EOF,
// a closed or refused connection, a network error, a driver error that
// happened before anything was sent (SafeToRetry), or a server that is
// shutting down or starting up (SQLSTATE class 08, 57P01–57P03, 53300).
// Such a request did not fail on its input: it is Unavailable (503,
// Retry-After), not Internal. It looks at behaviour, not at driver types,
// so that the domain needs no driver.
func ConnectionLost(err error) bool {
	if err == nil {
		return false
	}
	var netErr net.Error
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, sql.ErrConnDone) || errors.As(err, &netErr) {
		return true
	}
	var retry interface{ SafeToRetry() bool }
	if errors.As(err, &retry) && retry.SafeToRetry() {
		return true
	}
	var state interface{ SQLState() string }
	if errors.As(err, &state) {
		switch code := state.SQLState(); {
		case strings.HasPrefix(code, "08"), code == "57P01", code == "57P02", code == "57P03", code == "53300":
			return true
		}
	}
	// pgx's ErrConnClosed and a connection read cut short surface as text
	// when a layer above formats rather than wraps them.
	msg := err.Error()
	return strings.HasSuffix(msg, "conn closed") || strings.HasSuffix(msg, "unexpected EOF")
}
