package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/acme/crm/internal/sales"
)

// weightedSQL is the forecast's weighting, rounded once per group (half up:
// amounts are never negative).
const weightedSQL = "round(sum(o.estimated_amount::numeric * o.probability) / 100)::bigint"

// inForecast admits what the board and the forecast count: open
// opportunities with an expected order date (the partial indexes' predicate).
const inForecast = "o.status = 'open' AND o.expected_order_date IS NOT NULL"

// Board implements sales.Store: the totals from board_totals (kept by a
// trigger), and one query with a LATERAL join for the first cards of every
// phase; both cost the same at any number of opportunities. Both run
// natively on pgx (readQuery) and are scanned by hand.
func (r *Sales) Board(ctx context.Context, p sales.Pipeline, perPhase int) ([]sales.BoardColumn, error) {
	ws, err := wsID(ctx)
	if err != nil {
		return nil, err
	}
	sums, err := r.boardTotals(ctx, ws, p.ID)
	if err != nil {
		return nil, err
	}
	cols := boardColumns(p, sums)
	if perPhase == 0 || len(p.Phases) == 0 {
		return cols, nil
	}
	at := make(map[uuid.UUID]int, len(p.Phases))
	for i, ph := range p.Phases {
		at[ph.ID] = i
	}
	rows, err := r.db.readQuery(ctx, `SELECT `+opportunityColumns+` FROM phases ph CROSS JOIN LATERAL (
			SELECT o.* FROM opportunities o
			WHERE o.workspace_id = $1 AND o.phase_id = ph.id AND `+inForecast+`
			ORDER BY o.expected_order_date, o.id LIMIT $2) opportunities
		WHERE ph.workspace_id = $1 AND ph.pipeline_id = $3
		ORDER BY ph.position, opportunities.expected_order_date, opportunities.id`, pgUUID(ws), perPhase+1, pgUUID(p.ID))
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	scan := newOpportunityScan()
	for rows.Next() {
		o, err := scan.scan(rows)
		if err != nil {
			return nil, translate(err)
		}
		i := at[o.PhaseID]
		if len(cols[i].Opportunities) == perPhase {
			cols[i].HasMore = true
			continue
		}
		if cols[i].Opportunities == nil {
			cols[i].Opportunities = make([]sales.Opportunity, 0, perPhase)
		}
		cols[i].Opportunities = append(cols[i].Opportunities, o)
	}
	return cols, translate(rows.Err())
}

// boardTotals reads a pipeline's totals per phase and currency.
func (r *Sales) boardTotals(ctx context.Context, ws, pipelineID uuid.UUID) ([]figuresDoc, error) {
	rows, err := r.db.readQuery(ctx, `SELECT phase_id, currency, count, amount::bigint, round(weighted / 100)::bigint
		FROM board_totals WHERE workspace_id = $1 AND pipeline_id = $2 AND count > 0 ORDER BY currency`,
		pgUUID(ws), pgUUID(pipelineID))
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var sums []figuresDoc
	for rows.Next() {
		var f figuresDoc
		if err := rows.Scan(uuidDst{&f.PhaseID}, &f.Currency, &f.Count, &f.Amount, &f.Weighted); err != nil {
			return nil, translate(err)
		}
		sums = append(sums, f)
	}
	return sums, translate(rows.Err())
}

// forecastGroups are the key and label of each grouping, over the rows of
// forecastSource (alias f).
var forecastGroups = map[sales.GroupBy]struct{ key, label, join string }{
	sales.ByMonth: {"to_char(f.month, 'YYYY-MM')", "to_char(f.month, 'YYYY-MM')", ""},
	sales.ByPhase: {"f.phase_id::text", "g.name", "JOIN phases g ON g.id = f.phase_id"},
	sales.ByOwner: {"f.owner_id::text", "g.name", "JOIN users g ON g.id = f.owner_id"},
	sales.BySource: {"f.source_id::text", "COALESCE(g.name, 'No source')",
		"LEFT JOIN sources g ON g.id = f.source_id"},
	sales.ByPipeline: {"f.pipeline_id::text", "g.name", "JOIN pipelines g ON g.id = f.pipeline_id"},
}

