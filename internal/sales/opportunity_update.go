package sales

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/money"
	"github.com/acme/crm/internal/patch"
	"github.com/acme/crm/internal/upsert"
)

// OpportunityPatch changes an opportunity; nil fields stay, a Set optional
// with a nil value clears the field.
type OpportunityPatch struct {
	Title               *string
	OrganizationID      patch.Field[uuid.UUID]
	PersonID            patch.Field[uuid.UUID]
	ContactPersonID     patch.Field[uuid.UUID]
	OwnerID             *uuid.UUID
	PipelineID          *uuid.UUID
	PhaseID             *uuid.UUID
	ProbabilityOverride patch.Field[int]
	EstimatedAmount     *int64 // refused while the opportunity has lines (they set it)
	OfferDiscount       *money.BasisPoints
	Currency            *string
	ExpectedOrderDate   patch.Field[time.Time]
	SourceID            patch.Field[uuid.UUID]
	Description         *string
	LostReason          patch.Field[string]
	ExternalID          *upsert.Change // a nil Value clears it
}

// UpdateOpportunity applies the patch under the phase rules: a phase change
// takes the phase's probability, ends an override, sets or clears the
// status and closed_at, and is recorded; a new pipeline needs a phase of it.
func (s *Service) UpdateOpportunity(ctx context.Context, id uuid.UUID, patch OpportunityPatch, ifVersion *int64) (Opportunity, error) {
	var out Opportunity
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		o, err := s.store.LockOpportunity(ctx, id)
		if err != nil {
			return err
		}
		if ifVersion != nil && *ifVersion != o.Version {
			return stale("opportunity", o.Version)
		}
		before := o
		if err := s.applyFields(ctx, &o, patch); err != nil {
			return err
		}
		lines, err := s.store.Lines(ctx, id)
		if err != nil {
			return err
		}
		if err := applyLineRules(&o, before, patch, lines); err != nil {
			return err
		}
		move, err := s.applyPhase(ctx, &o, patch)
		if err != nil {
			return err
		}
		if o.OrganizationID == nil && o.PersonID == nil {
			return errs.Field("organization_id", "an opportunity needs an organization or a person")
		}
		if err := errs.Fields("invalid opportunity", checkOpportunityFields(o.Title, o.EstimatedAmount, o.Currency, o.Description)...); err != nil {
			return err
		}
		o.UpdatedAt = s.now()
		if err := s.store.SaveOpportunity(ctx, o); err != nil {
			return err
		}
		if out, err = s.saved(ctx, id); err != nil {
			return err
		}
		if err := s.publishMove(ctx, out, move); err != nil {
			return err
		}
		after := payloadOf(out)
		if after.Previous = changed(payloadOf(before), after); len(after.Previous) == 0 {
			return nil
		}
		return s.publishOpportunity(ctx, events.OpportunityUpdated, out, after)
	})
	if err != nil {
		return Opportunity{}, err
	}
	return out, nil
}

func (s *Service) applyFields(ctx context.Context, o *Opportunity, p OpportunityPatch) error {
	if p.Title != nil {
		o.Title = strings.TrimSpace(*p.Title)
	}
	p.OrganizationID.Apply(&o.OrganizationID)
	p.PersonID.Apply(&o.PersonID)
	p.ContactPersonID.Apply(&o.ContactPersonID)
	p.SourceID.Apply(&o.SourceID)
	if p.OwnerID != nil && *p.OwnerID != o.OwnerID {
		if err := s.checkOwner(ctx, *p.OwnerID); err != nil {
			return err
		}
		o.OwnerID = *p.OwnerID
	}
	if p.EstimatedAmount != nil {
		o.EstimatedAmount = *p.EstimatedAmount
	}
	if p.Currency != nil {
		o.Currency = strings.ToUpper(*p.Currency)
	}
	if p.ExpectedOrderDate.Set {
		o.ExpectedOrderDate = p.ExpectedOrderDate.Value
	}
	if p.Description != nil {
		o.Description = *p.Description
	}
	if p.LostReason.Set {
		o.LostReason = p.LostReason.Value
	}
	if p.ExternalID != nil {
		if err := upsert.CheckOptional("external_id", p.ExternalID.Value); err != nil {
			return err
		}
		o.ExternalID = p.ExternalID.Value
	}
	return nil
}

// applyPhase moves the opportunity to a new pipeline and/or phase and then
// applies a probability override, in that order, so that one request can
// move an opportunity and override the new phase's probability. It answers
// the recorded move, to publish once the opportunity is saved.
func (s *Service) applyPhase(ctx context.Context, o *Opportunity, p OpportunityPatch) (*phaseMove, error) {
	var move *phaseMove
	pipelineID := o.PipelineID
	if p.PipelineID != nil && *p.PipelineID != o.PipelineID {
		var phase *Phase
		if p.PhaseID != nil {
			ph, _, err := s.store.PhaseByID(ctx, *p.PhaseID)
			if errs.Is(err, errs.NotFound) {
				return nil, errs.Field("phase_id", "no such phase")
			}
			if err != nil {
				return nil, err
			}
			phase = &ph
		}
		if err := CheckPipelineChange(o.PipelineID, *p.PipelineID, phase); err != nil {
			return nil, err
		}
		pipelineID = *p.PipelineID
	}
	pl, err := s.store.Pipeline(ctx, pipelineID)
	if errs.Is(err, errs.NotFound) {
		return nil, errs.Field("pipeline_id", "no such pipeline")
	}
	if err != nil {
		return nil, err
	}
	cur, _ := pl.Phase(o.PhaseID)
	target := cur
	if p.PhaseID != nil {
		ph, ok := pl.Phase(*p.PhaseID)
		if !ok {
			if _, _, err := s.store.PhaseByID(ctx, *p.PhaseID); errs.Is(err, errs.NotFound) {
				return nil, errs.Field("phase_id", "no such phase")
			}
			return nil, ruleField(RulePhaseInPipeline, "phase_id", "phase belongs to another pipeline")
		}
		target = ph
	}
	if target.ID != o.PhaseID {
		from, _, err := s.store.PhaseByID(ctx, o.PhaseID)
		if err != nil {
			return nil, err
		}
		wasClosed := o.Status != StatusOpen
		o.PipelineID = pl.ID
		o.withState(EnterPhase(o.State(), target, s.now()))
		if wasClosed && o.Status == StatusOpen {
			o.LostReason = nil
		}
		if move, err = s.recordPhase(ctx, *o, &from, target); err != nil {
			return nil, err
		}
	}
	if p.ProbabilityOverride.Set {
		st, err := SetOverride(o.State(), target, p.ProbabilityOverride.Value)
		if err != nil {
			return nil, err
		}
		o.withState(st)
	}
	return move, nil
}
