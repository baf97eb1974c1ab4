package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/postgres"
	"github.com/acme/crm/internal/testenv"
)

// TestSeedBench grows a workspace as crm seed --bench-opportunities does
// and reads what the load test reads through the API (responses checked
// against openapi.yaml): one quote per 20 opportunities, whose snapshots
// decode and whose sent versions' links unseal, and a full first page of
// the timeline of the opportunity at the middle. Seeding to the same size
// again adds nothing.
func TestSeedBench(t *testing.T) {
	env := testenv.New(t)
	acct := env.Signup()
	ws := uuid.MustParse(acct.WorkspaceID)
	link := env.QuoteLink(t)
	ctx := context.Background()
	for run, want := range []int{400, 0} {
		added, err := postgres.SeedBenchOpportunities(ctx, env.DB, ws, 400, link)
		if err != nil || added != want {
			t.Fatalf("run %d: added %d, %v; want %d", run, added, err, want)
		}
		opp, events, err := postgres.SeedBenchTimeline(ctx, env.DB, ws, 400, 60)
		if err != nil || events != min(want, 60) {
			t.Fatalf("run %d: timeline added %d events, %v; want %d", run, events, err, min(want, 60))
		}
		if run == 0 {
			checkTimeline(t, env, acct, opp)
		}
	}
	var quotes struct {
		Data []struct {
			Status    string  `json:"status"`
			PublicURL *string `json:"public_url"`
		} `json:"data"`
	}
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/quotes?limit=50", Token: acct.Token}).Decode(t, &quotes)
	if len(quotes.Data) != 400/20 {
		t.Fatalf("got %d quotes, want %d", len(quotes.Data), 400/20)
	}
	for i, q := range quotes.Data {
		sent := q.Status != "draft"
		if got := q.PublicURL != nil && strings.HasPrefix(*q.PublicURL, "http://crm.test/q/"); got != sent {
			t.Errorf("quote %d (%s): public_url %v, want one: %v", i, q.Status, q.PublicURL, sent)
		}
	}
}

func checkTimeline(t *testing.T, env *testenv.Env, acct testenv.Account, opp uuid.UUID) {
	t.Helper()
	var page struct {
		Data       []struct{ Type string } `json:"data"`
		NextCursor *string                 `json:"next_cursor"`
	}
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/opportunities/" + opp.String() + "/timeline", Token: acct.Token}).
		Decode(t, &page)
	kinds := map[string]int{}
	for _, e := range page.Data {
		kinds[e.Type]++
	}
	if len(page.Data) != 50 || page.NextCursor == nil || len(kinds) != 4 {
		t.Fatalf("timeline: got %d events of %v, next cursor %v; want 50 of 4 kinds and a next page", len(page.Data), kinds, page.NextCursor)
	}
}
