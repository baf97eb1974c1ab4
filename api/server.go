// Package api is the HTTP layer: the Echo router, one file per resource,
// request and response types with their swag annotations, middleware and the
// mapping of errors to RFC 9457 problems. Handlers bind, validate, convert,
// call one service method, convert and respond.
//
//	@title						CRM sales module API
//	@version					1.0
//	@description				JSON REST API of the CRM's sales module: relations, pipelines, opportunities, tasks, products, quotes. Errors are RFC 9457 problem documents. Lists use cursor pagination. Single resources carry an ETag; PATCH, PUT and DELETE honour If-Match. POST honours Idempotency-Key.
//	@BasePath					/
//	@securityDefinitions.apikey	BearerAuth
//	@in							header
//	@name						Authorization
//	@description				An access token (JWT) or an API key: "Bearer <token>".
package api

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/acme/crm/internal/activity"
	"github.com/acme/crm/internal/catalog"
	"github.com/acme/crm/internal/changes"
	"github.com/acme/crm/internal/idempotency"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/imports"
	"github.com/acme/crm/internal/invoicing"
	"github.com/acme/crm/internal/notify"
	"github.com/acme/crm/internal/quoting"
	"github.com/acme/crm/internal/ratelimit"
	"github.com/acme/crm/internal/relations"
	"github.com/acme/crm/internal/sales"
	"github.com/acme/crm/internal/webhooks"
)

// Config is what the HTTP layer needs from the configuration.
type Config struct {
	CORSOrigins    []string
	TrustedProxies []*net.IPNet
	CursorKey      []byte // signs pagination cursors
	MaxBodyBytes   int64  // default 1 MiB
	MaxUploadBytes int64  // attachments; default 25 MiB
	OpenAPI        []byte // the served openapi.yaml
	PublicURL      string // base of the calendar feed URLs
	// PublicPerToken and PublicPerIP cap the customer's quote routes per
	// minute, per link and per client address (defaults 120 and 300).
	PublicPerToken int
	PublicPerIP    int
	// RateLimitPerMinute caps each user's and API key's requests a minute
	// (default 600); an API key may have its own limit.
	RateLimitPerMinute int
	// StreamHeartbeat, StreamPoll and StreamsPerUser tune the live
	// stream (defaults 25 s, 5 s, 5); closing StreamsDone ends every open
	// stream (at shutdown).
	StreamHeartbeat time.Duration
	StreamPoll      time.Duration
	StreamsPerUser  int
	StreamsDone     <-chan struct{}
}

// Deps are the services behind the handlers.
type Deps struct {
	Identity      *identity.Service
	Relations     *relations.Service
	Catalog       *catalog.Service
	Sales         *sales.Service
	Activity      *activity.Tasks
	Notes         *activity.Notes
	Attachments   *activity.Attachments
	Timeline      *activity.Timeline
	Emails        *activity.Emails
	Appointments  *activity.Appointments
	Quoting       *quoting.Service
	Invoicing     *invoicing.Service
	Notifications *notify.Service
	Webhooks      *webhooks.Service
	Changes       *changes.Feed
	Imports       *imports.Service
	Pages         Pages
	Idempotency   idempotency.Store
	Writes        WriteMarks // nil: writes are not marked (no read replicas)
	// Quota counts each caller's requests (shared by all replicas); nil:
	// no limit and no RateLimit headers.
	Quota Quota
	// Limit makes a rate limiter of max per period whose counts all
	// replicas share; nil counts in this process's memory.
	Limit    func(name string, max int, period time.Duration) ratelimit.Limiter
	Ready    func(ctx context.Context) error
	Registry *prometheus.Registry
	Log      *slog.Logger
}

// Server holds the services the handlers call.
type Server struct {
	cfg           Config
	identity      *identity.Service
	relations     *relations.Service
	catalog       *catalog.Service
	sales         *sales.Service
	activity      *activity.Tasks
	notes         *activity.Notes
	attachments   *activity.Attachments
	timeline      *activity.Timeline
	emails        *activity.Emails
	appointments  *activity.Appointments
	quoting       *quoting.Service
	invoicing     *invoicing.Service
	notifications *notify.Service
	webhooks      *webhooks.Service
	pages         Pages
	idem          idempotency.Store
	writes        WriteMarks
	ready         func(ctx context.Context) error
	log           *slog.Logger
	validator     *validator.Validate
	cursorKey     []byte
	metrics       *httpMetrics
	registry      *prometheus.Registry
	public        publicLimits
	quota         Quota
	changes       *changes.Feed
	imports       *imports.Service
	streams       *streamSlots
	quoteJSONs    *quoteJSONCache
}

