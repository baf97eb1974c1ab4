package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/sales"
)

func (s *Server) registerReportRoutes(g routes) {
	g.GET("/pipelines/:id/board", s.board)
	g.GET("/forecast", s.forecast)
	g.GET("/dashboard", s.dashboard)
}

// Figures are the sums of a group of opportunities in one currency.
type Figures struct {
	Currency       string `json:"currency" example:"SEK"`
	Count          int    `json:"count" example:"4"`
	Amount         int64  `json:"amount" example:"48000000"`
	WeightedAmount int64  `json:"weighted_amount" example:"21500000"`
} // @name Figures

// BoardColumn is a phase of the board with its totals and first cards.
type BoardColumn struct {
	Phase         Phase         `json:"phase"`
	Totals        []Figures     `json:"totals"`
	Opportunities []Opportunity `json:"opportunities"`
	HasMore       bool          `json:"has_more"`
} // @name BoardColumn

// Board is a pipeline's phases in order with open, dated opportunities.
type Board struct {
	PipelineID uuid.UUID     `json:"pipeline_id"`
	Name       string        `json:"name"`
	Phases     []BoardColumn `json:"phases"`
} // @name Board

// ForecastRow is one group of the forecast in one currency.
type ForecastRow struct {
	Key            *string `json:"key" extensions:"x-nullable" example:"2026-12"`
	Label          string  `json:"label" example:"2026-12"`
	Currency       string  `json:"currency" example:"SEK"`
	Count          int     `json:"count"`
	Amount         int64   `json:"amount"`
	WeightedAmount int64   `json:"weighted_amount"`
} // @name ForecastRow

// Forecast is the weighted and unweighted forecast.
type Forecast struct {
	GroupBy string        `json:"group_by" enums:"month,phase,owner,source,pipeline"`
	From    Date          `json:"from" swaggertype:"string" format:"date"`
	To      Date          `json:"to" swaggertype:"string" format:"date"`
	Rows    []ForecastRow `json:"rows"`
	Totals  []Figures     `json:"totals"`
} // @name Forecast

// TaskSummary is an open task on the dashboard.
type TaskSummary struct {
	ID            uuid.UUID  `json:"id"`
	Title         string     `json:"title"`
	DueAt         *time.Time `json:"due_at" extensions:"x-nullable"`
	OpportunityID *uuid.UUID `json:"opportunity_id" extensions:"x-nullable"`
	Overdue       bool       `json:"overdue"`
} // @name TaskSummary

// MyOpenTasks counts the caller's open tasks and shows the first five.
type MyOpenTasks struct {
	Count int           `json:"count"`
	First []TaskSummary `json:"first"`
} // @name MyOpenTasks

// WinRate is won per closed over a period; rate in basis points (null when nothing closed).
type WinRate struct {
	Won    int  `json:"won"`
	Closed int  `json:"closed"`
	Rate   *int `json:"rate" extensions:"x-nullable" example:"3750"`
} // @name WinRate

// SourceStats are a source's results for opportunities created in the last 365 days.
type SourceStats struct {
	SourceID  *uuid.UUID `json:"source_id" extensions:"x-nullable"`
	Name      string     `json:"name"`
	Created   int        `json:"created"`
	Won       int        `json:"won"`
	WonAmount []Figures  `json:"won_amount"`
	WinRate   *int       `json:"win_rate" extensions:"x-nullable"`
} // @name SourceStats

// Dashboard is the sales overview of the caller.
type Dashboard struct {
	Pipeline       Board         `json:"pipeline"`
	Forecast       Forecast      `json:"forecast"`
	WonThisMonth   []Figures     `json:"won_this_month"`
	WonThisQuarter []Figures     `json:"won_this_quarter"`
	WinRate90Days  WinRate       `json:"win_rate_90_days"`
	MyOpenTasks    MyOpenTasks   `json:"my_open_tasks"`
	Sources        []SourceStats `json:"sources"`
	// Invoicing is invoiced this month and quarter, outstanding and
	// overdue, per currency.
	Invoicing   DashboardInvoicing `json:"invoicing"`
	GeneratedAt time.Time          `json:"generated_at"`
} // @name Dashboard

func toFigures(f sales.Figures) Figures {
	return Figures{Currency: f.Currency, Count: f.Count, Amount: f.Amount, WeightedAmount: f.Weighted}
}

func toBoard(p sales.Pipeline, cols []sales.BoardColumn) Board {
	return Board{PipelineID: p.ID, Name: p.Name, Phases: mapSlice(cols, func(c sales.BoardColumn) BoardColumn {
		return BoardColumn{Phase: toPhase(c.Phase), Totals: mapSlice(c.Totals, toFigures),
			Opportunities: mapSlice(c.Opportunities, toOpportunity), HasMore: c.HasMore}
	})}
}

func toForecast(f sales.Forecast) Forecast {
	return Forecast{GroupBy: string(f.Query.GroupBy), From: Date{f.Query.From}, To: Date{f.Query.To},
		Totals: mapSlice(f.Totals, toFigures), Rows: mapSlice(f.Lines, func(l sales.ForecastLine) ForecastRow {
			r := ForecastRow{Label: l.Label, Currency: l.Currency, Count: l.Count, Amount: l.Amount, WeightedAmount: l.Weighted}
			if l.Key != "" {
				k := l.Key
				r.Key = &k
			}
			return r
		})}
}

