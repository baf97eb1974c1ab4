package sales

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/money"
	"github.com/acme/crm/internal/patch"
)

// deal holds one opportunity, its lines and its pipelines in memory and
// records what the service hands to storage. It answers only the calls the
// line and update rules make (the nil embedded Store panics on others); it
// checks no rule itself, so every refusal below is the service's.
type deal struct {
	Store
	opp       Opportunity
	lines     []Line
	pipelines []Pipeline
	saved     int
	changes   []PhaseChange
}

func (d *deal) WithTx(ctx context.Context, fn func(ctx context.Context) error) error { return fn(ctx) }
func (d *deal) LockOpportunity(context.Context, uuid.UUID) (Opportunity, error)      { return d.opp, nil }
func (d *deal) Opportunity(context.Context, uuid.UUID) (Opportunity, error)          { return d.opp, nil }
func (d *deal) SaveOpportunity(_ context.Context, o Opportunity) error {
	o.Version++
	d.opp, d.saved = o, d.saved+1
	return nil
}
func (d *deal) Lines(context.Context, uuid.UUID) ([]Line, error) { return slices.Clone(d.lines), nil }
func (d *deal) Line(_ context.Context, _, id uuid.UUID) (Line, error) {
	for _, l := range d.lines {
		if l.ID == id {
			return l, nil
		}
	}
	return Line{}, errs.NotFoundf("no line")
}
func (d *deal) CreateLine(_ context.Context, l Line) error { d.lines = append(d.lines, l); return nil }
func (d *deal) SaveLine(_ context.Context, l Line) error {
	for i := range d.lines {
		if d.lines[i].ID == l.ID {
			l.Version++
			d.lines[i] = l
		}
	}
	return nil
}
func (d *deal) DeleteLine(_ context.Context, _, id uuid.UUID) error {
	d.lines = slices.DeleteFunc(d.lines, func(l Line) bool { return l.ID == id })
	return nil
}
func (d *deal) SetLinePositions(_ context.Context, _ uuid.UUID, ids []uuid.UUID, _ time.Time) error {
	for i := range d.lines {
		d.lines[i].Position = slices.Index(ids, d.lines[i].ID)
	}
	slices.SortFunc(d.lines, func(a, b Line) int { return a.Position - b.Position })
	return nil
}
func (d *deal) Pipeline(_ context.Context, id uuid.UUID) (Pipeline, error) {
	for _, p := range d.pipelines {
		if p.ID == id {
			return p, nil
		}
	}
	return Pipeline{}, errs.NotFoundf("no pipeline")
}
func (d *deal) PhaseByID(_ context.Context, id uuid.UUID) (Phase, int64, error) {
	for _, p := range d.pipelines {
		if ph, ok := p.Phase(id); ok {
			return ph, 1, nil
		}
	}
	return Phase{}, 0, errs.NotFoundf("no phase")
}
func (d *deal) RecordPhaseChange(_ context.Context, pc PhaseChange) error {
	d.changes = append(d.changes, pc)
	return nil
}

// published records the events the service publishes.
type published []events.Type

func (p *published) PublishJSON(_ context.Context, e events.Event, _ any) error {
	*p = append(*p, e.Type)
	return nil
}

type directory struct{ users map[uuid.UUID]identity.User }

func (d directory) Workspace(context.Context) (identity.Workspace, error) {
	return identity.Workspace{}, nil
}
func (d directory) User(_ context.Context, id uuid.UUID) (identity.User, error) {
	u, ok := d.users[id]
	if !ok {
		return identity.User{}, errs.NotFoundf("no user")
	}
	return u, nil
}

var clock = time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)

