package sales

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
)

// The mutation helpers below take a pipeline's phases in any order and return
// the new list in position order with positions renumbered 0..n-1, or an
// error. They never modify the slice they are given. Each result has passed
// ValidatePhases; a failure names phases by their index in the new list,
// except that AddPhase and UpdatePhase name the changed phase's own fields
// plainly ("probability"), as a request for one phase would.

// AddPhase inserts p at index at of the ordered list: 0 puts it first,
// len(phases) appends it. p's Name is trimmed and its Color upper-cased; a
// zero PipelineID is taken from the other phases. An index out of range is
// rule position_range on field position.
func AddPhase(phases []Phase, p Phase, at int) ([]Phase, error) {
	out := sortedPhases(phases)
	if at < 0 || at > len(out) {
		return nil, ruleField(RulePositionRange, "position", "the position must be 0 to %d", len(out))
	}
	if p.PipelineID == uuid.Nil && len(out) > 0 {
		p.PipelineID = out[0].PipelineID
	}
	out = slices.Insert(out, at, normalized(p))
	out, err := renumber(out)
	return out, focus(err, at)
}

// UpdatePhase replaces the phase with p's id by p, keeping the old phase's
// position and pipeline: moving a phase is ReorderPhases' job. p's Name is
// trimmed and its Color upper-cased. An unknown id is a NotFound error.
func UpdatePhase(phases []Phase, p Phase) ([]Phase, error) {
	out := sortedPhases(phases)
	i := slices.IndexFunc(out, func(x Phase) bool { return x.ID == p.ID })
	if i < 0 {
		return nil, errs.NotFoundf("phase %s not found", p.ID)
	}
	p.PipelineID = out[i].PipelineID
	out[i] = normalized(p)
	out, err := renumber(out)
	return out, focus(err, i)
}

// RemovePhase deletes the phase with the id. An unknown id is a NotFound
// error; removing a pipeline's only won phase fails rule exactly_one_won, and
// so on. Moving the phase's opportunities (see CheckMoveTarget) and clearing
// a quote setting that names it (see ValidatePipeline) are the caller's.
func RemovePhase(phases []Phase, id uuid.UUID) ([]Phase, error) {
	out := sortedPhases(phases)
	i := slices.IndexFunc(out, func(x Phase) bool { return x.ID == id })
	if i < 0 {
		return nil, errs.NotFoundf("phase %s not found", id)
	}
	return renumber(slices.Delete(out, i, i+1))
}

// ReorderPhases puts the phases in the order of ids, which must list every
// phase's id exactly once; otherwise the error is rule
// order_must_list_every_phase on field phase_ids. The new order must still
// pass ValidatePhases (open probabilities never decreasing).
func ReorderPhases(phases []Phase, ids []uuid.UUID) ([]Phase, error) {
	byID := make(map[uuid.UUID]Phase, len(phases))
	for _, ph := range phases {
		byID[ph.ID] = ph
	}
	if len(ids) != len(phases) {
		return nil, ruleField(RuleOrderListsEveryPhase, "phase_ids",
			"the order must list all %d phases exactly once, got %d ids", len(phases), len(ids))
	}
	out := make([]Phase, 0, len(ids))
	for _, id := range ids {
		ph, ok := byID[id]
		if !ok {
			return nil, ruleField(RuleOrderListsEveryPhase, "phase_ids",
				"the order must list every phase exactly once: %s is not a phase of this pipeline or is repeated", id)
		}
		delete(byID, id)
		out = append(out, ph)
	}
	return renumber(out)
}

