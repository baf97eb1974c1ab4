// Package pgembed runs a private PostgreSQL server for the CRM when no
// DATABASE_URL is configured.
//
// It uses the PostgreSQL binaries installed on the machine and downloads them
// with embedded-postgres only when none are found. The cluster lives under
// Config.DataDir and is kept across restarts:
//
//	DataDir/data          the cluster (initdb'ed on first start)
//	DataDir/password      the generated password of the superuser "crm" (0600)
//	DataDir/postgres.log  the server log of the current run (postgres.prev.log: the one before)
//	DataDir/crm.lock      flock held while an Instance runs, so two servers never share a cluster
//	DataDir/binaries      only when the binaries had to be downloaded
//
// The server listens on 127.0.0.1 only, without a Unix socket, and requires
// the password (scram-sha-256): trust would let any local user of the machine
// read the CRM's data. PostgreSQL refuses to run as root, so a root process
// runs it as the "postgres" user (or "nobody") and hands DataDir to that user.
package pgembed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
)

// Config says where and how to run the server.
type Config struct {
	// DataDir holds the cluster and everything else pgembed writes. It is
	// created when missing and reused on later starts.
	DataDir string
	// Port is the TCP port on 127.0.0.1; 0 picks a free one at every start.
	Port uint32
	// Logger receives start and stop events; nil discards them.
	Logger *slog.Logger
}

const (
	superuser = "crm"
	database  = "crm"
)

// Instance is a running server started by Start. Its methods are safe for
// concurrent use.
type Instance struct {
	dir     string // DataDir, absolute and with symlinks resolved
	cluster string // DataDir/data
	bin     string // folder holding pg_ctl, initdb and postgres
	acct    account
	log     *slog.Logger
	lock    *os.File

	port     uint32
	password string

	mu      sync.Mutex
	stopped bool
}

// Start starts the server, initialising the cluster and creating the
// database "crm" on first use, and returns once it accepts connections.
// A postmaster left running by a process that died without Stop is stopped
// first, and a stale postmaster.pid is removed. Start fails when another
// Instance (in any process) is running on the same DataDir.
func Start(ctx context.Context, cfg Config) (*Instance, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("pgembed: Config.DataDir is empty")
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	dir, err := makeDataDir(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	lock, err := lockDataDir(dir)
	if err != nil {
		return nil, err
	}
	i := &Instance{dir: dir, cluster: filepath.Join(dir, "data"), log: log, lock: lock}
	if err := i.start(ctx, cfg.Port); err != nil {
		_ = lock.Close()
		return nil, fmt.Errorf("pgembed: start postgresql in %s: %w", dir, err)
	}
	return i, nil
}

// start does the work of Start once the data folder is locked.
func (i *Instance) start(ctx context.Context, port uint32) error {
	var err error
	if i.acct, err = runAccount(); err != nil {
		return err
	}
	if i.bin, err = i.binaries(ctx); err != nil {
		return err
	}
	if i.acct.drop {
		if err := handOver(i.dir, i.acct, i.log); err != nil {
			return err
		}
	}
	if err := i.initCluster(ctx); err != nil {
		return err
	}
	if err := i.clearStalePID(ctx); err != nil {
		return err
	}
	if err := i.startServer(ctx, port); err != nil {
		// A cancelled ctx kills pg_ctl, not the server it may have launched.
		_ = i.pgCtlStop(context.WithoutCancel(ctx))
		return err
	}
	if err := i.createDatabase(ctx); err != nil {
		_ = i.pgCtlStop(context.WithoutCancel(ctx))
		return err
	}
	i.log.Info("embedded postgresql started", "data", i.cluster, "binaries", i.bin,
		"port", i.port, "user", i.acct.name, "dsn", i.url().Redacted())
	return nil
}

// DSN returns the connection URL of the database "crm", password included:
// postgres://crm:PASSWORD@127.0.0.1:PORT/crm?sslmode=disable.
func (i *Instance) DSN() string { return i.url().String() }

func (i *Instance) url() *url.URL {
	return &url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(superuser, i.password),
		Host:     "127.0.0.1:" + strconv.FormatUint(uint64(i.port), 10),
		Path:     "/" + database,
		RawQuery: "sslmode=disable",
	}
}

// Stop shuts the server down with pg_ctl's fast mode (open sessions are
// rolled back) and waits until it is gone. Calling it again after a
// successful Stop returns nil; after a failed one it tries again.
func (i *Instance) Stop(ctx context.Context) error {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.stopped {
		return nil
	}
	if err := i.pgCtlStop(ctx); err != nil {
		return fmt.Errorf("pgembed: stop postgresql in %s: %w", i.dir, err)
	}
	i.stopped = true
	_ = i.lock.Close()
	i.log.Info("embedded postgresql stopped", "data", i.cluster)
	return nil
}

// makeDataDir creates dir when missing and returns its absolute path with
// symlinks resolved, which is the path whose parents must be traversable.
func makeDataDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("pgembed: data folder %s: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return "", fmt.Errorf("pgembed: create data folder: %w", err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", fmt.Errorf("pgembed: data folder %s: %w", abs, err)
	}
	return real, nil
}

// lockDataDir takes an exclusive flock on DataDir/crm.lock. The kernel drops
// it when the process dies, so a held lock means a live owner, and a
// postmaster found running without one is an orphan that Start may stop.
func lockDataDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, "crm.lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("pgembed: open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("pgembed: %s is in use by another running server", dir)
		}
		return nil, fmt.Errorf("pgembed: lock %s: %w", dir, err)
	}
	return f, nil
}
