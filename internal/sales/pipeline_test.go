package sales

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
)

// phase returns an open, won, lost or expired phase with a fresh id.
func phase(name string, prob int, kind PhaseKind, pos int) Phase {
	return Phase{ID: uuid.New(), Name: name, Probability: prob, Kind: kind, Color: "#112233", Position: pos}
}

// basePhases returns a small valid list: Lead 10, Proposal 50, Won, Lost.
func basePhases() []Phase {
	return []Phase{
		phase("Lead", 10, KindOpen, 0),
		phase("Proposal", 50, KindOpen, 1),
		phase("Won", 100, KindWon, 2),
		phase("Lost", 0, KindLost, 3),
	}
}

// wantRule fails unless err is an Invalid error naming rule in its message
// and, when field is not empty, listing field among its fields with a
// message that names the same rule.
func wantRule(t *testing.T, err error, rule Rule, field string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want rule %s", rule)
	}
	if got := errs.CodeOf(err); got != errs.Invalid {
		t.Fatalf("got code %s (%v), want %s", got, err, errs.Invalid)
	}
	if got := RuleOf(err); got != rule {
		t.Fatalf("got rule %q (%v), want %q", got, err, rule)
	}
	if field == "" {
		return
	}
	e, _ := errs.As(err)
	for _, f := range e.Fields {
		if f.Field == field && strings.HasPrefix(f.Message, "rule "+string(rule)+":") {
			return
		}
	}
	t.Fatalf("got fields %+v, want field %q naming rule %s", e.Fields, field, rule)
}

// wantNoErr fails on err.
func wantNoErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("got error %v, want none", err)
	}
}

func TestPhaseKind(t *testing.T) {
	tests := []struct {
		kind   PhaseKind
		valid  bool
		final  bool
		status Status
	}{
		{KindOpen, true, false, StatusOpen},
		{KindWon, true, true, StatusWon},
		{KindLost, true, true, StatusLost},
		{KindExpired, true, true, StatusExpired},
		{"pending", false, false, StatusOpen},
		{"", false, false, StatusOpen},
	}
	for _, tt := range tests {
		if got := tt.kind.Valid(); got != tt.valid {
			t.Errorf("%q.Valid() got %v, want %v", tt.kind, got, tt.valid)
		}
		if got := tt.kind.Final(); got != tt.final {
			t.Errorf("%q.Final() got %v, want %v", tt.kind, got, tt.final)
		}
		if got := tt.kind.Status(); got != tt.status {
			t.Errorf("%q.Status() got %v, want %v", tt.kind, got, tt.status)
		}
		if tt.valid && !tt.kind.Status().Valid() {
			t.Errorf("%q.Status().Valid() got false, want true", tt.kind)
		}
	}
	if Status("closed").Valid() {
		t.Errorf(`Status("closed").Valid() got true, want false`)
	}
}

