// Package jobs is the product's background work on a PostgreSQL-backed
// queue (github.com/riverqueue/river). Jobs are inserted in the caller's
// database/sql transaction (GORM's), so a job exists exactly when the rows
// it refers to were committed, and are worked by a River client on the pgx
// pool. Today there is one kind: send_email.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
)

// MaxAttempts is how often an e-mail is tried before it is failed: with
// River's default backoff (attempt⁴ seconds) the last try is about a day
// after the first.
const MaxAttempts = 12

// SendEmailArgs is the send_email job: deliver one stored e-mail.
type SendEmailArgs struct {
	WorkspaceID uuid.UUID `json:"workspace_id"`
	EmailID     uuid.UUID `json:"email_id"`
}

// Kind implements river.JobArgs.
func (SendEmailArgs) Kind() string { return "send_email" }

// EmailDeliverer delivers a stored e-mail (activity.Emails fulfils it): nil
// when the e-mail is done with, an error when a retry may succeed.
type EmailDeliverer interface {
	Deliver(ctx context.Context, workspaceID, emailID uuid.UUID, lastAttempt bool) error
}

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
}

// Queue inserts and works jobs.
type Queue struct {
	insert *river.Client[*sql.Tx]
	work   *river.Client[pgx.Tx]
	worker *emailWorker
}

// New builds the queue; nothing is worked until Start.
func New(cfg Config) (*Queue, error) {
	w := &emailWorker{}
	workers := river.NewWorkers()
	river.AddWorker(workers, w)
	if cfg.Workers == 0 {
		cfg.Workers = 5
	}
	var retry river.ClientRetryPolicy
	if cfg.RetryDelay != nil {
		retry = retryPolicy(cfg.RetryDelay)
	}
	work, err := river.NewClient(riverpgxv5.New(cfg.Pool), &river.Config{
		Logger: cfg.Log, Workers: workers, RetryPolicy: retry, FetchPollInterval: cfg.PollInterval,
		Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}},
	})
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	insert, err := river.NewClient(riverdatabasesql.New(cfg.DB), &river.Config{Logger: cfg.Log, Workers: workers})
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	return &Queue{insert: insert, work: work, worker: w}, nil
}

// SetEmails names the service that delivers e-mails; call it before Start.
func (q *Queue) SetEmails(d EmailDeliverer) { q.worker.deliver = d }

// Start works jobs until Stop or until ctx ends.
func (q *Queue) Start(ctx context.Context) error { return q.work.Start(ctx) }

// Stop waits for running jobs to finish (or ctx to end) and stops working.
func (q *Queue) Stop(ctx context.Context) error { return q.work.Stop(ctx) }

// EnqueueEmail inserts a send_email job in tx.
func (q *Queue) EnqueueEmail(ctx context.Context, tx *sql.Tx, workspaceID, emailID uuid.UUID) error {
	_, err := q.insert.InsertTx(ctx, tx, SendEmailArgs{WorkspaceID: workspaceID, EmailID: emailID},
		&river.InsertOpts{MaxAttempts: MaxAttempts})
	if err != nil {
		return fmt.Errorf("enqueue e-mail %s: %w", emailID, err)
	}
	return nil
}

// migrateLock is the advisory lock key held while River's migrations run.
const migrateLock = 0x7269766572 // "river"

// Migrate creates or updates River's tables on db; run it after the
// product's own migrations. rivermigrate takes no lock of its own, so
// replicas starting together serialise on a session advisory lock.
func Migrate(ctx context.Context, db *sql.DB) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrateLock); err != nil {
		return fmt.Errorf("river migrations: lock: %w", err)
	}
	defer func() {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrateLock)
	}()
	m, err := rivermigrate.New(riverdatabasesql.New(db), nil)
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river migrate up: %w", err)
	}
	return nil
}

type emailWorker struct {
	river.WorkerDefaults[SendEmailArgs]
	deliver EmailDeliverer
}

func (w *emailWorker) Work(ctx context.Context, job *river.Job[SendEmailArgs]) error {
	if w.deliver == nil {
		return errors.New("send_email: no e-mail service")
	}
	return w.deliver.Deliver(ctx, job.Args.WorkspaceID, job.Args.EmailID, job.Attempt >= job.MaxAttempts)
}

type retryPolicy func(attempt int) time.Duration

func (p retryPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	return time.Now().UTC().Add(p(job.Attempt))
}
