package sales

import (
	"slices"
	"strings"
	"testing"
)

func TestOpportunityFieldsAreBounded(t *testing.T) {
	tests := []struct {
		name        string
		title       string
		amount      int64
		currency    string
		description string
		want        []string
	}{
		{"valid", "Deal", 0, "EUR", "", nil},
		{"largest amount", "Deal", 999_999_999_999_999, "SEK", strings.Repeat("x", 20000), nil},
		{"title of 200 characters", strings.Repeat("ä", 200), 1, "EUR", "", nil},
		{"title padded with spaces", "  " + strings.Repeat("t", 200) + "  ", 1, "EUR", "", nil},
		{"blank title", "   ", 1, "EUR", "", []string{"title"}},
		{"title of 201 characters", strings.Repeat("t", 201), 1, "EUR", "", []string{"title"}},
		{"negative amount", "Deal", -1, "EUR", "", []string{"estimated_amount"}},
		{"amount over 2^53", "Deal", 1_000_000_000_000_000, "EUR", "", []string{"estimated_amount"}},
		{"unknown currency", "Deal", 1, "XXY", "", []string{"currency"}},
		{"lower-case currency", "Deal", 1, "eur", "", []string{"currency"}},
		{"description over 20000", "Deal", 1, "EUR", strings.Repeat("x", 20001), []string{"description"}},
		{"everything wrong", "", -5, "", strings.Repeat("x", 20001), []string{"title", "estimated_amount", "currency", "description"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range checkOpportunityFields(tt.title, tt.amount, tt.currency, tt.description) {
				got = append(got, f.Field)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got fields %v, want %v", got, tt.want)
			}
		})
	}
}

func TestOpportunityStateRoundTrips(t *testing.T) {
	closed := day(2026, 4, 1)
	st := PhaseState{PhaseID: basePhases()[2].ID, Probability: 100, ProbabilityOverride: intp(40), Status: StatusWon, ClosedAt: &closed}
	var o Opportunity
	o.withState(st)
	got := o.State()
	if got.PhaseID != st.PhaseID || got.Probability != 100 || got.ProbabilityOverride != st.ProbabilityOverride ||
		got.Status != StatusWon || got.ClosedAt != &closed {
		t.Errorf("got %+v, want %+v", got, st)
	}
	o.EstimatedAmount = 1000
	if w := o.WeightedAmount(); w != 1000 {
		t.Errorf("weighted amount at 100 %%: got %d, want 1000", w)
	}
}
