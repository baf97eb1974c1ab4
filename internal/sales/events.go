package sales

import (
	"context"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/events"
)

// Publisher records domain events in the context's transaction
// (events.Bus fulfils it).
type Publisher interface {
	PublishJSON(ctx context.Context, e events.Event, payload any) error
}

// PhaseChangedPayload is the payload of opportunity.phase_changed and
// opportunity.won.
type PhaseChangedPayload struct {
	PipelineID    uuid.UUID  `json:"pipeline_id"`
	OwnerID       uuid.UUID  `json:"owner_id"`
	FromPhaseID   *uuid.UUID `json:"from_phase_id"`
	FromPhaseName *string    `json:"from_phase_name"`
	ToPhaseID     uuid.UUID  `json:"to_phase_id"`
	ToPhaseName   string     `json:"to_phase_name"`
	ToPhaseKind   PhaseKind  `json:"to_phase_kind"`
	Status        Status     `json:"status"`
	Probability   int        `json:"probability"`
	Amount        int64      `json:"estimated_amount"`
	Currency      string     `json:"currency"`
}

// publishPhaseChange publishes opportunity.phase_changed for a recorded
// move, and opportunity.won when it entered a won phase.
func (s *Service) publishPhaseChange(ctx context.Context, o Opportunity, pc PhaseChange, kind PhaseKind) error {
	if s.events == nil {
		return nil
	}
	p := PhaseChangedPayload{PipelineID: o.PipelineID, OwnerID: o.OwnerID, FromPhaseID: pc.FromPhaseID,
		FromPhaseName: pc.FromPhaseName, ToPhaseID: pc.ToPhaseID, ToPhaseName: pc.ToPhaseName, ToPhaseKind: kind,
		Status: kind.Status(), Probability: pc.ToProbability, Amount: o.EstimatedAmount, Currency: o.Currency}
	e := events.Event{Type: events.OpportunityPhaseChanged, SubjectType: "opportunity", SubjectID: o.ID,
		OpportunityID: &o.ID, OccurredAt: pc.ChangedAt}
	if err := s.events.PublishJSON(ctx, e, p); err != nil {
		return err
	}
	if kind != KindWon {
		return nil
	}
	e.Type = events.OpportunityWon
	return s.events.PublishJSON(ctx, e, p)
}
