package api

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"
)

// WriteMarks learns when a caller has written, so that the caller's next
// reads see the write on whichever replica of the API they land
// (postgres.DB with read replicas).
type WriteMarks interface {
	Wrote(ctx context.Context)
}

// markWrites tells s.writes about every successful write request (any
// method but GET, HEAD and OPTIONS) before the answer leaves: by the time
// the client has the answer, its next read already knows.
func (s *Server) markWrites(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		if s.writes == nil {
			return next(c)
		}
		ctx := c.Request().Context() // carries the principal
		c.Response().Before(func() {
			if c.Response().Status < http.StatusBadRequest {
				s.writes.Wrote(ctx)
			}
		})
		return next(c)
	}
}
