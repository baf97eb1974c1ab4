package sales

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
)

func intp(v int) *int { return &v }

func timep(t time.Time) *time.Time { return &t }

// wantState fails unless got equals want, comparing pointed-to values.
func wantState(t *testing.T, got, want PhaseState) {
	t.Helper()
	if got.PhaseID != want.PhaseID || got.Probability != want.Probability || got.Status != want.Status {
		t.Errorf("got phase %v probability %d status %s, want phase %v probability %d status %s",
			got.PhaseID, got.Probability, got.Status, want.PhaseID, want.Probability, want.Status)
	}
	if (got.ProbabilityOverride == nil) != (want.ProbabilityOverride == nil) ||
		got.ProbabilityOverride != nil && *got.ProbabilityOverride != *want.ProbabilityOverride {
		t.Errorf("got override %s, want %s", show(got.ProbabilityOverride), show(want.ProbabilityOverride))
	}
	if (got.ClosedAt == nil) != (want.ClosedAt == nil) ||
		got.ClosedAt != nil && !got.ClosedAt.Equal(*want.ClosedAt) {
		t.Errorf("got closed_at %v, want %v", got.ClosedAt, want.ClosedAt)
	}
	if got.ClosedAt != nil && got.ClosedAt.Location() != time.UTC {
		t.Errorf("got closed_at in %v, want UTC", got.ClosedAt.Location())
	}
}

func show(p *int) string {
	if p == nil {
		return "none"
	}
	return strconv.Itoa(*p)
}

func TestEnterPhase(t *testing.T) {
	p := DefaultPipeline()
	lead, proposal, won, lost, expired := p.Phases[0], p.Phases[2], p.Phases[5], p.Phases[6], p.Phases[7]
	now := time.Date(2025, 3, 4, 11, 0, 0, 0, time.FixedZone("CET", 3600))
	earlier := time.Date(2025, 2, 1, 9, 0, 0, 0, time.UTC)
	openIn := func(ph Phase, override *int) PhaseState {
		return PhaseState{PhaseID: ph.ID, Probability: EffectiveProbability(ph, override), ProbabilityOverride: override, Status: StatusOpen}
	}
	closedIn := func(ph Phase, at time.Time) PhaseState {
		return PhaseState{PhaseID: ph.ID, Probability: EffectiveProbability(ph, nil), Status: ph.Kind.Status(), ClosedAt: timep(at)}
	}
	tests := []struct {
		name string
		cur  PhaseState
		to   Phase
		want PhaseState
	}{
		{"new opportunity", PhaseState{}, lead, openIn(lead, nil)},
		{"open to open", openIn(lead, nil), proposal, openIn(proposal, nil)},
		{"open to open ends the override", openIn(lead, intp(80)), proposal, openIn(proposal, nil)},
		{"back to an earlier open phase", openIn(proposal, nil), lead, openIn(lead, nil)},
		{"open to won", openIn(proposal, intp(70)), won, closedIn(won, now)},
		{"open to lost", openIn(proposal, intp(70)), lost, closedIn(lost, now)},
		{"open to expired", openIn(lead, nil), expired, closedIn(expired, now)},
		{"won to open reopens", closedIn(won, earlier), proposal, openIn(proposal, nil)},
		{"won to lost is a new closing", closedIn(won, earlier), lost, closedIn(lost, now)},
		{"same open phase keeps the override", openIn(proposal, intp(70)), proposal, openIn(proposal, intp(70))},
		{"same final phase keeps closed_at", closedIn(won, earlier), won, closedIn(won, earlier)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantState(t, EnterPhase(tt.cur, tt.to, now), tt.want)
		})
	}
}

func TestEnterPhaseUsesPhaseProbability(t *testing.T) {
	// A final phase forces 100/0 even if its stored probability were off.
	odd := Phase{ID: uuid.New(), Kind: KindWon, Probability: 42}
	if got := EnterPhase(PhaseState{}, odd, time.Now()).Probability; got != 100 {
		t.Errorf("got probability %d, want 100", got)
	}
}

func TestSetOverride(t *testing.T) {
	p := DefaultPipeline()
	proposal, won, lost := p.Phases[2], p.Phases[5], p.Phases[6]
	closed := timep(time.Date(2025, 2, 1, 9, 0, 0, 0, time.UTC))
	inProposal := PhaseState{PhaseID: proposal.ID, Probability: 50, Status: StatusOpen}
	overridden := PhaseState{PhaseID: proposal.ID, Probability: 70, ProbabilityOverride: intp(70), Status: StatusOpen}
	inWon := PhaseState{PhaseID: won.ID, Probability: 100, Status: StatusWon, ClosedAt: closed}
	tests := []struct {
		name     string
		cur      PhaseState
		phase    Phase
		override *int
		want     PhaseState
		rule     Rule
	}{
		{"set", inProposal, proposal, intp(70), overridden, ""},
		{"set 0", inProposal, proposal, intp(0), PhaseState{PhaseID: proposal.ID, Probability: 0, ProbabilityOverride: intp(0), Status: StatusOpen}, ""},
		{"set 100", inProposal, proposal, intp(100), PhaseState{PhaseID: proposal.ID, Probability: 100, ProbabilityOverride: intp(100), Status: StatusOpen}, ""},
		{"replace", overridden, proposal, intp(20), PhaseState{PhaseID: proposal.ID, Probability: 20, ProbabilityOverride: intp(20), Status: StatusOpen}, ""},
		{"clear", overridden, proposal, nil, inProposal, ""},
		{"clear in a final phase", inWon, won, nil, inWon, ""},
		{"below 0", inProposal, proposal, intp(-1), inProposal, RuleOverrideRange},
		{"above 100", inProposal, proposal, intp(101), inProposal, RuleOverrideRange},
		{"in a won phase", inWon, won, intp(50), inWon, RuleFinalProbabilityFixed},
		{"in a lost phase", PhaseState{PhaseID: lost.ID, Status: StatusLost, ClosedAt: closed}, lost, intp(0),
			PhaseState{PhaseID: lost.ID, Status: StatusLost, ClosedAt: closed}, RuleFinalProbabilityFixed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SetOverride(tt.cur, tt.phase, tt.override)
			if tt.rule != "" {
				wantRule(t, err, tt.rule, "probability")
			} else {
				wantNoErr(t, err)
			}
			wantState(t, got, tt.want)
		})
	}
}

