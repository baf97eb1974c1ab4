package api

import (
	"context"
	"math"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/ratelimit"
)

// Quota counts a caller's requests in shared windows (ratelimit.Quota).
type Quota interface {
	Take(ctx context.Context, key string, limit int) (ratelimit.Decision, error)
}

// limitPolicy names the one quota policy in the RateLimit headers.
const limitPolicy = `"per-minute"`

// limitRequests counts every authenticated request of a user (across their
// sessions) or an API key in a one-minute window shared by all replicas,
// answers the state in the RateLimit-Policy and RateLimit headers (IETF
// httpapi-ratelimit-headers: quota q per window w seconds; r remaining,
// window ends in t seconds), and refuses a request past the limit with 429
// and Retry-After. The count is one upsert on an UNLOGGED table.
func (s *Server) limitRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		p, ok := identity.PrincipalFrom(c.Request().Context())
		if s.quota == nil || !ok {
			return next(c)
		}
		limit, key := s.cfg.RateLimitPerMinute, "user:"+p.ID.String()
		if p.APIKey {
			key = "key:" + p.ID.String()
		}
		if p.RateLimit > 0 {
			limit = p.RateLimit
		}
		d, err := s.quota.Take(c.Request().Context(), key, limit)
		if err != nil {
			return next(c) // not counted: no headers, no refusal
		}
		reset := int(math.Ceil(d.Reset.Seconds()))
		h := c.Response().Header()
		h["Ratelimit-Policy"] = []string{limitPolicy + ";q=" + strconv.Itoa(d.Limit) + ";w=60"}
		h["Ratelimit"] = []string{limitPolicy + ";r=" + strconv.Itoa(d.Remaining) + ";t=" + strconv.Itoa(reset)}
		if !d.Allowed {
			e := errs.New(errs.RateLimited, "more than %d requests a minute; retry in %d s", d.Limit, max(reset, 1))
			e.RetryAfter = max(reset, 1)
			return e
		}
		return next(c)
	}
}
