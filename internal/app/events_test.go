package app_test

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/app"
	"github.com/acme/crm/internal/auth"
	"github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/postgres"
	"github.com/acme/crm/internal/tenant"
	"github.com/acme/crm/internal/testenv"
)

// countingReactor counts its reactions to quote.sent.
type countingReactor struct{ n atomic.Int32 }

func (*countingReactor) Name() string                                { return "test-counter" }
func (*countingReactor) Handles(t events.Type) bool                  { return t == events.QuoteSent }
func (r *countingReactor) React(context.Context, events.Event) error { r.n.Add(1); return nil }

func countRows(t *testing.T, db *postgres.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// An event and its reaction jobs commit or roll back with the change that
// published them, and a committed reaction survives a restart.
func TestEventsCommitWithTheirChange(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	r := &countingReactor{}
	env.App.Events.Subscribe(r)
	ctx := tenant.With(context.Background(), uuid.MustParse(a.WorkspaceID))
	subject := uuid.New()
	publish := func(fail bool) error {
		return env.DB.WithTx(ctx, func(ctx context.Context) error {
			err := env.App.Events.Publish(ctx, events.Event{Type: events.QuoteSent, SubjectType: "quote", SubjectID: subject})
			if err != nil || !fail {
				return err
			}
			return errors.New("the change fails after publishing")
		})
	}
	jobsOf := `SELECT count(*) FROM river_job WHERE kind = 'event_reaction' AND args->>'reactor' = 'test-counter'`

	if err := publish(true); err == nil {
		t.Fatal("the failing change committed")
	}
	if n := countRows(t, env.DB, `SELECT count(*) FROM events WHERE subject_id = $1`, subject); n != 0 {
		t.Errorf("rolled-back change left %d events, want 0", n)
	}
	if n := countRows(t, env.DB, jobsOf); n != 0 {
		t.Errorf("rolled-back change left %d reaction jobs, want 0", n)
	}

	if err := publish(false); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, env.DB, `SELECT count(*) FROM events WHERE subject_id = $1 AND actor_kind = 'system'`, subject); n != 1 {
		t.Errorf("committed change left %d events, want 1 by the system", n)
	}
	if n := countRows(t, env.DB, jobsOf); n != 1 {
		t.Fatalf("committed change left %d reaction jobs, want 1", n)
	}

	// The process that committed dies before working the job; another one,
	// built on the same database, works it exactly once.
	keys, err := auth.ParseKeyring(env.Keys)
	if err != nil {
		t.Fatal(err)
	}
	next, err := app.New(app.Config{TokenKeys: keys, PublicURL: "http://crm.test"}, env.DB, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	again := &countingReactor{}
	next.Events.Subscribe(again)
	for range 2 {
		if _, err := next.Jobs.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if got := again.n.Load(); got != 1 {
		t.Errorf("the reaction ran %d times after the restart, want 1", got)
	}
	if got := r.n.Load(); got != 0 {
		t.Errorf("the dead process's reactor ran %d times, want 0", got)
	}
}
