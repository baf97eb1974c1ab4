package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/acme/crm/internal/auth"
)

// config is the whole configuration, from flags and environment.
type config struct {
	DatabaseURL    string
	ReplicaURLs    []string
	ReplicaMaxLag  time.Duration
	PoolMode       string // session or transaction
	BlobStore      string // disk or database
	Addr           string
	MetricsAddr    string // the Prometheus listener; "off" serves none
	Pprof          bool   // also serve /debug/pprof/ on the metrics listener
	DataDir        string
	PublicURL      string
	CORSOrigins    []string
	TrustedProxies []*net.IPNet
	SMTPURL        string
	MailFrom       string
	MaxUploadBytes int64
	// PublicPerToken and PublicPerIP cap requests to customer links per
	// minute.
	PublicPerToken int
	PublicPerIP    int
	// RateLimitPerMinute caps each user's and API key's requests a minute
	// (an API key may have its own).
	RateLimitPerMinute int
	TokenKeys          string
	// SecretKey encrypts secrets at rest (CRM_SECRET_KEY, base64 of 32
	// bytes); required with DATABASE_URL, else kept in the data folder.
	SecretKey []byte
	// WebhookAllowHTTP and WebhookAllowPrivate loosen the webhook URL
	// rules for local testing and on-premise receivers.
	WebhookAllowHTTP    []string
	WebhookAllowPrivate []netip.Prefix
	// RedisURL moves the rate-limit counts to Redis.
	RedisURL string
	LogLevel slog.Level
	Demo     bool
}

// parseConfig reads flags (which win) and environment variables; every
// problem is one clear error line.
func parseConfig(name string, args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var c config
	var cors, proxies, level string
	var maxUpload, perToken, perIP, perMinute, replicas, maxLag string
	var secretKey, allowHTTP, allowPrivate string
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	env := func(k, def string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&c.DatabaseURL, "database-url", env("DATABASE_URL", ""), "PostgreSQL URL (DATABASE_URL); empty runs an embedded PostgreSQL")
	fs.StringVar(&replicas, "database-replica-urls", env("DATABASE_REPLICA_URLS", ""), "comma-separated URLs of streaming replicas for heavy reads (DATABASE_REPLICA_URLS)")
	fs.StringVar(&maxLag, "replica-max-lag", env("CRM_REPLICA_MAX_LAG", "30s"), "a replica further behind the primary is not read (CRM_REPLICA_MAX_LAG)")
	fs.StringVar(&c.PoolMode, "database-pool-mode", env("DATABASE_POOL_MODE", "session"), "session, or transaction behind PgBouncer in transaction mode (DATABASE_POOL_MODE)")
	fs.StringVar(&c.BlobStore, "blob-store", env("CRM_BLOB_STORE", "disk"), "where uploaded files are kept: disk (under the data folder) or database (CRM_BLOB_STORE)")
	fs.StringVar(&c.Addr, "addr", env("CRM_ADDR", ":8080"), "listen address (CRM_ADDR)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", env("CRM_METRICS_ADDR", "127.0.0.1:9090"), "listen address of /metrics, loopback by default; off for none (CRM_METRICS_ADDR)")
	fs.BoolVar(&c.Pprof, "pprof", env("CRM_PPROF", "") == "true", "also serve Go's profiler, /debug/pprof/, on the metrics listener (CRM_PPROF=true)")
	fs.StringVar(&c.DataDir, "data-dir", env("CRM_DATA_DIR", "./data"), "data folder (CRM_DATA_DIR)")
	fs.StringVar(&c.PublicURL, "public-url", env("CRM_PUBLIC_URL", ""), "base of links sent to customers (CRM_PUBLIC_URL); default http://localhost<addr>")
	fs.StringVar(&cors, "cors-origins", env("CRM_CORS_ORIGINS", ""), "comma-separated origins allowed by CORS (CRM_CORS_ORIGINS)")
	fs.StringVar(&proxies, "trusted-proxies", env("CRM_TRUSTED_PROXIES", ""), "comma-separated CIDRs of proxies whose X-Forwarded-For is trusted (CRM_TRUSTED_PROXIES)")
	fs.StringVar(&c.SMTPURL, "smtp-url", env("SMTP_URL", ""), "SMTP server, smtp[s]://user:pass@host:port (SMTP_URL)")
	fs.StringVar(&c.MailFrom, "mail-from", env("CRM_MAIL_FROM", ""), "From address of e-mails (CRM_MAIL_FROM); default crm@<public URL host>")
	fs.StringVar(&c.TokenKeys, "token-keys", env("CRM_TOKEN_KEYS", ""), "access-token keys kid:base64[,kid:base64], first signs (CRM_TOKEN_KEYS)")
	fs.StringVar(&level, "log-level", env("CRM_LOG_LEVEL", "info"), "debug, info, warn or error (CRM_LOG_LEVEL)")
	fs.StringVar(&maxUpload, "max-upload-bytes", env("CRM_MAX_UPLOAD_BYTES", "26214400"), "largest attachment in bytes (CRM_MAX_UPLOAD_BYTES)")
	fs.StringVar(&perToken, "public-per-token", env("CRM_PUBLIC_PER_TOKEN", "120"), "requests a minute to one customer quote link (CRM_PUBLIC_PER_TOKEN)")
	fs.StringVar(&perIP, "public-per-ip", env("CRM_PUBLIC_PER_IP", "300"), "requests a minute from one address to customer quote links (CRM_PUBLIC_PER_IP)")
	fs.StringVar(&perMinute, "rate-limit-per-minute", env("CRM_RATE_LIMIT_PER_MINUTE", "600"), "requests a minute per user or API key without its own limit (CRM_RATE_LIMIT_PER_MINUTE)")
	fs.StringVar(&secretKey, "secret-key", env("CRM_SECRET_KEY", ""), "base64 of 32 random bytes that encrypt secrets at rest, e.g. webhook signing secrets (CRM_SECRET_KEY); required with DATABASE_URL, else generated into the data folder")
	fs.StringVar(&allowHTTP, "webhook-allow-http", env("CRM_WEBHOOK_ALLOW_HTTP", ""), "comma-separated hosts webhooks may reach over plain http, for local testing (CRM_WEBHOOK_ALLOW_HTTP)")
	fs.StringVar(&allowPrivate, "webhook-allow-private", env("CRM_WEBHOOK_ALLOW_PRIVATE", ""), "comma-separated CIDRs of internal addresses webhooks may reach (CRM_WEBHOOK_ALLOW_PRIVATE)")
	fs.StringVar(&c.RedisURL, "redis-url", env("REDIS_URL", ""), "Redis that counts rate limits for all replicas, redis://host:6379/0 (REDIS_URL); default PostgreSQL")
	fs.BoolVar(&c.Demo, "demo", false, "load the demo workspace at start")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	upload, perr := strconv.ParseInt(maxUpload, 10, 64)
	if perr != nil || upload < 1 {
		return c, fmt.Errorf("CRM_MAX_UPLOAD_BYTES: %q is not a positive number of bytes", maxUpload)
	}
	c.MaxUploadBytes = upload
	for _, l := range []struct {
		name, raw string
		dst       *int
	}{{"CRM_PUBLIC_PER_TOKEN", perToken, &c.PublicPerToken}, {"CRM_PUBLIC_PER_IP", perIP, &c.PublicPerIP},
		{"CRM_RATE_LIMIT_PER_MINUTE", perMinute, &c.RateLimitPerMinute}} {
		n, err := strconv.Atoi(l.raw)
		if err != nil || n < 1 {
			return c, fmt.Errorf("%s: %q is not a positive number of requests a minute", l.name, l.raw)
		}
		*l.dst = n
	}
	lag, perr := time.ParseDuration(maxLag)
	if perr != nil || lag <= 0 {
		return c, fmt.Errorf("CRM_REPLICA_MAX_LAG: %q is not a positive duration such as 30s", maxLag)
	}
	c.ReplicaMaxLag = lag
	c.ReplicaURLs = splitList(replicas)
	if err := c.LogLevel.UnmarshalText([]byte(level)); err != nil {
		return c, fmt.Errorf("CRM_LOG_LEVEL: %q is not debug, info, warn or error", level)
	}
	if err := c.webhookSettings(secretKey, allowHTTP, allowPrivate); err != nil {
		return c, err
	}
	return c, c.finish(cors, proxies)
}