func TestValidatePhases(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(ps []Phase) []Phase
		rule  Rule   // "" when valid
		field string // a field the error must list
	}{
		{"base list", func(ps []Phase) []Phase { return ps }, "", ""},
		{"with expired", func(ps []Phase) []Phase { return append(ps, phase("Expired", 0, KindExpired, 4)) }, "", ""},
		{"two lost phases", func(ps []Phase) []Phase { return append(ps, phase("Lost 2", 0, KindLost, 4)) }, "", ""},
		{"equal open probabilities", func(ps []Phase) []Phase { ps[1].Probability = 10; return ps }, "", ""},
		{"open probability 1 and 99", func(ps []Phase) []Phase { ps[0].Probability, ps[1].Probability = 1, 99; return ps }, "", ""},
		{"final phase between open phases", func(ps []Phase) []Phase { ps[1].Position, ps[2].Position = 2, 1; return ps }, "", ""},
		{"slice not in position order", func(ps []Phase) []Phase { slices.Reverse(ps); return ps }, "", ""},
		{"positions with gaps", func(ps []Phase) []Phase { ps[3].Position = 40; return ps }, "", ""},
		{"new phases without ids", func(ps []Phase) []Phase { ps[0].ID, ps[1].ID = uuid.Nil, uuid.Nil; return ps }, "", ""},
		{"lower-case colour", func(ps []Phase) []Phase { ps[0].Color = "#abcdef"; return ps }, "", ""},
		{"100-character name", func(ps []Phase) []Phase { ps[0].Name = strings.Repeat("å", 100); return ps }, "", ""},
		{"name padded to 102", func(ps []Phase) []Phase { ps[0].Name = " " + strings.Repeat("x", 100) + " "; return ps }, "", ""},

		{"blank name", func(ps []Phase) []Phase { ps[1].Name = "  "; return ps }, RulePhaseNameLength, "phases[1].name"},
		{"101-character name", func(ps []Phase) []Phase { ps[0].Name = strings.Repeat("å", 101); return ps }, RulePhaseNameLength, "phases[0].name"},
		{"colour word", func(ps []Phase) []Phase { ps[2].Color = "red"; return ps }, RulePhaseColorFormat, "phases[2].color"},
		{"colour short", func(ps []Phase) []Phase { ps[2].Color = "#12345"; return ps }, RulePhaseColorFormat, "phases[2].color"},
		{"colour not hex", func(ps []Phase) []Phase { ps[2].Color = "#GG0000"; return ps }, RulePhaseColorFormat, "phases[2].color"},
		{"colour without hash", func(ps []Phase) []Phase { ps[2].Color = "1122334"; return ps }, RulePhaseColorFormat, "phases[2].color"},
		{"colour empty", func(ps []Phase) []Phase { ps[2].Color = ""; return ps }, RulePhaseColorFormat, "phases[2].color"},
		{"unknown kind", func(ps []Phase) []Phase { ps[3].Kind = "closed"; return ps }, RulePhaseKindKnown, "phases[3].kind"},
		{"probability -1", func(ps []Phase) []Phase { ps[3].Probability = -1; return ps }, RulePhaseProbabilityRange, "phases[3].probability"},
		{"probability 101", func(ps []Phase) []Phase { ps[2].Probability = 101; return ps }, RulePhaseProbabilityRange, "phases[2].probability"},
		{"repeated id", func(ps []Phase) []Phase { ps[2].ID = ps[0].ID; return ps }, RulePhaseIDUnique, "phases[2].id"},
		{"repeated position", func(ps []Phase) []Phase { ps[3].Position = 1; return ps }, RulePhasePositionUnique, "phases[3].position"},

		{"empty list", func([]Phase) []Phase { return nil }, RuleOpenPhaseRequired, "phases"},
		{"no open phase", func(ps []Phase) []Phase { return ps[2:] }, RuleOpenPhaseRequired, "phases"},
		{"no won phase", func(ps []Phase) []Phase { return slices.Delete(ps, 2, 3) }, RuleExactlyOneWon, "phases"},
		{"two won phases", func(ps []Phase) []Phase { return append(ps, phase("Won 2", 100, KindWon, 4)) }, RuleExactlyOneWon, "phases[4].kind"},
		{"no lost phase", func(ps []Phase) []Phase { ps[3].Kind = KindExpired; return ps }, RuleLostPhaseRequired, "phases"},
		{"won 99", func(ps []Phase) []Phase { ps[2].Probability = 99; return ps }, RuleWonProbability100, "phases[2].probability"},
		{"lost 5", func(ps []Phase) []Phase { ps[3].Probability = 5; return ps }, RuleClosedProbability0, "phases[3].probability"},
		{"expired 1", func(ps []Phase) []Phase { return append(ps, phase("Expired", 1, KindExpired, 4)) }, RuleClosedProbability0, "phases[4].probability"},
		{"open 0", func(ps []Phase) []Phase { ps[0].Probability = 0; return ps }, RuleOpenProbabilityRange, "phases[0].probability"},
		{"open 100", func(ps []Phase) []Phase { ps[1].Probability = 100; return ps }, RuleOpenProbabilityRange, "phases[1].probability"},
		{"open decreasing", func(ps []Phase) []Phase { ps[1].Probability = 9; return ps }, RuleOpenNonDecreasing, "phases[1].probability"},
		{"decreasing in position order, not slice order", func(ps []Phase) []Phase {
			ps[0].Position, ps[1].Position = 1, 0
			return ps
		}, RuleOpenNonDecreasing, "phases[0].probability"},
		{"decreasing across a final phase", func(ps []Phase) []Phase {
			return append(ps, phase("Late", 40, KindOpen, 4))
		}, RuleOpenNonDecreasing, "phases[4].probability"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidatePhases(tt.edit(basePhases()))
			if tt.rule == "" {
				wantNoErr(t, err)
				return
			}
			wantRule(t, err, tt.rule, tt.field)
		})
	}
}