// newDeal is an open EUR opportunity in the Lead phase of a default
// pipeline, with no lines; a second pipeline exists beside it.
func newDeal() (*deal, *Service, *published) {
	p, other := DefaultPipeline(), DefaultPipeline()
	org := uuid.New()
	d := &deal{pipelines: []Pipeline{p, other}, opp: Opportunity{ID: uuid.New(), Title: "Deal", OrganizationID: &org,
		PipelineID: p.ID, PhaseID: p.Phases[0].ID, Probability: 10, Currency: "EUR", EstimatedAmount: 500, Status: StatusOpen, Version: 1}}
	ev := &published{}
	active, inactive := uuid.New(), uuid.New()
	dir := directory{users: map[uuid.UUID]identity.User{active: {ID: active, Active: true}, inactive: {ID: inactive}}}
	s := NewService(d, Deps{Catalog: catalog{Product{ID: uuid.New()}}, Events: ev, Directory: dir, Now: func() time.Time { return clock }})
	return d, s, ev
}

func freeLine(name string, price int64) NewLine {
	return NewLine{Name: &name, UnitPrice: &price, VATRate: ptr(money.BasisPoints(2500)), Quantity: money.Quantity{}}
}

func TestLinesSetTheAmountOfAnOpenOpportunity(t *testing.T) {
	d, s, _ := newDeal()
	ctx := context.Background()
	in := freeLine(" Licence ", 10000)
	in.Quantity = qty(t, 2000)
	a, err := s.AddLine(ctx, d.opp.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != "Licence" || a.Position != 0 || a.Version != 1 || d.opp.EstimatedAmount != 20000 || d.opp.LineCount != 1 {
		t.Fatalf("got line %+v, amount %d", a, d.opp.EstimatedAmount)
	}
	in = freeLine("Support", 5000)
	in.Quantity = qty(t, 1000)
	b, err := s.AddLine(ctx, d.opp.ID, in)
	if err != nil || b.Position != 1 || d.opp.EstimatedAmount != 25000 {
		t.Fatalf("second line: got %+v, %v, amount %d", b, err, d.opp.EstimatedAmount)
	}

	if _, err := s.UpdateLine(ctx, d.opp.ID, b.ID, LinePatch{UnitPrice: ptr(int64(7000))}, ptr(int64(1))); err != nil {
		t.Fatal(err)
	}
	if d.opp.EstimatedAmount != 27000 {
		t.Errorf("after the price change: got amount %d, want 27000", d.opp.EstimatedAmount)
	}
	_, err = s.UpdateLine(ctx, d.opp.ID, b.ID, LinePatch{UnitPrice: ptr(int64(1))}, ptr(int64(1)))
	if !errs.Is(err, errs.PreconditionFailed) {
		t.Errorf("a stale line version: got %v", err)
	}
	_, err = s.UpdateLine(ctx, d.opp.ID, b.ID, LinePatch{Name: ptr("")}, nil)
	wantFields(t, err, "name")

	set, err := s.ReorderLines(ctx, d.opp.ID, []uuid.UUID{b.ID, a.ID})
	if err != nil || set.Lines[0].ID != b.ID || set.Totals.Net != 27000 {
		t.Fatalf("reorder: got %+v, %v", set, err)
	}
	_, err = s.ReorderLines(ctx, d.opp.ID, []uuid.UUID{b.ID})
	wantFields(t, err, "line_ids")

	if err := s.DeleteLine(ctx, d.opp.ID, b.ID, ptr(int64(9))); !errs.Is(err, errs.PreconditionFailed) {
		t.Errorf("delete with a stale version: got %v", err)
	}
	if err := s.DeleteLine(ctx, d.opp.ID, a.ID, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteLine(ctx, d.opp.ID, b.ID, nil); err != nil {
		t.Fatal(err)
	}
	if d.opp.EstimatedAmount != 7000 || d.opp.LineCount != 0 || d.opp.Totals != nil {
		t.Errorf("without lines: got amount %d, count %d, totals %v; want the last amount (7000) kept", d.opp.EstimatedAmount, d.opp.LineCount, d.opp.Totals)
	}
	if err := s.DeleteLine(ctx, d.opp.ID, a.ID, nil); !errs.Is(err, errs.NotFound) {
		t.Errorf("a deleted line: got %v", err)
	}
}

func TestLinesOfAClosedOpportunityCannotChange(t *testing.T) {
	d, s, _ := newDeal()
	d.opp.Status = StatusWon
	in := freeLine("Licence", 100)
	in.Quantity = qty(t, 1000)
	if _, err := s.AddLine(context.Background(), d.opp.ID, in); !errs.Is(err, errs.Conflict) || len(d.lines) != 0 || d.saved != 0 {
		t.Errorf("got %v with %d lines stored", err, len(d.lines))
	}
	_, err := s.AddLine(context.Background(), d.opp.ID, NewLine{})
	wantCode(t, err, errs.Conflict)
}

func TestLineFromAProduct(t *testing.T) {
	d, s, _ := newDeal()
	p := Product{ID: uuid.New(), Name: "Licence", Unit: "pcs", UnitPrice: 9900, Currency: "EUR", VATRate: 2500, Active: true}
	s.catalog = catalog{p}
	ctx := context.Background()
	_, err := s.AddLine(ctx, d.opp.ID, NewLine{Quantity: qty(t, 1000)})
	wantFields(t, err, "name", "unit_price", "vat_rate")
	_, err = s.AddLine(ctx, d.opp.ID, NewLine{ProductID: ptr(uuid.New()), Quantity: qty(t, 1000)})
	wantFields(t, err, "product_id")

	l, err := s.AddLine(ctx, d.opp.ID, NewLine{ProductID: &p.ID, Quantity: qty(t, 1000), Name: ptr("Own name")})
	if err != nil || l.Name != "Own name" || l.UnitPrice != 9900 || *l.ProductID != p.ID {
		t.Fatalf("got %+v, %v", l, err)
	}
	l, err = s.UpdateLine(ctx, d.opp.ID, l.ID, LinePatch{ProductID: patch.Field[uuid.UUID]{Set: true}}, nil)
	if err != nil || l.ProductID != nil || l.Name != "Own name" || l.UnitPrice != 9900 {
		t.Fatalf("made free: got %+v, %v", l, err)
	}
	l, err = s.UpdateLine(ctx, d.opp.ID, l.ID, LinePatch{ProductID: patch.Field[uuid.UUID]{Set: true, Value: &p.ID}}, nil)
	if err != nil || l.ProductID == nil || l.Name != "Licence" {
		t.Fatalf("back to the product: got %+v, %v", l, err)
	}
	l, err = s.UpdateLine(ctx, d.opp.ID, l.ID, LinePatch{ProductID: patch.Field[uuid.UUID]{Set: true, Value: &p.ID}, Name: ptr("Kept")}, nil)
	if err != nil || l.Name != "Kept" {
		t.Fatalf("the same product again: got %+v, %v", l, err)
	}
	_, err = s.UpdateLine(ctx, d.opp.ID, l.ID, LinePatch{ProductID: patch.Field[uuid.UUID]{Set: true, Value: ptr(uuid.New())}}, nil)
	wantFields(t, err, "product_id")
}

func TestUpdateOpportunityPhaseRules(t *testing.T) {
	tests := []struct {
		name      string
		setup     func(d *deal)
		patch     func(d *deal) OpportunityPatch
		code      errs.Code
		field     string
		check     func(t *testing.T, d *deal, ev published)
		ifVersion *int64
	}{
		{"move to the next phase", nil, func(d *deal) OpportunityPatch { return OpportunityPatch{PhaseID: &d.pipelines[0].Phases[1].ID} },
			"", "", func(t *testing.T, d *deal, ev published) {
				if d.opp.PhaseID != d.pipelines[0].Phases[1].ID || d.opp.Probability != 25 || len(d.changes) != 1 ||
					*d.changes[0].FromProbability != 10 || !slices.Equal(ev, published{events.OpportunityPhaseChanged, events.OpportunityUpdated}) {
					t.Errorf("got %+v, changes %d, events %v", d.opp.State(), len(d.changes), ev)
				}
			}, nil},
		{"win", nil, func(d *deal) OpportunityPatch { return OpportunityPatch{PhaseID: &d.pipelines[0].Phases[5].ID} },
			"", "", func(t *testing.T, d *deal, ev published) {
				if d.opp.Status != StatusWon || d.opp.ClosedAt == nil || !d.opp.ClosedAt.Equal(clock) ||
					!slices.Equal(ev, published{events.OpportunityPhaseChanged, events.OpportunityWon, events.OpportunityUpdated}) {
					t.Errorf("got %+v, events %v", d.opp.State(), ev)
				}
			}, nil},
		{"reopen clears the lost reason", func(d *deal) {
			d.opp.PhaseID, d.opp.Status, d.opp.Probability, d.opp.LostReason = d.pipelines[0].Phases[6].ID, StatusLost, 0, ptr("price")
		}, func(d *deal) OpportunityPatch { return OpportunityPatch{PhaseID: &d.pipelines[0].Phases[2].ID} },
			"", "", func(t *testing.T, d *deal, _ published) {
				if d.opp.Status != StatusOpen || d.opp.LostReason != nil || d.opp.ClosedAt != nil {
					t.Errorf("got %+v, lost reason %v", d.opp.State(), d.opp.LostReason)
				}
			}, nil},
		{"move and override at once", nil, func(d *deal) OpportunityPatch {
			return OpportunityPatch{PhaseID: &d.pipelines[0].Phases[2].ID, ProbabilityOverride: patch.Field[int]{Set: true, Value: ptr(70)}}
		}, "", "", func(t *testing.T, d *deal, _ published) {
			if d.opp.Probability != 70 || *d.opp.ProbabilityOverride != 70 {
				t.Errorf("got %+v", d.opp.State())
			}
		}, nil},
		{"same phase: no change recorded", nil, func(d *deal) OpportunityPatch { return OpportunityPatch{PhaseID: &d.opp.PhaseID} },
			"", "", func(t *testing.T, d *deal, ev published) {
				if len(d.changes) != 0 || len(ev) != 0 {
					t.Errorf("got %d changes, events %v", len(d.changes), ev)
				}
			}, nil},
		{"override in a won phase", func(d *deal) { d.opp.PhaseID, d.opp.Status = d.pipelines[0].Phases[5].ID, StatusWon },
			func(d *deal) OpportunityPatch {
				return OpportunityPatch{ProbabilityOverride: patch.Field[int]{Set: true, Value: ptr(5)}}
			},
			errs.Invalid, "probability", nil, nil},
		{"phase of another pipeline", nil, func(d *deal) OpportunityPatch { return OpportunityPatch{PhaseID: &d.pipelines[1].Phases[1].ID} },
			errs.Invalid, "phase_id", nil, nil},
		{"no such phase", nil, func(d *deal) OpportunityPatch { return OpportunityPatch{PhaseID: ptr(uuid.New())} },
			errs.Invalid, "phase_id", nil, nil},
		{"new pipeline without a phase", nil, func(d *deal) OpportunityPatch { return OpportunityPatch{PipelineID: &d.pipelines[1].ID} },
			errs.Invalid, "phase_id", nil, nil},
		{"new pipeline, unknown phase", nil, func(d *deal) OpportunityPatch {
			return OpportunityPatch{PipelineID: &d.pipelines[1].ID, PhaseID: ptr(uuid.New())}
		}, errs.Invalid, "phase_id", nil, nil},
		{"new pipeline with its phase", nil, func(d *deal) OpportunityPatch {
			return OpportunityPatch{PipelineID: &d.pipelines[1].ID, PhaseID: &d.pipelines[1].Phases[3].ID}
		}, "", "", func(t *testing.T, d *deal, _ published) {
			if d.opp.PipelineID != d.pipelines[1].ID || d.opp.Probability != 60 {
				t.Errorf("got pipeline %s, %+v", d.opp.PipelineID, d.opp.State())
			}
		}, nil},
		{"no such pipeline", nil, func(d *deal) OpportunityPatch {
			return OpportunityPatch{PipelineID: ptr(uuid.New()), PhaseID: &d.pipelines[1].Phases[0].ID}
		},
			errs.Invalid, "phase_id", nil, nil},
		{"stale version", nil, func(d *deal) OpportunityPatch { return OpportunityPatch{} }, errs.PreconditionFailed, "", nil, ptr(int64(0))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, s, ev := newDeal()
			if tt.setup != nil {
				tt.setup(d)
			}
			_, err := s.UpdateOpportunity(context.Background(), d.opp.ID, tt.patch(d), tt.ifVersion)
			switch {
			case tt.field != "":
				wantFields(t, err, tt.field)
			case tt.code != "":
				wantCode(t, err, tt.code)
			case err != nil:
				t.Fatal(err)
			default:
				tt.check(t, d, *ev)
			}
			if tt.code != "" && d.saved != 0 {
				t.Error("a refused change was saved")
			}
		})
	}
}

func TestUpdateOpportunityFields(t *testing.T) {
	tests := []struct {
		name  string
		patch func(d *deal, s *Service) OpportunityPatch
		field string
		check func(t *testing.T, o Opportunity)
	}{
		{"every field", func(d *deal, s *Service) OpportunityPatch {
			var owner uuid.UUID
			for id, u := range s.directory.(directory).users {
				if u.Active {
					owner = id
				}
			}
			return OpportunityPatch{Title: ptr("  Bigger deal "), OwnerID: &owner, EstimatedAmount: ptr(int64(900)), Currency: ptr("sek"),
				ExpectedOrderDate: patch.Field[time.Time]{Set: true, Value: &clock}, Description: ptr("notes"), LostReason: patch.Field[string]{Set: true, Value: ptr("x")},
				PersonID: patch.Field[uuid.UUID]{Set: true, Value: ptr(uuid.New())}, SourceID: patch.Field[uuid.UUID]{Set: true, Value: ptr(uuid.New())}}
		}, "", func(t *testing.T, o Opportunity) {
			if o.Title != "Bigger deal" || o.EstimatedAmount != 900 || o.Currency != "SEK" || o.ExpectedOrderDate == nil ||
				o.Description != "notes" || *o.LostReason != "x" || o.PersonID == nil || o.SourceID == nil || o.UpdatedAt != clock {
				t.Errorf("got %+v", o)
			}
		}},
		{"an inactive owner", func(_ *deal, s *Service) OpportunityPatch {
			for id, u := range s.directory.(directory).users {
				if !u.Active {
					return OpportunityPatch{OwnerID: &id}
				}
			}
			return OpportunityPatch{}
		}, "owner_id", nil},
		{"an unknown owner", func(*deal, *Service) OpportunityPatch { return OpportunityPatch{OwnerID: ptr(uuid.New())} }, "owner_id", nil},
		{"neither organization nor person", func(*deal, *Service) OpportunityPatch {
			return OpportunityPatch{OrganizationID: patch.Field[uuid.UUID]{Set: true}}
		}, "organization_id", nil},
		{"blank title", func(*deal, *Service) OpportunityPatch { return OpportunityPatch{Title: ptr(" ")} }, "title", nil},
		{"amount by hand under lines", func(d *deal, _ *Service) OpportunityPatch {
			d.lines = []Line{{ID: uuid.New(), Name: "x", Quantity: money.Quantity{}, UnitPrice: 1}}
			return OpportunityPatch{EstimatedAmount: ptr(int64(1))}
		}, "estimated_amount", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, s, _ := newDeal()
			_, err := s.UpdateOpportunity(context.Background(), d.opp.ID, tt.patch(d, s), nil)
			if tt.field != "" {
				wantFields(t, err, tt.field)
				if d.saved != 0 {
					t.Error("a refused change was saved")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, d.opp)
		})
	}
}

func TestQuotesMoveAnOpportunityOnlyForward(t *testing.T) {
	tests := []struct {
		name  string
		from  int // phase index of the default pipeline
		to    int
		other bool // the target is in the other pipeline
		moved bool
		field string
	}{
		{"forward", 0, 3, false, true, ""},
		{"forward to signed", 3, 4, false, true, ""},
		{"already there", 3, 3, false, false, ""},
		{"backward", 4, 3, false, false, ""},
		{"closed", 5, 4, false, false, ""},
		{"another pipeline", 0, 3, true, false, "phase_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, s, _ := newDeal()
			from := d.pipelines[0].Phases[tt.from]
			d.opp.PhaseID, d.opp.Status = from.ID, from.Kind.Status()
			target := d.pipelines[0].Phases[tt.to]
			if tt.other {
				target = d.pipelines[1].Phases[tt.to]
			}
			moved, err := s.MoveToPhase(context.Background(), d.opp.ID, target.ID)
			if tt.field != "" {
				wantFields(t, err, tt.field)
				return
			}
			if err != nil || moved != tt.moved || (d.saved == 1) != tt.moved || (len(d.changes) == 1) != tt.moved {
				t.Fatalf("got moved %v, %v, saved %d, changes %d; want moved %v", moved, err, d.saved, len(d.changes), tt.moved)
			}
			if tt.moved && (d.opp.PhaseID != target.ID || d.opp.Probability != target.Probability || d.changes[0].FromPhaseID == nil ||
				*d.changes[0].FromPhaseID != from.ID) {
				t.Errorf("got %+v, change %+v", d.opp.State(), d.changes[0])
			}
		})
	}
}

