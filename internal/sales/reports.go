package sales

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
)

// Figures are the sums of a group of open opportunities in one currency.
type Figures struct {
	Currency string
	Count    int
	Amount   int64
	Weighted int64 // Σ(amount × probability) / 100, rounded half up once per group
}

// BoardColumn is one phase of the board.
type BoardColumn struct {
	Phase         Phase
	Totals        []Figures // per currency
	Opportunities []Opportunity
	HasMore       bool
}

// Board returns a pipeline's phases in order, each with the totals per
// currency and the first perPhase opportunities by expected order date.
// Only open opportunities with an expected order date count.
func (s *Service) Board(ctx context.Context, pipelineID uuid.UUID, perPhase int) (Pipeline, []BoardColumn, error) {
	pl, err := s.store.Pipeline(ctx, pipelineID)
	if err != nil {
		return Pipeline{}, nil, err
	}
	cols, err := s.store.Board(ctx, pl, perPhase)
	return pl, cols, err
}

// GroupBy is what a forecast groups by.
type GroupBy string

const (
	ByMonth    GroupBy = "month"
	ByPhase    GroupBy = "phase"
	ByOwner    GroupBy = "owner"
	BySource   GroupBy = "source"
	ByPipeline GroupBy = "pipeline"
)

// Valid reports whether g is a known grouping.
func (g GroupBy) Valid() bool {
	switch g {
	case ByMonth, ByPhase, ByOwner, BySource, ByPipeline:
		return true
	}
	return false
}

// ForecastQuery selects the opportunities of a forecast.
type ForecastQuery struct {
	GroupBy    GroupBy
	From, To   time.Time // expected order dates, inclusive
	PipelineID *uuid.UUID
	OwnerID    *uuid.UUID
}

// ForecastLine is one group of a forecast in one currency. Key is the
// group's id (a month as YYYY-MM); it is empty for opportunities without a
// source when grouping by source.
type ForecastLine struct {
	Key   string
	Label string
	Figures
}

// Forecast is the weighted forecast over open opportunities with an
// expected order date in [From, To].
type Forecast struct {
	Query  ForecastQuery
	Lines  []ForecastLine
	Totals []Figures // per currency: the sums of the lines
}

// DefaultForecastRange is this month and the next 11, as dates.
func DefaultForecastRange(now time.Time) (time.Time, time.Time) {
	from := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	return from, from.AddDate(1, 0, -1)
}

// Forecast computes the forecast in the database.
func (s *Service) Forecast(ctx context.Context, q ForecastQuery) (Forecast, error) {
	q, err := s.forecastQuery(q)
	if err != nil {
		return Forecast{}, err
	}
	lines, err := s.store.Forecast(ctx, q)
	if err != nil {
		return Forecast{}, err
	}
	return Forecast{Query: q, Lines: lines, Totals: sumLines(lines)}, nil
}

// forecastQuery checks q and fills its default range.
func (s *Service) forecastQuery(q ForecastQuery) (ForecastQuery, error) {
	if !q.GroupBy.Valid() {
		return q, errs.Field("group_by", "must be one of: month, phase, owner, source, pipeline")
	}
	if q.From.IsZero() || q.To.IsZero() {
		from, to := DefaultForecastRange(s.now())
		if q.From.IsZero() {
			q.From = from
		}
		if q.To.IsZero() {
			q.To = to
		}
	}
	if q.To.Before(q.From) {
		return q, errs.Field("to", "must not be before from")
	}
	if q.To.Sub(q.From) > 10*366*24*time.Hour {
		return q, errs.Field("to", "the range may span at most 10 years")
	}
	return q, nil
}

// sumLines adds the lines per currency, in currency order of appearance.
func sumLines(lines []ForecastLine) []Figures {
	var out []Figures
	idx := map[string]int{}
	for _, l := range lines {
		i, ok := idx[l.Currency]
		if !ok {
			i = len(out)
			idx[l.Currency] = i
			out = append(out, Figures{Currency: l.Currency})
		}
		out[i].Count += l.Count
		out[i].Amount += l.Amount
		out[i].Weighted += l.Weighted
	}
	return out
}

// TaskSummary is an open task as the dashboard shows it.
type TaskSummary struct {
	ID            uuid.UUID
	Title         string
	DueAt         *time.Time
	OpportunityID *uuid.UUID
}

// OpenTasks gives the dashboard a user's open tasks: how many, and the
// first few, overdue first.
type OpenTasks interface {
	OpenTaskSummary(ctx context.Context, assignee uuid.UUID, limit int) (int, []TaskSummary, error)
}

// WinRate counts opportunities closed in a period; Rate is won per closed
// in basis points, nil when none closed.
type WinRate struct {
	Won, Closed int
	Rate        *int
}