// New builds the router with every route and middleware.
func New(cfg Config, d Deps) *echo.Echo {
	s := newServer(cfg, d)
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = ipExtractor(s.cfg.TrustedProxies)
	e.Use(
		requestIDs,
		s.recoverPanics,
		s.observe,
		securityHeaders,
	)
	if len(s.cfg.CORSOrigins) > 0 {
		e.Use(middleware.CORSWithConfig(middleware.CORSConfig{
			AllowOrigins:  s.cfg.CORSOrigins,
			AllowMethods:  []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete},
			AllowHeaders:  []string{"Authorization", "Content-Type", "If-Match", "Idempotency-Key", "X-Request-ID", "X-API-Key"},
			ExposeHeaders: []string{"ETag", "Location", "Retry-After", "X-Request-ID", "Idempotent-Replayed", "RateLimit", "RateLimit-Policy"},
			MaxAge:        600,
		}))
	}
	e.Use(bodyLimit(s.cfg.MaxBodyBytes, s.cfg.MaxUploadBytes), checkInput)
	s.registerRoutes(e)
	return e
}

// newServer fills in the configuration's defaults and the services.
func newServer(cfg Config, d Deps) *Server {
	if cfg.MaxUploadBytes == 0 {
		cfg.MaxUploadBytes = 25 << 20
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.RateLimitPerMinute == 0 {
		cfg.RateLimitPerMinute = 600
	}
	s := &Server{cfg: cfg, identity: d.Identity, sales: d.Sales, activity: d.Activity, idem: d.Idempotency, ready: d.Ready, log: d.Log,
		validator: newValidator(), cursorKey: cfg.CursorKey, registry: d.Registry,
		relations: d.Relations, catalog: d.Catalog, notes: d.Notes, attachments: d.Attachments, timeline: d.Timeline,
		emails: d.Emails, appointments: d.Appointments, quoting: d.Quoting, invoicing: d.Invoicing,
		notifications: d.Notifications, webhooks: d.Webhooks, pages: d.Pages, changes: d.Changes, imports: d.Imports,
		writes: d.Writes, quota: d.Quota}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.registry == nil {
		s.registry = prometheus.NewRegistry()
	}
	s.streams = newStreamSlots(&s.cfg)
	s.quoteJSONs = newQuoteJSONCache()
	s.metrics = newHTTPMetrics(s.registry)
	s.public = newPublicLimits(cfg.PublicPerToken, cfg.PublicPerIP, d.Limit)
	return s
}

// registerRoutes adds every route: the platform's and the customer's
// without login, then /api/v1 with authentication, the per-caller quota,
// write marks and idempotency.
func (s *Server) registerRoutes(e *echo.Echo) {
	s.registerPlatformRoutes(e)
	s.registerCalendarFeedRoute(e)
	s.registerPublicRoutes(e)

	public := routes{g: e.Group("/api/v1")}
	s.registerAuthRoutes(public)
	// Middleware is added per route, not with Group.Use, which would
	// register catch-all routes and turn 405s into 404s.
	authed := public.with(s.authenticate, s.limitRequests, s.markWrites, s.idempotent)
	for _, register := range []func(routes){
		s.registerMeRoutes, s.registerUserRoutes, s.registerAPIKeyRoutes,
		s.registerOrganizationRoutes, s.registerPersonRoutes,
		s.registerPipelineRoutes, s.registerPhaseRoutes, s.registerSourceRoutes,
		s.registerOpportunityRoutes, s.registerLineRoutes, s.registerProductRoutes, s.registerReportRoutes,
		s.registerTaskRoutes, s.registerNoteRoutes, s.registerAttachmentRoutes, s.registerTimelineRoutes,
		s.registerEmailRoutes, s.registerAppointmentRoutes, s.registerCalendarRoutes,
		s.registerQuoteTemplateRoutes, s.registerQuoteRoutes, s.registerInvoiceRoutes,
		s.registerNotificationRoutes, s.registerIntegrationRoutes, s.registerWebhookRoutes,
		s.registerChangeRoutes, s.registerImportRoutes, s.registerExportRoutes,
	} {
		register(authed)
	}
}

// routes registers handlers under a prefix with middleware of its own.
type routes struct {
	g  *echo.Group
	mw []echo.MiddlewareFunc
}

func (r routes) with(mw ...echo.MiddlewareFunc) routes {
	return routes{g: r.g, mw: append(append([]echo.MiddlewareFunc{}, r.mw...), mw...)}
}

func (r routes) add(method, path string, h echo.HandlerFunc, mw []echo.MiddlewareFunc) {
	r.g.Add(method, path, h, append(append([]echo.MiddlewareFunc{}, r.mw...), mw...)...)
}

func (r routes) GET(path string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	r.add(http.MethodGet, path, h, mw)
}

func (r routes) POST(path string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	r.add(http.MethodPost, path, h, mw)
}

func (r routes) PUT(path string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	r.add(http.MethodPut, path, h, mw)
}

func (r routes) PATCH(path string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	r.add(http.MethodPatch, path, h, mw)
}

func (r routes) DELETE(path string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	r.add(http.MethodDelete, path, h, mw)
}

func ipExtractor(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := make([]echo.TrustOption, 0, len(trusted)+1)
	opts = append(opts, echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false))
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// newRequestID is 16 hexadecimal digits of a random 64-bit number: unique
// enough to find a request's log lines, and cheap on every request.
func newRequestID() string {
	var b [16]byte
	n := rand.Uint64()
	for i := range b {
		b[i] = hexDigits[n>>60]
		n <<= 4
	}
	return string(b[:])
}

// maxRequestID is the longest X-Request-ID taken from a client.
const maxRequestID = 128

// requestIDs gives every request an id, echoed in X-Request-ID and logged
// with it. A client's own X-Request-ID is kept only when it is at most 128
// visible ASCII characters (0x21–0x7E), so that it cannot flood the logs,
// split a log line or carry bytes a log reader chokes on; any other is
// replaced by a new id.
func requestIDs(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Request().Header.Get(echo.HeaderXRequestID)
		if !validRequestID(id) {
			id = newRequestID()
			c.Request().Header.Set(echo.HeaderXRequestID, id)
		}
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		return next(c)
	}
}

