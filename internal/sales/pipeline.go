// Package sales holds the sales pipeline's rules as plain code: pipelines and
// their phases, the opportunity's phase and probability state, and the
// forecast arithmetic. Services wrap these rules with persistence.
package sales

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/acme/crm/internal/errs"
	"github.com/google/uuid"
)

// PhaseKind says whether a phase is open or which final outcome it records.
type PhaseKind string

// The phase kinds. Won, lost and expired are final: entering one closes the
// opportunity.
const (
	KindOpen    PhaseKind = "open"
	KindWon     PhaseKind = "won"
	KindLost    PhaseKind = "lost"
	KindExpired PhaseKind = "expired"
)

// Valid reports whether k is one of the known kinds.
func (k PhaseKind) Valid() bool {
	switch k {
	case KindOpen, KindWon, KindLost, KindExpired:
		return true
	}
	return false
}

// Final reports whether entering a phase of this kind closes the opportunity.
func (k PhaseKind) Final() bool { return k == KindWon || k == KindLost || k == KindExpired }

// Status is the opportunity status that a phase of this kind implies.
// Unknown kinds map to StatusOpen; ValidatePhases keeps them out of storage.
func (k PhaseKind) Status() Status {
	switch k {
	case KindWon:
		return StatusWon
	case KindLost:
		return StatusLost
	case KindExpired:
		return StatusExpired
	}
	return StatusOpen
}

// Status is an opportunity's status. It always follows its phase's kind.
type Status string

// The opportunity statuses.
const (
	StatusOpen    Status = "open"
	StatusWon     Status = "won"
	StatusLost    Status = "lost"
	StatusExpired Status = "expired"
)

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusOpen, StatusWon, StatusLost, StatusExpired:
		return true
	}
	return false
}

// Phase is one step of a pipeline. Position orders the phases of a pipeline;
// the helpers in this package keep positions at 0..n-1.
type Phase struct {
	ID          uuid.UUID
	PipelineID  uuid.UUID
	Name        string
	Probability int // percent, 0..100
	Kind        PhaseKind
	Color       string // #RRGGBB
	Position    int
}