func (d *deal) LinesOf(_ context.Context, ids []uuid.UUID) (map[uuid.UUID][]Line, error) {
	out := map[uuid.UUID][]Line{}
	for _, id := range ids {
		if id == d.opp.ID {
			out[id] = d.lines
		}
	}
	return out, nil
}

func TestListsComputeMissingTotalsOnly(t *testing.T) {
	d, s, _ := newDeal()
	d.lines = []Line{validLine(t)}
	stored := &money.Totals{Net: 1}
	opps := []Opportunity{
		{ID: d.opp.ID, Currency: "EUR", LineCount: 1},                   // lines predate stored totals
		{ID: uuid.New(), Currency: "EUR", LineCount: 1, Totals: stored}, // totals stored
		{ID: uuid.New(), Currency: "EUR"},                               // no lines
	}
	if err := s.withTotals(context.Background(), opps); err != nil {
		t.Fatal(err)
	}
	if opps[0].Totals == nil || opps[0].Totals.Net != 20000 || opps[0].Totals.LineNets != nil || opps[1].Totals != stored || opps[2].Totals != nil {
		t.Errorf("got totals %+v, %+v, %+v", opps[0].Totals, opps[1].Totals, opps[2].Totals)
	}
	if err := NewService(nil, Deps{}).withTotals(context.Background(), opps[1:]); err != nil {
		t.Errorf("nothing to compute: got %v (and no read)", err)
	}
	d.lines = []Line{{Name: "bad"}}
	if err := s.withTotals(context.Background(), []Opportunity{{ID: d.opp.ID, Currency: "EUR", LineCount: 1}}); err == nil {
		t.Error("an invalid stored line: got no error")
	}
}

// A line change that moves the amount publishes opportunity.updated (with
// the earlier amount); one that leaves it as it was publishes nothing.
func TestLineChangesPublishTheOpportunityUpdate(t *testing.T) {
	d, s, ev := newDeal()
	ctx := context.Background()
	in := freeLine("Licence", 10000)
	in.Quantity = qty(t, 1000)
	l, err := s.AddLine(ctx, d.opp.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(*ev, published{events.OpportunityUpdated}) {
		t.Fatalf("adding a line: published %v, want opportunity.updated", *ev)
	}
	*ev = nil
	if _, err := s.UpdateLine(ctx, d.opp.ID, l.ID, LinePatch{Name: ptr("Licence, yearly")}, nil); err != nil {
		t.Fatal(err)
	}
	if len(*ev) != 0 {
		t.Errorf("renaming a line: published %v, want nothing (the opportunity did not change)", *ev)
	}
}
