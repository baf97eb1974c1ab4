package postgres_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/page"
	"github.com/acme/crm/internal/postgres"
	"github.com/acme/crm/internal/relations"
	"github.com/acme/crm/internal/tenant"
	"github.com/acme/crm/internal/testenv"
)

// relationsEnv is the relations service on a fresh database with two
// workspaces, and a context scoped to each.
type relationsEnv struct {
	db   *postgres.DB
	svc  *relations.Service
	a, b context.Context
}

func newRelationsEnv(t *testing.T) relationsEnv {
	t.Helper()
	db := testenv.DB(t)
	ids := postgres.NewIdentity(db)
	ctx := context.Background()
	ws := func(name string) context.Context {
		w := identity.Workspace{ID: uuid.Must(uuid.NewV7()), Name: name, DefaultCurrency: "EUR", FollowUpDays: 2, CreatedAt: time.Now()}
		if err := ids.CreateWorkspace(tenant.System(ctx), w); err != nil {
			t.Fatal(err)
		}
		return tenant.With(ctx, w.ID)
	}
	return relationsEnv{db: db, svc: relations.NewService(postgres.NewRelations(db), nil), a: ws("a"), b: ws("b")}
}

// TestRelationsJoinOuterTransaction: another service can create relations
// inside its own transaction, and they vanish when it rolls back.
func TestRelationsJoinOuterTransaction(t *testing.T) {
	t.Parallel()
	env := newRelationsEnv(t)
	boom := errors.New("the opportunity could not be saved")
	for _, commit := range []bool{false, true} {
		var org relations.Organization
		var person relations.Person
		err := env.db.WithTx(env.a, func(ctx context.Context) error {
			var err error
			if org, err = env.svc.CreateOrganization(ctx, relations.NewOrganization{Name: "Inline AB"}); err != nil {
				return err
			}
			if person, err = env.svc.CreatePerson(ctx, relations.NewPerson{FirstName: "Inline", OrganizationID: &org.ID}); err != nil {
				return err
			}
			if !commit {
				return boom
			}
			return nil
		})
		if commit != (err == nil) {
			t.Fatalf("commit %v: got %v", commit, err)
		}
		_, errOrg := env.svc.Organization(env.a, org.ID)
		_, errPerson := env.svc.Person(env.a, person.ID)
		if commit && (errOrg != nil || errPerson != nil) {
			t.Errorf("after commit: got %v, %v; want both rows", errOrg, errPerson)
		}
		if !commit && (!errs.Is(errOrg, errs.NotFound) || !errs.Is(errPerson, errs.NotFound)) {
			t.Errorf("after rollback: got %v, %v; want both NotFound", errOrg, errPerson)
		}
	}
}

func TestRelationsCreateReturnsStoredRow(t *testing.T) {
	t.Parallel()
	env := newRelationsEnv(t)
	created, err := env.svc.CreateOrganization(env.a, relations.NewOrganization{Name: "Acme", Address: relations.Address{Country: "fi"}})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := env.svc.Organization(env.a, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !created.CreatedAt.Equal(stored.CreatedAt) || created.WorkspaceID != stored.WorkspaceID || created.Address != stored.Address || created.Version != 1 {
		t.Errorf("got created %+v, stored %+v; want the same row", created, stored)
	}
}

// TestRelationsTenantScoping: B never reads, changes or links to A's rows,
// and sees the same errors as for rows that do not exist.
func TestRelationsTenantScoping(t *testing.T) {
	t.Parallel()
	env := newRelationsEnv(t)
	org, err := env.svc.CreateOrganization(env.a, relations.NewOrganization{Name: "A's"})
	if err != nil {
		t.Fatal(err)
	}
	person, err := env.svc.CreatePerson(env.a, relations.NewPerson{FirstName: "A's", OrganizationID: &org.ID})
	if err != nil {
		t.Fatal(err)
	}
	name := "Hijacked"
	missing := uuid.Must(uuid.NewV7())
	for _, tc := range []struct {
		name string
		call func(id uuid.UUID) error
	}{
		{"read organization", func(id uuid.UUID) error { _, err := env.svc.Organization(env.b, id); return err }},
		{"update organization", func(id uuid.UUID) error {
			_, err := env.svc.UpdateOrganization(env.b, id, relations.OrganizationPatch{Name: &name}, nil)
			return err
		}},
		{"delete organization", func(id uuid.UUID) error { return env.svc.DeleteOrganization(env.b, id, nil) }},
		{"link a person", func(id uuid.UUID) error {
			_, err := env.svc.CreatePerson(env.b, relations.NewPerson{FirstName: "B's", OrganizationID: &id})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, want := tc.call(org.ID), tc.call(missing)
			if got == nil || errs.CodeOf(got) != errs.CodeOf(want) || got.Error() != want.Error() {
				t.Errorf("with A's id: got %v; with a missing id: %v; want the same error", got, want)
			}
		})
	}
	for _, call := range []func() error{
		func() error { _, err := env.svc.Person(env.b, person.ID); return err },
		func() error { return env.svc.DeletePerson(env.b, person.ID, nil) },
	} {
		if err := call(); !errs.Is(err, errs.NotFound) {
			t.Errorf("A's person from B: got %v, want NotFound", err)
		}
	}
	list, err := env.svc.ListPersons(env.b, relations.PersonFilter{OrganizationID: &org.ID}, page.Request{Limit: 10, Sort: "created_at"})
	if err != nil || len(list.Items) != 0 {
		t.Errorf("B lists A's organization's persons: got %v, %v; want none", list.Items, err)
	}
	if got, err := env.svc.Organization(env.a, org.ID); err != nil || got.Name != "A's" || got.Version != 1 {
		t.Errorf("A's organization afterwards: got %+v, %v; want it unchanged", got, err)
	}
}

// TestRelationsIfMatchRace: two updates of the same version at once; the
// row lock lets exactly one win.
func TestRelationsIfMatchRace(t *testing.T) {
	t.Parallel()
	env := newRelationsEnv(t)
	org, err := env.svc.CreateOrganization(env.a, relations.NewOrganization{Name: "Contended"})
	if err != nil {
		t.Fatal(err)
	}
	v := org.Version
	codes := make(chan errs.Code, 2)
	var wg sync.WaitGroup
	for _, name := range []string{"First", "Second"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := env.svc.UpdateOrganization(env.a, org.ID, relations.OrganizationPatch{Name: &name}, &v)
			if err == nil {
				codes <- ""
				return
			}
			codes <- errs.CodeOf(err)
		}()
	}
	wg.Wait()
	close(codes)
	got := map[errs.Code]int{}
	for c := range codes {
		got[c]++
	}
	if got[""] != 1 || got[errs.PreconditionFailed] != 1 {
		t.Errorf("two updates of version %d: got %v, want one success and one PreconditionFailed", v, got)
	}
}