// fieldRules returns err's fields as "field=rule" strings.
func fieldRules(t *testing.T, err error) []string {
	t.Helper()
	e, ok := errs.As(err)
	if !ok {
		t.Fatalf("got error %v, want an *errs.Error", err)
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field+"="+string(RuleOf(errs.Invalidf("%s", f.Message))))
	}
	return out
}

func TestValidatePhasesListsEveryViolation(t *testing.T) {
	ps := basePhases()
	ps[2].Probability, ps[3].Probability = 90, 10
	got := fieldRules(t, ValidatePhases(ps))
	want := []string{"phases[2].probability=won_probability_100", "phases[3].probability=closed_probability_0"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}

	got = fieldRules(t, ValidatePhases(nil))
	want = []string{"phases=open_phase_required", "phases=exactly_one_won", "phases=lost_phase_required"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestValidatePhasesFieldErrorsComeFirst(t *testing.T) {
	// An unknown kind would also leave the list without a lost phase; only
	// the cause is reported.
	ps := basePhases()
	ps[3].Kind = "closed"
	got := fieldRules(t, ValidatePhases(ps))
	want := []string{"phases[3].kind=phase_kind_known"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestValidatePipeline(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(p *Pipeline)
		rule  Rule
		field string
	}{
		{"default pipeline", func(*Pipeline) {}, "", ""},
		{"no quote phases", func(p *Pipeline) { p.QuoteSentPhaseID, p.QuoteSignedPhaseID = nil, nil }, "", ""},
		{"only the signed phase", func(p *Pipeline) { p.QuoteSentPhaseID = nil }, "", ""},
		{"new pipeline without ids", func(p *Pipeline) {
			p.ID = uuid.Nil
			for i := range p.Phases {
				p.Phases[i].PipelineID = uuid.Nil
			}
		}, "", ""},
		{"blank name", func(p *Pipeline) { p.Name = " " }, RulePipelineNameLength, "name"},
		{"invalid phases", func(p *Pipeline) { p.Phases[5].Probability = 50 }, RuleWonProbability100, "phases[5].probability"},
		{"phase of another pipeline", func(p *Pipeline) { p.Phases[1].PipelineID = uuid.New() }, RulePhaseInPipeline, "phases[1].pipeline_id"},
		{"quote-sent phase unknown", func(p *Pipeline) { id := uuid.New(); p.QuoteSentPhaseID = &id }, RuleQuotePhaseInPipeline, "quote_sent_phase_id"},
		{"quote-signed phase is won", func(p *Pipeline) { p.QuoteSignedPhaseID = &p.Phases[5].ID }, RuleQuotePhaseOpen, "quote_signed_phase_id"},
		{"quote-sent phase is lost", func(p *Pipeline) { p.QuoteSentPhaseID = &p.Phases[6].ID }, RuleQuotePhaseOpen, "quote_sent_phase_id"},
		{"signed before sent", func(p *Pipeline) {
			p.QuoteSentPhaseID, p.QuoteSignedPhaseID = p.QuoteSignedPhaseID, p.QuoteSentPhaseID
		}, RuleQuotePhaseOrder, "quote_signed_phase_id"},
		{"same quote phase twice", func(p *Pipeline) { p.QuoteSignedPhaseID = p.QuoteSentPhaseID }, RuleQuotePhaseOrder, "quote_signed_phase_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultPipeline()
			tt.edit(&p)
			err := ValidatePipeline(p)
			if tt.rule == "" {
				wantNoErr(t, err)
				return
			}
			wantRule(t, err, tt.rule, tt.field)
		})
	}
}

func TestCheckOneDefault(t *testing.T) {
	tests := []struct {
		defaults []bool
		ok       bool
	}{
		{[]bool{true}, true},
		{[]bool{false, true, false}, true},
		{nil, false},
		{[]bool{false, false}, false},
		{[]bool{true, true}, false},
	}
	for _, tt := range tests {
		var ps []Pipeline
		for _, d := range tt.defaults {
			ps = append(ps, Pipeline{ID: uuid.New(), IsDefault: d})
		}
		err := CheckOneDefault(ps)
		if tt.ok {
			wantNoErr(t, err)
			continue
		}
		wantRule(t, err, RuleExactlyOneDefault, "is_default")
	}
}

func TestDefaultPipeline(t *testing.T) {
	p := DefaultPipeline()
	wantNoErr(t, ValidatePipeline(p))
	if !p.IsDefault {
		t.Errorf("got IsDefault false, want true")
	}
	want := []struct {
		name string
		prob int
		kind PhaseKind
	}{
		{"Lead", 10, KindOpen}, {"Qualified", 25, KindOpen}, {"Proposal", 50, KindOpen},
		{"Quotation sent", 60, KindOpen}, {"Quotation signed", 90, KindOpen},
		{"Won", 100, KindWon}, {"Lost", 0, KindLost}, {"Expired", 0, KindExpired},
	}
	if len(p.Phases) != len(want) {
		t.Fatalf("got %d phases, want %d", len(p.Phases), len(want))
	}
	colors := map[string]bool{}
	for i, w := range want {
		ph := p.Phases[i]
		if ph.Name != w.name || ph.Probability != w.prob || ph.Kind != w.kind || ph.Position != i || ph.PipelineID != p.ID {
			t.Errorf("got phase %d %+v, want %s %d %s at %d", i, ph, w.name, w.prob, w.kind, i)
		}
		colors[ph.Color] = true
	}
	if len(colors) != len(want) {
		t.Errorf("got %d distinct colours, want %d", len(colors), len(want))
	}
	if *p.QuoteSentPhaseID != p.Phases[DefaultQuoteSentIndex].ID || p.Phases[DefaultQuoteSentIndex].Name != "Quotation sent" {
		t.Errorf("got quote-sent phase %v, want %q", *p.QuoteSentPhaseID, "Quotation sent")
	}
	if *p.QuoteSignedPhaseID != p.Phases[DefaultQuoteSignedIndex].ID || p.Phases[DefaultQuoteSignedIndex].Name != "Quotation signed" {
		t.Errorf("got quote-signed phase %v, want %q", *p.QuoteSignedPhaseID, "Quotation signed")
	}
	if q := DefaultPipeline(); q.ID == p.ID || q.Phases[0].ID == p.Phases[0].ID {
		t.Errorf("got the same ids from two calls, want fresh ones")
	}
}

func TestDefaultSources(t *testing.T) {
	want := []string{"Website", "E-mail campaign", "Advertisement", "Search engine", "Referral", "Event"}
	if got := DefaultSources(); !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestPipelineLookups(t *testing.T) {
	p := DefaultPipeline()
	slices.Reverse(p.Phases) // lookups must not depend on slice order
	tests := []struct {
		kind PhaseKind
		want string
	}{{KindOpen, "Lead"}, {KindWon, "Won"}, {KindLost, "Lost"}, {KindExpired, "Expired"}}
	for _, tt := range tests {
		ph, ok := p.FirstOfKind(tt.kind)
		if !ok || ph.Name != tt.want {
			t.Errorf("FirstOfKind(%s) got %q, %v, want %q, true", tt.kind, ph.Name, ok, tt.want)
		}
	}
	if _, ok := (Pipeline{}).FirstOfKind(KindOpen); ok {
		t.Errorf("FirstOfKind on no phases got ok, want not found")
	}
	if ph, ok := p.Phase(p.Phases[2].ID); !ok || ph.ID != p.Phases[2].ID {
		t.Errorf("Phase(known) got %v, %v, want it found", ph.ID, ok)
	}
	if _, ok := p.Phase(uuid.New()); ok {
		t.Errorf("Phase(unknown) got found, want not found")
	}
}

func TestRuleOf(t *testing.T) {
	tests := []struct {
		err  error
		want Rule
	}{
		{nil, ""},
		{errs.Invalidf("no rule here"), ""},
		{errs.Invalidf("rule without colon"), ""},
		{ruleField(RuleExactlyOneWon, "phases", "x"), RuleExactlyOneWon},
	}
	for _, tt := range tests {
		if got := RuleOf(tt.err); got != tt.want {
			t.Errorf("RuleOf(%v) got %q, want %q", tt.err, got, tt.want)
		}
	}
}

// names returns the phases' names, checking that positions are 0..n-1.
func names(t *testing.T, ps []Phase) []string {
	t.Helper()
	var out []string
	for i, ph := range ps {
		if ph.Position != i {
			t.Errorf("got phase %q at position %d, want %d", ph.Name, ph.Position, i)
		}
		out = append(out, ph.Name)
	}
	return out
}

// wantNames fails unless err is nil and ps has the names in order.
func wantNames(t *testing.T, ps []Phase, err error, want ...string) {
	t.Helper()
	wantNoErr(t, err)
	if got := names(t, ps); !slices.Equal(got, want) {
		t.Errorf("got phases %v, want %v", got, want)
	}
}

// wantFailure fails unless err names rule on field, or, for rule "",
// is a NotFound error.
func wantFailure(t *testing.T, ps []Phase, err error, rule Rule, field string) {
	t.Helper()
	if ps != nil {
		t.Errorf("got phases %v with an error, want nil", ps)
	}
	if rule == "" {
		if !errs.Is(err, errs.NotFound) {
			t.Fatalf("got %v, want a NotFound error", err)
		}
		return
	}
	wantRule(t, err, rule, field)
}

func TestAddPhase(t *testing.T) {
	pipelineID := uuid.New()
	tests := []struct {
		name  string
		p     Phase
		at    int
		want  []string
		rule  Rule
		field string
	}{
		{"first", phase("Cold", 5, KindOpen, 99), 0, []string{"Cold", "Lead", "Proposal", "Won", "Lost"}, "", ""},
		{"middle", phase("Meeting", 30, KindOpen, 0), 1, []string{"Lead", "Meeting", "Proposal", "Won", "Lost"}, "", ""},
		{"append", phase("Expired", 0, KindExpired, 0), 4, []string{"Lead", "Proposal", "Won", "Lost", "Expired"}, "", ""},
		{"before -1", phase("X", 5, KindOpen, 0), -1, nil, RulePositionRange, "position"},
		{"past the end", phase("X", 5, KindOpen, 0), 5, nil, RulePositionRange, "position"},
		{"higher than the next", phase("Meeting", 60, KindOpen, 0), 1, nil, RuleOpenNonDecreasing, "phases[2].probability"},
		{"lower than the previous", phase("Meeting", 5, KindOpen, 0), 1, nil, RuleOpenNonDecreasing, "probability"},
		{"second won", phase("Won 2", 100, KindWon, 0), 4, nil, RuleExactlyOneWon, "kind"},
		{"bad colour", Phase{Name: "X", Probability: 20, Kind: KindOpen, Color: "blue"}, 1, nil, RulePhaseColorFormat, "color"},
		{"no id yet", Phase{ID: uuid.Nil, Name: "X", Probability: 20, Kind: KindOpen, Color: "#000000"}, 1, []string{"Lead", "X", "Proposal", "Won", "Lost"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := basePhases()
			for i := range base {
				base[i].PipelineID = pipelineID
			}
			slices.Reverse(base) // the helpers order by position themselves
			before := slices.Clone(base)
			got, err := AddPhase(base, tt.p, tt.at)
			if !slices.Equal(base, before) {
				t.Errorf("got input changed to %v, want it untouched", base)
			}
			if tt.rule != "" {
				wantFailure(t, got, err, tt.rule, tt.field)
				return
			}
			wantNames(t, got, err, tt.want...)
			if added := got[tt.at]; added.PipelineID != pipelineID {
				t.Errorf("got pipeline %v on the new phase, want %v", added.PipelineID, pipelineID)
			}
		})
	}
}

func TestAddPhaseNormalizes(t *testing.T) {
	got, err := AddPhase(basePhases(), Phase{Name: "  Demo \n", Probability: 30, Kind: KindOpen, Color: "#a1b2c3"}, 1)
	wantNoErr(t, err)
	if got[1].Name != "Demo" || got[1].Color != "#A1B2C3" {
		t.Errorf("got name %q colour %q, want %q %q", got[1].Name, got[1].Color, "Demo", "#A1B2C3")
	}
	_, err = AddPhase(basePhases(), Phase{Name: "   ", Probability: 30, Kind: KindOpen, Color: "#000000"}, 1)
	wantRule(t, err, RulePhaseNameLength, "name")

	base := basePhases()
	dup := base[0]
	dup.Name = "Copy"
	_, err = AddPhase(base, dup, 1)
	wantRule(t, err, RulePhaseIDUnique, "id")
}

func TestUpdatePhase(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(ps []Phase) Phase // returns the update, built from ps
		want  []string
		rule  Rule
		field string
	}{
		{"rename", func(ps []Phase) Phase { p := ps[1]; p.Name = " Offer "; return p },
			[]string{"Lead", "Offer", "Won", "Lost"}, "", ""},
		{"position in the update is ignored", func(ps []Phase) Phase { p := ps[0]; p.Position = 3; p.Probability = 20; return p },
			[]string{"Lead", "Proposal", "Won", "Lost"}, "", ""},
		{"unknown id", func([]Phase) Phase { return phase("X", 10, KindOpen, 0) }, nil, "", ""},
		{"lower than the previous", func(ps []Phase) Phase { p := ps[1]; p.Probability = 5; return p },
			nil, RuleOpenNonDecreasing, "probability"},
		{"higher than the next", func(ps []Phase) Phase { p := ps[0]; p.Probability = 60; return p },
			nil, RuleOpenNonDecreasing, "phases[1].probability"},
		{"won made open", func(ps []Phase) Phase { p := ps[2]; p.Kind = KindOpen; return p },
			nil, RuleExactlyOneWon, "phases"},
		{"lost at 10", func(ps []Phase) Phase { p := ps[3]; p.Probability = 10; return p },
			nil, RuleClosedProbability0, "probability"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := basePhases()
			before := slices.Clone(base)
			got, err := UpdatePhase(base, tt.edit(base))
			if !slices.Equal(base, before) {
				t.Errorf("got input changed to %v, want it untouched", base)
			}
			if tt.want == nil {
				wantFailure(t, got, err, tt.rule, tt.field)
				return
			}
			wantNames(t, got, err, tt.want...)
		})
	}
}

func TestRemovePhase(t *testing.T) {
	tests := []struct {
		name  string
		at    int // index into basePhases, -1 for an unknown id
		want  []string
		rule  Rule
		field string
	}{
		{"open phase", 0, []string{"Proposal", "Won", "Lost"}, "", ""},
		{"unknown id", -1, nil, "", ""},
		{"the won phase", 2, nil, RuleExactlyOneWon, "phases"},
		{"the only lost phase", 3, nil, RuleLostPhaseRequired, "phases"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := basePhases()
			id := uuid.New()
			if tt.at >= 0 {
				id = base[tt.at].ID
			}
			got, err := RemovePhase(base, id)
			if tt.want == nil {
				wantFailure(t, got, err, tt.rule, tt.field)
				return
			}
			wantNames(t, got, err, tt.want...)
		})
	}
}

