package sales

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
)

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
