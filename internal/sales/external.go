package sales

import "context"

// OpportunityByExternalID answers the opportunity with the external id, as
// Opportunity does; errs.NotFound when none has it.
func (s *Service) OpportunityByExternalID(ctx context.Context, externalID string) (Opportunity, error) {
	o, err := s.store.OpportunityByExternalID(ctx, externalID)
	if err != nil {
		return o, err
	}
	return s.Opportunity(ctx, o.ID)
}
