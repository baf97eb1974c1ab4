package sales

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/events"
)

// Publisher records domain events in the context's transaction
// (events.Bus fulfils it).
type Publisher interface {
	PublishJSON(ctx context.Context, e events.Event, payload any) error
}

// PhaseChangedPayload is the payload of opportunity.phase_changed,
// opportunity.won and opportunity.lost.
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
	// Previous is the phase and probability the opportunity left (a
	// webhook's data adds it to the opportunity).
	Previous map[string]any `json:"previous,omitempty"`
}

// publishPhaseChange publishes opportunity.phase_changed for a recorded
// move, and opportunity.won when it entered a won phase.
func (s *Service) publishPhaseChange(ctx context.Context, o Opportunity, pc PhaseChange, kind PhaseKind) error {
	if s.events == nil {
		return nil
	}
	p := PhaseChangedPayload{PipelineID: o.PipelineID, OwnerID: o.OwnerID, FromPhaseID: pc.FromPhaseID,
		FromPhaseName: pc.FromPhaseName, ToPhaseID: pc.ToPhaseID, ToPhaseName: pc.ToPhaseName, ToPhaseKind: kind,
		Status: kind.Status(), Probability: pc.ToProbability, Amount: o.EstimatedAmount, Currency: o.Currency,
		Previous: map[string]any{"phase_id": pc.FromPhaseID}}
	if pc.FromProbability != nil && *pc.FromProbability != pc.ToProbability {
		p.Previous["probability"] = *pc.FromProbability
	}
	e := events.Event{Type: events.OpportunityPhaseChanged, SubjectType: "opportunity", SubjectID: o.ID,
		OpportunityID: &o.ID, OccurredAt: pc.ChangedAt, Subject: o}
	if err := s.events.PublishJSON(ctx, e, p); err != nil {
		return err
	}
	switch kind {
	case KindWon:
		e.Type = events.OpportunityWon
	case KindLost:
		e.Type = events.OpportunityLost
	default:
		return nil
	}
	return s.events.PublishJSON(ctx, e, p)
}

// OpportunityPayload is the payload of opportunity.created, .updated and
// .deleted: the opportunity with the field names of the API's Opportunity
// (without the lines' totals). On .updated, Previous holds the earlier
// value of every field that changed.
type OpportunityPayload struct {
	ID                  uuid.UUID      `json:"id"`
	Title               string         `json:"title"`
	OrganizationID      *uuid.UUID     `json:"organization_id"`
	PersonID            *uuid.UUID     `json:"person_id"`
	ContactPersonID     *uuid.UUID     `json:"contact_person_id"`
	OwnerID             uuid.UUID      `json:"owner_id"`
	PipelineID          uuid.UUID      `json:"pipeline_id"`
	PhaseID             uuid.UUID      `json:"phase_id"`
	Probability         int            `json:"probability"`
	ProbabilityOverride *int           `json:"probability_override"`
	EstimatedAmount     int64          `json:"estimated_amount"`
	WeightedAmount      int64          `json:"weighted_amount"`
	Currency            string         `json:"currency"`
	OfferDiscount       int            `json:"offer_discount"`
	ExpectedOrderDate   *string        `json:"expected_order_date"`
	SourceID            *uuid.UUID     `json:"source_id"`
	Description         string         `json:"description"`
	Status              Status         `json:"status"`
	ClosedAt            *time.Time     `json:"closed_at"`
	LostReason          *string        `json:"lost_reason"`
	CreatedBy           uuid.UUID      `json:"created_by"`
	Version             int64          `json:"version"`
	CreatedAt           time.Time      `json:"created_at"`
	UpdatedAt           time.Time      `json:"updated_at"`
	Previous            map[string]any `json:"previous,omitempty"`
}