// webhookSettings reads the secret key and the webhook URL exceptions.
func (c *config) webhookSettings(secretKey, allowHTTP, allowPrivate string) error {
	if secretKey != "" {
		key, err := base64.StdEncoding.DecodeString(secretKey)
		if err != nil || len(key) != 32 {
			return errors.New("CRM_SECRET_KEY: want base64 of 32 bytes; generate one with: head -c32 /dev/urandom | base64")
		}
		c.SecretKey = key
	}
	for _, h := range splitList(allowHTTP) {
		c.WebhookAllowHTTP = append(c.WebhookAllowHTTP, strings.ToLower(h))
	}
	for _, p := range splitList(allowPrivate) {
		prefix, err := netip.ParsePrefix(p)
		if err != nil {
			addr, aerr := netip.ParseAddr(p)
			if aerr != nil {
				return fmt.Errorf("CRM_WEBHOOK_ALLOW_PRIVATE: %q is not an IP or CIDR", p)
			}
			prefix = netip.PrefixFrom(addr, addr.BitLen())
		}
		c.WebhookAllowPrivate = append(c.WebhookAllowPrivate, prefix)
	}
	return nil
}

func (c *config) finish(cors, proxies string) error {
	if c.DatabaseURL != "" {
		if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return errors.New("DATABASE_URL: want postgres://user:pass@host:port/db")
		}
	}
	for _, r := range c.ReplicaURLs {
		if u, err := url.Parse(r); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return errors.New("DATABASE_REPLICA_URLS: want comma-separated postgres://user:pass@host:port/db")
		}
	}
	if len(c.ReplicaURLs) > 0 && c.DatabaseURL == "" {
		return errors.New("DATABASE_REPLICA_URLS needs DATABASE_URL (the primary)")
	}
	if c.BlobStore != "disk" && c.BlobStore != "database" {
		return fmt.Errorf("CRM_BLOB_STORE: %q is not disk or database", c.BlobStore)
	}
	if c.PoolMode != "session" && c.PoolMode != "transaction" {
		return fmt.Errorf("DATABASE_POOL_MODE: %q is not session or transaction", c.PoolMode)
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("CRM_ADDR: %q is not host:port", c.Addr)
	}
	if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil && c.MetricsAddr != "off" {
		return fmt.Errorf("CRM_METRICS_ADDR: %q is not host:port or off", c.MetricsAddr)
	}
	if c.PublicURL == "" {
		_, port, _ := net.SplitHostPort(c.Addr)
		c.PublicURL = "http://localhost:" + port
	}
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("CRM_PUBLIC_URL: %q is not an http(s) URL", c.PublicURL)
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	for _, o := range splitList(cors) {
		if u, err := url.Parse(o); err != nil || u.Scheme == "" || u.Host == "" {
			return fmt.Errorf("CRM_CORS_ORIGINS: %q is not an origin like https://app.example.com", o)
		}
		c.CORSOrigins = append(c.CORSOrigins, o)
	}
	for _, p := range splitList(proxies) {
		if !strings.Contains(p, "/") {
			if strings.Contains(p, ":") {
				p += "/128"
			} else {
				p += "/32"
			}
		}
		_, n, err := net.ParseCIDR(p)
		if err != nil {
			return fmt.Errorf("CRM_TRUSTED_PROXIES: %q is not an IP or CIDR", p)
		}
		c.TrustedProxies = append(c.TrustedProxies, n)
	}
	if c.SMTPURL != "" {
		if u, err := url.Parse(c.SMTPURL); err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Host == "" {
			return errors.New("SMTP_URL: want smtp://user:pass@host:587 or smtps://…")
		}
	}
	if c.MailFrom != "" {
		if a, err := mail.ParseAddress(c.MailFrom); err != nil || a.Name != "" {
			return fmt.Errorf("CRM_MAIL_FROM: %q is not a bare e-mail address", c.MailFrom)
		}
	}
	if c.TokenKeys != "" {
		if _, err := auth.ParseKeyring(c.TokenKeys); err != nil {
			return fmt.Errorf("CRM_TOKEN_KEYS: %w", err)
		}
	} else if c.DatabaseURL != "" {
		return errors.New("CRM_TOKEN_KEYS is required with DATABASE_URL (all replicas must share it); generate one with: echo k1:$(head -c32 /dev/urandom | base64)")
	}
	if c.SecretKey == nil && c.DatabaseURL != "" {
		return errors.New("CRM_SECRET_KEY is required with DATABASE_URL (all replicas must share it); generate one with: head -c32 /dev/urandom | base64")
	}
	return nil
}

