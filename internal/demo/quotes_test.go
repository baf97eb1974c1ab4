package demo_test

import (
	"context"
	"log/slog"
	"strings"
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
	link, err := demo.Quotes(ctx, env.App, ids)
	if err != nil {
		t.Fatalf("demo quotes: %v", err)
	}
	token := link[strings.LastIndex(link, "/")+1:]
	if v, err := env.App.Quoting.Open(context.Background(), token, quoting.Client{}); err != nil || v.State != quoting.LinkOpen {
		t.Errorf("the demo link %q opens %+v, %v; want a quote the customer can answer", link, v.State, err)
	}
	qs, err := env.App.Quoting.Quotes(ctx, quoting.QuoteFilter{}, page.Request{Limit: 200, Sort: "created_at"})
	if err != nil {
		t.Fatal(err)
	}
	states := map[quoting.Status]int{}
	for _, q := range qs.Items {
		states[q.Status]++
		if q.Status == quoting.StatusSigned {
			records, valid, err := env.App.Quoting.Evidence(ctx, q.ID)
			if err != nil || !valid || len(records) == 0 || records[len(records)-1].Action != "sign" ||
				q.Response == nil || q.Response.AttachmentID == nil {
				t.Errorf("signed demo quote %s: %d records (valid %v, %v), response %+v; want evidence and the signed PDF",
					q.Number, len(records), valid, err, q.Response)
			}
		}
		if q.Status == quoting.StatusChangeRequested && (q.Response == nil || len(q.Response.LineComments) == 0) {
			t.Errorf("change-requested demo quote %s has no line comment", q.Number)
		}
		if q.Snapshot.Company.Logo.MIME == "" || q.Snapshot.Company.Name != "Demo AB" {
			t.Errorf("quote %s: got company %q with logo %q, want Demo AB with the logo",
				q.Number, q.Snapshot.Company.Name, q.Snapshot.Company.Logo.MIME)
		}
	}
	for _, st := range []quoting.Status{quoting.StatusDraft, quoting.StatusSent, quoting.StatusSuperseded, quoting.StatusWithdrawn,
		quoting.StatusViewed, quoting.StatusSigned, quoting.StatusChangeRequested, quoting.StatusRejected, quoting.StatusExpired} {
		if states[st] == 0 {
			t.Errorf("got states %v, want at least one %s", states, st)
		}
	}
}
