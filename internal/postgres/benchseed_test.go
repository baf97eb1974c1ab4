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
	checkTotalsInOrder(t, env, ws)
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

// checkTotalsInOrder: the rebuilt totals lie on disk in the order the
// reads range over them (day or month), so a range is a few pages. The
// rebuild runs again with sorting discouraged, as the planner chooses at
// 1 000 000 opportunities (a hash aggregate, in no order): at this size it
// groups by sorting, which happens to give the order.
func checkTotalsInOrder(t *testing.T, env *testenv.Env, ws uuid.UUID) {
	t.Helper()
	tx, err := env.DB.SQL().Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	_, err = tx.Exec(`SET LOCAL enable_sort = off`)
	if err == nil {
		_, err = tx.Exec(`SELECT forecast_totals_rebuild($1), outcome_totals_rebuild($1)`, ws)
	}
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		t.Fatal(err)
	}
	for table, col := range map[string]string{"closed_totals": "day", "created_totals": "day",
		"created_month_totals": "month", "forecast_totals": "month", "forecast_month_totals": "month"} {
		var rows, back int
		err := env.DB.SQL().QueryRow(`SELECT count(*), count(*) FILTER (WHERE back) FROM (
				SELECT `+col+` < lag(`+col+`) OVER (ORDER BY ctid) AS back FROM `+table+` WHERE workspace_id = $1) x`, ws).
			Scan(&rows, &back)
		if err != nil {
			t.Fatal(err)
		}
		if rows < 10 || back > 0 {
			t.Errorf("%s: %d rows, %d of them on disk before an earlier %s; want some, in order", table, rows, back, col)
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
