package postgres_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/money"
	"github.com/acme/crm/internal/sales"
	"github.com/acme/crm/internal/tenant"
	"github.com/acme/crm/internal/testenv"
)

// linesEnv is the product on a fresh database with one opportunity, and a
// context that acts as the workspace's admin.
type linesEnv struct {
	env *testenv.Env
	ctx context.Context
	opp uuid.UUID
}

func newLinesEnv(t testing.TB) linesEnv {
	t.Helper()
	env := testenv.New(t)
	a := env.Signup()
	ws, user := uuid.MustParse(a.WorkspaceID), uuid.MustParse(a.UserID)
	ctx := identity.WithPrincipal(tenant.With(context.Background(), ws),
		identity.Principal{ID: user, UserID: user, WorkspaceID: ws, Role: identity.RoleAdmin})
	o, err := env.App.Sales.CreateOpportunity(ctx, sales.NewOpportunity{Title: "Big offer",
		Organization: &sales.NewOrganization{Name: "Buyer AB"}})
	if err != nil {
		t.Fatal(err)
	}
	return linesEnv{env: env, ctx: ctx, opp: o.ID}
}

func qty(t testing.TB, s string) money.Quantity {
	t.Helper()
	q, err := money.ParseQuantity(s)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func ptr[T any](v T) *T { return &v }

// TestLineStorageExact: quantities come back exactly from numeric(15,3),
// up to the column's largest value.
func TestLineStorageExact(t *testing.T) {
	t.Parallel()
	e := newLinesEnv(t)
	for _, s := range []string{"0.001", "1.5", "2.125", "999999999999.999"} {
		l, err := e.env.App.Sales.AddLine(e.ctx, e.opp, sales.NewLine{Name: ptr("x"), Quantity: qty(t, s),
			UnitPrice: ptr(int64(0)), VATRate: ptr(money.BasisPoints(0))})
		if err != nil {
			t.Fatalf("add %s: %v", s, err)
		}
		got, err := e.env.App.Sales.Line(e.ctx, e.opp, l.ID)
		if err != nil || got.Quantity.String() != s {
			t.Errorf("quantity %s: got %s (%v), want it exactly", s, got.Quantity, err)
		}
	}
}

// TestLineChangeRollsBack: a change whose totals cannot be computed (beyond
// the maximum amount) writes nothing: not the line, not the amount.
func TestLineChangeRollsBack(t *testing.T) {
	t.Parallel()
	e := newLinesEnv(t)
	svc := e.env.App.Sales
	big := sales.NewLine{Name: ptr("big"), Quantity: qty(t, "1"), UnitPrice: ptr(money.MaxAmount), VATRate: ptr(money.BasisPoints(0))}
	if _, err := svc.AddLine(e.ctx, e.opp, big); err != nil {
		t.Fatal(err)
	}
	before, _ := svc.Opportunity(e.ctx, e.opp)
	_, err := svc.AddLine(e.ctx, e.opp, big)
	if !errs.Is(err, errs.Invalid) {
		t.Fatalf("a second line beyond the maximum: got %v, want invalid", err)
	}
	set, _ := svc.Lines(e.ctx, e.opp)
	after, _ := svc.Opportunity(e.ctx, e.opp)
	if len(set.Lines) != 1 || after.Version != before.Version || after.EstimatedAmount != money.MaxAmount {
		t.Errorf("after the refused line: got %d lines, version %d → %d, amount %d; want 1 line and nothing changed",
			len(set.Lines), before.Version, after.Version, after.EstimatedAmount)
	}
}

// BenchmarkLineTotals500 measures an opportunity of 500 lines: reading the
// lines with their totals, and changing one line (which locks the
// opportunity, re-reads and recomputes all 500 and writes the amount).
func BenchmarkLineTotals500(b *testing.B) {
	e := newLinesEnv(b)
	svc := e.env.App.Sales
	var ids []uuid.UUID
	for i := 0; i < 500; i++ {
		l, err := svc.AddLine(e.ctx, e.opp, sales.NewLine{Name: ptr(fmt.Sprint("line ", i)), Quantity: qty(b, "1.5"),
			UnitPrice: ptr(int64(1000 + i)), Discount: money.BasisPoints(i % 3 * 500), VATRate: ptr(money.BasisPoints(i % 4 * 600))})
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, l.ID)
	}
	b.Run("list", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := svc.Lines(e.ctx, e.opp); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("update", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			q := qty(b, fmt.Sprint(1+i%5))
			if _, err := svc.UpdateLine(e.ctx, e.opp, ids[i%len(ids)], sales.LinePatch{Quantity: &q}, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}
