package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"

	"github.com/acme/crm/internal/identity"
)

// Heavy reads (board, forecast, dashboard, lists, timeline, search) go to
// streaming replicas when there are any; everything else, and every read
// inside a transaction, goes to the primary.
//
// Read-your-writes: after a request of a principal writes, the HTTP layer
// calls Wrote before the answer leaves, which records the primary's WAL
// position for that principal in write_marks (on the primary, so every
// replica of the API sees it). A heavy read of that principal only goes to
// a replica that has replayed at least that far; until then it goes to the
// primary. That costs one primary-key look-up on the primary per heavy
// read, and nothing without replicas.
//
// Fallback: each replica is polled (ReplicaCheck); one that does not answer,
// is not in recovery or lags more than ReplicaMaxLag behind is not read
// until it recovers. A heavy read that fails on a replica because of the
// connection (or a conflict with recovery) runs again on the primary at
// once, so a replica going down costs no failed request.

// replica is one streaming replica and what its poll last saw.
type replica struct {
	name  string // host:port, for logs
	pool  *pgxpool.Pool
	sql   *sql.DB
	conns *replicaConns

	up     atomic.Bool
	polled atomic.Bool  // the first poll's outcome is logged either way
	replay atomic.Int64 // replayed WAL position (bytes), when up
}

// replicaSet routes heavy reads over the replicas.
type replicaSet struct {
	list    []*replica
	next    atomic.Uint64
	primary *DB
	maxLag  time.Duration
	every   time.Duration
	log     *slog.Logger
	stop    context.CancelFunc
	wg      sync.WaitGroup
}

func openReplicas(urls []string, primary *DB, opt Options) (*replicaSet, error) {
	set := &replicaSet{primary: primary, maxLag: opt.ReplicaMaxLag, every: opt.ReplicaCheck, log: opt.Log}
	if set.maxLag <= 0 {
		set.maxLag = 30 * time.Second
	}
	if set.every <= 0 {
		set.every = time.Second
	}
	if set.log == nil {
		set.log = slog.New(slog.DiscardHandler)
	}
	for _, u := range urls {
		cfg, err := poolConfig(u, opt)
		if err != nil {
			set.close()
			return nil, fmt.Errorf("replica %s: %w", redact(u), err)
		}
		// No connection is made here: a replica that is down at start is
		// simply not read until its poll succeeds.
		pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
		if err != nil {
			set.close()
			return nil, fmt.Errorf("replica %s: %w", redact(u), err)
		}
		r := &replica{name: redact(u), pool: pool, sql: stdlib.OpenDBFromPool(pool)}
		// Idle connections stay in pgxpool, which pings one idle for over
		// a second before handing it out: after a replica restarts, no
		// dead connection kept by database/sql fails a read.
		r.sql.SetMaxIdleConns(0)
		r.conns = &replicaConns{r: r, set: set, primary: primary.sql}
		set.list = append(set.list, r)
	}
	ctx, cancel := context.WithCancel(context.Background())
	set.stop = cancel
	for _, r := range set.list {
		set.wg.Go(func() { set.watch(ctx, r) })
	}
	return set, nil
}

func (s *replicaSet) close() {
	if s.stop != nil {
		s.stop()
	}
	s.wg.Wait()
	for _, r := range s.list {
		_ = r.sql.Close()
		r.pool.Close()
	}
}

// watch polls r until ctx ends.
func (s *replicaSet) watch(ctx context.Context, r *replica) {
	t := time.NewTicker(s.every)
	defer t.Stop()
	for {
		s.poll(ctx, r)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *replicaSet) poll(ctx context.Context, r *replica) {
	// A busy replica may answer slowly; only a silent one is taken out.
	ctx, cancel := context.WithTimeout(ctx, max(s.every, 3*time.Second))
	defer cancel()
	var inRecovery bool
	var replay *int64
	var lag float64
	err := r.pool.QueryRow(ctx, `SELECT pg_is_in_recovery(),
			(pg_last_wal_replay_lsn() - '0/0')::bigint,
			CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
			     ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0) END::float8`).
		Scan(&inRecovery, &replay, &lag)
	switch {
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		return // shutting down
	case err != nil:
		s.setUp(r, false, fmt.Sprintf("unreachable: %v", err))
	case !inRecovery || replay == nil:
		s.setUp(r, false, "not a streaming replica (not in recovery)")
	case time.Duration(lag*float64(time.Second)) > s.maxLag:
		s.setUp(r, false, fmt.Sprintf("lags %.1f s behind the primary", lag))
	default:
		r.replay.Store(*replay)
		s.setUp(r, true, "")
	}
}

// setUp records r's state and logs changes.
func (s *replicaSet) setUp(r *replica, up bool, why string) {
	if r.up.Swap(up) == up && r.polled.Swap(true) {
		return
	}
	if up {
		s.log.Info("read replica in use", "replica", r.name)
	} else {
		s.log.Warn("read replica not in use, reading from the primary", "replica", r.name, "reason", why)
	}
}

// pick returns a replica for a heavy read in ctx, or nil for the primary:
// the next replica in turn that is up and has replayed the caller's last
// write.
func (s *replicaSet) pick(ctx context.Context) *replica {
	n := len(s.list)
	start := int(s.next.Add(1) % uint64(n))
	var mark int64
	marked := false
	for i := range n {
		r := s.list[(start+i)%n]
		if !r.up.Load() {
			continue
		}
		if !marked {
			var ok bool
			if mark, ok = s.primary.writeMark(ctx); !ok {
				return nil
			}
			marked = true
		}
		if r.replay.Load() >= mark {
			return r
		}
	}
	return nil
}

// writeMark returns the WAL position of the last write of ctx's principal
// (0 when it never wrote or there is no principal); ok is false when it
// could not be read.
func (db *DB) writeMark(ctx context.Context) (int64, bool) {
	p, found := identity.PrincipalFrom(ctx)
	if !found {
		return 0, true
	}
	var lsn int64
	err := db.pool.QueryRow(ctx, `SELECT (lsn - '0/0')::bigint FROM write_marks WHERE principal_id = $1`, p.ID).Scan(&lsn)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return 0, false
	}
	return lsn, true
}

