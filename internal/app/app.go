// Package app wires the services, storage and HTTP layer together. The
// server command and the HTTP tests build the product through it, so tests
// exercise exactly what runs in production.
package app

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	crm "github.com/acme/crm"
	"github.com/acme/crm/api"
	"github.com/acme/crm/internal/activity"
	"github.com/acme/crm/internal/audit"
	"github.com/acme/crm/internal/auth"
	"github.com/acme/crm/internal/catalog"
	"github.com/acme/crm/internal/changes"
	"github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/imports"
	"github.com/acme/crm/internal/invoicing"
	"github.com/acme/crm/internal/jobs"
	"github.com/acme/crm/internal/notify"
	"github.com/acme/crm/internal/postgres"
	"github.com/acme/crm/internal/quoting"
	"github.com/acme/crm/internal/ratelimit"
	"github.com/acme/crm/internal/relations"
	"github.com/acme/crm/internal/sales"
	"github.com/acme/crm/internal/webhooks"
)

// Config is what the product needs beyond the database connection.
type Config struct {
	TokenKeys      *auth.Keyring
	PublicURL      string
	CORSOrigins    []string
	TrustedProxies []*net.IPNet
	Argon2         auth.Argon2
	// LoginPerIP and LoginPerAccount cap log-in attempts per 5 minutes.
	LoginPerIP      int
	LoginPerAccount int
	Now             func() time.Time
	// MaxUploadBytes caps attachments (default 25 MiB); BlobDir holds
	// their content (empty: in memory, for tests).
	MaxUploadBytes int64
	BlobDir        string
	// BlobsInDatabase keeps file contents in PostgreSQL instead of
	// BlobDir, so that replicas on several machines share them.
	BlobsInDatabase bool
	// SMTPURL is the mail server (empty: e-mails are stored as
	// not_configured); MailFrom the From address (empty: crm@ the public
	// URL's host). JobRetryDelay and JobPollInterval tune the job queue
	// (tests make them short; zero is River's default).
	SMTPURL  string
	MailFrom string
	// SessionCacheTTL is how long a replica trusts a user's cached session
	// state without a notification (zero: identity.DefaultSessionCacheTTL).
	SessionCacheTTL time.Duration
	// AccountMail sends the signup e-mails; nil sends them over SMTPURL,
	// or without it writes them to the log (a developer's machine).
	AccountMail     identity.AccountMail
	JobRetryDelay   func(attempt int) time.Duration
	JobPollInterval time.Duration
	// PublicPerToken and PublicPerIP cap the customer's quote links per
	// minute (zero: the API's defaults).
	PublicPerToken int
	PublicPerIP    int
	// RateLimitPerMinute caps each user's and API key's requests a minute
	// (zero: the API's default, 600).
	RateLimitPerMinute int
	// RateLimitSync is how often a replica adds its local request counts to
	// the shared ones below half a limit (zero: every second).
	RateLimitSync time.Duration
	// SecretKey (32 bytes, CRM_SECRET_KEY) encrypts secrets at rest
	// (webhook signing secrets); empty derives one from TokenKeys.
	SecretKey []byte
	Webhooks  WebhookConfig
	// RedisURL, when set, counts rate limits in that Redis instead of
	// PostgreSQL (REDIS_URL).
	RedisURL string
	// StreamHeartbeat, StreamPoll and StreamsPerUser tune the live stream
	// (zero: the API's defaults, 25 s, 5 s, 5).
	StreamHeartbeat time.Duration
	StreamPoll      time.Duration
	StreamsPerUser  int
}

// App is the assembled product.
type App struct {
	Handler *echo.Echo
	// Metrics serves the Prometheus metrics, on a listener of its own.
	Metrics       http.Handler
	Identity      *identity.Service
	Sales         *sales.Service
	Relations     *relations.Service
	Catalog       *catalog.Service
	Activity      *activity.Tasks
	Notes         *activity.Notes
	Attachments   *activity.Attachments
	Timeline      *activity.Timeline
	Emails        *activity.Emails
	Jobs          *jobs.Queue
	Events        *events.Bus
	Appointments  *activity.Appointments
	Quoting       *quoting.Service
	Invoicing     *invoicing.Service
	Notifications *notify.Service
	Webhooks      *webhooks.Service
	Idempotency   *postgres.Idempotency
	RateLimits    *postgres.RateLimits
	Changes       *changes.Feed
	Imports       *imports.Service
	DB            *postgres.DB

	listener     *postgres.Listener
	streamsDone  chan struct{}
	closeStreams sync.Once
}

