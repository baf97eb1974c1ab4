package sales

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestWinRateIsRoundedHalfUp(t *testing.T) {
	tests := []struct {
		won, closed int
		want        *int
	}{
		{0, 0, nil}, // nothing closed: no rate, not 0 %
		{0, 3, ptr(0)},
		{3, 3, ptr(10000)},
		{1, 3, ptr(3333)},  // 3333.33…
		{2, 3, ptr(6667)},  // 6666.66…
		{1, 8, ptr(1250)},  // exact
		{1, 20000, ptr(1)}, // 0.5 rounds up
		{1, 20001, ptr(0)}, // 0.49998 rounds down
		{7, 9, ptr(7778)},  // 7777.77…
		{5, 40000, ptr(1)}, // 1.25
		{3, 40000, ptr(1)}, // 0.75
		{1, 30000, ptr(0)}, // 0.33
		{9999, 10000, ptr(9999)},
	}
	for _, tt := range tests {
		got := rate(tt.won, tt.closed)
		if (got == nil) != (tt.want == nil) || got != nil && *got != *tt.want {
			t.Errorf("rate(%d, %d): got %s, want %s", tt.won, tt.closed, show(got), show(tt.want))
		}
	}
}

func TestDefaultForecastRangeIsThisMonthAndTheNextEleven(t *testing.T) {
	tests := []struct {
		now      time.Time
		from, to time.Time
	}{
		{time.Date(2026, 3, 17, 15, 4, 5, 0, time.UTC), day(2026, 3, 1), day(2027, 2, 28)},
		{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), day(2026, 1, 1), day(2026, 12, 31)},
		{time.Date(2027, 12, 31, 23, 59, 0, 0, time.UTC), day(2027, 12, 1), day(2028, 11, 30)},
		{time.Date(2027, 3, 31, 9, 0, 0, 0, time.UTC), day(2027, 3, 1), day(2028, 2, 29)},
	}
	for _, tt := range tests {
		from, to := DefaultForecastRange(tt.now)
		if !from.Equal(tt.from) || !to.Equal(tt.to) {
			t.Errorf("now %s: got %s…%s, want %s…%s", tt.now, from, to, tt.from, tt.to)
		}
	}
}

func TestForecastQueryChecksGroupAndRange(t *testing.T) {
	now := time.Date(2026, 5, 20, 12, 0, 0, 0, time.UTC)
	s := NewService(nil, Deps{Now: func() time.Time { return now }})
	tests := []struct {
		name     string
		q        ForecastQuery
		field    string
		from, to time.Time
	}{
		{"defaults", ForecastQuery{GroupBy: ByMonth}, "", day(2026, 5, 1), day(2027, 4, 30)},
		{"only from", ForecastQuery{GroupBy: ByPhase, From: day(2026, 1, 1)}, "", day(2026, 1, 1), day(2027, 4, 30)},
		{"only to", ForecastQuery{GroupBy: ByOwner, To: day(2026, 6, 30)}, "", day(2026, 5, 1), day(2026, 6, 30)},
		{"both", ForecastQuery{GroupBy: BySource, From: day(2020, 1, 1), To: day(2020, 1, 1)}, "", day(2020, 1, 1), day(2020, 1, 1)},
		{"ten years", ForecastQuery{GroupBy: ByPipeline, From: day(2020, 1, 1), To: day(2029, 12, 31)}, "", day(2020, 1, 1), day(2029, 12, 31)},
		{"over ten years", ForecastQuery{GroupBy: ByMonth, From: day(2020, 1, 1), To: day(2031, 1, 1)}, "to", time.Time{}, time.Time{}},
		{"to before from", ForecastQuery{GroupBy: ByMonth, From: day(2026, 2, 2), To: day(2026, 2, 1)}, "to", time.Time{}, time.Time{}},
		{"unknown group", ForecastQuery{GroupBy: "week"}, "group_by", time.Time{}, time.Time{}},
		{"no group", ForecastQuery{}, "group_by", time.Time{}, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := s.forecastQuery(tt.q)
			if tt.field != "" {
				wantFields(t, err, tt.field)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !q.From.Equal(tt.from) || !q.To.Equal(tt.to) || q.GroupBy != tt.q.GroupBy {
				t.Errorf("got %s %s…%s, want %s %s…%s", q.GroupBy, q.From, q.To, tt.q.GroupBy, tt.from, tt.to)
			}
		})
	}
}

func TestForecastRefusesBadQueriesBeforeReading(t *testing.T) {
	s := NewService(nil, Deps{}) // a nil store panics if it is read
	_, err := s.Forecast(context.Background(), ForecastQuery{GroupBy: "week"})
	wantFields(t, err, "group_by")
}

