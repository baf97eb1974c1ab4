package demo_test

import (
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/acme/crm/internal/demo"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/invoicing"
	"github.com/acme/crm/internal/page"
	"github.com/acme/crm/internal/testenv"
)

// TestDemoInvoices: the demo's won opportunities have invoices in every
// state, and every issued one is an e-invoice that passes the domain's
// EN 16931 checks (UBL refuses one that does not) and xmllint --noout.
func TestDemoInvoices(t *testing.T) {
	env := testenv.New(t)
	ctx := context.Background()
	if err := demo.Seed(ctx, env.App, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	sess, err := env.App.Identity.Login(ctx, identity.LoginInput{Email: demo.AdminEmail, Password: demo.Password})
	if err != nil {
		t.Fatal(err)
	}
	ctx = identity.WithPrincipal(ctx, identity.Principal{WorkspaceID: sess.Workspace.ID, ID: sess.User.ID,
		UserID: sess.User.ID, Role: identity.RoleAdmin})
	list, err := env.App.Invoicing.Invoices(ctx, invoicing.Filter{}, page.Request{Limit: 200, Sort: "created_at"})
	if err != nil {
		t.Fatal(err)
	}
	today := invoicing.Today(time.Now(), sess.Workspace.TimeZone)
	seen := map[string]int{}
	_, lint := exec.LookPath("xmllint")
	for _, inv := range list.Items {
		state := string(inv.Status)
		switch {
		case inv.Kind == invoicing.KindCreditNote:
			state = "credit_note"
		case inv.Overdue(today):
			state = "overdue"
		case inv.Status == invoicing.StatusIssued && inv.SentAt != nil:
			state = "issued_and_sent"
		}
		seen[state]++
		if inv.Status == invoicing.StatusDraft {
			continue
		}
		xml, name, err := env.App.Invoicing.UBL(ctx, inv.ID)
		if err != nil {
			t.Errorf("UBL of demo %s %s: %v", state, inv.Number, err)
			continue
		}
		if lint != nil {
			continue
		}
		f := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(f, xml, 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("xmllint", "--noout", f).CombinedOutput(); err != nil {
			t.Errorf("xmllint --noout %s: %v\n%s", name, err, out)
		}
	}
	for _, want := range []string{"draft", "issued_and_sent", "partially_paid", "paid", "overdue", "credited", "credit_note"} {
		if seen[want] == 0 {
			t.Errorf("no demo invoice %s: got %v", want, seen)
		}
	}
	var overdueEvents int
	if err := env.DB.SQL().QueryRow(`SELECT count(*) FROM events WHERE type = 'invoice.overdue'`).Scan(&overdueEvents); err != nil || overdueEvents != 1 {
		t.Errorf("invoice.overdue events: %d, %v; want 1", overdueEvents, err)
	}
}