// New assembles the product on db.
func New(cfg Config, db *postgres.DB, log *slog.Logger) (*App, error) {
	if cfg.Argon2 == (auth.Argon2{}) {
		cfg.Argon2 = auth.DefaultArgon2()
	}
	if cfg.LoginPerIP == 0 {
		cfg.LoginPerIP = 50
	}
	if cfg.LoginPerAccount == 0 {
		cfg.LoginPerAccount = 10
	}
	// Every limit is counted in PostgreSQL, so that it holds across replicas.
	counts := postgres.NewRateLimits(db)
	counter, err := rateCounter(cfg, counts)
	if err != nil {
		return nil, err
	}
	limit := func(name string, max int, period time.Duration) ratelimit.Limiter {
		return ratelimit.NewShared(counter, name, max, period, log)
	}
	limiter := ratelimit.Multi{
		ByPrefix: map[string]ratelimit.Limiter{
			"ip:":   limit("login", cfg.LoginPerIP, 5*time.Minute),
			"acct:": limit("login", cfg.LoginPerAccount, 5*time.Minute),
		},
		Default: limit("login", cfg.LoginPerIP, 5*time.Minute),
	}
	accountMail, err := newAccountMail(cfg, log)
	if err != nil {
		return nil, err
	}
	ids := identity.NewService(identity.Config{
		Mail:            accountMail,
		SessionCacheTTL: cfg.SessionCacheTTL,
		Store:           postgres.NewIdentity(db),
		Tokens:          auth.NewTokens(auth.TokensConfig{Keys: cfg.TokenKeys, Now: cfg.Now}),
		Passwords:       cfg.Argon2,
		Limiter:         limiter,
		Now:             cfg.Now,
		// The invoice number format is the invoicing domain's rule.
		CheckInvoiceNumberFormat: invoicing.CheckNumberFormat,
	})
	tasks := activity.NewTasks(postgres.NewActivity(db), ids, cfg.Now)
	appointments := activity.NewAppointments(postgres.NewActivity(db), postgres.NewActivity(db), ids, icalFeed{}, cfg.Now)
	notes := activity.NewNotes(postgres.NewActivity(db), cfg.Now)
	acts, err := newActivity(cfg, db)
	if err != nil {
		return nil, err
	}
	queue, err := newQueue(cfg, db, log)
	if err != nil {
		return nil, err
	}
	emails, err := newEmails(cfg, db, queue, acts.attachments, ids, log)
	if err != nil {
		return nil, err
	}
	bus := events.NewBus(postgres.NewEvents(db), txQueue{db: db, q: queue}, cfg.Now)
	bus.SetObjects(eventObjects{ids: ids, now: cfg.Now})
	rels := relations.NewService(postgres.NewRelations(db), cfg.Now)
	products := catalog.NewService(postgres.NewCatalog(db), ids, cfg.Now)
	var invoices *invoicing.Service
	salesSvc := sales.NewService(postgres.NewSales(db), sales.Deps{Directory: ids, FollowUps: tasks, Catalog: salesCatalog{products},
		Relations: salesRelations{rels}, OpenTasks: salesTasks{tasks}, Events: bus, Invoicing: salesInvoicing{&invoices}, Now: cfg.Now})
	ids.OnWorkspaceCreated(salesSvc.SetupWorkspace)
	links, err := quoting.NewLinks(cfg.PublicURL, cfg.TokenKeys.Derive("quote-links"))
	if err != nil {
		return nil, err
	}
	quotes := quoting.NewService(postgres.NewQuoting(db), quoting.Deps{
		Opportunities: quotingOpportunities{sales: salesSvc}, Relations: quotingRelations{rels},
		Directory: ids, Products: quotingProducts{products}, Links: links, Renderer: quoteRenderer{},
		Files: blobFiles{acts.blobs}, Filing: quoteFiling{acts.attachments}, Mailer: quoteMailer{emails},
		Events: bus, Evidence: audit.NewLog(postgres.NewAudit(db), cfg.Now), Now: cfg.Now})
	registerExpiry(queue, quotes)
	invoices = invoicing.NewService(postgres.NewInvoicing(db), invoicing.Deps{
		Opportunities: invoicingOpportunities{sales: salesSvc, quotes: quotes, catalog: products},
		Parties:       invoicingParties{quotes: quotes, rels: rels, ids: ids}, Renderer: invoiceRenderer{},
		Files: blobFiles{acts.blobs}, Mailer: invoiceMailer{emails: emails, attachments: acts.attachments},
		Events: bus, Now: cfg.Now})
	registerOverdue(queue, invoices)
	notifications := notify.NewService(postgres.NewNotifications(db), notify.Deps{Users: ids,
		Owners: notifyOwners{salesSvc}, Mailer: notifyMailer{emails}, Now: cfg.Now})
	bus.Subscribe(notifications)
	tasks.SetPublisher(bus)
	rels.SetPublisher(bus)
	hooks, err := newWebhooks(cfg, db, queue, bus, salesSvc, ids, notifications, log)
	if err != nil {
		return nil, err
	}
	ids.OnWorkspaceCreated(quotes.SetupWorkspace)
	registerJobs(queue, emails, bus)
	listener := postgres.NewListener(db, log)
	feed := changes.NewFeed(postgres.NewChanges(db), listener, cfg.Now)
	registerPruneChanges(queue, feed)
	importer := imports.NewService(postgres.NewImports(db), txQueue{db: db, q: queue}, importWriter{rels: rels, sales: salesSvc, products: products}, cfg.Now)
	registerImports(queue, importer, ids)
	streamsDone := make(chan struct{})
	idem := postgres.NewIdempotency(db)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(db.SQL(), "crm"))
	quota := ratelimit.NewQuota(counts, "api", time.Minute, log)
	if cfg.RateLimitSync > 0 {
		quota.SyncEvery = cfg.RateLimitSync
	}
	h := api.New(api.Config{
		MaxUploadBytes: cfg.MaxUploadBytes,
		CORSOrigins:    cfg.CORSOrigins, TrustedProxies: cfg.TrustedProxies, CursorKey: cfg.TokenKeys.Derive("cursor"), OpenAPI: crm.OpenAPI, PublicURL: cfg.PublicURL,
		PublicPerToken: cfg.PublicPerToken, PublicPerIP: cfg.PublicPerIP, RateLimitPerMinute: cfg.RateLimitPerMinute,
		StreamHeartbeat: cfg.StreamHeartbeat, StreamPoll: cfg.StreamPoll, StreamsPerUser: cfg.StreamsPerUser, StreamsDone: streamsDone,
	}, api.Deps{Quota: quota, Changes: feed, Imports: importer,
		Identity: ids, Sales: salesSvc, Activity: tasks, Notes: notes, Attachments: acts.attachments, Timeline: acts.timeline, Appointments: appointments, Emails: emails, Idempotency: idem, Writes: db, Limit: limit, Registry: reg, Log: log,
		Relations: rels, Catalog: products, Quoting: quotes, Invoicing: invoices, Notifications: notifications, Webhooks: hooks, Pages: customerPages{}, Ready: func(ctx context.Context) error { return db.Ping(ctx) },
	})
	return &App{Handler: h, Identity: ids, Sales: salesSvc, Relations: rels, Catalog: products, Activity: tasks, Notes: notes, Attachments: acts.attachments, Timeline: acts.timeline, Appointments: appointments, Quoting: quotes, Invoicing: invoices, Idempotency: idem, Emails: emails, Jobs: queue, Events: bus, Notifications: notifications, Metrics: api.Metrics(reg), Webhooks: hooks, RateLimits: counts, DB: db,
		Changes: feed, Imports: importer, listener: listener, streamsDone: streamsDone}, nil
}

