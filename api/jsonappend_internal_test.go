package api

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/activity"
	"github.com/acme/crm/internal/money"
	"github.com/acme/crm/internal/sales"
)

// jsonPieces are the parts random strings are made of: what encoding/json
// escapes or replaces, and what it leaves alone.
var jsonPieces = []string{"", "a", "Åsa Öberg", "日本語", "😀", "<", ">", "&", "<script>&amp;</script>", `"`, `\`, "/",
	"\u2028", "\u2029", "\u2027", "\u202a", "\x00", "\x01", "\b", "\f", "\n", "\r", "\t", "\x1f", " ", "\x7f", "\u0080",
	"\ufffd", "\uffff", "\xff", "\xc3", "\xe2\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf0\x9f\x98", "\xc0\xaf", "ERP-10042", "SEK"}

func randString(r *rand.Rand) string {
	var sb strings.Builder
	for range r.IntN(6) {
		if r.IntN(8) == 0 {
			sb.WriteByte(byte(r.IntN(256)))
			continue
		}
		sb.WriteString(jsonPieces[r.IntN(len(jsonPieces))])
	}
	return sb.String()
}

func randInt64(r *rand.Rand) int64 {
	switch r.IntN(6) {
	case 0:
		return math.MaxInt64
	case 1:
		return math.MinInt64
	case 2:
		return 0
	case 3:
		return -r.Int64()
	}
	return r.Int64N(1 << r.IntN(63))
}

func randInt(r *rand.Rand) int { return int(randInt64(r)) }

func randUUID(r *rand.Rand) uuid.UUID {
	var id uuid.UUID
	for i := range id {
		id[i] = byte(r.IntN(256))
	}
	return id
}

func randTime(r *rand.Rand) time.Time {
	zones := []*time.Location{time.UTC, time.FixedZone("CET", 3600), time.FixedZone("", -(9*3600 + 30*60)),
		time.FixedZone("odd", 5*3600+17), time.FixedZone("far", 25*3600), time.FixedZone("farwest", -24*3600)}
	var t time.Time
	switch r.IntN(8) {
	case 0:
		t = time.Time{}
	case 1:
		t = time.Date(10000+r.IntN(100), 1, 1, 0, 0, 0, 0, time.UTC) // MarshalJSON fails
	case 2:
		t = time.Date(-r.IntN(100)-1, 1, 1, 0, 0, 0, 0, time.UTC) // MarshalJSON fails
	case 3:
		t = time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
	default:
		t = time.Unix(r.Int64N(4e9), r.Int64N(1e9))
		if r.IntN(3) == 0 {
			t = t.Truncate(time.Duration(math.Pow10(r.IntN(10))))
		}
	}
	return t.In(zones[r.IntN(len(zones))])
}

func maybe[T any](r *rand.Rand, v T) *T {
	if r.IntN(3) == 0 {
		return nil
	}
	return &v
}

func randOpportunity(r *rand.Rand) Opportunity {
	o := Opportunity{ID: randUUID(r), Title: randString(r), OrganizationID: maybe(r, randUUID(r)),
		PersonID: maybe(r, randUUID(r)), ContactPersonID: maybe(r, randUUID(r)), OwnerID: randUUID(r),
		PipelineID: randUUID(r), PhaseID: randUUID(r), Probability: randInt(r), ProbabilityOverride: maybe(r, randInt(r)),
		EstimatedAmount: randInt64(r), WeightedAmount: randInt64(r), Currency: randString(r), OfferDiscount: randInt(r),
		SourceID: maybe(r, randUUID(r)), Description: randString(r), Status: randString(r),
		ClosedAt: maybe(r, randTime(r)), LostReason: maybe(r, randString(r)), CreatedBy: randUUID(r),
		ExternalID: maybe(r, randString(r)), Version: randInt64(r), CreatedAt: randTime(r), UpdatedAt: randTime(r)}
	if r.IntN(4) > 0 {
		o.ExpectedOrderDate = &Date{randTime(r)}
	}
	if r.IntN(3) > 0 {
		t := &Totals{Subtotal: randInt64(r), OfferDiscountAmount: randInt64(r), Net: randInt64(r),
			VATTotal: randInt64(r), Total: randInt64(r), Currency: randString(r)}
		if n := r.IntN(4); n > 0 {
			t.VAT = make([]VATAmount, n-1)
			for i := range t.VAT {
				t.VAT[i] = VATAmount{Rate: randInt(r), Base: randInt64(r), Amount: randInt64(r)}
			}
		}
		o.Totals = t
	}
	return o
}

// randSalesOpportunity is an opportunity as the store returns it.
func randSalesOpportunity(r *rand.Rand) sales.Opportunity {
	d := randOpportunity(r)
	o := sales.Opportunity{ID: d.ID, Title: d.Title, OrganizationID: d.OrganizationID, PersonID: d.PersonID,
		ContactPersonID: d.ContactPersonID, OwnerID: d.OwnerID, PipelineID: d.PipelineID, PhaseID: d.PhaseID,
		Probability: d.Probability, ProbabilityOverride: d.ProbabilityOverride, EstimatedAmount: d.EstimatedAmount,
		Currency: d.Currency, OfferDiscount: money.BasisPoints(d.OfferDiscount), SourceID: d.SourceID,
		Description: d.Description, Status: sales.Status(d.Status), ClosedAt: d.ClosedAt, LostReason: d.LostReason,
		CreatedBy: d.CreatedBy, ExternalID: d.ExternalID, Version: d.Version, CreatedAt: d.CreatedAt,
		UpdatedAt: d.UpdatedAt, LineCount: r.IntN(5)}
	if d.ExpectedOrderDate != nil {
		o.ExpectedOrderDate = &d.ExpectedOrderDate.Time
	}
	if t := d.Totals; t != nil {
		o.Totals = &money.Totals{Subtotal: t.Subtotal, OfferDiscountAmount: t.OfferDiscountAmount, Net: t.Net,
			VATTotal: t.VATTotal, Total: t.Total, Currency: money.Currency(t.Currency)}
		for _, v := range t.VAT {
			o.Totals.VAT = append(o.Totals.VAT, money.VATAmount{Rate: money.BasisPoints(v.Rate), Base: v.Base, Amount: v.Amount})
		}
	}
	return o
}

func randSalesOpportunities(r *rand.Rand) []sales.Opportunity {
	if r.IntN(5) == 0 {
		return nil
	}
	os := make([]sales.Opportunity, r.IntN(4))
	for i := range os {
		os[i] = randSalesOpportunity(r)
	}
	return os
}

func randBoardPage(r *rand.Rand) boardPage {
	bp := boardPage{pipeline: sales.Pipeline{ID: randUUID(r), Name: randString(r)}}
	if r.IntN(5) == 0 {
		return bp
	}
	bp.cols = make([]sales.BoardColumn, r.IntN(4))
	for i := range bp.cols {
		col := sales.BoardColumn{Phase: sales.Phase{ID: randUUID(r), PipelineID: randUUID(r), Name: randString(r),
			Probability: randInt(r), Kind: sales.PhaseKind(randString(r)), Color: randString(r), Position: randInt(r)},
			Opportunities: randSalesOpportunities(r), HasMore: r.IntN(2) == 0}
		if r.IntN(4) > 0 {
			col.Totals = make([]sales.Figures, r.IntN(3))
			for j := range col.Totals {
				col.Totals[j] = sales.Figures{Currency: randString(r), Count: randInt(r), Amount: randInt64(r), Weighted: randInt64(r)}
			}
		}
		bp.cols[i] = col
	}
	return bp
}

func randTimelineEvent(r *rand.Rand) TimelineEvent {
	e := TimelineEvent{Type: randString(r), OccurredAt: randTime(r), Summary: randString(r),
		Ref: TimelineRef{Type: randString(r), ID: randUUID(r)}}
	if r.IntN(3) > 0 {
		e.Actor = &TimelineActor{ID: randUUID(r), Name: randString(r)}
	}
	return e
}

// randTimelinePage is a page of events as the store returns them.
// randMe is the caller's profile DTO, any time zone and odd text included.
func randMe(r *rand.Rand) Me {
	last := randTime(r)
	return Me{User: User{ID: randUUID(r), Email: randString(r), Name: randString(r), Role: randString(r), Active: r.IntN(2) == 0,
		Language: randString(r), EmailNotifications: r.IntN(2) == 0, LastLoginAt: maybe(r, last), Version: r.Int64() - r.Int64(),
		CreatedAt: randTime(r), UpdatedAt: randTime(r)},
		Workspace: Workspace{ID: randUUID(r), Name: randString(r), DefaultCurrency: randString(r), FollowUpDays: r.IntN(30) - 3,
			TimeZone: randString(r), ExpireOpportunities: r.IntN(2) == 0, InvoiceNumberFormat: randString(r),
			PaymentTermsDays: r.IntN(90), CreatedAt: randTime(r)},
		UnreadNotifications: r.IntN(1000)}
}

// randForecast is a forecast DTO, nil rows or totals included (as
// encoding/json writes them: null).
func randForecast(r *rand.Rand) Forecast {
	f := Forecast{GroupBy: randString(r), From: Date{randTime(r)}, To: Date{randTime(r)}}
	if r.IntN(5) > 0 {
		f.Rows = make([]ForecastRow, r.IntN(4))
		for i := range f.Rows {
			f.Rows[i] = ForecastRow{Key: maybe(r, randString(r)), Label: randString(r), Currency: randString(r),
				Count: r.IntN(1000) - 10, Amount: r.Int64() - r.Int64(), WeightedAmount: r.Int64N(1 << 40)}
		}
	}
	if r.IntN(5) > 0 {
		f.Totals = make([]Figures, r.IntN(3))
		for i := range f.Totals {
			f.Totals[i] = Figures{Currency: randString(r), Count: r.IntN(9), Amount: r.Int64(), WeightedAmount: -r.Int64()}
		}
	}
	return f
}

// randList is nil one time in five, else up to three elements of one.
func randList[T any](r *rand.Rand, one func(*rand.Rand) T) []T {
	if r.IntN(5) == 0 {
		return nil
	}
	out := make([]T, r.IntN(4))
	for i := range out {
		out[i] = one(r)
	}
	return out
}

// randDashboard is a dashboard as the handler builds it (its board from
// randBoardPage), nil lists and odd times included.
func randDashboard(r *rand.Rand) dashboardPage {
	bp := randBoardPage(r)
	figures := func(r *rand.Rand) Figures {
		return Figures{Currency: randString(r), Count: randInt(r), Amount: randInt64(r), WeightedAmount: randInt64(r)}
	}
	invoiced := func(r *rand.Rand) InvoiceFigures {
		return InvoiceFigures{Currency: randString(r), Count: randInt(r), Amount: randInt64(r)}
	}
	d := Dashboard{Pipeline: toBoard(bp.pipeline, bp.cols), Forecast: randForecast(r),
		WonThisMonth: randList(r, figures), WonThisQuarter: randList(r, figures),
		WinRate90Days: WinRate{Won: randInt(r), Closed: randInt(r), Rate: maybe(r, randInt(r))},
		MyOpenTasks: MyOpenTasks{Count: randInt(r), First: randList(r, func(r *rand.Rand) TaskSummary {
			return TaskSummary{ID: randUUID(r), Title: randString(r), DueAt: maybe(r, randTime(r)),
				OpportunityID: maybe(r, randUUID(r)), Overdue: r.IntN(2) == 0}
		})},
		Sources: randList(r, func(r *rand.Rand) SourceStats {
			return SourceStats{SourceID: maybe(r, randUUID(r)), Name: randString(r), Created: randInt(r), Won: randInt(r),
				WonAmount: randList(r, figures), WinRate: maybe(r, randInt(r))}
		}),
		Invoicing: DashboardInvoicing{InvoicedThisMonth: randList(r, invoiced), InvoicedThisQuarter: randList(r, invoiced),
			Outstanding: randList(r, invoiced), Overdue: randList(r, invoiced)},
		GeneratedAt: randTime(r)}
	return dashboardPage{Dashboard: d, board: bp}
}

func randTimelinePage(r *rand.Rand) timelinePage {
	p := timelinePage{next: maybe(r, randString(r))}
	if r.IntN(5) == 0 {
		return p
	}
	p.items = make([]activity.TimelineEvent, r.IntN(4))
	for i := range p.items {
		d := randTimelineEvent(r)
		p.items[i] = activity.TimelineEvent{ID: randUUID(r), Type: d.Type, OccurredAt: d.OccurredAt,
			ActorName: randString(r), Summary: d.Summary, RefType: d.Ref.Type, RefID: d.Ref.ID}
		if d.Actor != nil {
			p.items[i].ActorID, p.items[i].ActorName = &d.Actor.ID, d.Actor.Name
		}
	}
	return p
}

// sameAsEncodingJSON fails unless fast writes exactly what json.Marshal
// writes of v, or fails where it fails.
func sameAsEncodingJSON(t *testing.T, v any, fast func([]byte) ([]byte, error)) {
	t.Helper()
	want, wantErr := json.Marshal(v)
	got, err := fast(nil)
	switch {
	case wantErr != nil && err == nil:
		t.Fatalf("appendJSON: got %s, want an error like json.Marshal's %v", got, wantErr)
	case wantErr == nil && err != nil:
		t.Fatalf("appendJSON: got error %v, want %s", err, want)
	case wantErr == nil && !bytes.Equal(got, want):
		t.Fatalf("appendJSON:\ngot  %q\nwant %q", got, want)
	}
}

// TestAppendJSONIsEncodingJSON compares the hand-written JSON with
// encoding/json's for many random values: the opportunity and timeline
// event DTOs themselves (any time zone), and the list, the board and the
// timeline as the handlers build them.
func TestAppendJSONIsEncodingJSON(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(14, 2026))
	for range 3000 {
		o := randOpportunity(r)
		sameAsEncodingJSON(t, o, o.appendJSON)
		p := opportunityPage{items: randSalesOpportunities(r), next: maybe(r, randString(r))}
		sameAsEncodingJSON(t, p.list(), p.appendJSON)
		bp := randBoardPage(r)
		sameAsEncodingJSON(t, toBoard(bp.pipeline, bp.cols), bp.appendJSON)
		e := randTimelineEvent(r)
		sameAsEncodingJSON(t, e, e.appendJSON)
		tp := randTimelinePage(r)
		sameAsEncodingJSON(t, tp.list(), tp.appendJSON)
		f := randForecast(r)
		sameAsEncodingJSON(t, f, f.appendJSON)
		m := randMe(r)
		sameAsEncodingJSON(t, m, m.appendJSON)
		d := randDashboard(r)
		sameAsEncodingJSON(t, d.Dashboard, d.appendJSON)
	}
}

func TestAppendJSONString(t *testing.T) {
	t.Parallel()
	var all strings.Builder
	for c := range 256 {
		all.WriteByte(byte(c))
	}
	for _, s := range append(jsonPieces, all.String(), strings.Repeat("\u2028x\xff<", 100)) {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("appendJSONString(%q): got %q, want %q", s, got, want)
		}
		if got := appendJSONString(nil, []byte(s)); !bytes.Equal(got, want) {
			t.Errorf("appendJSONString([]byte(%q)): got %q, want %q", s, got, want)
		}
	}
}

func FuzzAppendJSON(f *testing.F) {
	f.Add("Deal <1> & \u2028", "SEK", "\xff\x00", int64(1), int64(-1), int64(1700000000), int64(5), 60)
	f.Fuzz(func(t *testing.T, title, currency, desc string, amount, version, unix, nanos int64, offset int) {
		at := time.Unix(unix, nanos).In(time.FixedZone("", offset))
		o := Opportunity{Title: title, Currency: currency, Description: desc, Status: desc, LostReason: &title,
			ExternalID: &currency, EstimatedAmount: amount, WeightedAmount: -amount, Version: version,
			Probability: int(amount), ProbabilityOverride: new(int(version)), ClosedAt: &at, CreatedAt: at,
			UpdatedAt: at.UTC(), ExpectedOrderDate: &Date{at}, Totals: &Totals{Currency: title, Net: amount,
				VAT: []VATAmount{{Rate: int(version), Base: amount, Amount: unix}}}}
		sameAsEncodingJSON(t, o, o.appendJSON)
		so := sales.Opportunity{Title: title, Currency: currency, Description: desc, Status: sales.Status(desc),
			EstimatedAmount: amount, Probability: int(version), ExternalID: &desc, ClosedAt: &at, CreatedAt: at,
			UpdatedAt: at, ExpectedOrderDate: &at, Totals: &money.Totals{Currency: money.Currency(currency),
				VAT: []money.VATAmount{{Rate: money.BasisPoints(version), Base: amount}}}}
		p := opportunityPage{items: []sales.Opportunity{so}, next: &desc}
		sameAsEncodingJSON(t, p.list(), p.appendJSON)
		bp := boardPage{pipeline: sales.Pipeline{Name: title}, cols: []sales.BoardColumn{{
			Phase:  sales.Phase{Name: desc, Kind: sales.PhaseKind(title)},
			Totals: []sales.Figures{{Currency: currency, Amount: amount}}, Opportunities: []sales.Opportunity{so}}}}
		sameAsEncodingJSON(t, toBoard(bp.pipeline, bp.cols), bp.appendJSON)
		e := TimelineEvent{Type: title, OccurredAt: at, Actor: &TimelineActor{Name: desc}, Summary: desc, Ref: TimelineRef{Type: currency}}
		sameAsEncodingJSON(t, e, e.appendJSON)
		tp := timelinePage{items: []activity.TimelineEvent{{Type: title, OccurredAt: at, ActorID: &uuid.UUID{}, ActorName: currency,
			Summary: desc, RefType: currency}, {Type: desc, OccurredAt: at.Add(time.Duration(nanos)), Summary: title}}, next: &title}
		sameAsEncodingJSON(t, tp.list(), tp.appendJSON)
		f := Forecast{GroupBy: title, From: Date{at}, To: Date{at.AddDate(int(version%20000), 0, 0)},
			Rows:   []ForecastRow{{Key: &desc, Label: title, Currency: currency, Count: offset, Amount: amount, WeightedAmount: unix}},
			Totals: []Figures{{Currency: currency, Count: int(nanos), Amount: -amount}}}
		sameAsEncodingJSON(t, f, f.appendJSON)
		m := Me{User: User{Email: title, Name: desc, Role: currency, Language: desc, LastLoginAt: &at, Version: version,
			CreatedAt: at, UpdatedAt: at.UTC()}, Workspace: Workspace{Name: title, DefaultCurrency: currency, TimeZone: desc,
			InvoiceNumberFormat: title, FollowUpDays: offset, CreatedAt: at}, UnreadNotifications: int(amount)}
		sameAsEncodingJSON(t, m, m.appendJSON)
	})
}

// TestWriteJSONIsCJSON: writeJSON answers as c.JSON did with the DTOs:
// the same status, headers and body, with ?pretty too and where
// encoding/json fails.
func TestWriteJSONIsCJSON(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	e := echo.New()
	if !fastJSON(e.NewContext(httptest.NewRequest(http.MethodGet, "/x", nil), httptest.NewRecorder())) {
		t.Fatal("fastJSON: got false for Echo's defaults, want true")
	}
	page := opportunityPage{items: randSalesOpportunities(r), next: new("next")}
	bad := opportunityPage{items: []sales.Opportunity{{CreatedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}}}
	board := randBoardPage(r)
	timeline := randTimelinePage(r)
	forecast := randForecast(r)
	me := randMe(r)
	badMe := Me{User: User{CreatedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}}
	dashboard := randDashboard(r)
	badDashboard := randDashboard(r)
	badDashboard.GeneratedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	badTimeline := timelinePage{items: []activity.TimelineEvent{{OccurredAt: time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)}}}
	for i, c := range []struct {
		fast jsonAppender
		dto  any
	}{
		{&page, page.list()},
		{&opportunityPage{}, (&opportunityPage{}).list()},
		{&bad, bad.list()},
		{&board, toBoard(board.pipeline, board.cols)},
		{&timeline, timeline.list()},
		{&timelinePage{}, (&timelinePage{}).list()},
		{&badTimeline, badTimeline.list()},
		{&forecast, forecast},
		{&Forecast{}, Forecast{}},
		{&me, me},
		{&badMe, badMe},
		{&dashboard, dashboard.Dashboard},
		{&badDashboard, badDashboard.Dashboard},
	} {
		for _, target := range []string{"/x", "/x?pretty"} {
			want, got := httptest.NewRecorder(), httptest.NewRecorder()
			wantErr := e.NewContext(httptest.NewRequest(http.MethodGet, target, nil), want).JSON(http.StatusOK, c.dto)
			gotErr := writeJSON(e.NewContext(httptest.NewRequest(http.MethodGet, target, nil), got), http.StatusOK, c.fast)
			if (gotErr == nil) != (wantErr == nil) {
				t.Errorf("%d %s: got error %v, want %v", i, target, gotErr, wantErr)
			}
			// The one difference: the fast path says how long the body is.
			if n := got.Header().Get(echo.HeaderContentLength); n != "" {
				if n != strconv.Itoa(got.Body.Len()) {
					t.Errorf("%d %s: Content-Length %s for a body of %d bytes", i, target, n, got.Body.Len())
				}
				got.Header().Del(echo.HeaderContentLength)
			} else if _, err := c.fast.appendJSON(nil); err == nil && target == "/x" {
				t.Errorf("%d %s: no Content-Length from the fast path", i, target)
			}
			if got.Code != want.Code || !bytes.Equal(got.Body.Bytes(), want.Body.Bytes()) ||
				!equalHeaders(got.Header(), want.Header()) {
				t.Errorf("%d %s: got %d %v %q, want %d %v %q", i, target, got.Code, got.Header(), got.Body,
					want.Code, want.Header(), want.Body)
			}
		}
	}
}

func equalHeaders(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if strings.Join(v, "\n") != strings.Join(b[k], "\n") {
			return false
		}
	}
	return true
}
