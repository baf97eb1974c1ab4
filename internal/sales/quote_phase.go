package sales

import (
	"context"

	"github.com/google/uuid"
)

// MoveToPhase moves an opportunity forward to a phase of its pipeline under
// the phase rules (the phase's probability, status and closed_at), recording
// the change in its phase history, in the context's transaction if there is
// one. Quotes use it: a sent quote moves the opportunity to the pipeline's
// quote-sent phase, a signed one to its quote-signed phase.
//
// It does nothing (moved is false) when the opportunity is closed, already
// in that phase or in a later one: an automatic move never undoes a
// salesperson's progress. A phase of another pipeline is errs.Invalid on
// phase_id. The history names the context's actor (events.ActorFrom): the
// salesperson who sent a quote, the customer who signed it, the system.
func (s *Service) MoveToPhase(ctx context.Context, opportunityID, phaseID uuid.UUID) (moved bool, err error) {
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		o, err := s.store.LockOpportunity(ctx, opportunityID)
		if err != nil {
			return err
		}
		pl, err := s.store.Pipeline(ctx, o.PipelineID)
		if err != nil {
			return err
		}
		target, ok := pl.Phase(phaseID)
		if !ok {
			return ruleField(RulePhaseInPipeline, "phase_id", "phase belongs to another pipeline")
		}
		cur, _ := pl.Phase(o.PhaseID)
		if o.Status != StatusOpen || target.ID == cur.ID || target.Position < cur.Position {
			return nil
		}
		o.withState(EnterPhase(o.State(), target, s.now()))
		move, err := s.recordPhase(ctx, o, &cur, target)
		if err != nil {
			return err
		}
		o.UpdatedAt = s.now()
		if err := s.store.SaveOpportunity(ctx, o); err != nil {
			return err
		}
		moved = true
		if o, err = s.saved(ctx, o.ID); err != nil {
			return err
		}
		return s.publishMove(ctx, o, move)
	})
	return moved, err
}