// Forecast implements sales.Store in one grouped query. Whole months come
// from forecast_totals (kept by a trigger, so their cost does not grow with
// the opportunities); the days of a partial first or last month come from
// the opportunities themselves. Dates go in as text cast to date: a
// time.Time parameter would be a timestamptz and defeat the date index.
// The query runs natively on pgx (readQuery) and is scanned by hand: with
// the totals it is a cheap read, so the rest of its cost shows.
func (r *Sales) Forecast(ctx context.Context, q sales.ForecastQuery) ([]sales.ForecastLine, error) {
	ws, err := wsID(ctx)
	if err != nil {
		return nil, err
	}
	g, ok := forecastGroups[q.GroupBy]
	if !ok {
		return nil, fmt.Errorf("forecast: unknown grouping %q", q.GroupBy)
	}
	var a sqlArgs
	rows, err := r.db.readQuery(ctx, forecastSQL(a.add(pgUUID(ws)), q, g, &a), a...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []sales.ForecastLine
	var key, label pgtype.Text
	for rows.Next() {
		var l sales.ForecastLine
		if err := rows.Scan(&key, &label, &l.Currency, &l.Count, &l.Amount, &l.Weighted); err != nil {
			return nil, translate(err)
		}
		l.Key, l.Label = key.String, label.String
		out = append(out, l)
	}
	return out, translate(rows.Err())
}

// forecastSQL is the forecast's grouped query, its arguments added to a;
// ws is the workspace's placeholder.
func forecastSQL(ws string, q sales.ForecastQuery, g struct{ key, label, join string }, a *sqlArgs) string {
	src := forecastSource(ws, q, a)
	order := "label, key, f.currency"
	if q.GroupBy == sales.ByMonth {
		order = "key, f.currency"
	} else if q.GroupBy == sales.ByPhase {
		order = "min(g.position), label, key, f.currency"
	}
	return fmt.Sprintf(`SELECT %s AS key, %s AS label, f.currency, sum(f.count)::bigint AS count,
			sum(f.amount)::bigint AS amount, round(sum(f.weighted) / 100)::bigint AS weighted
		FROM (%s) f %s GROUP BY 1, 2, f.currency HAVING sum(f.count) > 0 ORDER BY %s`,
		g.key, g.label, src, g.join, order)
}

// forecastSource is the SQL of the forecast's rows: the whole months of
// [From, To] from forecast_totals (forecast_month_totals by month over the
// whole workspace), and the days before and after them from
// the opportunities (each a narrow range of the date index).
func forecastSource(w string, q sales.ForecastQuery, a *sqlArgs) string {
	filters := ""
	if q.PipelineID != nil {
		filters += " AND pipeline_id = " + a.add(pgUUID(*q.PipelineID))
	}
	if q.OwnerID != nil {
		filters += " AND owner_id = " + a.add(pgUUID(*q.OwnerID))
	}
	day := func(t time.Time) string { return dateArg(a, t) }
	var parts []string
	raw := func(from, to time.Time) {
		parts = append(parts, `SELECT date_trunc('month', expected_order_date)::date AS month, pipeline_id, phase_id,
				owner_id, source_id, currency, 1 AS count, estimated_amount::numeric AS amount,
				estimated_amount::numeric * probability AS weighted
			FROM opportunities WHERE workspace_id = `+w+` AND status = 'open'
				AND expected_order_date BETWEEN CAST(`+day(from)+` AS date) AND CAST(`+day(to)+` AS date)`+filters)
	}
	fullFrom, fullTo := wholeMonths(q.From, q.To)
	if fullFrom.After(fullTo) { // no whole month in the range
		raw(q.From, q.To)
		return parts[0]
	}
	months := "month BETWEEN CAST(" + day(fullFrom) + " AS date) AND CAST(" + day(fullTo) + " AS date)"
	if q.GroupBy == sales.ByMonth && filters == "" {
		// By month over the whole workspace: month and currency are all
		// it needs, a few rows a month instead of thousands.
		parts = append(parts, `SELECT month, NULL::uuid AS pipeline_id, NULL::uuid AS phase_id, NULL::uuid AS owner_id,
				NULL::uuid AS source_id, currency, count, amount, weighted
			FROM forecast_month_totals WHERE workspace_id = `+w+` AND `+months)
	} else {
		parts = append(parts, `SELECT month, pipeline_id, phase_id, owner_id, source_id, currency, count, amount, weighted
			FROM forecast_totals WHERE workspace_id = `+w+` AND `+months+filters)
	}
	if q.From.Before(fullFrom) {
		raw(q.From, fullFrom.AddDate(0, 0, -1))
	}
	if end := fullTo.AddDate(0, 1, -1); q.To.After(end) {
		raw(end.AddDate(0, 0, 1), q.To)
	}
	return strings.Join(parts, " UNION ALL ")
}

// wholeMonths returns the first days of the first and last whole months in
// [from, to]; first after last when there is none.
func wholeMonths(from, to time.Time) (time.Time, time.Time) {
	first := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
	if from.Day() != 1 {
		first = first.AddDate(0, 1, 0)
	}
	last := time.Date(to.Year(), to.Month(), 1, 0, 0, 0, 0, time.UTC)
	if to.AddDate(0, 0, 1).Month() == to.Month() { // to is not its month's last day
		last = last.AddDate(0, -1, 0)
	}
	return first, last
}

// The parts of the dashboard's one statement (see dashPart); their
// arguments are placeholders of the statement's sqlArgs (ws: the
// workspace's).

func boardTotalsSQL(ws, pipeline string) string {
	return `SELECT phase_id, currency, count, amount::bigint AS amount, round(weighted / 100)::bigint AS weighted
		FROM board_totals WHERE workspace_id = ` + ws + ` AND pipeline_id = ` + pipeline + ` AND count > 0`
}

// The won figures, the win rate and the sources count whole days (UTC,
// DashboardQuery's moments are midnights) from the trigger-kept totals.

func wonSQL(ws, firstDay string) string {
	return `SELECT currency, sum(count)::bigint AS count, sum(amount)::bigint AS amount, sum(amount)::bigint AS weighted
		FROM closed_totals WHERE workspace_id = ` + ws + ` AND status = 'won' AND day >= CAST(` + firstDay + ` AS date)
		GROUP BY currency`
}

func winRateSQL(ws, firstDay string) string {
	return `SELECT COALESCE(sum(count) FILTER (WHERE status = 'won'), 0) AS won, COALESCE(sum(count), 0) AS closed
		FROM closed_totals WHERE workspace_id = ` + ws + ` AND day >= CAST(` + firstDay + ` AS date)`
}

// sourcesSQL reads the whole months of the range starting at since from
// created_month_totals and the days of its first month from created_totals;
// since's month is whole when since is the first.
func sourcesSQL(ws string, since time.Time, a *sqlArgs) string {
	u := since.UTC()
	month := time.Date(u.Year(), u.Month(), 1, 0, 0, 0, 0, time.UTC)
	if !month.Equal(u) {
		month = month.AddDate(0, 1, 0)
	}
	firstDay, firstMonth := dateArg(a, u), dateArg(a, month)
	return `SELECT c.source_id, s.name, s.position, c.currency, sum(c.created)::bigint AS created,
			sum(c.won)::bigint AS won, sum(c.closed)::bigint AS closed, sum(c.won_amount)::bigint AS won_amount
		FROM (SELECT source_id, currency, created, won, closed, won_amount FROM created_month_totals
				WHERE workspace_id = ` + ws + ` AND month >= CAST(` + firstMonth + ` AS date)
			UNION ALL
			SELECT source_id, currency, created, won, closed, won_amount FROM created_totals
				WHERE workspace_id = ` + ws + ` AND day >= CAST(` + firstDay + ` AS date) AND day < CAST(` + firstMonth + ` AS date)) c
		LEFT JOIN sources s ON s.id = c.source_id
		GROUP BY c.source_id, s.name, s.position, c.currency`
}

// dateArg adds t's UTC date as text, cast to date in the SQL: a time.Time
// would be a timestamptz.
func dateArg(a *sqlArgs, t time.Time) string { return a.add(t.UTC().Format(time.DateOnly)) }

type figuresDoc struct {
	PhaseID  uuid.UUID
	Currency string
	Count    int
	Amount   int64
	Weighted int64
}

func (f figuresDoc) figures() sales.Figures {
	return sales.Figures{Currency: f.Currency, Count: f.Count, Amount: f.Amount, Weighted: f.Weighted}
}

type sourceDoc struct {
	SourceID  *uuid.UUID
	Name      *string
	Currency  string
	Created   int
	Won       int
	Closed    int
	WonAmount int64
}

// The parts of the dashboard's statement, in the order of its rows.
const (
	dashBoard = iota + 1
	dashWonMonth
	dashWonQuarter
	dashWinRate
	dashSources
	dashForecast
)

// DashboardFigures implements sales.Store: every figure in one statement,
// so the dashboard costs one round trip however many parts it has. Each
// part's rows are put in one shape (part, its order, an id, key, label,
// currency and five numbers) and read by hand, natively on pgx.
func (r *Sales) DashboardFigures(ctx context.Context, q sales.DashboardQuery) (sales.DashboardFigures, error) {
	ws, err := wsID(ctx)
	if err != nil {
		return sales.DashboardFigures{}, err
	}
	var a sqlArgs
	w := a.add(pgUUID(ws))
	forecast := forecastSQL(w, q.Forecast, forecastGroups[q.Forecast.GroupBy], &a)
	sql := dashPart(dashBoard, "x.currency", "x.phase_id, NULL, NULL, x.currency, x.count, x.amount, x.weighted, 0, 0",
		boardTotalsSQL(w, a.add(pgUUID(q.Pipeline.ID)))) +
		" UNION ALL " + dashPart(dashWonMonth, "x.currency", wonColumns, wonSQL(w, dateArg(&a, q.Month))) +
		" UNION ALL " + dashPart(dashWonQuarter, "x.currency", wonColumns, wonSQL(w, dateArg(&a, q.Quarter))) +
		" UNION ALL " + dashPart(dashWinRate, "x.won", "NULL, NULL, NULL, NULL, 0, 0, 0, x.won, x.closed",
		winRateSQL(w, dateArg(&a, q.WinRateSince))) +
		" UNION ALL " + dashPart(dashSources, "x.position NULLS LAST, x.name, x.currency",
		"x.source_id, NULL, x.name, x.currency, x.created, x.won_amount, 0, x.won, x.closed",
		sourcesSQL(w, q.SourcesSince, &a)) +
		" UNION ALL " + dashPart(dashForecast, "x.key, x.currency",
		"NULL, x.key, x.label, x.currency, x.count, x.amount, x.weighted, 0, 0", forecast) +
		" ORDER BY 1, 2"
	rows, err := r.db.readQuery(ctx, sql, a...)
	if err != nil {
		return sales.DashboardFigures{}, translate(err)
	}
	defer rows.Close()
	var (
		out                  sales.DashboardFigures
		board                []figuresDoc
		sources              []sourceDoc
		part, n              int
		id                   *uuid.UUID
		key, label, currency pgtype.Text
		count                int
		amount, weighted     int64
		won, closed          int
	)
	for rows.Next() {
		if err := rows.Scan(&part, &n, nullUUIDDst{&id}, &key, &label, &currency, &count, &amount, &weighted,
			&won, &closed); err != nil {
			return sales.DashboardFigures{}, translate(err)
		}
		f := sales.Figures{Currency: currency.String, Count: count, Amount: amount, Weighted: weighted}
		switch part {
		case dashBoard:
			if id != nil {
				board = append(board, figuresDoc{PhaseID: *id, Currency: f.Currency, Count: count, Amount: amount, Weighted: weighted})
			}
		case dashWonMonth:
			out.WonThisMonth = append(out.WonThisMonth, f)
		case dashWonQuarter:
			out.WonThisQuarter = append(out.WonThisQuarter, f)
		case dashWinRate:
			out.WinRate = sales.WinRate{Won: won, Closed: closed}
		case dashSources:
			s := sourceDoc{SourceID: id, Currency: f.Currency, Created: count, Won: won, Closed: closed, WonAmount: amount}
			if label.Valid {
				name := label.String
				s.Name = &name
			}
			sources = append(sources, s)
		case dashForecast:
			out.Forecast = append(out.Forecast, sales.ForecastLine{Key: key.String, Label: label.String, Figures: f})
		}
	}
	if err := rows.Err(); err != nil {
		return sales.DashboardFigures{}, translate(err)
	}
	out.PipelineTotals, out.Sources = boardColumns(q.Pipeline, board), sourceStats(sources)
	return out, nil
}

// wonColumns are the dashboard's columns of a wonSQL part.
const wonColumns = "NULL, NULL, NULL, x.currency, x.count, x.amount, x.weighted, 0, 0"

// dashPart is one part of the dashboard's statement in its common shape:
// the part's number, its rows' order within it, then columns (an id, key,
// label, currency, count, amount, weighted, won, closed) over the rows x
// of sql. The casts give every part's columns the same types.
func dashPart(part int, order, columns, sql string) string {
	c := strings.Split(columns, ", ")
	types := []string{"uuid", "text", "text", "text", "bigint", "bigint", "bigint", "bigint", "bigint"}
	for i := range c {
		c[i] = "CAST(" + c[i] + " AS " + types[i] + ")"
	}
	return "(SELECT " + strconv.Itoa(part) + ", row_number() OVER (ORDER BY " + order + "), " +
		strings.Join(c, ", ") + " FROM (" + sql + ") x)"
}

// boardColumns puts the totals per phase and currency into the pipeline's
// columns, in phase order.
func boardColumns(p sales.Pipeline, sums []figuresDoc) []sales.BoardColumn {
	cols := make([]sales.BoardColumn, len(p.Phases))
	at := map[uuid.UUID]int{}
	for i, ph := range p.Phases {
		cols[i].Phase, at[ph.ID] = ph, i
	}
	for _, s := range sums {
		if i, ok := at[s.PhaseID]; ok {
			cols[i].Totals = append(cols[i].Totals, s.figures())
		}
	}
	return cols
}

// sourceStats folds the rows per source and currency into one entry per
// source (and "No source"), with the won amounts per currency.
func sourceStats(rows []sourceDoc) []sales.SourceStats {
	var out []sales.SourceStats
	at := map[uuid.UUID]int{}
	for _, row := range rows {
		key := uuid.Nil
		if row.SourceID != nil {
			key = *row.SourceID
		}
		i, ok := at[key]
		if !ok {
			name := "No source"
			if row.Name != nil {
				name = *row.Name
			}
			i = len(out)
			at[key] = i
			out = append(out, sales.SourceStats{SourceID: row.SourceID, Name: name})
		}
		s := &out[i]
		s.Created += row.Created
		s.Won += row.Won
		s.Closed += row.Closed
		if row.WonAmount > 0 {
			s.WonTotal = append(s.WonTotal, sales.Figures{Currency: row.Currency, Count: row.Won, Amount: row.WonAmount, Weighted: row.WonAmount})
		}
	}
	return out
}