func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestID {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x21 || id[i] > 0x7e {
			return false
		}
	}
	return true
}

func requestID(c echo.Context) string {
	return c.Response().Header().Get(echo.HeaderXRequestID)
}

// The security headers' values, shared by every response: a header's
// value is set by replacing its slice (Header.Set), never by writing into
// it, so one slice serves all.
var (
	headerNoSniff   = []string{"nosniff"}
	headerDeny      = []string{"DENY"}
	headerNoRef     = []string{"no-referrer"}
	headerNoStore   = []string{"no-store"}
	headerCSPNoneAt = []string{"default-src 'none'; frame-ancestors 'none'"}
)

// securityHeaders sets the headers every answer carries, under their
// canonical names directly (Header.Set would canonicalize each name on
// every request).
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h["X-Content-Type-Options"] = headerNoSniff
		h["X-Frame-Options"] = headerDeny
		h["Referrer-Policy"] = headerNoRef
		h["Cache-Control"] = headerNoStore
		if !strings.HasPrefix(c.Request().URL.Path, "/docs") {
			h["Content-Security-Policy"] = headerCSPNoneAt
		}
		return next(c)
	}
}

// recoverPanics turns a panic into a 500 problem without internals, and
// logs the panic with the request id.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				s.log.ErrorContext(c.Request().Context(), "panic", "panic", r, "request_id", requestID(c), "path", c.Path())
				err = errsInternal()
			}
		}()
		return next(c)
	}
}

// observe logs each request as one JSON line and records its metrics.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		status := c.Response().Status
		elapsed := time.Since(start)
		s.metrics.observe(c.Request().Method, route, status, elapsed)
		lvl := slog.LevelInfo
		if status >= 500 {
			lvl = slog.LevelError
		}
		if !s.log.Enabled(c.Request().Context(), lvl) {
			return nil // the line's attributes cost allocations on every request
		}
		attrs := []any{"method", c.Request().Method, "route", route, "path", c.Request().URL.Path,
			"status", status, "duration_ms", float64(elapsed.Microseconds()) / 1000,
			"request_id", requestID(c), "ip", c.RealIP()}
		if p, ok := identity.PrincipalFrom(c.Request().Context()); ok {
			attrs = append(attrs, "workspace_id", p.WorkspaceID.String(), "principal_id", p.ID.String())
		}
		s.log.Log(c.Request().Context(), lvl, "request", attrs...)
		return nil
	}
}
