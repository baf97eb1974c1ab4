package sales

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/money"
)

// qty is a quantity of n thousandths.
func qty(t *testing.T, n int64) money.Quantity {
	t.Helper()
	q, err := money.QuantityFromThousandths(n)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// validLine is a line every rule accepts: 2 × 100.00 at 25 % VAT.
func validLine(t *testing.T) Line {
	return Line{ID: uuid.New(), Name: "Licence", Unit: "pcs", Quantity: qty(t, 2000), UnitPrice: 10000, VATRate: 2500}
}

func TestLineValidateNamesEachBrokenField(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Line)
		want   []string
	}{
		{"valid", func(*Line) {}, nil},
		{"empty name", func(l *Line) { l.Name = "" }, []string{"name"}},
		{"name of 200 characters", func(l *Line) { l.Name = strings.Repeat("ä", 200) }, nil},
		{"name of 201 characters", func(l *Line) { l.Name = strings.Repeat("a", 201) }, []string{"name"}},
		{"unit of 20 characters", func(l *Line) { l.Unit = strings.Repeat("ö", 20) }, nil},
		{"unit of 21 characters", func(l *Line) { l.Unit = strings.Repeat("u", 21) }, []string{"unit"}},
		{"description of 5000 characters", func(l *Line) { l.Description = strings.Repeat("é", 5000) }, nil},
		{"description of 5001 characters", func(l *Line) { l.Description = strings.Repeat("d", 5001) }, []string{"description"}},
		{"position 0", func(l *Line) { l.Position = 0 }, nil},
		{"position -1", func(l *Line) { l.Position = -1 }, []string{"position"}},
		{"zero quantity", func(l *Line) { l.Quantity = money.Quantity{} }, []string{"quantity"}},
		{"negative price", func(l *Line) { l.UnitPrice = -1 }, []string{"unit_price"}},
		{"every field at once", func(l *Line) { l.Name, l.Unit, l.Position, l.VATRate = "", strings.Repeat("u", 21), -1, 10001 },
			[]string{"name", "unit", "position", "vat_rate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := validLine(t)
			tt.change(&l)
			wantFields(t, l.validate(), tt.want...)
		})
	}
}

func TestLinePatchChangesOnlyGivenFields(t *testing.T) {
	l := validLine(t)
	l.Description, l.Discount, l.Position = "old", 100, 3
	before := l
	LinePatch{}.apply(&l)
	if l != before {
		t.Fatalf("an empty patch changed the line: got %+v, want %+v", l, before)
	}
	LinePatch{Name: ptr("  Support  "), Unit: ptr(" h "), Description: ptr(" kept as given "), Quantity: ptr(qty(t, 1500)),
		UnitPrice: ptr(int64(5)), Discount: ptr(money.BasisPoints(0)), VATRate: ptr(money.BasisPoints(600)), Position: ptr(0)}.apply(&l)
	want := before
	want.Name, want.Unit, want.Description, want.Quantity = "Support", "h", " kept as given ", qty(t, 1500)
	want.UnitPrice, want.Discount, want.VATRate, want.Position = 5, 0, 600, 0
	if l != want {
		t.Errorf("got %+v, want %+v", l, want)
	}
}