// Wrote records that ctx's principal has just written, at the primary's
// current WAL position, so that its next heavy reads wait for a replica
// that has replayed it (or use the primary). The HTTP layer calls it after
// every write request, before the answer leaves. Without replicas it does
// nothing.
func (db *DB) Wrote(ctx context.Context) {
	p, found := identity.PrincipalFrom(ctx)
	if db.replicas == nil || !found {
		return
	}
	// The write happened: record it even if the client has gone.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	// The insert position, not pg_current_wal_lsn (the write position):
	// with synchronous_commit = off a commit returns before its record
	// is written, and only the insert position is sure to be past it.
	_, err := db.pool.Exec(ctx, `INSERT INTO write_marks (principal_id, lsn) VALUES ($1, pg_current_wal_insert_lsn())
		ON CONFLICT (principal_id) DO UPDATE SET lsn = EXCLUDED.lsn, at = now()`, p.ID)
	if err != nil {
		db.replicas.log.Warn("record write position for read-your-writes", "err", err)
	}
}

// reader returns the connection for a heavy read: the transaction in ctx
// if any, else a replica (see pick) or the primary.
func (db *DB) reader(ctx context.Context) *gorm.DB {
	if tx, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return tx.WithContext(ctx)
	}
	g := db.gorm.WithContext(ctx)
	if db.replicas == nil {
		return g
	}
	if r := db.replicas.pick(ctx); r != nil {
		g.Statement.ConnPool = r.conns
	}
	return g
}

// readQuery runs a heavy read with $n placeholders natively on pgx, as
// query does for the primary: on the transaction in ctx if any, else on a
// replica (see pick) or the primary's pool. A replica that fails for
// reasons of its own (replicaFault) is taken out until its next good poll
// and the read runs on the primary, as reader's replicaConns do. Raw SQL is
// not tenant-scoped: the query must name the workspace itself.
func (db *DB) readQuery(ctx context.Context, query string, args ...any) (rowScanner, error) {
	if tx, ok := db.SQLTx(ctx); ok {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, err
		}
		return sqlRows{rows}, nil
	}
	if db.replicas != nil {
		if r := db.replicas.pick(ctx); r != nil && r.up.Load() {
			rows, err := r.pool.Query(ctx, query, nativeArgs(args)...)
			if err == nil {
				// pgx reports a failed statement (a connection the replica
				// closed when it stopped, a conflict with recovery) only with
				// the rows: read the first one here, as database/sql does.
				more := rows.Next()
				if err = rows.Err(); err == nil {
					return &peekedRows{pgxRows: pgxRows{rows}, pending: true, more: more}, nil
				}
				rows.Close()
			}
			if !replicaFault(ctx, err) {
				return nil, err
			}
			db.replicas.setUp(r, false, err.Error()) // the next successful poll brings it back
		}
	}
	rows, err := db.pool.Query(ctx, query, nativeArgs(args)...)
	if err != nil {
		return nil, err
	}
	return pgxRows{rows}, nil
}

// replicaConns is what GORM reads a replica through: queries go to the
// replica and, when it fails for reasons of its own, to the primary;
// anything else goes to the primary.
type replicaConns struct {
	r       *replica
	set     *replicaSet
	primary *sql.DB
}

func (c *replicaConns) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if c.r.up.Load() {
		rows, err := c.r.sql.QueryContext(ctx, query, args...)
		if err == nil || !replicaFault(ctx, err) {
			return rows, err
		}
		c.set.setUp(c.r, false, err.Error()) // the next successful poll brings it back
	}
	return c.primary.QueryContext(ctx, query, args...)
}

func (c *replicaConns) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return c.primary.ExecContext(ctx, query, args...)
}

func (c *replicaConns) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return c.primary.PrepareContext(ctx, query)
}

func (c *replicaConns) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return c.primary.QueryRowContext(ctx, query, args...)
}

// replicaFault reports whether err is the replica's rather than the
// query's: lost or refused connections, a server shutting down or out of
// resources, and queries cancelled by a conflict with recovery.
func replicaFault(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return true // no answer from the server at all
	}
	switch pgErr.Code[:2] {
	case "08", "53", "57", "58":
		return true
	}
	return pgErr.Code == "40001"
}

// redact returns the host and port of a database URL, for logs.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(unparsable URL)"
	}
	return u.Host
}