// keyring returns the configured keys, or (embedded mode only) keys kept in
// the data folder, generated on first start.
func (c *config) keyring(log *slog.Logger) (*auth.Keyring, error) {
	if c.TokenKeys != "" {
		return auth.ParseKeyring(c.TokenKeys)
	}
	path := filepath.Join(c.DataDir, "token-keys")
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		spec := auth.GenerateKeyring()
		if err := os.MkdirAll(c.DataDir, 0o755); err != nil {
			return nil, fmt.Errorf("create data folder: %w", err)
		}
		if err := os.WriteFile(path, []byte(spec+"\n"), 0o600); err != nil {
			return nil, fmt.Errorf("write token keys: %w", err)
		}
		log.Warn("generated token signing keys; set CRM_TOKEN_KEYS to manage them yourself", "file", path)
		return auth.ParseKeyring(spec)
	}
	if err != nil {
		return nil, fmt.Errorf("read token keys: %w", err)
	}
	kr, err := auth.ParseKeyring(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("token keys in %s: %w", path, err)
	}
	return kr, nil
}

// secretKey returns the configured secret key, or (embedded mode only) one
// kept in the data folder, generated on first start.
func (c *config) secretKey(log *slog.Logger) ([]byte, error) {
	if c.SecretKey != nil {
		return c.SecretKey, nil
	}
	path := filepath.Join(c.DataDir, "secret-key")
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("generate secret key: %w", err)
		}
		if err := os.MkdirAll(c.DataDir, 0o755); err != nil {
			return nil, fmt.Errorf("create data folder: %w", err)
		}
		if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(key)+"\n"), 0o600); err != nil {
			return nil, fmt.Errorf("write secret key: %w", err)
		}
		log.Warn("generated the secret key for secrets at rest; set CRM_SECRET_KEY to manage it yourself", "file", path)
		return key, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read secret key: %w", err)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("secret key in %s: want base64 of 32 bytes", path)
	}
	return key, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}