// ListenSessions subscribes the identity service to the database's
// session notifications until ctx ends, so that a log-out, password
// change, revocation, deactivation or role change made through any replica
// ends the sessions on this one at once. Without it (behind PgBouncer in
// transaction mode) the cached session state expires after
// identity.DefaultSessionCacheTTL.
func (a *App) ListenSessions(ctx context.Context, log *slog.Logger) {
	ok := a.DB.Listen(ctx, postgres.SessionsChannel, func(payload string) {
		if id, err := uuid.Parse(payload); err == nil {
			a.Identity.SessionsChanged(id)
		}
	}, a.Identity.AllSessionsChanged)
	if !ok {
		log.Warn("session notifications need a direct connection (not PgBouncer in transaction mode): sessions end on other replicas within the session cache's expiry",
			"expiry", identity.DefaultSessionCacheTTL.String())
	}
}

// RunBackground runs periodic housekeeping until ctx ends, and listens for
// session changes.
func (a *App) RunBackground(ctx context.Context, log *slog.Logger) {
	a.ListenSessions(ctx, log)
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := a.Idempotency.Sweep(ctx); err != nil {
				log.Error("sweep idempotency keys", "err", err)
			} else if n > 0 {
				log.Info("swept idempotency keys", "count", n)
			}
			if _, err := a.RateLimits.Sweep(ctx); err != nil {
				log.Error("sweep rate limits", "err", err)
			}
		}
	}
}
