package postgres_test

import (
	"context"
	"fmt"
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
func seedTimeline(b *testing.B, env *testenv.Env, a testenv.Account, n int) uuid.UUID {
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
