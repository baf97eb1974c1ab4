package api

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/idempotency"
	"github.com/acme/crm/internal/identity"
)

// replayHeaders are the response headers kept with a replayed response.
var replayHeaders = []string{echo.HeaderContentType, echo.HeaderLocation, "ETag"}

// idempotent makes POST requests with an Idempotency-Key header safe to
// retry: the first response is stored and replayed to retries with the same
// body; the same key with another body is 422; a retry while the first is
// still running is 409. 5xx responses are not stored, so they can be retried.
func (s *Server) idempotent(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !wantsIdempotency(c) {
			return next(c)
		}
		p, err := identity.Caller(c.Request().Context())
		if err != nil {
			return err
		}
		return s.runIdempotently(c, next, p.WorkspaceID, p.ID)
	}
}

// wantsIdempotency reports whether c is a POST with an Idempotency-Key.
func wantsIdempotency(c echo.Context) bool {
	return c.Request().Method == http.MethodPost && c.Request().Header.Get("Idempotency-Key") != ""
}

// runIdempotently runs next under the request's Idempotency-Key, scoped to
// the workspace and the principal (a user, an API key, or a customer's
// link), replaying a finished first response.
func (s *Server) runIdempotently(c echo.Context, next echo.HandlerFunc, workspaceID, principalID uuid.UUID) error {
	key := c.Request().Header.Get("Idempotency-Key")
	if len(key) > 255 {
		return errs.Field("Idempotency-Key", "must be at most 255 characters")
	}
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return errs.New(errs.TooLarge, "the body is larger than %d bytes", s.cfg.MaxBodyBytes)
	}
	c.Request().Body = io.NopCloser(bytes.NewReader(body))
	h := sha256.New()
	h.Write([]byte(c.Request().Method + " " + c.Request().URL.RequestURI() + "\n"))
	h.Write(body)
	hash := h.Sum(nil)
	k := idempotency.Key{WorkspaceID: workspaceID, PrincipalID: principalID, Key: key}
	claimed, prev, err := s.idem.Begin(c.Request().Context(), k, hash)
	if err != nil {
		return err
	}
	if !claimed {
		return replay(c, prev, hash)
	}
	return s.runAndStore(c, next, k)
}

func replay(c echo.Context, prev idempotency.Response, hash []byte) error {
	switch {
	case !bytes.Equal(prev.RequestHash, hash):
		return errs.Field("Idempotency-Key", "was already used with a different request; use a new key")
	case !prev.Done:
		return errs.Conflictf("a request with this Idempotency-Key is still being processed; retry later")
	}
	for k, v := range prev.Header {
		c.Response().Header().Set(k, v)
	}
	c.Response().Header().Set("Idempotent-Replayed", "true")
	c.Response().WriteHeader(prev.Status)
	_, err := c.Response().Write(prev.Body)
	return err
}

func (s *Server) runAndStore(c echo.Context, next echo.HandlerFunc, k idempotency.Key) error {
	rec := &recorder{ResponseWriter: c.Response().Writer}
	c.Response().Writer = rec
	if err := next(c); err != nil {
		c.Error(err)
	}
	// The client's request may be gone; the record must still be written.
	ctx := context.WithoutCancel(c.Request().Context())
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	status := c.Response().Status
	if status >= 500 {
		return s.idem.Release(ctx, k)
	}
	resp := idempotency.Response{Done: true, Status: status, Header: map[string]string{}, Body: rec.body.Bytes()}
	for _, h := range replayHeaders {
		if v := c.Response().Header().Get(h); v != "" {
			resp.Header[h] = v
		}
	}
	if err := s.idem.Complete(ctx, k, resp); err != nil {
		s.log.ErrorContext(ctx, "store idempotent response", "err", err, "request_id", requestID(c))
	}
	return nil
}

// recorder tees the response body so that it can be stored.
type recorder struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (r *recorder) Write(b []byte) (int, error) {
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(r.ResponseWriter).Hijack()
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