// SourceStats are a source's results over the dashboard's year.
type SourceStats struct {
	SourceID *uuid.UUID
	Name     string
	Created  int
	Won      int
	Closed   int
	WonTotal []Figures // won amounts per currency
	WinRate  *int      // basis points of won per closed
}

// DashboardQuery says which figures the dashboard reads: the board totals
// of Pipeline, opportunities won since Month and since Quarter, the win rate
// of those closed since WinRateSince, the sources of those created since
// SourcesSince, and the forecast of Forecast. The four moments are whole
// days: midnight UTC.
type DashboardQuery struct {
	Pipeline                                   Pipeline
	Month, Quarter, WinRateSince, SourcesSince time.Time
	Forecast                                   ForecastQuery
}

// DashboardFigures are what DashboardQuery asks for.
type DashboardFigures struct {
	PipelineTotals []BoardColumn
	Forecast       []ForecastLine
	WonThisMonth   []Figures
	WonThisQuarter []Figures
	WinRate        WinRate
	Sources        []SourceStats
}

// Dashboard is the sales overview of a user.
type Dashboard struct {
	Pipeline       Pipeline
	PipelineTotals []BoardColumn // without opportunities
	Forecast       Forecast      // by month, this month and the next 11
	WonThisMonth   []Figures
	WonThisQuarter []Figures
	WinRate90Days  WinRate
	OpenTaskCount  int
	OpenTasks      []TaskSummary // the first five
	Sources        []SourceStats // opportunities created in the last 365 days
	Invoicing      InvoiceSummary
	GeneratedAt    time.Time
}

// InvoiceFigures are a count and an amount in one currency.
type InvoiceFigures struct {
	Currency string
	Count    int
	Amount   int64
}

// InvoiceSummary is the dashboard's invoicing: invoiced this month and
// quarter (net of credit notes), outstanding and overdue, per currency.
type InvoiceSummary struct {
	InvoicedThisMonth   []InvoiceFigures
	InvoicedThisQuarter []InvoiceFigures
	Outstanding         []InvoiceFigures
	Overdue             []InvoiceFigures
}

// Invoicing gives the dashboard the invoicing figures of the workspace.
type Invoicing interface {
	InvoiceSummary(ctx context.Context) (InvoiceSummary, error)
}

// Dashboard assembles the caller's dashboard. Its periods are whole days in
// UTC: this calendar month and quarter, the win rate over the closes since
// midnight 90 days ago, the sources over the opportunities created since
// midnight a year ago (today is counted as far as it has come). Whole days
// are what the daily totals hold, so the figures cost the same however many
// opportunities there are.
func (s *Service) Dashboard(ctx context.Context) (Dashboard, error) {
	p, err := identity.Caller(ctx)
	if err != nil {
		return Dashboard{}, err
	}
	now := s.now()
	d := Dashboard{GeneratedAt: now}
	if d.Pipeline, err = s.store.DefaultPipeline(ctx); err != nil {
		return Dashboard{}, err
	}
	fq, err := s.forecastQuery(ForecastQuery{GroupBy: ByMonth})
	if err != nil {
		return Dashboard{}, err
	}
	u := now.UTC()
	today := time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
	month := time.Date(u.Year(), u.Month(), 1, 0, 0, 0, 0, time.UTC)
	quarter := time.Date(u.Year(), (u.Month()-1)/3*3+1, 1, 0, 0, 0, 0, time.UTC)
	f, err := s.store.DashboardFigures(ctx, DashboardQuery{Pipeline: d.Pipeline, Month: month, Quarter: quarter,
		WinRateSince: today.AddDate(0, 0, -90), SourcesSince: today.AddDate(-1, 0, 0), Forecast: fq})
	if err != nil {
		return Dashboard{}, err
	}
	d.PipelineTotals, d.WonThisMonth, d.WonThisQuarter = f.PipelineTotals, f.WonThisMonth, f.WonThisQuarter
	d.Forecast = Forecast{Query: fq, Lines: f.Forecast, Totals: sumLines(f.Forecast)}
	d.WinRate90Days, d.Sources = f.WinRate, f.Sources
	d.WinRate90Days.Rate = rate(d.WinRate90Days.Won, d.WinRate90Days.Closed)
	for i := range d.Sources {
		d.Sources[i].WinRate = rate(d.Sources[i].Won, d.Sources[i].Closed)
	}
	if s.invoicing != nil {
		if d.Invoicing, err = s.invoicing.InvoiceSummary(ctx); err != nil {
			return Dashboard{}, err
		}
	}
	d.OpenTaskCount, d.OpenTasks, err = s.openTasks.OpenTaskSummary(ctx, p.UserID, 5)
	return d, err
}

// rate returns won per closed in basis points, rounded half up.
func rate(won, closed int) *int {
	if closed == 0 {
		return nil
	}
	r := (won*10000*2 + closed) / (closed * 2)
	return &r
}