// payloadOf is o as OpportunityPayload.
func payloadOf(o Opportunity) OpportunityPayload {
	p := OpportunityPayload{ID: o.ID, Title: o.Title, OrganizationID: o.OrganizationID, PersonID: o.PersonID,
		ContactPersonID: o.ContactPersonID, OwnerID: o.OwnerID, PipelineID: o.PipelineID, PhaseID: o.PhaseID,
		Probability: o.Probability, ProbabilityOverride: o.ProbabilityOverride, EstimatedAmount: o.EstimatedAmount,
		WeightedAmount: o.WeightedAmount(), Currency: o.Currency, OfferDiscount: int(o.OfferDiscount),
		SourceID: o.SourceID, Description: o.Description, Status: o.Status, ClosedAt: o.ClosedAt,
		LostReason: o.LostReason, CreatedBy: o.CreatedBy, Version: o.Version, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
	if o.ExpectedOrderDate != nil {
		d := o.ExpectedOrderDate.Format("2006-01-02")
		p.ExpectedOrderDate = &d
	}
	return p
}

// changed answers the earlier values of the fields that differ between
// before and after (bookkeeping fields left out), by their JSON names.
func changed(before, after OpportunityPayload) map[string]any {
	var b, a map[string]json.RawMessage
	rb, _ := json.Marshal(before)
	ra, _ := json.Marshal(after)
	_ = json.Unmarshal(rb, &b)
	_ = json.Unmarshal(ra, &a)
	out := map[string]any{}
	for k, v := range b {
		switch k {
		case "version", "updated_at", "previous":
			continue
		}
		if !bytes.Equal(v, a[k]) {
			out[k] = v
		}
	}
	return out
}

// publishOpportunity publishes t about o with its payload.
func (s *Service) publishOpportunity(ctx context.Context, t events.Type, o Opportunity, p OpportunityPayload) error {
	if s.events == nil {
		return nil
	}
	id := o.ID
	return s.events.PublishJSON(ctx, events.Event{Type: t, SubjectType: "opportunity", SubjectID: id, OpportunityID: &id, Subject: o}, p)
}

// EventDefinitions documents the opportunity events with examples of
// their payloads.
func EventDefinitions() []events.Definition {
	id, owner := uuid.MustParse("0190d0c4-5e2a-7cc0-8000-0000000000a1"), uuid.MustParse("0190d0c4-5e2a-7cc0-8000-0000000000b1")
	pipe, phase := uuid.MustParse("0190d0c4-5e2a-7cc0-8000-0000000000c1"), uuid.MustParse("0190d0c4-5e2a-7cc0-8000-0000000000c2")
	org := uuid.MustParse("0190d0c4-5e2a-7cc0-8000-0000000000d1")
	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	opp := OpportunityPayload{ID: id, Title: "CRM roll-out for 40 seats", OrganizationID: &org, OwnerID: owner,
		PipelineID: pipe, PhaseID: phase, Probability: 20, EstimatedAmount: 12500000, WeightedAmount: 2500000,
		Currency: "SEK", Status: StatusOpen, CreatedBy: owner, Version: 1, CreatedAt: at, UpdatedAt: at}
	updated := opp
	updated.EstimatedAmount, updated.WeightedAmount, updated.Version = 15000000, 3000000, 2
	updated.Previous = map[string]any{"estimated_amount": 12500000, "weighted_amount": 2500000}
	from, fromName := phase, "Qualified"
	move := PhaseChangedPayload{PipelineID: pipe, OwnerID: owner, FromPhaseID: &from, FromPhaseName: &fromName,
		ToPhaseID: uuid.MustParse("0190d0c4-5e2a-7cc0-8000-0000000000c3"), ToPhaseName: "Proposal", ToPhaseKind: KindOpen,
		Status: StatusOpen, Probability: 50, Amount: 12500000, Currency: "SEK"}
	move.Previous = map[string]any{"phase_id": from, "probability": 20}
	won := move
	won.ToPhaseName, won.ToPhaseKind, won.Status, won.Probability = "Won", KindWon, StatusWon, 100
	lost := move
	lost.ToPhaseName, lost.ToPhaseKind, lost.Status, lost.Probability = "Lost", KindLost, StatusLost, 0
	// The records the events carry, as the API shows them.
	rec := Opportunity{ID: id, Title: opp.Title, OrganizationID: &org, OwnerID: owner, PipelineID: pipe, PhaseID: phase,
		Probability: 20, EstimatedAmount: 12500000, Currency: "SEK", Status: StatusOpen, CreatedBy: owner, Version: 1,
		CreatedAt: at, UpdatedAt: at}
	recUpdated := rec
	recUpdated.EstimatedAmount, recUpdated.Version, recUpdated.UpdatedAt = 15000000, 2, at.Add(time.Hour)
	recMoved := rec
	recMoved.PhaseID, recMoved.Probability, recMoved.Version, recMoved.UpdatedAt = move.ToPhaseID, 50, 2, at.Add(time.Hour)
	closedAt := at.Add(time.Hour)
	recWon := recMoved
	recWon.Probability, recWon.Status, recWon.ClosedAt = 100, StatusWon, &closedAt
	recLost := recMoved
	recLost.Probability, recLost.Status, recLost.ClosedAt = 0, StatusLost, &closedAt
	return []events.Definition{
		{Type: events.OpportunityCreated, Description: "An opportunity was created.", Example: opp, Subject: rec},
		{Type: events.OpportunityUpdated, Description: "An opportunity's fields changed; previous holds the earlier value of each changed field.", Example: updated, Subject: recUpdated},
		{Type: events.OpportunityPhaseChanged, Description: "An opportunity moved to another phase (not on creation); previous holds the phase (and probability) it left.", Example: move, Subject: recMoved},
		{Type: events.OpportunityWon, Description: "An opportunity entered a won phase (after its opportunity.phase_changed).", Example: won, Subject: recWon},
		{Type: events.OpportunityLost, Description: "An opportunity entered a lost phase (after its opportunity.phase_changed).", Example: lost, Subject: recLost},
		{Type: events.OpportunityDeleted, Description: "An opportunity was deleted; data is its last state.", Example: opp, Subject: rec},
	}
}