func TestSetOverrideCopiesTheValue(t *testing.T) {
	p := DefaultPipeline()
	v := 70
	got, err := SetOverride(PhaseState{PhaseID: p.Phases[0].ID, Status: StatusOpen}, p.Phases[0], &v)
	wantNoErr(t, err)
	v = 5
	if *got.ProbabilityOverride != 70 {
		t.Errorf("got override %d after changing the caller's variable, want 70", *got.ProbabilityOverride)
	}
}

func TestSetOverrideWrongPhase(t *testing.T) {
	p := DefaultPipeline()
	_, err := SetOverride(PhaseState{PhaseID: p.Phases[0].ID}, p.Phases[1], intp(50))
	if got := errs.CodeOf(err); got != errs.Internal {
		t.Errorf("got code %s, want %s", got, errs.Internal)
	}
}

func TestEffectiveProbability(t *testing.T) {
	tests := []struct {
		kind     PhaseKind
		phase    int
		override *int
		want     int
	}{
		{KindOpen, 40, nil, 40},
		{KindOpen, 40, intp(0), 0},
		{KindOpen, 40, intp(85), 85},
		{KindWon, 100, nil, 100},
		{KindWon, 100, intp(10), 100},
		{KindLost, 0, intp(90), 0},
		{KindExpired, 0, nil, 0},
	}
	for _, tt := range tests {
		got := EffectiveProbability(Phase{Kind: tt.kind, Probability: tt.phase}, tt.override)
		if got != tt.want {
			t.Errorf("%s %d override %s: got %d, want %d", tt.kind, tt.phase, show(tt.override), got, tt.want)
		}
	}
}

func TestCheckPhaseInPipeline(t *testing.T) {
	a, b := DefaultPipeline(), DefaultPipeline()
	wantNoErr(t, CheckPhaseInPipeline(a.Phases[0], a.ID))
	err := CheckPhaseInPipeline(b.Phases[0], a.ID)
	wantRule(t, err, RulePhaseInPipeline, "phase_id")
	if e, _ := errs.As(err); e.Fields[0].Message != "rule phase_in_pipeline: phase belongs to another pipeline" {
		t.Errorf("got message %q, want it to say the phase belongs to another pipeline", e.Fields[0].Message)
	}
}

func TestCheckPipelineChange(t *testing.T) {
	a, b := DefaultPipeline(), DefaultPipeline()
	tests := []struct {
		name      string
		cur, next uuid.UUID
		phase     *Phase
		rule      Rule
	}{
		{"same pipeline, no phase", a.ID, a.ID, nil, ""},
		{"same pipeline, its phase", a.ID, a.ID, &a.Phases[1], ""},
		{"same pipeline, foreign phase", a.ID, a.ID, &b.Phases[1], RulePhaseInPipeline},
		{"new pipeline, its phase", a.ID, b.ID, &b.Phases[0], ""},
		{"new pipeline, no phase", a.ID, b.ID, nil, RulePhaseOnPipelineChange},
		{"new pipeline, old phase", a.ID, b.ID, &a.Phases[0], RulePhaseInPipeline},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPipelineChange(tt.cur, tt.next, tt.phase)
			if tt.rule == "" {
				wantNoErr(t, err)
				return
			}
			wantRule(t, err, tt.rule, "phase_id")
		})
	}
}

// The description's limit counts characters, as the API states it: 20 000
// "å" are 40 000 bytes and allowed; one more character is not.
func TestDescriptionLimitCountsCharacters(t *testing.T) {
	at := strings.Repeat("å", MaxDescriptionLen)
	if fe := checkOpportunityFields("Deal", 0, "SEK", at); len(fe) != 0 {
		t.Errorf("%d characters (%d bytes): got %v, want no error", MaxDescriptionLen, len(at), fe)
	}
	if fe := checkOpportunityFields("Deal", 0, "SEK", at+"a"); len(fe) != 1 || fe[0].Field != "description" {
		t.Errorf("%d characters: got %v, want one error on description", MaxDescriptionLen+1, fe)
	}
}
