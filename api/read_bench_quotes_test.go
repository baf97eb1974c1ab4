package api_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/postgres"
	"github.com/acme/crm/internal/testenv"
)

// BenchmarkReadsSeeded measures the reads the load test adds, on the load
// test's own seed: a page of 50 quotes (snapshots, sent ones' links) and a
// page of an opportunity's timeline (60 events of four kinds).
func BenchmarkReadsSeeded(b *testing.B) {
	env := testenv.New(b)
	a := env.Signup()
	ws := uuid.MustParse(a.WorkspaceID)
	link := env.QuoteLink(b)
	ctx := context.Background()
	if _, err := postgres.SeedBenchOpportunities(ctx, env.DB, ws, 1000, link); err != nil {
		b.Fatal(err)
	}
	opp, _, err := postgres.SeedBenchTimeline(ctx, env.DB, ws, 1000, 60)
	if err != nil {
		b.Fatal(err)
	}
	res := env.OK(testenv.Request{Method: "GET", Path: "/api/v1/quotes?limit=50", Token: a.Token})
	b.Logf("a page of 50 quotes is %d bytes", len(res.Body))
	b.Run("ListQuotes50", func(b *testing.B) { benchGET(b, env, a.Token, "/api/v1/quotes?limit=50") })
	b.Run("Timeline", func(b *testing.B) { benchGET(b, env, a.Token, "/api/v1/opportunities/"+opp.String()+"/timeline") })
}
