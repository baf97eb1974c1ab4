package postgres_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/page"
	"github.com/acme/crm/internal/postgres"
	"github.com/acme/crm/internal/tenant"
	"github.com/acme/crm/internal/testenv"
)

// BenchmarkTimeline reads the first and the second page of an opportunity's
// timeline with 10 and 10,000 notes: the cost per page should not grow.
func BenchmarkTimeline(b *testing.B) {
	env := testenv.New(b)
	acct := env.Signup()
	for _, n := range []int{10, 10000} {
		opp := seedTimeline(b, env, acct, n)
		ctx := tenant.With(context.Background(), uuid.MustParse(acct.WorkspaceID))
		store := postgres.NewActivity(env.DB)
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			for b.Loop() {
				p, err := store.Timeline(ctx, opp, page.Request{Limit: 50, Sort: "occurred_at"})
				if err != nil || len(p.Items) < min(n, 50) {
					b.Fatalf("got %d items, %v; want a full page", len(p.Items), err)
				}
				if _, err := store.Timeline(ctx, opp, page.Request{Limit: 50, Sort: "occurred_at", Cursor: p.Next}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// seedTimeline creates an opportunity through the API and n notes on it
// in one statement.
func seedTimeline(b testing.TB, env *testenv.Env, a testenv.Account, n int) uuid.UUID {
	b.Helper()
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/opportunities", Token: a.Token,
		Body: map[string]any{"title": "Bench", "organization": map[string]any{"name": "Bench Org"}}})
	if res.Status != 201 {
		b.Fatalf("create opportunity: %s", res)
	}
	opp := uuid.MustParse(res.Map(b)["id"].(string))
	_, err := env.DB.SQL().Exec(`INSERT INTO notes (id, workspace_id, opportunity_id, author_id, body, created_at, updated_at)
		SELECT gen_random_uuid(), $1, $2, $3, 'note ' || i, now() - i * interval '1 minute', now()
		FROM generate_series(1, $4) i`, a.WorkspaceID, opp, a.UserID, n)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := env.DB.SQL().Exec("ANALYZE"); err != nil {
		b.Fatal(err)
	}
	return opp
}

// TestTimelineRawDecode: reading a timeline's binary values gives what
// pgx's Scan gives, for events with and without an actor; an opportunity
// without events gives one row that is no event, and a missing one (or
// another workspace's) no row at all.
func TestTimelineRawDecode(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a, other := env.Signup(), env.Signup()
	ws := uuid.MustParse(a.WorkspaceID)
	ctx := tenant.With(t.Context(), ws)
	opp := seedTimeline(t, env, a, 3)
	_, err := env.DB.SQL().Exec(`INSERT INTO tasks (id, workspace_id, title, assignee_id, opportunity_id, status, completed_at, created_by)
		VALUES (gen_random_uuid(), $1, 'Åsa''s <task> &  ', $2, $3, 'done', now(), $2)`, a.WorkspaceID, a.UserID, opp)
	if err != nil {
		t.Fatal(err)
	}
	raw, scanned, found, err := postgres.TimelineBothWays(ctx, env.DB, ws, opp)
	if err != nil || !found {
		t.Fatalf("got found %v, %v; want the opportunity", found, err)
	}
	if !reflect.DeepEqual(raw, scanned) {
		t.Errorf("events:\nraw     %+v\nscanned %+v", raw, scanned)
	}
	actors := map[bool]int{}
	for _, e := range raw {
		actors[e.ActorID != nil]++
	}
	if len(raw) < 6 || actors[true] == 0 || actors[false] == 0 {
		t.Errorf("got %d events, %d with an actor and %d without; want some of each", len(raw), actors[true], actors[false])
	}

	empty := seedTimeline(t, env, a, 0)
	for _, table := range []string{"phase_changes", "tasks"} { // the first phase and the follow-up
		if _, err := env.DB.SQL().Exec(`DELETE FROM `+table+` WHERE opportunity_id = $1`, empty); err != nil {
			t.Fatal(err)
		}
	}
	raw, scanned, found, err = postgres.TimelineBothWays(ctx, env.DB, ws, empty)
	if err != nil || !found || len(raw) != 0 || len(scanned) != 0 {
		t.Errorf("opportunity without events: got %d and %d events, found %v, %v; want none, found", len(raw), len(scanned), found, err)
	}
	for name, id := range map[string]uuid.UUID{"another workspace's": seedTimeline(t, env, other, 1), "a made-up": uuid.New()} {
		if _, _, found, err := postgres.TimelineBothWays(ctx, env.DB, ws, id); err != nil || found {
			t.Errorf("%s opportunity: got found %v, %v; want no row", name, found, err)
		}
	}
}