func TestFreeLineNeedsNamePriceAndVAT(t *testing.T) {
	tests := []struct {
		name string
		in   NewLine
		want []string
	}{
		{"complete", NewLine{Name: ptr("x"), UnitPrice: ptr(int64(0)), VATRate: ptr(money.BasisPoints(0))}, nil},
		{"nothing", NewLine{}, []string{"name", "unit_price", "vat_rate"}},
		{"no name", NewLine{UnitPrice: ptr(int64(1)), VATRate: ptr(money.BasisPoints(0))}, []string{"name"}},
		{"no price", NewLine{Name: ptr("x"), VATRate: ptr(money.BasisPoints(0))}, []string{"unit_price"}},
		{"no VAT rate", NewLine{Name: ptr("x"), UnitPrice: ptr(int64(1))}, []string{"vat_rate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantFields(t, freeLineFields(tt.in), tt.want...) })
	}
}

func TestNewLineGoesAfterTheLast(t *testing.T) {
	tests := []struct {
		positions []int
		want      int
	}{
		{nil, 0},
		{[]int{0}, 1},
		{[]int{0, 1, 2}, 3},
		{[]int{5, 2}, 6}, // after the highest, not after the count
	}
	for _, tt := range tests {
		var lines []Line
		for _, p := range tt.positions {
			lines = append(lines, Line{Position: p})
		}
		if got := nextPosition(lines); got != tt.want {
			t.Errorf("positions %v: got %d, want %d", tt.positions, got, tt.want)
		}
	}
}

func TestReorderNamesEveryLineOnce(t *testing.T) {
	a, b, c := uuid.New(), uuid.New(), uuid.New()
	lines := []Line{{ID: a}, {ID: b}}
	tests := []struct {
		name string
		ids  []uuid.UUID
		want bool
	}{
		{"same order", []uuid.UUID{a, b}, true},
		{"other order", []uuid.UUID{b, a}, true},
		{"one missing", []uuid.UUID{a}, false},
		{"one twice", []uuid.UUID{a, a}, false},
		{"a stranger", []uuid.UUID{a, c}, false},
		{"one extra", []uuid.UUID{a, b, c}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sameLines(lines, tt.ids); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	if !sameLines(nil, nil) {
		t.Error("no lines and no ids: got false, want true")
	}
}

func TestFindLineChecksTheVersion(t *testing.T) {
	a, b := Line{ID: uuid.New(), Version: 3}, Line{ID: uuid.New(), Version: 7}
	lines := []Line{a, b}
	tests := []struct {
		name      string
		id        uuid.UUID
		ifVersion *int64
		want      errs.Code
	}{
		{"no version given", b.ID, nil, ""},
		{"its version", b.ID, ptr(int64(7)), ""},
		{"an older version", b.ID, ptr(int64(6)), errs.PreconditionFailed},
		{"another line's version", b.ID, ptr(int64(3)), errs.PreconditionFailed},
		{"no such line", uuid.New(), nil, errs.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := findLine(lines, tt.id, tt.ifVersion)
			if tt.want != "" {
				wantCode(t, err, tt.want)
				return
			}
			if err != nil || got.ID != tt.id {
				t.Fatalf("got %v, %v, want line %s", got.ID, err, tt.id)
			}
		})
	}
}

func TestOpportunityAmountFollowsItsLines(t *testing.T) {
	o := Opportunity{Currency: "EUR", EstimatedAmount: 777, OfferDiscount: 1000, LineCount: 2, Totals: &money.Totals{Net: 1}}
	lines := []Line{validLine(t), validLine(t)}
	if err := followLines(&o, lines); err != nil {
		t.Fatal(err)
	}
	// 2 × (2 × 100.00) = 400.00, less 10 % = 360.00, VAT 25 % = 90.00.
	if o.LineCount != 2 || o.EstimatedAmount != 36000 || o.Totals == nil || o.Totals.Net != 36000 || o.Totals.Total != 45000 {
		t.Fatalf("got count %d, amount %d, totals %+v; want 2, 36000, net 36000 total 45000", o.LineCount, o.EstimatedAmount, o.Totals)
	}
	if o.Totals.LineNets != nil {
		t.Errorf("got line nets %v on the opportunity, want them only on the lines", o.Totals.LineNets)
	}

	if err := followLines(&o, nil); err != nil {
		t.Fatal(err)
	}
	if o.LineCount != 0 || o.Totals != nil || o.EstimatedAmount != 36000 {
		t.Errorf("without lines: got count %d, totals %v, amount %d; want 0, nil, the amount kept (36000)", o.LineCount, o.Totals, o.EstimatedAmount)
	}

	bad := Opportunity{Currency: "EUR"}
	if err := followLines(&bad, []Line{{Name: "x"}}); err == nil {
		t.Error("a line without quantity: got no error, want one")
	}
}

func TestLineRulesOnAnOpportunityPatch(t *testing.T) {
	open := Opportunity{Currency: "EUR", EstimatedAmount: 40000, Status: StatusOpen}
	won := open
	won.Status = StatusWon
	lines := []Line{validLine(t), validLine(t)}
	tests := []struct {
		name   string
		before Opportunity
		change func(*Opportunity) // what the patch did to the other fields
		patch  OpportunityPatch
		lines  []Line
		code   errs.Code
		field  string
		amount int64
	}{
		{"no lines: amount by hand", open, func(o *Opportunity) { o.EstimatedAmount = 5 }, OpportunityPatch{EstimatedAmount: ptr(int64(5))}, nil, "", "", 5},
		{"no lines: currency changes", open, func(o *Opportunity) { o.Currency = "SEK" }, OpportunityPatch{}, nil, "", "", 40000},
		{"lines: the same amount again", open, nil, OpportunityPatch{EstimatedAmount: ptr(int64(40000))}, lines, "", "", 40000},
		{"lines: amount by hand", open, nil, OpportunityPatch{EstimatedAmount: ptr(int64(1))}, lines, errs.Invalid, "estimated_amount", 0},
		{"lines: currency changes", open, func(o *Opportunity) { o.Currency = "SEK" }, OpportunityPatch{}, lines, errs.Invalid, "currency", 0},
		{"lines: offer discount recomputes", open, nil, OpportunityPatch{OfferDiscount: ptr(money.BasisPoints(2500))}, lines, "", "", 30000},
		{"offer discount out of range", open, nil, OpportunityPatch{OfferDiscount: ptr(money.BasisPoints(10001))}, nil, errs.Invalid, "offer_discount", 0},
		{"closed: offer discount refused", won, nil, OpportunityPatch{OfferDiscount: ptr(money.BasisPoints(100))}, lines, errs.Conflict, "", 0},
		{"closed: same offer discount", won, nil, OpportunityPatch{OfferDiscount: ptr(money.BasisPoints(0))}, lines, "", "", 40000},
		{"closed without lines: offer discount", won, nil, OpportunityPatch{OfferDiscount: ptr(money.BasisPoints(100))}, nil, "", "", 40000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.before
			if tt.change != nil {
				tt.change(&o)
			}
			err := applyLineRules(&o, tt.before, tt.patch, tt.lines)
			switch {
			case tt.field != "":
				wantFields(t, err, tt.field)
			case tt.code != "":
				wantCode(t, err, tt.code)
			case err != nil:
				t.Fatalf("got %v, want no error", err)
			case o.EstimatedAmount != tt.amount:
				t.Errorf("got amount %d, want %d", o.EstimatedAmount, tt.amount)
			}
		})
	}
}

// catalog answers one product.
type catalog struct{ p Product }

func (c catalog) Product(_ context.Context, id uuid.UUID) (Product, error) {
	if id != c.p.ID {
		return Product{}, errs.NotFoundf("no product %s", id)
	}
	return c.p, nil
}

func TestLineCopiesFromASellableProduct(t *testing.T) {
	p := Product{ID: uuid.New(), Name: "Licence", Unit: "pcs", UnitPrice: 9900, Currency: "EUR", VATRate: 2500, Active: true}
	inactive, dollars := p, p
	inactive.Active, dollars.Currency = false, "USD"
	opp := Opportunity{Currency: "EUR"}
	tests := []struct {
		name    string
		product Product
		id      uuid.UUID
		keep    LinePatch
		want    Line
		field   bool
	}{
		{"copies every field", p, p.ID, LinePatch{}, Line{ProductID: &p.ID, Name: "Licence", Unit: "pcs", UnitPrice: 9900, VATRate: 2500}, false},
		{"keeps the given fields", p, p.ID, LinePatch{Name: ptr("n"), Unit: ptr("u"), UnitPrice: ptr(int64(1)), VATRate: ptr(money.BasisPoints(1))},
			Line{ProductID: &p.ID, Name: "old", Unit: "old", UnitPrice: 7, VATRate: 7}, false},
		{"no such product", p, uuid.New(), LinePatch{}, Line{}, true},
		{"inactive product", inactive, p.ID, LinePatch{}, Line{}, true},
		{"other currency", dollars, p.ID, LinePatch{}, Line{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewService(nil, Deps{Catalog: catalog{tt.product}})
			l := Line{Name: "old", Unit: "old", UnitPrice: 7, VATRate: 7}
			err := s.copyProduct(context.Background(), opp, tt.id, &l, tt.keep)
			if tt.field {
				wantFields(t, err, "product_id")
				if l.ProductID != nil {
					t.Errorf("a refused product was set on the line")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if l.ProductID == nil || *l.ProductID != p.ID || l.Name != tt.want.Name || l.Unit != tt.want.Unit ||
				l.UnitPrice != tt.want.UnitPrice || l.VATRate != tt.want.VATRate {
				t.Errorf("got %+v, want %+v", l, tt.want)
			}
		})
	}
}

func TestCopyProductPassesOtherErrorsOn(t *testing.T) {
	s := NewService(nil, Deps{Catalog: failingCatalog{}})
	err := s.copyProduct(context.Background(), Opportunity{}, uuid.New(), &Line{}, LinePatch{})
	wantCode(t, err, errs.Unavailable)
}

type failingCatalog struct{}

func (failingCatalog) Product(context.Context, uuid.UUID) (Product, error) {
	return Product{}, errs.New(errs.Unavailable, "catalogue down")
}
