package api

import (
	"encoding/json"
	"strconv"

	"github.com/acme/crm/internal/sales"
)

// boardPage is the Board of a pipeline, written (see writeJSON) without
// building it: each card becomes its DTO only while it is written.
type boardPage struct {
	pipeline sales.Pipeline
	cols     []sales.BoardColumn
}

// MarshalJSON is encoding/json's view of bp, for c.JSON's fallback.
func (bp *boardPage) MarshalJSON() ([]byte, error) {
	return json.Marshal(toBoard(bp.pipeline, bp.cols))
}

// appendJSON writes toBoard(bp.pipeline, bp.cols) as encoding/json does;
// toBoard's lists (mapSlice) are never null.
func (bp *boardPage) appendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"pipeline_id":`...)
	b = appendJSONUUID(b, bp.pipeline.ID)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, bp.pipeline.Name)
	b = append(b, `,"phases":[`...)
	for i, c := range bp.cols {
		if i > 0 {
			b = append(b, ',')
		}
		ph := toPhase(c.Phase)
		b = append(b, `{"phase":`...)
		b = ph.appendJSON(b)
		b = append(b, `,"totals":[`...)
		for j, f := range c.Totals {
			if j > 0 {
				b = append(b, ',')
			}
			b = toFigures(f).appendJSON(b)
		}
		b = append(b, `],"opportunities":`...)
		var err error
		if b, err = appendOpportunitiesOf(b, c.Opportunities); err != nil {
			return b, err
		}
		b = append(b, `,"has_more":`...)
		b = appendJSONBool(b, c.HasMore)
		b = append(b, '}')
	}
	return append(b, "]}"...), nil
}

func (p *Phase) appendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = appendJSONUUID(b, p.ID)
	b = append(b, `,"pipeline_id":`...)
	b = appendJSONUUID(b, p.PipelineID)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, p.Name)
	b = append(b, `,"probability":`...)
	b = strconv.AppendInt(b, int64(p.Probability), 10)
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, p.Kind)
	b = append(b, `,"color":`...)
	b = appendJSONString(b, p.Color)
	b = append(b, `,"position":`...)
	b = strconv.AppendInt(b, int64(p.Position), 10)
	return append(b, '}')
}

func (f Figures) appendJSON(b []byte) []byte {
	b = append(b, `{"currency":`...)
	b = appendJSONString(b, f.Currency)
	b = append(b, `,"count":`...)
	b = strconv.AppendInt(b, int64(f.Count), 10)
	b = append(b, `,"amount":`...)
	b = strconv.AppendInt(b, f.Amount, 10)
	b = append(b, `,"weighted_amount":`...)
	b = strconv.AppendInt(b, f.WeightedAmount, 10)
	return append(b, '}')
}

// appendJSON writes the forecast as encoding/json does: GET /forecast is
// one cheap read of trigger-kept totals, so its JSON is a good part of
// its cost.
func (f *Forecast) appendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"group_by":`...)
	b = appendJSONString(b, f.GroupBy)
	b = append(b, `,"from":`...)
	b = f.From.appendJSON(b)
	b = append(b, `,"to":`...)
	b = f.To.appendJSON(b)
	b = append(b, `,"rows":`...)
	if f.Rows == nil { // as encoding/json writes a nil slice
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range f.Rows {
			if i > 0 {
				b = append(b, ',')
			}
			b = f.Rows[i].appendJSON(b)
		}
		b = append(b, ']')
	}
	b = append(b, `,"totals":`...)
	return append(appendFigures(b, f.Totals), '}'), nil
}

func (r *ForecastRow) appendJSON(b []byte) []byte {
	b = append(b, `{"key":`...)
	b = appendJSONStringPtr(b, r.Key)
	b = append(b, `,"label":`...)
	b = appendJSONString(b, r.Label)
	b = append(b, `,"currency":`...)
	b = appendJSONString(b, r.Currency)
	b = append(b, `,"count":`...)
	b = strconv.AppendInt(b, int64(r.Count), 10)
	b = append(b, `,"amount":`...)
	b = strconv.AppendInt(b, r.Amount, 10)
	b = append(b, `,"weighted_amount":`...)
	b = strconv.AppendInt(b, r.WeightedAmount, 10)
	return append(b, '}')
}

// appendFigures writes a slice of figures as encoding/json does (nil as
// null).
func appendFigures(b []byte, fs []Figures) []byte {
	if fs == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, f := range fs {
		if i > 0 {
			b = append(b, ',')
		}
		b = f.appendJSON(b)
	}
	return append(b, ']')
}

// dashboardPage is the Dashboard written by hand (see writeJSON), its board
// from the store's pipeline and totals as GET /board writes it; Dashboard
// holds the same board as a DTO for encoding/json's fallback.
type dashboardPage struct {
	Dashboard
	board boardPage
}

// MarshalJSON is encoding/json's view of d, for c.JSON's fallback.
func (d *dashboardPage) MarshalJSON() ([]byte, error) { return json.Marshal(d.Dashboard) }

// appendJSON writes d.Dashboard as encoding/json does. GET /dashboard reads
// trigger-kept totals in a few statements, so its JSON is a good part of
// its cost.
func (d *dashboardPage) appendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"pipeline":`...)
	b, err := d.board.appendJSON(b)
	if err != nil {
		return b, err
	}
	b = append(b, `,"forecast":`...)
	if b, err = d.Forecast.appendJSON(b); err != nil {
		return b, err
	}
	b = append(b, `,"won_this_month":`...)
	b = appendFigures(b, d.WonThisMonth)
	b = append(b, `,"won_this_quarter":`...)
	b = appendFigures(b, d.WonThisQuarter)
	b = append(b, `,"win_rate_90_days":{"won":`...)
	b = strconv.AppendInt(b, int64(d.WinRate90Days.Won), 10)
	b = append(b, `,"closed":`...)
	b = strconv.AppendInt(b, int64(d.WinRate90Days.Closed), 10)
	b = append(b, `,"rate":`...)
	b = appendJSONIntPtr(b, d.WinRate90Days.Rate)
	b = append(b, `},"my_open_tasks":{"count":`...)
	b = strconv.AppendInt(b, int64(d.MyOpenTasks.Count), 10)
	b = append(b, `,"first":`...)
	if b, err = appendJSONList(b, d.MyOpenTasks.First, (*TaskSummary).appendJSON); err != nil {
		return b, err
	}
	b = append(b, `},"sources":`...)
	if b, err = appendJSONList(b, d.Sources, (*SourceStats).appendJSON); err != nil {
		return b, err
	}
	inv := &d.Invoicing
	b = append(b, `,"invoicing":{"invoiced_this_month":`...)
	b = appendInvoiceFigures(b, inv.InvoicedThisMonth)
	b = append(b, `,"invoiced_this_quarter":`...)
	b = appendInvoiceFigures(b, inv.InvoicedThisQuarter)
	b = append(b, `,"outstanding":`...)
	b = appendInvoiceFigures(b, inv.Outstanding)
	b = append(b, `,"overdue":`...)
	b = appendInvoiceFigures(b, inv.Overdue)
	b = append(b, `},"generated_at":`...)
	if b, err = appendJSONTime(b, d.GeneratedAt); err != nil {
		return b, err
	}
	return append(b, '}'), nil
}

func (t *TaskSummary) appendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"id":`...)
	b = appendJSONUUID(b, t.ID)
	b = append(b, `,"title":`...)
	b = appendJSONString(b, t.Title)
	b = append(b, `,"due_at":`...)
	b, err := appendJSONTimePtr(b, t.DueAt)
	if err != nil {
		return b, err
	}
	b = append(b, `,"opportunity_id":`...)
	b = appendJSONUUIDPtr(b, t.OpportunityID)
	b = append(b, `,"overdue":`...)
	b = appendJSONBool(b, t.Overdue)
	return append(b, '}'), nil
}