// Pipeline is a named sequence of phases. QuoteSentPhaseID and
// QuoteSignedPhaseID, when set, name the open phases an opportunity moves to
// when a quote is sent and when the customer signs it.
type Pipeline struct {
	ID                 uuid.UUID
	WorkspaceID        uuid.UUID
	Name               string
	IsDefault          bool
	QuoteSentPhaseID   *uuid.UUID
	QuoteSignedPhaseID *uuid.UUID
	Phases             []Phase // in position order when loaded
	Version            int64   // optimistic-lock version, kept by storage
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// Phase returns the pipeline's phase with the id.
func (p Pipeline) Phase(id uuid.UUID) (Phase, bool) {
	for _, ph := range p.Phases {
		if ph.ID == id {
			return ph, true
		}
	}
	return Phase{}, false
}

// FirstOfKind returns the pipeline's first phase of kind k in position order:
// the phase a new opportunity starts in (KindOpen), or the phase a
// salesperson's "mark as lost" moves to (KindLost).
func (p Pipeline) FirstOfKind(k PhaseKind) (Phase, bool) {
	for _, ph := range sortedPhases(p.Phases) {
		if ph.Kind == k {
			return ph, true
		}
	}
	return Phase{}, false
}

// Rule names one pipeline or opportunity rule. Error messages start with
// "rule <name>:" so that clients and tests can tell the rules apart.
type Rule string

// The rules. Their names are stable: clients may match on them.
const (
	RulePhaseNameLength       Rule = "phase_name_length"
	RulePhaseColorFormat      Rule = "phase_color_format"
	RulePhaseKindKnown        Rule = "phase_kind_known"
	RulePhaseProbabilityRange Rule = "phase_probability_range"
	RulePhaseIDUnique         Rule = "phase_id_unique"
	RulePhasePositionUnique   Rule = "phase_position_unique"
	RuleOpenPhaseRequired     Rule = "open_phase_required"
	RuleExactlyOneWon         Rule = "exactly_one_won"
	RuleLostPhaseRequired     Rule = "lost_phase_required"
	RuleWonProbability100     Rule = "won_probability_100"
	RuleClosedProbability0    Rule = "closed_probability_0"
	RuleOpenProbabilityRange  Rule = "open_probability_range"
	RuleOpenNonDecreasing     Rule = "open_probability_non_decreasing"
	RuleOrderListsEveryPhase  Rule = "order_must_list_every_phase"
	RulePositionRange         Rule = "position_range"
	RulePipelineNameLength    Rule = "pipeline_name_length"
	RuleQuotePhaseInPipeline  Rule = "quote_phase_in_pipeline"
	RuleQuotePhaseOpen        Rule = "quote_phase_open"
	RuleQuotePhaseOrder       Rule = "quote_phase_order"
	RuleExactlyOneDefault     Rule = "exactly_one_default"
	RulePhaseInPipeline       Rule = "phase_in_pipeline"
	RuleMoveTargetRequired    Rule = "move_target_required"
)

// violations collects rule violations as field errors, in the order found.
type violations []errs.FieldError

func (v *violations) add(rule Rule, field, format string, args ...any) {
	msg := fmt.Sprintf("rule %s: ", rule) + fmt.Sprintf(format, args...)
	*v = append(*v, errs.FieldError{Field: field, Message: msg})
}

// err returns nil or an Invalid error whose message is the first violation's
// and whose fields list them all.
func (v violations) err() error {
	if len(v) == 0 {
		return nil
	}
	return errs.Fields(v[0].Message, v...)
}

// ValidatePhases checks a pipeline's phase list. It first checks each phase's
// fields (name 1..100 characters after trimming, colour #RRGGBB, a known
// kind, probability 0..100) and that ids (other than uuid.Nil, for phases not
// yet stored) and positions are unique; only when those pass does it check
// the list's rules in position order: at least one open phase, exactly one
// won, at least one lost; won 100, lost and expired 0; open phases 1..99, each
// at least the previous open phase (final phases may sit anywhere in the
// order and do not take part in that comparison).
//
// The error is an *errs.Error with Code Invalid: its Message is the first
// violation's, "rule <name>: ...", and its Fields list every violation found,
// naming phases by their index in the given slice ("phases[2].probability"),
// or "phases" for rules about the whole list.
func ValidatePhases(phases []Phase) error {
	var v violations
	for i, ph := range phases {
		v.phaseFields(i, ph)
	}
	v.unique(phases)
	if len(v) > 0 {
		return v.err()
	}
	idx := positionOrder(phases)
	v.kindCounts(phases)
	v.probabilities(phases, idx)
	return v.err()
}

// phaseFields checks one phase's own fields.
func (v *violations) phaseFields(i int, ph Phase) {
	if fe := validateName(fmt.Sprintf("phases[%d].name", i), ph.Name, RulePhaseNameLength); fe != nil {
		*v = append(*v, *fe)
	}
	if !validColor(ph.Color) {
		v.add(RulePhaseColorFormat, fmt.Sprintf("phases[%d].color", i), "the colour must be #RRGGBB")
	}
	if !ph.Kind.Valid() {
		v.add(RulePhaseKindKnown, fmt.Sprintf("phases[%d].kind", i),
			"the kind must be open, won, lost or expired")
	}
	if ph.Probability < 0 || ph.Probability > 100 {
		v.add(RulePhaseProbabilityRange, fmt.Sprintf("phases[%d].probability", i),
			"the probability must be 0 to 100")
	}
}

// unique reports repeated ids and positions, naming each repeat.
func (v *violations) unique(phases []Phase) {
	ids := map[uuid.UUID]bool{}
	positions := map[int]bool{}
	for i, ph := range phases {
		if ph.ID != uuid.Nil && ids[ph.ID] {
			v.add(RulePhaseIDUnique, fmt.Sprintf("phases[%d].id", i), "the phase id is repeated")
		}
		if positions[ph.Position] {
			v.add(RulePhasePositionUnique, fmt.Sprintf("phases[%d].position", i),
				"position %d is repeated", ph.Position)
		}
		ids[ph.ID], positions[ph.Position] = true, true
	}
}

// kindCounts checks how many phases of each kind the list has.
func (v *violations) kindCounts(phases []Phase) {
	var open, lost int
	var won []int
	for i, ph := range phases {
		switch ph.Kind {
		case KindOpen:
			open++
		case KindWon:
			won = append(won, i)
		case KindLost:
			lost++
		}
	}
	if open == 0 {
		v.add(RuleOpenPhaseRequired, "phases", "a pipeline needs at least one open phase")
	}
	switch {
	case len(won) == 0:
		v.add(RuleExactlyOneWon, "phases", "a pipeline needs exactly one won phase, found none")
	case len(won) > 1:
		for _, i := range won[1:] {
			v.add(RuleExactlyOneWon, fmt.Sprintf("phases[%d].kind", i),
				"a pipeline needs exactly one won phase, found %d", len(won))
		}
	}
	if lost == 0 {
		v.add(RuleLostPhaseRequired, "phases", "a pipeline needs at least one lost phase")
	}
}

// probabilities checks each kind's probability, walking idx (indexes into
// phases in position order).
func (v *violations) probabilities(phases []Phase, idx []int) {
	prev := -1 // index of the previous open phase
	for _, i := range idx {
		ph := phases[i]
		field := fmt.Sprintf("phases[%d].probability", i)
		switch ph.Kind {
		case KindWon:
			if ph.Probability != 100 {
				v.add(RuleWonProbability100, field, "the won phase has probability 100")
			}
		case KindLost, KindExpired:
			if ph.Probability != 0 {
				v.add(RuleClosedProbability0, field, "%s phases have probability 0", ph.Kind)
			}
		case KindOpen:
			if ph.Probability < 1 || ph.Probability > 99 {
				v.add(RuleOpenProbabilityRange, field, "open phases have probability 1 to 99")
				continue // an out-of-range phase is not a fair reference for the next one
			}
			if prev >= 0 && ph.Probability < phases[prev].Probability {
				v.add(RuleOpenNonDecreasing, field,
					"open phase %q (%d%%) comes after %q (%d%%): probability never decreases along the pipeline",
					ph.Name, ph.Probability, phases[prev].Name, phases[prev].Probability)
			}
			prev = i
		}
	}
}

// positionOrder returns the indexes of phases sorted by position.
func positionOrder(phases []Phase) []int {
	idx := make([]int, len(phases))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(phases[a].Position, phases[b].Position) })
	return idx
}

