// Package jobs is the product's background work on a PostgreSQL-backed
// queue (github.com/riverqueue/river). Job kinds are registered by the
// wiring (Register, Every); jobs are inserted in the caller's database/sql
// transaction (GORM's), so a job exists exactly when the rows it refers to
// were committed, and are worked by a River client on the pgx pool. Periodic
// jobs run on River's elected leader only, so several replicas share them.
package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
)

// Config wires the queue.
type Config struct {
	Pool *pgxpool.Pool // works jobs
	DB   *sql.DB       // the database/sql handle whose transactions insert them
	Log  *slog.Logger
	// RetryDelay is the wait before retry n (n ≥ 1); nil is River's
	// default backoff. Tests make it short.
	RetryDelay func(attempt int) time.Duration
	// PollInterval is how often idle workers look for due jobs (retries);
	// zero is River's default (1s).
	PollInterval time.Duration
	// Workers is how many jobs run at once (default 5).
	Workers int
	// PollOnly finds new jobs by polling instead of LISTEN/NOTIFY, which
	// a pooler in transaction mode (PgBouncer) cannot carry.
	PollOnly bool
}

// Attempt says which try of a job is running.
type Attempt struct {
	N, Max int
}

// Last reports whether no retry follows a failure of this attempt.
func (a Attempt) Last() bool { return a.N >= a.Max }

// Queue inserts and works jobs.
type Queue struct {
	insert  *river.Client[*sql.Tx]
	work    *river.Client[pgx.Tx]
	workers *river.Workers
	db      *sql.DB
	retry   func(attempt int) time.Duration
	// kinds runs a job row of each registered kind, for Drain.
	kinds map[string]func(ctx context.Context, args []byte, a Attempt) error
}

// New builds the queue; register kinds, then Start.
func New(cfg Config) (*Queue, error) {
	workers := river.NewWorkers()
	if cfg.Workers == 0 {
		cfg.Workers = 5
	}
	var retry river.ClientRetryPolicy
	if cfg.RetryDelay != nil {
		retry = retryPolicy(cfg.RetryDelay)
	}
	work, err := river.NewClient(riverpgxv5.New(cfg.Pool), &river.Config{
		Logger: cfg.Log, Workers: workers, RetryPolicy: retry, FetchPollInterval: cfg.PollInterval, PollOnly: cfg.PollOnly,
		Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}},
	})
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	insert, err := river.NewClient(riverdatabasesql.New(cfg.DB), &river.Config{Logger: cfg.Log, Workers: workers})
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	return &Queue{insert: insert, work: work, workers: workers, db: cfg.DB, retry: cfg.RetryDelay,
		kinds: map[string]func(context.Context, []byte, Attempt) error{}}, nil
}

// Register makes the queue work jobs of T's kind with fn; call it before
// Start. fn returning an error retries the job later, up to its attempts.
func Register[T river.JobArgs](q *Queue, fn func(ctx context.Context, args T, a Attempt) error) {
	river.AddWorker(q.workers, &worker[T]{fn: fn})
	var zero T
	q.kinds[zero.Kind()] = func(ctx context.Context, raw []byte, a Attempt) error {
		var args T
		if err := json.Unmarshal(raw, &args); err != nil {
			return fmt.Errorf("decode %s job: %w", zero.Kind(), err)
		}
		return fn(ctx, args, a)
	}
}

// Every runs a job with args every interval, on one replica at a time (the
// leader), and once right after start.
func (q *Queue) Every(interval time.Duration, args river.JobArgs) {
	q.work.PeriodicJobs().Add(river.NewPeriodicJob(river.PeriodicInterval(interval),
		func() (river.JobArgs, *river.InsertOpts) { return args, nil },
		&river.PeriodicJobOpts{ID: args.Kind(), RunOnStart: true}))
}

// Start works jobs until Stop or until ctx ends.
func (q *Queue) Start(ctx context.Context) error { return q.work.Start(ctx) }

// Stop waits for running jobs to finish (or ctx to end) and stops working.
func (q *Queue) Stop(ctx context.Context) error { return q.work.Stop(ctx) }

// Enqueue inserts a job in tx; opts may be nil.
func (q *Queue) Enqueue(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error {
	if _, err := q.insert.InsertTx(ctx, tx, args, opts); err != nil {
		return fmt.Errorf("enqueue %s: %w", args.Kind(), err)
	}
	return nil
}

// migrateLock is the advisory lock key held while River's migrations run.
const migrateLock = 0x7269766572 // "river"

// Migrate creates or updates River's tables on db; run it after the
// product's own migrations. rivermigrate takes no lock of its own, so
// replicas starting together serialise on an advisory lock, held by a
// transaction left open beside the migrations: unlike a session lock, that
// also holds through PgBouncer in transaction mode.
func Migrate(ctx context.Context, db *sql.DB) error {
	lock, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	defer func() { _ = lock.Rollback() }()
	if _, err := lock.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", migrateLock); err != nil {
		return fmt.Errorf("river migrations: lock: %w", err)
	}
	m, err := rivermigrate.New(riverdatabasesql.New(db), nil)
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river migrate up: %w", err)
	}
	return nil
}

type worker[T river.JobArgs] struct {
	river.WorkerDefaults[T]
	fn func(ctx context.Context, args T, a Attempt) error
}

func (w *worker[T]) Work(ctx context.Context, job *river.Job[T]) error {
	return w.fn(ctx, job.Args, Attempt{N: job.Attempt, Max: job.MaxAttempts})
}

type retryPolicy func(attempt int) time.Duration

func (p retryPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	return time.Now().UTC().Add(p(job.Attempt))
}
