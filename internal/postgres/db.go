// Package postgres is the storage layer: GORM rows, repositories for every
// domain, transactions carried in the context, tenant scoping and the
// translation of driver errors into the errs vocabulary.
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// DB is the connection to PostgreSQL shared by all repositories.
type DB struct {
	gorm     *gorm.DB
	sql      *sql.DB
	pool     *pgxpool.Pool
	replicas *replicaSet // nil without read replicas
	pooled   bool
}

// Options tunes the connection pool.
type Options struct {
	MaxConns int32
	// Pooled says that dsn (and the replicas) lead to a pooler in
	// transaction mode (PgBouncer's pool_mode = transaction): queries then
	// use no named prepared statements, which such a pooler cannot keep
	// (pgx's default_query_exec_mode=cache_describe, unless the URL names
	// a mode: the unnamed statement of each query is parsed, bound and
	// executed in one round trip, with parameter types described once
	// per connection, so a []byte still reaches a jsonb column as JSON).
	Pooled bool
	// ReplicaURLs are streaming replicas that serve the heavy reads.
	ReplicaURLs []string
	// ReplicaMaxLag: a replica further behind is not read (default 30 s).
	ReplicaMaxLag time.Duration
	// ReplicaCheck is how often each replica is polled (default 1 s).
	ReplicaCheck time.Duration
	// Log receives the replicas' state changes.
	Log *slog.Logger
}

// poolConfig parses a database URL with the options applied.
func poolConfig(dsn string, opt Options) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	if opt.MaxConns > 0 {
		cfg.MaxConns = opt.MaxConns
	} else if cfg.MaxConns < 20 {
		cfg.MaxConns = 20
	}
	if opt.Pooled && !strings.Contains(dsn, "default_query_exec_mode") {
		cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeCacheDescribe
	}
	cfg.ConnConfig.Tracer = queryCounter{}
	return cfg, nil
}

// Open connects to the database at dsn and checks that it answers; the
// replicas are connected to lazily and may be down.
func Open(ctx context.Context, dsn string, opt Options) (*DB, error) {
	cfg, err := poolConfig(dsn, opt)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect database: %w", err)
	}
	sqlDB := stdlib.OpenDBFromPool(pool)
	g, err := gorm.Open(postgres.New(postgres.Config{Conn: sqlDB}), &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
		TranslateError:         false,
	})
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("open gorm: %w", err)
	}
	if err := registerTenantScope(g); err != nil {
		pool.Close()
		return nil, err
	}
	db := &DB{gorm: g, sql: sqlDB, pool: pool, pooled: opt.Pooled}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.Ping(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("ping database: %w", err)
	}
	if len(opt.ReplicaURLs) > 0 {
		if db.replicas, err = openReplicas(opt.ReplicaURLs, db, opt); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.pool.Ping(ctx) }

// Pooled reports whether the connections lead to a pooler in transaction
// mode (Options.Pooled), where sessions are not kept: no LISTEN, no
// session-level locks or settings.
func (db *DB) Pooled() bool { return db.pooled }

// SQL returns the database/sql handle (for migrations and pool metrics).
func (db *DB) SQL() *sql.DB { return db.sql }

// Pool returns the pgx pool (for the job queue).
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Close releases all connections.
func (db *DB) Close() {
	if db.replicas != nil {
		db.replicas.close()
	}
	_ = db.sql.Close()
	db.pool.Close()
}

type txKey struct{}

// WithTx runs fn in a transaction carried by the context given to fn. Nested
// calls join the outer transaction. A serialization failure or deadlock is
// retried a few times before it is returned as a conflict.
func (db *DB) WithTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return fn(ctx)
	}
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		err = db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			return fn(context.WithValue(ctx, txKey{}, tx))
		})
		if !retryable(err) {
			break
		}
	}
	return translate(err)
}

// Savepoint runs fn in a savepoint of the transaction in ctx (in a new
// transaction when there is none) and rolls back to the savepoint when fn
// fails, so that the transaction stays usable after, say, a unique
// violation (upsert.Tx).
func (db *DB) Savepoint(ctx context.Context, fn func(ctx context.Context) error) error {
	tx, ok := ctx.Value(txKey{}).(*gorm.DB)
	if !ok {
		return db.WithTx(ctx, func(ctx context.Context) error { return db.Savepoint(ctx, fn) })
	}
	name := fmt.Sprintf("sp_%d", savepoints.Add(1))
	if err := tx.WithContext(ctx).Exec("SAVEPOINT " + name).Error; err != nil {
		return translate(err)
	}
	if err := fn(ctx); err != nil {
		if rerr := tx.WithContext(ctx).Exec("ROLLBACK TO SAVEPOINT " + name).Error; rerr != nil {
			return translate(rerr)
		}
		return translate(err)
	}
	return translate(tx.WithContext(ctx).Exec("RELEASE SAVEPOINT " + name).Error)
}

// savepoints numbers savepoints, so that nested ones never share a name.
var savepoints atomic.Uint64

// conn returns the transaction in ctx or the pool, bound to ctx.
func (db *DB) conn(ctx context.Context) *gorm.DB {
	if tx, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return tx.WithContext(ctx)
	}
	return db.gorm.WithContext(ctx)
}

// SQLTx returns the *sql.Tx behind the transaction in ctx, if any (the job
// queue enqueues in the same transaction as the rows it refers to).
func (db *DB) SQLTx(ctx context.Context) (*sql.Tx, bool) {
	tx, ok := ctx.Value(txKey{}).(*gorm.DB)
	if !ok {
		return nil, false
	}
	sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
	return sqlTx, ok
}

var errNoRows = errors.New("no rows")