func (s *SourceStats) appendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"source_id":`...)
	b = appendJSONUUIDPtr(b, s.SourceID)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, s.Name)
	b = append(b, `,"created":`...)
	b = strconv.AppendInt(b, int64(s.Created), 10)
	b = append(b, `,"won":`...)
	b = strconv.AppendInt(b, int64(s.Won), 10)
	b = append(b, `,"won_amount":`...)
	b = appendFigures(b, s.WonAmount)
	b = append(b, `,"win_rate":`...)
	b = appendJSONIntPtr(b, s.WinRate)
	return append(b, '}'), nil
}

// appendInvoiceFigures writes a slice of invoice figures as encoding/json
// does (nil as null).
func appendInvoiceFigures(b []byte, fs []InvoiceFigures) []byte {
	if fs == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, f := range fs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"currency":`...)
		b = appendJSONString(b, f.Currency)
		b = append(b, `,"count":`...)
		b = strconv.AppendInt(b, int64(f.Count), 10)
		b = append(b, `,"amount":`...)
		b = strconv.AppendInt(b, f.Amount, 10)
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendJSONList writes a slice as encoding/json does (nil as null), each
// element with its appendJSON.
func appendJSONList[T any](b []byte, list []T, appendOne func(*T, []byte) ([]byte, error)) ([]byte, error) {
	if list == nil {
		return append(b, "null"...), nil
	}
	b = append(b, '[')
	for i := range list {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendOne(&list[i], b); err != nil {
			return b, err
		}
	}
	return append(b, ']'), nil
}
