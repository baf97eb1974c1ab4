package relations

import (
	"context"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/upsert"
)

// OrganizationItem is one item of a batch: a create, or with ExternalID a
// create-or-update by it (New for the create, Patch, the same fields, for
// the update).
type OrganizationItem struct {
	ExternalID *string
	New        NewOrganization
	Patch      OrganizationPatch
}

// PersonItem is one item of a batch of persons, as OrganizationItem.
type PersonItem struct {
	ExternalID *string
	New        NewPerson
	Patch      PersonPatch
}

// UpsertOrganization creates the organization with the external id from in,
// or, when one has it, applies p to it (the fields p names; the rest stay).
// It reports whether it created it. ifVersion as in UpdateOrganization: when
// set and no organization has the external id, it is
// errs.PreconditionFailed. Concurrent calls with one new external id create
// one organization and update it.
func (s *Service) UpsertOrganization(ctx context.Context, externalID string, in NewOrganization, p OrganizationPatch, ifVersion *int64) (Organization, bool, error) {
	if err := upsert.CheckExternalID("external_id", externalID); err != nil {
		return Organization{}, false, err
	}
	in.ExternalID, p.ExternalID = &externalID, nil
	return upsert.Do(ctx, s.store, upsert.Ops[Organization]{
		Find: func(ctx context.Context) (Organization, bool, error) {
			o, err := s.store.OrganizationByExternalID(ctx, externalID)
			if errs.Is(err, errs.NotFound) {
				return o, false, missing(ifVersion, "organization")
			}
			return o, err == nil, err
		},
		Create: func(ctx context.Context) (Organization, error) { return s.CreateOrganization(ctx, in) },
		Update: func(ctx context.Context, cur Organization) (Organization, error) {
			return s.UpdateOrganization(ctx, cur.ID, p, ifVersion)
		},
	})
}

// UpsertPerson is UpsertOrganization for persons.
func (s *Service) UpsertPerson(ctx context.Context, externalID string, in NewPerson, p PersonPatch, ifVersion *int64) (Person, bool, error) {
	if err := upsert.CheckExternalID("external_id", externalID); err != nil {
		return Person{}, false, err
	}
	in.ExternalID, p.ExternalID = &externalID, nil
	return upsert.Do(ctx, s.store, upsert.Ops[Person]{
		Find: func(ctx context.Context) (Person, bool, error) {
			o, err := s.store.PersonByExternalID(ctx, externalID)
			if errs.Is(err, errs.NotFound) {
				return o, false, missing(ifVersion, "person")
			}
			return o, err == nil, err
		},
		Create: func(ctx context.Context) (Person, error) { return s.CreatePerson(ctx, in) },
		Update: func(ctx context.Context, cur Person) (Person, error) {
			return s.UpdatePerson(ctx, cur.ID, p, ifVersion)
		},
	})
}

// BatchOrganizations writes every item or none (upsert.Batch).
func (s *Service) BatchOrganizations(ctx context.Context, items []OrganizationItem) ([]upsert.Result[Organization], error) {
	return upsert.Batch(ctx, s.store, len(items), func(ctx context.Context, i int) (Organization, bool, error) {
		it := items[i]
		if it.ExternalID != nil {
			return s.UpsertOrganization(ctx, *it.ExternalID, it.New, it.Patch, nil)
		}
		o, err := s.CreateOrganization(ctx, it.New)
		return o, err == nil, err
	})
}

// BatchPersons writes every item or none (upsert.Batch).
func (s *Service) BatchPersons(ctx context.Context, items []PersonItem) ([]upsert.Result[Person], error) {
	return upsert.Batch(ctx, s.store, len(items), func(ctx context.Context, i int) (Person, bool, error) {
		it := items[i]
		if it.ExternalID != nil {
			return s.UpsertPerson(ctx, *it.ExternalID, it.New, it.Patch, nil)
		}
		p, err := s.CreatePerson(ctx, it.New)
		return p, err == nil, err
	})
}

// missing is what a missing record means to an upsert: nothing, unless the
// caller expected a version of it (If-Match), which then fails.
func missing(ifVersion *int64, what string) error {
	if ifVersion != nil {
		return errs.New(errs.PreconditionFailed, "no %s has this external_id, so none can match If-Match", what)
	}
	return nil
}
