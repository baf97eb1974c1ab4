package demo_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/demo"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/page"
	"github.com/acme/crm/internal/quoting"
	"github.com/acme/crm/internal/sales"
	"github.com/acme/crm/internal/testenv"
)

// TestDemoQuotes: the demo template gets a profile and a logo, and the
// open opportunities get quotes in several states.
func TestDemoQuotes(t *testing.T) {
	env := testenv.New(t)
	if err := demo.Seed(context.Background(), env.App, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sess, err := env.App.Identity.Login(ctx, identity.LoginInput{Email: demo.AdminEmail, Password: demo.Password})
	if err != nil {
		t.Fatal(err)
	}
	ctx = identity.WithPrincipal(ctx, identity.Principal{WorkspaceID: sess.Workspace.ID, ID: sess.User.ID,
		UserID: sess.User.ID, Role: identity.RoleAdmin})
	opps, err := env.App.Sales.Opportunities(ctx, sales.OpportunityFilter{}, page.Request{Limit: 200, Sort: "created_at"})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]uuid.UUID, len(opps.Items))
	for i, o := range opps.Items {
		ids[i] = o.ID
	}
	if err := demo.Quotes(ctx, env.App, ids); err != nil {
		t.Fatalf("demo quotes: %v", err)
	}
	qs, err := env.App.Quoting.Quotes(ctx, quoting.QuoteFilter{}, page.Request{Limit: 200, Sort: "created_at"})
	if err != nil {
		t.Fatal(err)
	}
	states := map[quoting.Status]int{}
	for _, q := range qs.Items {
		states[q.Status]++
		if len(q.Snapshot.Company.Logo.Data) == 0 || q.Snapshot.Company.Name != "Demo AB" {
			t.Errorf("quote %s: got company %q with %d logo bytes, want Demo AB with the logo",
				q.Number, q.Snapshot.Company.Name, len(q.Snapshot.Company.Logo.Data))
		}
	}
	for _, st := range []quoting.Status{quoting.StatusDraft, quoting.StatusSent, quoting.StatusSuperseded, quoting.StatusWithdrawn} {
		if states[st] == 0 {
			t.Errorf("got states %v, want at least one %s", states, st)
		}
	}
}