// board godoc
//
//	@Summary		A pipeline's board
//	@Description	The phases in order, each with count, amount and weighted amount per currency and its first opportunities by expected order date. Only open opportunities with an expected order date count. Weighted = Σ(amount × probability) / 100, rounded half up once per phase and currency.
//	@Tags			reports
//	@ID				board
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path		string	true	"Pipeline id"	format(uuid)
//	@Param			per_phase	query		int		false	"Cards per phase (0-100, default 20)"
//	@Success		200			{object}	Board
//	@Failure		404			{object}	Problem
//	@Router			/api/v1/pipelines/{id}/board [get]
func (s *Server) board(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	per := 20
	if v := c.QueryParam("per_phase"); v != "" {
		if per, err = strconv.Atoi(v); err != nil || per < 0 || per > 100 {
			return errs.Field("per_phase", "must be an integer from 0 to 100")
		}
	}
	p, cols, err := s.sales.Board(c.Request().Context(), id, per)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, &boardPage{pipeline: p, cols: cols})
}

// forecast godoc
//
//	@Summary		Weighted and unweighted forecast
//	@Description	Open opportunities with an expected order date in [from, to] (default: this month and the next 11), grouped and per currency; computed in the database. Weighted = Σ(amount × probability) / 100, rounded half up once per row. Totals are the sums of the rows per currency.
//	@Tags			reports
//	@ID				forecast
//	@Produce		json
//	@Security		BearerAuth
//	@Param			group_by	query		string	false	"Grouping (default month)"	Enums(month,phase,owner,source,pipeline)
//	@Param			from		query		string	false	"First expected order date"	format(date)
//	@Param			to			query		string	false	"Last expected order date"	format(date)
//	@Param			pipeline_id	query		string	false	"Only this pipeline"	format(uuid)
//	@Param			owner_id	query		string	false	"Only this owner, or me"
//	@Success		200			{object}	Forecast
//	@Router			/api/v1/forecast [get]
func (s *Server) forecast(c echo.Context) error {
	q := queryParams{c: c}
	fq := sales.ForecastQuery{GroupBy: sales.GroupBy(c.QueryParam("group_by")), PipelineID: q.uuid("pipeline_id"), OwnerID: q.userID("owner_id")}
	if fq.GroupBy == "" {
		fq.GroupBy = sales.ByMonth
	}
	if from := q.date("from"); from != nil {
		fq.From = *from
	}
	if to := q.date("to"); to != nil {
		fq.To = *to
	}
	if err := q.err(); err != nil {
		return err
	}
	f, err := s.sales.Forecast(c.Request().Context(), fq)
	if err != nil {
		return err
	}
	out := toForecast(f)
	return writeJSON(c, http.StatusOK, &out)
}

// dashboard godoc
//
//	@Summary		The caller's sales dashboard
//	@Description	Totals per phase of the default pipeline, the weighted forecast for this month and the next 11, won this month and quarter (UTC calendar), win rate over the closes since midnight UTC 90 days ago (won per closed, basis points), the caller's open tasks (count and first five, overdue first), per source over the opportunities created since midnight UTC a year ago: created, won, won amount, win rate (whole UTC days, today as far as it has come); and invoicing per currency: invoiced this month and quarter (issue dates in the workspace's time zone, net of credit notes, VAT included), outstanding and overdue (count and amount due).
//	@Tags			reports
//	@ID				dashboard
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	Dashboard
//	@Router			/api/v1/dashboard [get]
func (s *Server) dashboard(c echo.Context) error {
	d, err := s.sales.Dashboard(c.Request().Context())
	if err != nil {
		return err
	}
	now := d.GeneratedAt
	board := boardPage{pipeline: d.Pipeline, cols: d.PipelineTotals}
	out := Dashboard{Pipeline: toBoard(d.Pipeline, d.PipelineTotals), Forecast: toForecast(d.Forecast),
		WonThisMonth: mapSlice(d.WonThisMonth, toFigures), WonThisQuarter: mapSlice(d.WonThisQuarter, toFigures),
		WinRate90Days: WinRate{Won: d.WinRate90Days.Won, Closed: d.WinRate90Days.Closed, Rate: d.WinRate90Days.Rate},
		MyOpenTasks: MyOpenTasks{Count: d.OpenTaskCount, First: mapSlice(d.OpenTasks, func(t sales.TaskSummary) TaskSummary {
			return TaskSummary{ID: t.ID, Title: t.Title, DueAt: utcp(t.DueAt), OpportunityID: t.OpportunityID,
				Overdue: t.DueAt != nil && t.DueAt.Before(now)}
		})},
		Sources: mapSlice(d.Sources, func(s sales.SourceStats) SourceStats {
			return SourceStats{SourceID: s.SourceID, Name: s.Name, Created: s.Created, Won: s.Won,
				WonAmount: mapSlice(s.WonTotal, toFigures), WinRate: s.WinRate}
		}),
		Invoicing: DashboardInvoicing{InvoicedThisMonth: toInvoiceFigures(d.Invoicing.InvoicedThisMonth),
			InvoicedThisQuarter: toInvoiceFigures(d.Invoicing.InvoicedThisQuarter),
			Outstanding:         toInvoiceFigures(d.Invoicing.Outstanding), Overdue: toInvoiceFigures(d.Invoicing.Overdue)},
		GeneratedAt: utc(now)}
	return writeJSON(c, http.StatusOK, &dashboardPage{Dashboard: out, board: board})
}
