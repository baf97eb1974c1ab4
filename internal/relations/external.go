package relations

import "context"

// OrganizationByExternalID answers the organization with the external id;
// errs.NotFound when none has it.
func (s *Service) OrganizationByExternalID(ctx context.Context, externalID string) (Organization, error) {
	return s.store.OrganizationByExternalID(ctx, externalID)
}

// PersonByExternalID answers the person with the external id; errs.NotFound
// when none has it.
func (s *Service) PersonByExternalID(ctx context.Context, externalID string) (Person, error) {
	return s.store.PersonByExternalID(ctx, externalID)
}

// OrganizationNamed answers the oldest organization with the name, case
// ignored; errs.NotFound when none has it.
func (s *Service) OrganizationNamed(ctx context.Context, name string) (Organization, error) {
	return s.store.OrganizationNamed(ctx, name)
}
