package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/quoting"
)

// Request body limits, in one place. Every body is capped at the general
// limit (Config.MaxBodyBytes) except on the routes of bodyLimits. Limits on
// the fields inside a body are the domain's (sales.MaxDescriptionLen and
// the like), which the request types' validate tags repeat for the
// specification; TestFieldLimitsMatchTheDomain keeps the two equal.

// routeLimit says how large a route's body may be, given the general and
// the upload limit.
type routeLimit func(general, upload int64) int64

// bodyLimits are the routes whose bodies are not capped at the general limit.
var bodyLimits = map[string]routeLimit{
	// Attachments take files up to the configured upload size.
	"POST /api/v1/opportunities/:id/attachments": func(_, upload int64) int64 { return upload },
	// A CSV file to import, likewise.
	"POST /api/v1/imports": func(_, upload int64) int64 { return upload },
	// A logo is at most quoting.MaxLogoBytes, plus room for a multipart
	// envelope, whatever the general limit.
	"PUT /api/v1/quote-templates/:id/logo": func(int64, int64) int64 { return quoting.MaxLogoBytes + 64<<10 },
}

// bodyLimit caps request bodies: reading past the cap fails with
// http.MaxBytesError, which decode turns into 413, and a declared length over
// the cap is refused before reading. It runs after routing (Echo's Use), so
// the route is known, and before any route middleware reads the body.
func bodyLimit(general, upload int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			n := general
			if limit, ok := bodyLimits[r.Method+" "+c.Path()]; ok {
				n = limit(general, upload)
			}
			if r.ContentLength > n {
				return errsTooLarge(n)
			}
			r.Body = http.MaxBytesReader(c.Response(), r.Body, n)
			return next(c)
		}
	}
}

func errsTooLarge(n int64) error {
	return errs.New(errs.TooLarge, "the body is larger than %d bytes", n)
}
