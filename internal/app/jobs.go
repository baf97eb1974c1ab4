package app

import (
	"context"
	"errors"
	"log/slog"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/acme/crm/internal/activity"
	"github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/jobs"
	"github.com/acme/crm/internal/postgres"
)

// emailAttempts is how often an e-mail is tried before it is failed: with
// River's default backoff (attempt⁴ seconds) the last try is about a day
// after the first.
const emailAttempts = 12

// sendEmailArgs is the send_email job: deliver one stored e-mail.
type sendEmailArgs struct {
	WorkspaceID uuid.UUID `json:"workspace_id"`
	EmailID     uuid.UUID `json:"email_id"`
}

func (sendEmailArgs) Kind() string { return "send_email" }

// reactionArgs is the event_reaction job: one reactor's reaction to one
// stored event.
type reactionArgs struct {
	WorkspaceID uuid.UUID `json:"workspace_id"`
	EventID     uuid.UUID `json:"event_id"`
	Reactor     string    `json:"reactor"`
}

func (reactionArgs) Kind() string { return "event_reaction" }

// newQueue builds the job queue.
func newQueue(cfg Config, db *postgres.DB, log *slog.Logger) (*jobs.Queue, error) {
	return jobs.New(jobs.Config{Pool: db.Pool(), DB: db.SQL(), Log: log,
		RetryDelay: cfg.JobRetryDelay, PollInterval: cfg.JobPollInterval, PollOnly: db.Pooled()})
}

// registerJobs gives the queue its kinds: e-mail delivery and event
// reactions.
func registerJobs(q *jobs.Queue, emails *activity.Emails, bus *events.Bus) {
	jobs.Register(q, func(ctx context.Context, a sendEmailArgs, at jobs.Attempt) error {
		return emails.Deliver(ctx, a.WorkspaceID, a.EmailID, at.Last())
	})
	jobs.Register(q, func(ctx context.Context, a reactionArgs, _ jobs.Attempt) error {
		return bus.Dispatch(ctx, a.WorkspaceID, a.EventID, a.Reactor)
	})
}

// txQueue enqueues jobs in the transaction carried by the context, so that
// a job commits with the rows it refers to: the outbox of e-mails and the
// reactions to events.
type txQueue struct {
	db *postgres.DB
	q  *jobs.Queue
}

func (t txQueue) enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	tx, ok := t.db.SQLTx(ctx)
	if !ok {
		return errors.New("enqueue " + args.Kind() + ": no transaction in the context")
	}
	return t.q.Enqueue(ctx, tx, args, opts)
}

// EnqueueEmail implements activity.Outbox.
func (t txQueue) EnqueueEmail(ctx context.Context, workspaceID, emailID uuid.UUID) error {
	return t.enqueue(ctx, sendEmailArgs{WorkspaceID: workspaceID, EmailID: emailID},
		&river.InsertOpts{MaxAttempts: emailAttempts})
}

// EnqueueReaction implements events.Queue.
func (t txQueue) EnqueueReaction(ctx context.Context, workspaceID, eventID uuid.UUID, reactor string) error {
	return t.enqueue(ctx, reactionArgs{WorkspaceID: workspaceID, EventID: eventID, Reactor: reactor}, nil)
}