// validColor reports whether c is "#" and six hex digits, in either case.
func validColor(c string) bool {
	if len(c) != 7 || c[0] != '#' {
		return false
	}
	for _, r := range c[1:] {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}

// MaxNameLen is the longest pipeline or phase name, in characters, after
// trimming surrounding white space.
const MaxNameLen = 100

// ValidatePipeline checks the pipeline's name, its phases (see
// ValidatePhases) and its quote settings. Both quote phases are optional; when
// set they must be open phases of this pipeline, and the quote-sent phase must
// come before the quote-signed phase. They must be open because a signature
// is not yet an order: the salesperson closes the deal (won) by hand, and an
// automatic move must never close an opportunity behind their back.
// Errors are *errs.Error with Code Invalid, as ValidatePhases describes.
func ValidatePipeline(p Pipeline) error {
	if fe := validateName("name", p.Name, RulePipelineNameLength); fe != nil {
		return errs.Fields(fe.Message, *fe)
	}
	if err := ValidatePhases(p.Phases); err != nil {
		return err
	}
	var v violations
	for i, ph := range p.Phases {
		if p.ID != uuid.Nil && ph.PipelineID != uuid.Nil && ph.PipelineID != p.ID {
			v.add(RulePhaseInPipeline, fmt.Sprintf("phases[%d].pipeline_id", i),
				"phase %q belongs to another pipeline", ph.Name)
		}
	}
	sent := v.quotePhase(p, p.QuoteSentPhaseID, "quote_sent_phase_id")
	signed := v.quotePhase(p, p.QuoteSignedPhaseID, "quote_signed_phase_id")
	if sent != nil && signed != nil && sent.Position >= signed.Position {
		v.add(RuleQuotePhaseOrder, "quote_signed_phase_id",
			"the quote-signed phase must come after the quote-sent phase")
	}
	return v.err()
}

// quotePhase checks one quote setting and returns its phase when valid.
func (v *violations) quotePhase(p Pipeline, id *uuid.UUID, field string) *Phase {
	if id == nil {
		return nil
	}
	ph, ok := p.Phase(*id)
	if !ok {
		v.add(RuleQuotePhaseInPipeline, field, "the phase is not a phase of this pipeline")
		return nil
	}
	if ph.Kind != KindOpen {
		v.add(RuleQuotePhaseOpen, field, "the phase must be an open phase, not %s", ph.Kind)
		return nil
	}
	return &ph
}

// CheckOneDefault enforces "exactly one default pipeline per workspace" over
// all of a workspace's pipelines, as they would be after a change. The error
// names the rule exactly_one_default, with field is_default.
func CheckOneDefault(pipelines []Pipeline) error {
	n := 0
	for _, p := range pipelines {
		if p.IsDefault {
			n++
		}
	}
	if n == 1 {
		return nil
	}
	return ruleField(RuleExactlyOneDefault, "is_default",
		"a workspace has exactly one default pipeline, found %d", n)
}

// validateName checks a trimmed name's length and returns the violation.
func validateName(field, name string, rule Rule) *errs.FieldError {
	n := utf8.RuneCountInString(strings.TrimSpace(name))
	if n >= 1 && n <= MaxNameLen {
		return nil
	}
	msg := fmt.Sprintf("rule %s: the name must have 1 to %d characters", rule, MaxNameLen)
	return &errs.FieldError{Field: field, Message: msg}
}

// ruleField returns an Invalid error for one field whose message names rule.
func ruleField(rule Rule, field, format string, args ...any) *errs.Error {
	return errs.Field(field, fmt.Sprintf("rule %s: ", rule)+fmt.Sprintf(format, args...))
}

// RuleOf returns the rule named by err's message ("rule <name>: ..."), or ""
// when err names none. Tests and logs use it; clients read the message.
func RuleOf(err error) Rule {
	var e *errs.Error
	if !errors.As(err, &e) {
		return ""
	}
	rest, ok := strings.CutPrefix(e.Message, "rule ")
	if !ok {
		return ""
	}
	name, _, ok := strings.Cut(rest, ":")
	if !ok {
		return ""
	}
	return Rule(name)
}

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