// CheckMoveTarget enforces that a phase holding opportunities is deleted
// only together with a phase to move them to: target must be set, must be a
// phase in phases (the pipeline's phases before the removal) and must not be
// the removed phase. It returns the target phase; errors name the rule
// move_target_required on field move_to_phase_id.
func CheckMoveTarget(phases []Phase, removed uuid.UUID, target *uuid.UUID) (Phase, error) {
	if target == nil {
		return Phase{}, ruleField(RuleMoveTargetRequired, "move_to_phase_id",
			"the phase holds opportunities: name the phase to move them to")
	}
	if *target == removed {
		return Phase{}, ruleField(RuleMoveTargetRequired, "move_to_phase_id",
			"the opportunities cannot move to the phase being deleted")
	}
	i := slices.IndexFunc(phases, func(x Phase) bool { return x.ID == *target })
	if i < 0 {
		return Phase{}, ruleField(RuleMoveTargetRequired, "move_to_phase_id",
			"the phase to move the opportunities to must be a phase of the same pipeline")
	}
	return phases[i], nil
}

// normalized returns p with its name trimmed and its colour upper-cased, the
// forms storage keeps.
func normalized(p Phase) Phase {
	p.Name = strings.TrimSpace(p.Name)
	p.Color = strings.ToUpper(p.Color)
	return p
}

// renumber sets positions 0..n-1 in slice order and validates the result.
func renumber(out []Phase) ([]Phase, error) {
	for i := range out {
		out[i].Position = i
	}
	if err := ValidatePhases(out); err != nil {
		return nil, err
	}
	return out, nil
}

// focus renames the fields "phases[i].x" of err to "x": they belong to the
// one phase the request was about.
func focus(err error, i int) error {
	e, ok := errs.As(err)
	if !ok {
		return err
	}
	prefix := fmt.Sprintf("phases[%d].", i)
	for k, f := range e.Fields {
		if name, ok := strings.CutPrefix(f.Field, prefix); ok {
			e.Fields[k].Field = name
		}
	}
	return err
}

// DefaultQuoteSentIndex and DefaultQuoteSignedIndex are the indexes in
// DefaultPipeline().Phases of its quote-sent and quote-signed phases.
const (
	DefaultQuoteSentIndex   = 3
	DefaultQuoteSignedIndex = 4
)

// DefaultPipeline returns the pipeline a new workspace starts with: five open
// phases, won, lost and expired, with fresh ids, positions 0..7 and the
// quote phases set. It passes ValidatePipeline. Storage sets Version,
// WorkspaceID and the timestamps.
func DefaultPipeline() Pipeline {
	p := Pipeline{ID: newID(), Name: "Sales", IsDefault: true}
	specs := []struct {
		name  string
		prob  int
		kind  PhaseKind
		color string
	}{
		{"Lead", 10, KindOpen, "#94A3B8"},
		{"Qualified", 25, KindOpen, "#38BDF8"},
		{"Proposal", 50, KindOpen, "#6366F1"},
		{"Quotation sent", 60, KindOpen, "#A855F7"},
		{"Quotation signed", 90, KindOpen, "#F59E0B"},
		{"Won", 100, KindWon, "#22C55E"},
		{"Lost", 0, KindLost, "#EF4444"},
		{"Expired", 0, KindExpired, "#78716C"},
	}
	for i, s := range specs {
		p.Phases = append(p.Phases, Phase{
			ID: newID(), PipelineID: p.ID, Name: s.name, Probability: s.prob,
			Kind: s.kind, Color: s.color, Position: i,
		})
	}
	sent, signed := p.Phases[DefaultQuoteSentIndex].ID, p.Phases[DefaultQuoteSignedIndex].ID
	p.QuoteSentPhaseID, p.QuoteSignedPhaseID = &sent, &signed
	return p
}

// DefaultSources returns the lead sources a new workspace starts with.
func DefaultSources() []string {
	return []string{"Website", "E-mail campaign", "Advertisement", "Search engine", "Referral", "Event"}
}

// sortedPhases returns a copy of phases in position order; ties keep their
// slice order.
func sortedPhases(phases []Phase) []Phase {
	out := slices.Clone(phases)
	slices.SortStableFunc(out, func(a, b Phase) int { return cmp.Compare(a.Position, b.Position) })
	return out
}

func newID() uuid.UUID { return uuid.Must(uuid.NewV7()) }
