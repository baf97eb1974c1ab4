package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/acme/crm/internal/jobs"
	"github.com/acme/crm/migrations"
)

// Migrator applies the embedded migrations under a PostgreSQL advisory lock,
// so replicas starting together apply each version once.
type Migrator struct {
	p *goose.Provider
}

// NewMigrator prepares goose over db with the embedded migration files.
func NewMigrator(db *sql.DB) (*Migrator, error) {
	sub, err := fs.Sub(migrations.FS, ".")
	if err != nil {
		return nil, err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithLocker(&xactLock{id: lock.DefaultLockID}))
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return &Migrator{p: p}, nil
}

// Up applies every pending migration and returns how many ran.
func (m *Migrator) Up(ctx context.Context) (int, error) {
	res, err := m.p.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("migrate up: %w", err)
	}
	return len(res), nil
}

// Down rolls back the newest migration.
func (m *Migrator) Down(ctx context.Context) error {
	if _, err := m.p.Down(ctx); err != nil {
		return fmt.Errorf("migrate down: %w", err)
	}
	return nil
}

// MigrationStatus is one migration's state.
type MigrationStatus struct {
	Version int64
	Name    string
	Applied bool
}

// Status lists every migration and whether it is applied.
func (m *Migrator) Status(ctx context.Context) ([]MigrationStatus, error) {
	st, err := m.p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate status: %w", err)
	}
	out := make([]MigrationStatus, 0, len(st))
	for _, s := range st {
		out = append(out, MigrationStatus{Version: s.Source.Version, Name: s.Source.Path, Applied: s.State == goose.StateApplied})
	}
	return out, nil
}

// Migrate applies all pending migrations on db, then River's (the job
// queue's tables, at the version of the River module built in), and
// returns how many of the product's migrations it applied: of replicas
// starting together on a new database, one applies them all and the
// others none.
func Migrate(ctx context.Context, db *sql.DB) (int, error) {
	m, err := NewMigrator(db)
	if err != nil {
		return 0, err
	}
	n, err := m.Up(ctx)
	if err != nil {
		return n, err
	}
	return n, jobs.Migrate(ctx, db)
}

// xactLock is goose's migration lock as a transaction-level advisory lock
// held by a transaction left open on a connection of its own while the
// migrations run on others. Unlike a session-level advisory lock (goose's
// own SessionLocker), it works the same through PgBouncer in transaction
// mode, which pins a server connection to a client for exactly the length
// of a transaction; and it is released when its holder dies, since the
// connection (and so the transaction) ends.
type xactLock struct {
	id int64
	tx *sql.Tx
}

// Lock implements goose's lock.Locker: it waits until no other process
// holds the lock.
func (l *xactLock) Lock(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", l.id); err != nil {
		_ = tx.Rollback()
		return fmt.Errorf("migration lock: %w", err)
	}
	l.tx = tx
	return nil
}

// Unlock implements goose's lock.Locker.
func (l *xactLock) Unlock(context.Context, *sql.DB) error {
	if l.tx == nil {
		return nil
	}
	err := l.tx.Rollback()
	l.tx = nil
	if err != nil && !errors.Is(err, sql.ErrTxDone) {
		return fmt.Errorf("migration unlock: %w", err)
	}
	return nil
}
