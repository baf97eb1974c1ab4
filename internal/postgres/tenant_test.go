package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/postgres"
	"github.com/acme/crm/internal/tenant"
	"github.com/acme/crm/internal/testenv"
)

// TestTenantScoping: repositories only see the context's workspace, refuse
// to run without one, and stamp it on new rows.
func TestTenantScoping(t *testing.T) {
	t.Parallel()
	db := testenv.DB(t)
	repo := postgres.NewIdentity(db)
	ctx := context.Background()
	now := time.Now().UTC()
	mk := func(name string) (identity.Workspace, identity.User) {
		ws := identity.Workspace{ID: uuid.Must(uuid.NewV7()), Name: name, DefaultCurrency: "EUR", FollowUpDays: 2, CreatedAt: now}
		if err := repo.CreateWorkspace(tenant.System(ctx), ws); err != nil {
			t.Fatal(err)
		}
		u := identity.User{ID: uuid.Must(uuid.NewV7()), Email: name + "@example.com", Name: name, Role: identity.RoleAdmin,
			Active: true, CreatedAt: now, UpdatedAt: now}
		if err := repo.CreateUser(tenant.With(ctx, ws.ID), u, "x"); err != nil {
			t.Fatal(err)
		}
		return ws, u
	}
	wsA, userA := mk("a")
	wsB, _ := mk("b")

	if u, err := repo.User(tenant.With(ctx, wsA.ID), userA.ID); err != nil || u.WorkspaceID != wsA.ID {
		t.Fatalf("own user: got %v, %v; want the user stamped with workspace A", u, err)
	}
	if _, err := repo.User(tenant.With(ctx, wsB.ID), userA.ID); !errs.Is(err, errs.NotFound) {
		t.Errorf("A's user from B: got %v, want NotFound", err)
	}
	if _, err := repo.User(ctx, userA.ID); err == nil || errs.Is(err, errs.NotFound) {
		t.Errorf("query without a workspace: got %v, want a programming error", err)
	}
	name := "Hijack"
	if _, err := repo.UpdateUser(tenant.With(ctx, wsB.ID), userA.ID, identity.UserPatch{Name: &name}, now); !errs.Is(err, errs.NotFound) {
		t.Errorf("update A's user from B: got %v, want NotFound", err)
	}
	if n, err := repo.CountActiveAdmins(tenant.With(ctx, wsB.ID)); err != nil || n != 1 {
		t.Errorf("B's admins: got %d, %v; want 1 (A's not counted)", n, err)
	}
	stray := identity.User{ID: uuid.Must(uuid.NewV7()), WorkspaceID: wsA.ID, Email: "stray@example.com", Name: "S", Role: identity.RoleMember, CreatedAt: now, UpdatedAt: now}
	err := repo.CreateUser(tenant.With(ctx, wsB.ID), stray, "x")
	if err == nil {
		t.Errorf("create a row naming workspace A from B's context: got nil error")
	}
	if err := repo.CreateUser(ctx, identity.User{ID: uuid.Must(uuid.NewV7()), Email: "none@example.com"}, "x"); err == nil || errors.Is(err, context.Canceled) {
		t.Errorf("create without a workspace: got %v, want an error", err)
	}
}
