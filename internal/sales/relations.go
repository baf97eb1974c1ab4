package sales

import (
	"context"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
)

// NewOrganization is an organization created together with an opportunity.
type NewOrganization struct {
	Name               string
	RegistrationNumber string
	VATNumber          string
	Email              string
	Phone              string
	Website            string
}

// NewPerson is a person created together with an opportunity.
type NewPerson struct {
	FirstName string
	LastName  string
	Email     string
	Phone     string
	JobTitle  string
}

// Relations creates organizations and persons inside the caller's
// transaction; validation errors name the relation's own fields.
type Relations interface {
	CreateOrganization(ctx context.Context, in NewOrganization) (uuid.UUID, error)
	CreatePerson(ctx context.Context, in NewPerson, organizationID *uuid.UUID) (uuid.UUID, error)
}

// createRelations creates the inline organization and person of a new
// opportunity; a new person joins the opportunity's organization.
func (s *Service) createRelations(ctx context.Context, in NewOpportunity, o *Opportunity) error {
	if in.Organization != nil {
		if in.OrganizationID != nil {
			return errs.Field("organization", "give either organization_id or a new organization, not both")
		}
		id, err := s.relations.CreateOrganization(ctx, *in.Organization)
		if err != nil {
			return prefixFields(err, "organization.")
		}
		o.OrganizationID = &id
	}
	if in.Person != nil {
		if in.PersonID != nil {
			return errs.Field("person", "give either person_id or a new person, not both")
		}
		id, err := s.relations.CreatePerson(ctx, *in.Person, o.OrganizationID)
		if err != nil {
			return prefixFields(err, "person.")
		}
		o.PersonID = &id
	}
	return nil
}

func prefixFields(err error, prefix string) error {
	if e, ok := errs.As(err); ok {
		for i := range e.Fields {
			e.Fields[i].Field = prefix + e.Fields[i].Field
		}
	}
	return err
}