func TestRemoveLastOpenPhase(t *testing.T) {
	base := basePhases()[1:]
	got, err := RemovePhase(base, base[0].ID)
	wantFailure(t, got, err, RuleOpenPhaseRequired, "phases")
}

func TestReorderPhases(t *testing.T) {
	tests := []struct {
		name  string
		order func(ps []Phase) []uuid.UUID
		want  []string
		rule  Rule
	}{
		{"finals first", func(ps []Phase) []uuid.UUID { return []uuid.UUID{ps[3].ID, ps[2].ID, ps[0].ID, ps[1].ID} },
			[]string{"Lost", "Won", "Lead", "Proposal"}, ""},
		{"unchanged", func(ps []Phase) []uuid.UUID { return []uuid.UUID{ps[0].ID, ps[1].ID, ps[2].ID, ps[3].ID} },
			[]string{"Lead", "Proposal", "Won", "Lost"}, ""},
		{"open phases swapped", func(ps []Phase) []uuid.UUID { return []uuid.UUID{ps[1].ID, ps[0].ID, ps[2].ID, ps[3].ID} },
			nil, RuleOpenNonDecreasing},
		{"one missing", func(ps []Phase) []uuid.UUID { return []uuid.UUID{ps[0].ID, ps[1].ID, ps[2].ID} },
			nil, RuleOrderListsEveryPhase},
		{"one extra", func(ps []Phase) []uuid.UUID { return []uuid.UUID{ps[0].ID, ps[1].ID, ps[2].ID, ps[3].ID, uuid.New()} },
			nil, RuleOrderListsEveryPhase},
		{"one repeated", func(ps []Phase) []uuid.UUID { return []uuid.UUID{ps[0].ID, ps[1].ID, ps[2].ID, ps[2].ID} },
			nil, RuleOrderListsEveryPhase},
		{"one unknown", func(ps []Phase) []uuid.UUID { return []uuid.UUID{ps[0].ID, ps[1].ID, ps[2].ID, uuid.New()} },
			nil, RuleOrderListsEveryPhase},
		{"empty", func([]Phase) []uuid.UUID { return nil }, nil, RuleOrderListsEveryPhase},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := basePhases()
			got, err := ReorderPhases(base, tt.order(base))
			if tt.rule != "" {
				field := "phase_ids"
				if tt.rule == RuleOpenNonDecreasing {
					field = "phases[1].probability"
				}
				wantFailure(t, got, err, tt.rule, field)
				return
			}
			wantNames(t, got, err, tt.want...)
		})
	}
}

func TestCheckMoveTarget(t *testing.T) {
	ps := basePhases()
	unknown := uuid.New()
	tests := []struct {
		name   string
		target *uuid.UUID
		ok     bool
	}{
		{"another phase", &ps[1].ID, true},
		{"a final phase", &ps[3].ID, true},
		{"none", nil, false},
		{"the removed phase", &ps[0].ID, false},
		{"a phase of another pipeline", &unknown, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CheckMoveTarget(ps, ps[0].ID, tt.target)
			if !tt.ok {
				wantRule(t, err, RuleMoveTargetRequired, "move_to_phase_id")
				return
			}
			wantNoErr(t, err)
			if got.ID != *tt.target {
				t.Errorf("got phase %v, want %v", got.ID, *tt.target)
			}
		})
	}
}
