package relations

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/page"
	"github.com/acme/crm/internal/tenant"
)

// Store persists relations. Every method is scoped to the context's
// workspace: a row of another workspace is missing (errs.NotFound), exactly
// like a row that does not exist. Methods use the transaction in the
// context when there is one.
type Store interface {
	// WithTx runs fn in a transaction carried by its context; it joins a
	// transaction already in ctx.
	WithTx(ctx context.Context, fn func(ctx context.Context) error) error

	CreateOrganization(ctx context.Context, o Organization) error
	Organization(ctx context.Context, id uuid.UUID) (Organization, error)
	// OrganizationsByID and PersonsByID read the records of ids in one
	// query, in no particular order: missing ids are skipped.
	OrganizationsByID(ctx context.Context, ids []uuid.UUID) ([]Organization, error)
	// LockOrganization reads the organization FOR UPDATE.
	LockOrganization(ctx context.Context, id uuid.UUID) (Organization, error)
	ListOrganizations(ctx context.Context, f OrganizationFilter, req page.Request) (page.Page[Organization], error)
	// UpdateOrganization writes exactly the patch's fields, sets updated_at
	// and increments the version.
	UpdateOrganization(ctx context.Context, id uuid.UUID, p OrganizationPatch, at time.Time) (Organization, error)
	// DeleteOrganization returns errs.Conflict while other rows (such as
	// opportunities) still refer to the organization.
	DeleteOrganization(ctx context.Context, id uuid.UUID) error
	// DetachPersons clears the organization of its persons, bumping their
	// versions, and returns how many there were.
	DetachPersons(ctx context.Context, organizationID uuid.UUID, at time.Time) (int, error)

	// CreatePerson and UpdatePerson return errs.Invalid naming
	// organization_id when the organization is not in the workspace.
	CreatePerson(ctx context.Context, p Person) error
	Person(ctx context.Context, id uuid.UUID) (Person, error)
	PersonsByID(ctx context.Context, ids []uuid.UUID) ([]Person, error)
	// LockPerson reads the person FOR UPDATE.
	LockPerson(ctx context.Context, id uuid.UUID) (Person, error)
	ListPersons(ctx context.Context, f PersonFilter, req page.Request) (page.Page[Person], error)
	UpdatePerson(ctx context.Context, id uuid.UUID, p PersonPatch, at time.Time) (Person, error)
	// DeletePerson returns errs.Conflict while other rows (such as
	// opportunities) still refer to the person.
	DeletePerson(ctx context.Context, id uuid.UUID) error

	// Savepoint runs fn in a savepoint of the transaction in ctx
	// (upsert.Tx).
	Savepoint(ctx context.Context, fn func(ctx context.Context) error) error
	// OrganizationByExternalID and PersonByExternalID read the record with
	// the external id FOR UPDATE, or errs.NotFound. A create or an update
	// that would give a second record the same external id is errs.Conflict
	// naming external_id.
	OrganizationByExternalID(ctx context.Context, externalID string) (Organization, error)
	PersonByExternalID(ctx context.Context, externalID string) (Person, error)
	// OrganizationNamed reads the oldest organization with the name, case
	// ignored, or errs.NotFound.
	OrganizationNamed(ctx context.Context, name string) (Organization, error)
}

// Service implements organizations and persons. Every method works in the
// context's workspace and joins the transaction in ctx, if any, so other
// services can create relations as part of their own transactions.
type Service struct {
	store  Store
	events Publisher
	now    func() time.Time
}

// NewService returns the relations service; now defaults to time.Now in UTC.
func NewService(store Store, now func() time.Time) *Service {
	if now == nil {
		now = func() time.Time { return time.Now().UTC() }
	}
	return &Service{store: store, now: now}
}

// maxQuery caps the ?q= search text.
const maxQuery = 200

// CreateOrganization validates in and stores a new organization (version 1).
// Invalid fields are errs.Invalid naming each of them.
func (s *Service) CreateOrganization(ctx context.Context, in NewOrganization) (Organization, error) {
	in, err := in.normalize()
	if err != nil {
		return Organization{}, err
	}
	now := s.timestamp()
	o := Organization{ID: newID(), Name: in.Name, RegistrationNumber: in.RegistrationNumber,
		VATNumber: in.VATNumber, Email: in.Email, Phone: in.Phone, Website: in.Website, Address: in.Address, PaymentTermsDays: in.PaymentTermsDays,
		ExternalID: in.ExternalID, Version: 1, CreatedAt: now, UpdatedAt: now}
	o.WorkspaceID, _ = tenant.From(ctx)
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateOrganization(ctx, o); err != nil {
			return err
		}
		return s.publish(ctx, events.OrganizationCreated, "organization", o.ID, o, organizationPayload(o))
	})
	if err != nil {
		return Organization{}, err
	}
	return o, nil
}

// Organization returns one organization, or errs.NotFound.
func (s *Service) Organization(ctx context.Context, id uuid.UUID) (Organization, error) {
	o, err := s.store.Organization(ctx, id)
	return o, notFound(err, "organization")
}

// OrganizationsByID returns the organizations of ids, each as Organization
// returns it, in no particular order; missing ids are skipped.
func (s *Service) OrganizationsByID(ctx context.Context, ids []uuid.UUID) ([]Organization, error) {
	return s.store.OrganizationsByID(ctx, ids)
}

// ListOrganizations returns a page of organizations matching f.
func (s *Service) ListOrganizations(ctx context.Context, f OrganizationFilter, req page.Request) (page.Page[Organization], error) {
	q, err := query(f.Q)
	if err != nil {
		return page.Page[Organization]{}, err
	}
	f.Q = q
	return s.store.ListOrganizations(ctx, f, req)
}

