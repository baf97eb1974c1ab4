package sales

import (
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
)

// Rules about an opportunity's phase and probability.
const (
	RulePhaseOnPipelineChange Rule = "phase_required_on_pipeline_change"
	RuleFinalProbabilityFixed Rule = "final_phase_probability_fixed"
	RuleOverrideRange         Rule = "probability_override_range"
)

// PhaseState is the part of an opportunity that its phase governs.
// Probability is the effective probability: the override when there is one,
// else the phase's (100 or 0 in final phases). ClosedAt is set exactly when
// Status is final.
type PhaseState struct {
	PhaseID             uuid.UUID
	Probability         int
	ProbabilityOverride *int
	Status              Status
	ClosedAt            *time.Time
}

// EffectiveProbability is an opportunity's probability in phase given its
// override: 100 in a won phase and 0 in a lost or expired phase whatever the
// override, else the override when set, else the phase's probability.
func EffectiveProbability(phase Phase, override *int) int {
	switch {
	case phase.Kind == KindWon:
		return 100
	case phase.Kind.Final():
		return 0
	case override != nil:
		return *override
	}
	return phase.Probability
}

// EnterPhase returns the state after moving an opportunity in state cur to
// phase to at time now. Entering the phase it is already in changes nothing
// (a repeated request, or a signature arriving in the quote-signed phase).
// Otherwise the override ends, the probability becomes the new phase's, and
// the status follows the phase's kind.
//
// Entering a final phase sets ClosedAt to now (in UTC), also when coming from
// another final phase: a move from won to lost is a new outcome, and reports
// such as "lost this month" must date it by when it was lost, not by when it
// was first closed. Entering an open phase clears ClosedAt: the opportunity
// is reopened.
//
// The caller checks that to belongs to the opportunity's pipeline
// (CheckPhaseInPipeline) and records the change.
func EnterPhase(cur PhaseState, to Phase, now time.Time) PhaseState {
	if cur.PhaseID == to.ID {
		return cur
	}
	next := PhaseState{
		PhaseID:     to.ID,
		Probability: EffectiveProbability(to, nil),
		Status:      to.Kind.Status(),
	}
	if to.Kind.Final() {
		at := now.UTC()
		next.ClosedAt = &at
	}
	return next
}

// SetOverride sets (override non-nil) or clears (nil) the opportunity's
// probability override in its current phase, returning the new state.
// Setting one in a final phase is rule final_phase_probability_fixed, and
// an override outside 0..100 is rule probability_override_range, both on
// field probability. Clearing is always allowed. phase must be the phase the
// opportunity is in; another phase is an Internal error (a caller's bug).
func SetOverride(cur PhaseState, phase Phase, override *int) (PhaseState, error) {
	if phase.ID != cur.PhaseID {
		return cur, errs.New(errs.Internal, "set probability override: phase %s is not the opportunity's phase %s",
			phase.ID, cur.PhaseID)
	}
	if override != nil {
		if phase.Kind.Final() {
			return cur, ruleField(RuleFinalProbabilityFixed, "probability",
				"the opportunity is in a final phase (%s), whose probability is fixed at %d",
				phase.Kind, EffectiveProbability(phase, nil))
		}
		if *override < 0 || *override > 100 {
			return cur, ruleField(RuleOverrideRange, "probability", "the probability must be 0 to 100")
		}
		v := *override // the caller's variable must not alias the state
		override = &v
	}
	cur.ProbabilityOverride = override
	cur.Probability = EffectiveProbability(phase, override)
	return cur, nil
}

// CheckPhaseInPipeline enforces that an opportunity's phase belongs to its
// pipeline: otherwise rule phase_in_pipeline on field phase_id.
func CheckPhaseInPipeline(phase Phase, pipelineID uuid.UUID) error {
	if phase.PipelineID != pipelineID {
		return ruleField(RulePhaseInPipeline, "phase_id", "phase belongs to another pipeline")
	}
	return nil
}

// CheckPipelineChange enforces that moving an opportunity from pipeline cur
// to pipeline next names a phase of next: a nil phase is rule
// phase_required_on_pipeline_change on field phase_id, a phase of another
// pipeline is rule phase_in_pipeline. Keeping the pipeline needs no phase.
func CheckPipelineChange(cur, next uuid.UUID, phase *Phase) error {
	if phase == nil {
		if cur == next {
			return nil
		}
		return ruleField(RulePhaseOnPipelineChange, "phase_id",
			"changing the pipeline needs a phase of the new pipeline")
	}
	return CheckPhaseInPipeline(*phase, next)
}
