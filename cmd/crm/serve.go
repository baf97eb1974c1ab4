package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/acme/crm/internal/app"
	"github.com/acme/crm/internal/demo"
	"github.com/acme/crm/internal/pgembed"
	"github.com/acme/crm/internal/postgres"
)

// database opens DATABASE_URL, or starts the embedded PostgreSQL; the
// returned stop closes the pool and stops the embedded server.
func database(ctx context.Context, c config, log *slog.Logger) (*postgres.DB, func(), error) {
	dsn := c.DatabaseURL
	stopPG := func() {}
	if dsn == "" {
		inst, err := pgembed.Start(ctx, pgembed.Config{DataDir: filepath.Join(c.DataDir, "postgres"), Logger: log})
		if err != nil {
			return nil, nil, fmt.Errorf("embedded postgres: %w", err)
		}
		dsn = inst.DSN()
		stopPG = func() {
			sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := inst.Stop(sctx); err != nil {
				log.Error("stop embedded postgres", "err", err)
			}
		}
	}
	db, err := postgres.Open(ctx, dsn, postgres.Options{Pooled: c.PoolMode == "transaction",
		ReplicaURLs: c.ReplicaURLs, ReplicaMaxLag: c.ReplicaMaxLag, Log: log})
	if err != nil {
		stopPG()
		return nil, nil, err
	}
	return db, func() { db.Close(); stopPG() }, nil
}

// build opens the database, applies migrations and assembles the product.
func build(ctx context.Context, c config, log *slog.Logger) (*app.App, func(), error) {
	db, closeDB, err := database(ctx, c, log)
	if err != nil {
		return nil, nil, err
	}
	n, err := postgres.Migrate(ctx, db.SQL())
	if err != nil {
		closeDB()
		return nil, nil, err
	}
	log.Info("schema up to date", "migrations_applied", n)
	secret, err := c.secretKey(log)
	if err != nil {
		closeDB()
		return nil, nil, err
	}
	keys, err := c.keyring(log)
	if err != nil {
		closeDB()
		return nil, nil, err
	}
	a, err := app.New(app.Config{TokenKeys: keys, PublicURL: c.PublicURL, CORSOrigins: c.CORSOrigins,
		TrustedProxies: c.TrustedProxies, MaxUploadBytes: c.MaxUploadBytes, BlobDir: filepath.Join(c.DataDir, "blobs"), BlobsInDatabase: c.BlobStore == "database", SMTPURL: c.SMTPURL, MailFrom: c.MailFrom,
		PublicPerToken: c.PublicPerToken, PublicPerIP: c.PublicPerIP, SecretKey: secret,
		Webhooks: app.WebhookConfig{AllowHTTP: c.WebhookAllowHTTP, AllowPrivate: c.WebhookAllowPrivate}, RedisURL: c.RedisURL,
		RateLimitPerMinute: c.RateLimitPerMinute}, db, log)
	if err != nil {
		closeDB()
		return nil, nil, err
	}
	return a, closeDB, nil
}

// serveGCPercent is the server's GOGC unless the environment sets one. A
// request allocates a few to a few hundred KiB that die with it, and the
// live heap is small, so Go's default of 100 collects many times a second
// under load; at 200 the 32-connection bench showed the quote list 20–27 %
// and the opportunity list 6–17 % faster, for 7–8 MB more resident memory
// (about 60 MB in all; see bench/README.md).
const serveGCPercent = 200

func serve(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	c, err := parseConfig("serve", args, getenv, stderr)
	if err != nil {
		return err
	}
	log := newLogger(stderr, c.LogLevel)
	if getenv("GOGC") == "" {
		debug.SetGCPercent(serveGCPercent)
	}
	a, closeDB, err := build(ctx, c, log)
	if err != nil {
		return err
	}
	defer closeDB()
	if c.Demo {
		if err := demo.Seed(ctx, a, log); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}
	srv := &http.Server{Addr: c.Addr, Handler: a.Handler, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 60 * time.Second, WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second,
		MaxHeaderBytes: 64 << 10}
	// Live streams never go idle: Shutdown ends them, then waits for the
	// other requests.
	srv.RegisterOnShutdown(a.CloseStreams)
	errc := make(chan error, 2)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("listening", "addr", c.Addr, "public_url", c.PublicURL, "docs", c.PublicURL+"/docs")
	stopMetrics, err := serveMetrics(c.MetricsAddr, c.Pprof, a.Metrics, errc, log)
	if err != nil {
		return err
	}
	defer stopMetrics()
	if err := a.Jobs.Start(ctx); err != nil {
		return fmt.Errorf("start job queue: %w", err)
	}
	defer func() {
		jctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := a.Jobs.Stop(jctx); err != nil {
			log.Error("stop job queue", "err", err)
		}
	}()
	go a.RunBackground(ctx, log)
	select {
	case err := <-errc:
		return fmt.Errorf("listen: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// serveMetrics serves /metrics on addr, a listener apart from the API's
// (loopback by default), until the returned stop; "off" serves nothing.
// The address is bound before serve goes on, so that a taken port fails
// the start instead of hiding the metrics.
func serveMetrics(addr string, profiler bool, h http.Handler, errc chan<- error, log *slog.Logger) (stop func(), err error) {
	if addr == "off" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("CRM_METRICS_ADDR: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	if profiler { // loopback by default, like the metrics
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("metrics %s: %w", addr, err)
		}
	}()
	log.Info("metrics listening", "addr", ln.Addr().String())
	return func() { _ = srv.Close() }, nil
}