// UpdateOrganization changes the patch's fields. ifVersion, when set, must
// be the stored version (else errs.PreconditionFailed).
func (s *Service) UpdateOrganization(ctx context.Context, id uuid.UUID, p OrganizationPatch, ifVersion *int64) (Organization, error) {
	p, err := p.normalize()
	if err != nil {
		return Organization{}, err
	}
	var out Organization
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		cur, err := s.store.LockOrganization(ctx, id)
		if err != nil {
			return notFound(err, "organization")
		}
		if err := checkVersion("organization", cur.Version, ifVersion); err != nil {
			return err
		}
		out, err = s.store.UpdateOrganization(ctx, id, p, s.timestamp())
		return err
	})
	return out, err
}

// DeleteOrganization deletes an organization. Its persons stay and are
// detached from it (their versions change). While opportunities refer to
// the organization it is errs.Conflict. ifVersion as in UpdateOrganization.
func (s *Service) DeleteOrganization(ctx context.Context, id uuid.UUID, ifVersion *int64) error {
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		cur, err := s.store.LockOrganization(ctx, id)
		if err != nil {
			return notFound(err, "organization")
		}
		if err := checkVersion("organization", cur.Version, ifVersion); err != nil {
			return err
		}
		if _, err := s.store.DetachPersons(ctx, id, s.timestamp()); err != nil {
			return err
		}
		return s.store.DeleteOrganization(ctx, id)
	})
}

// CreatePerson validates in and stores a new person (version 1). An
// OrganizationID that is not in the workspace is errs.Invalid naming
// organization_id.
func (s *Service) CreatePerson(ctx context.Context, in NewPerson) (Person, error) {
	in, err := in.normalize()
	if err != nil {
		return Person{}, err
	}
	now := s.timestamp()
	p := Person{ID: newID(), FirstName: in.FirstName, LastName: in.LastName, Email: in.Email, Phone: in.Phone,
		JobTitle: in.JobTitle, OrganizationID: in.OrganizationID, ExternalID: in.ExternalID, Version: 1, CreatedAt: now, UpdatedAt: now}
	p.WorkspaceID, _ = tenant.From(ctx)
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreatePerson(ctx, p); err != nil {
			return err
		}
		return s.publish(ctx, events.PersonCreated, "person", p.ID, p, personPayload(p))
	})
	if err != nil {
		return Person{}, err
	}
	return p, nil
}

// Person returns one person, or errs.NotFound.
func (s *Service) Person(ctx context.Context, id uuid.UUID) (Person, error) {
	p, err := s.store.Person(ctx, id)
	return p, notFound(err, "person")
}

// PersonsByID returns the persons of ids, each as Person returns it, in no
// particular order; missing ids are skipped.
func (s *Service) PersonsByID(ctx context.Context, ids []uuid.UUID) ([]Person, error) {
	return s.store.PersonsByID(ctx, ids)
}

// ListPersons returns a page of persons matching f.
func (s *Service) ListPersons(ctx context.Context, f PersonFilter, req page.Request) (page.Page[Person], error) {
	q, err := query(f.Q)
	if err != nil {
		return page.Page[Person]{}, err
	}
	f.Q = q
	return s.store.ListPersons(ctx, f, req)
}

// UpdatePerson changes the patch's fields; ifVersion as in
// UpdateOrganization. The person keeps a first or a last name.
func (s *Service) UpdatePerson(ctx context.Context, id uuid.UUID, p PersonPatch, ifVersion *int64) (Person, error) {
	p, err := p.normalize()
	if err != nil {
		return Person{}, err
	}
	var out Person
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		cur, err := s.store.LockPerson(ctx, id)
		if err != nil {
			return notFound(err, "person")
		}
		if err := checkVersion("person", cur.Version, ifVersion); err != nil {
			return err
		}
		if p.removesName() {
			if err := p.checkName(cur); err != nil {
				return err
			}
		}
		out, err = s.store.UpdatePerson(ctx, id, p, s.timestamp())
		return err
	})
	return out, err
}

// DeletePerson deletes a person; while opportunities refer to them it is
// errs.Conflict. ifVersion as in UpdateOrganization.
func (s *Service) DeletePerson(ctx context.Context, id uuid.UUID, ifVersion *int64) error {
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		cur, err := s.store.LockPerson(ctx, id)
		if err != nil {
			return notFound(err, "person")
		}
		if err := checkVersion("person", cur.Version, ifVersion); err != nil {
			return err
		}
		return s.store.DeletePerson(ctx, id)
	})
}

// timestamp is the current time at the database's precision, so that what
// a create returns equals what a later read returns.
func (s *Service) timestamp() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

func checkVersion(what string, stored int64, want *int64) error {
	if want != nil && *want != stored {
		return errs.New(errs.PreconditionFailed, "the %s was changed by someone else (version %d, you sent %d)", what, stored, *want)
	}
	return nil
}

// notFound gives a missing row's error a message naming what is missing;
// the same for a row of another workspace.
func notFound(err error, what string) error {
	if errs.Is(err, errs.NotFound) {
		return errs.Wrap(err, errs.NotFound, "no such %s", what)
	}
	return err
}

func query(q string) (string, error) {
	q = strings.TrimSpace(q)
	if utf8.RuneCountInString(q) > maxQuery || !utf8.ValidString(q) {
		return "", errs.Field("q", "must be at most 200 characters of text")
	}
	return q, nil
}

func newID() uuid.UUID { return uuid.Must(uuid.NewV7()) }