func TestSourceNameIsTrimmedAndBounded(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"  Fair  ", "Fair", true},
		{"", "", false},
		{"   ", "", false},
		{strings.Repeat("å", 100), strings.Repeat("å", 100), true},
		{strings.Repeat("a", 101), "", false},
	}
	for _, tt := range tests {
		got, err := sourceName(tt.in)
		if !tt.ok {
			wantFields(t, err, "name")
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("sourceName(%q): got %q, %v, want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestSourceChangesNeedAnAdminAndAValidName(t *testing.T) {
	s := NewService(nil, Deps{}) // a nil store panics if it is touched
	member := identity.WithPrincipal(context.Background(), identity.Principal{UserID: uuid.New(), Role: identity.RoleMember})
	admin := identity.WithPrincipal(context.Background(), identity.Principal{UserID: uuid.New(), Role: identity.RoleAdmin})

	_, err := s.CreateSource(member, "Fair", true, 0)
	wantCode(t, err, errs.Forbidden)
	_, err = s.UpdateSource(member, uuid.New(), SourcePatch{}, nil)
	wantCode(t, err, errs.Forbidden)
	wantCode(t, s.DeleteSource(member, uuid.New(), nil), errs.Forbidden)

	_, err = s.CreateSource(admin, " ", true, 0)
	wantFields(t, err, "name")
	_, err = s.UpdateSource(admin, uuid.New(), SourcePatch{Name: ptr("")}, nil)
	wantFields(t, err, "name")
}

func TestSourceConflictSaysTheNameIsTaken(t *testing.T) {
	if err := sourceConflict(nil); err != nil {
		t.Errorf("nil: got %v, want nil", err)
	}
	other := errs.NotFoundf("gone")
	if err := sourceConflict(other); err != other {
		t.Errorf("not found: got %v, want it unchanged", err)
	}
	err := sourceConflict(errs.Conflictf("unique violation"))
	wantCode(t, err, errs.Conflict)
	if !strings.Contains(err.Error(), "a source with this name already exists") {
		t.Errorf("got %q, want it to say the name is taken", err)
	}
}

func TestPhaseAtPosition(t *testing.T) {
	phases := basePhases()
	tests := []struct {
		name string
		pos  *int
		want *uuid.UUID
		err  bool
	}{
		{"no position", nil, nil, false},
		{"first", ptr(0), &phases[0].ID, false},
		{"last", ptr(3), &phases[3].ID, false},
		{"none there", ptr(4), nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := phaseAtPosition(phases, tt.pos, "quote_sent_phase_position")
			if tt.err {
				wantFields(t, err, "quote_sent_phase_position")
				return
			}
			if err != nil || (got == nil) != (tt.want == nil) || got != nil && *got != *tt.want {
				t.Errorf("got %v, %v, want %v", got, err, tt.want)
			}
		})
	}
}

func TestPrefixFieldsNamesTheNestedObject(t *testing.T) {
	err := prefixFields(errs.Fields("bad", errs.FieldError{Field: "name"}, errs.FieldError{Field: "email"}), "person.")
	wantFields(t, err, "person.name", "person.email")
	plain := errs.NotFoundf("x")
	if got := prefixFields(plain, "person."); got != plain {
		t.Errorf("got %v, want the error unchanged", got)
	}
}

func TestCreatePipelineRefusesBeforeStoring(t *testing.T) {
	s := NewService(nil, Deps{}) // a nil store panics if it is touched
	member := identity.WithPrincipal(context.Background(), identity.Principal{UserID: uuid.New(), Role: identity.RoleMember})
	admin := identity.WithPrincipal(context.Background(), identity.Principal{UserID: uuid.New(), Role: identity.RoleAdmin})
	_, err := s.CreatePipeline(member, NewPipeline{Name: "B2B", Phases: basePhases()})
	wantCode(t, err, errs.Forbidden)

	_, err = s.CreatePipeline(admin, NewPipeline{Name: "B2B", Phases: basePhases(), QuoteSentPosition: ptr(9)})
	wantFields(t, err, "quote_sent")
	_, err = s.CreatePipeline(admin, NewPipeline{Name: "B2B", Phases: basePhases(), QuoteSentPosition: ptr(1), QuoteSignedPosition: ptr(9)})
	wantFields(t, err, "quote_signed")
	_, err = s.CreatePipeline(admin, NewPipeline{Name: "B2B", Phases: basePhases()[2:]})
	wantRule(t, err, RuleOpenPhaseRequired, "phases")
}
