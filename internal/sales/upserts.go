package sales

import (
	"context"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/upsert"
)

// OpportunityItem is one item of a batch of opportunities: a create, or
// with ExternalID a create-or-update by it (New for the create, Patch for
// the update).
type OpportunityItem struct {
	ExternalID *string
	New        NewOpportunity
	Patch      OpportunityPatch
}

// UpsertOpportunity creates the opportunity with the external id from in
// (with its follow-up task and, when in describes one, a new relation), or,
// when one has it, applies p to it under the phase rules (the fields p
// names; the rest stay; a new relation in in is then not created). It
// reports whether it created it. ifVersion as in UpdateOpportunity; when
// set and no opportunity has the external id, errs.PreconditionFailed.
// Concurrent calls with one new external id create one opportunity.
func (s *Service) UpsertOpportunity(ctx context.Context, externalID string, in NewOpportunity, p OpportunityPatch, ifVersion *int64) (Opportunity, bool, error) {
	if err := upsert.CheckExternalID("external_id", externalID); err != nil {
		return Opportunity{}, false, err
	}
	in.ExternalID, p.ExternalID = &externalID, nil
	return upsert.Do(ctx, s.store, upsert.Ops[Opportunity]{
		Find: func(ctx context.Context) (Opportunity, bool, error) {
			cur, err := s.store.OpportunityByExternalID(ctx, externalID)
			if errs.Is(err, errs.NotFound) {
				if ifVersion != nil {
					return cur, false, errs.New(errs.PreconditionFailed, "no opportunity has this external_id, so none can match If-Match")
				}
				return cur, false, nil
			}
			return cur, err == nil, err
		},
		Create: func(ctx context.Context) (Opportunity, error) { return s.CreateOpportunity(ctx, in) },
		Update: func(ctx context.Context, cur Opportunity) (Opportunity, error) {
			return s.UpdateOpportunity(ctx, cur.ID, p, ifVersion)
		},
	})
}

// BatchOpportunities writes every item or none (upsert.Batch).
func (s *Service) BatchOpportunities(ctx context.Context, items []OpportunityItem) ([]upsert.Result[Opportunity], error) {
	return upsert.Batch(ctx, s.store, len(items), func(ctx context.Context, i int) (Opportunity, bool, error) {
		it := items[i]
		if it.ExternalID != nil {
			return s.UpsertOpportunity(ctx, *it.ExternalID, it.New, it.Patch, nil)
		}
		o, err := s.CreateOpportunity(ctx, it.New)
		return o, err == nil, err
	})
}
