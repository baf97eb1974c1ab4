package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// The mix, in per cent of requests: reads 45, opportunity writes 20, line
// edits 20, quote create and send 8, PDFs 7.
var mix = []struct {
	weight int
	op     func(w *worker, ctx context.Context)
}{
	{12, (*worker).list}, {10, (*worker).board}, {8, (*worker).forecast}, {7, (*worker).dashboard}, {8, (*worker).readOne},
	{8, (*worker).create}, {12, (*worker).patch},
	{8, (*worker).addLine}, {12, (*worker).editLine},
	{8, (*worker).quote},
	{7, (*worker).pdf},
}

// worker is one client: it works on opportunities and quotes of its own.
type worker struct {
	cl     *client
	stats  *stats
	opps   []string
	lines  map[string][]string // opportunity → its lines
	quotes []string
	n      int
}

func (w *worker) loop(ctx context.Context) {
	w.lines = map[string][]string{}
	total := 0
	for _, m := range mix {
		total += m.weight
	}
	for ctx.Err() == nil {
		pick := randInt(total)
		for _, m := range mix {
			if pick < m.weight {
				m.op(w, ctx)
				break
			}
			pick -= m.weight
		}
	}
}

// call times one request and records it under kind; a request cut short
// by the end of the run is not counted.
func (w *worker) call(ctx context.Context, kind string, want int, method, path string, body any, header map[string]string) (result, bool) {
	began := time.Now()
	r := w.cl.do(ctx, method, path, body, header)
	if ctx.Err() != nil {
		return r, false
	}
	return r, w.stats.add(kind, time.Since(began), r, want)
}

func (w *worker) someOpp(ctx context.Context) string {
	if len(w.opps) == 0 {
		w.create(ctx)
		if len(w.opps) == 0 {
			return ""
		}
	}
	return w.opps[randInt(len(w.opps))]
}

func (w *worker) list(ctx context.Context) {
	w.call(ctx, "read: opportunity list", 200, "GET", "/api/v1/opportunities?status=open&sort=-updated_at&limit=50", nil, nil)
}

func (w *worker) board(ctx context.Context) {
	w.call(ctx, "read: board", 200, "GET", "/api/v1/pipelines/"+w.cl.pipeline+"/board", nil, nil)
}

func (w *worker) forecast(ctx context.Context) {
	w.call(ctx, "read: forecast", 200, "GET", "/api/v1/forecast?group_by=month", nil, nil)
}

func (w *worker) dashboard(ctx context.Context) {
	w.call(ctx, "read: dashboard", 200, "GET", "/api/v1/dashboard", nil, nil)
}

func (w *worker) readOne(ctx context.Context) {
	if id := w.someOpp(ctx); id != "" {
		w.call(ctx, "read: opportunity", 200, "GET", "/api/v1/opportunities/"+id, nil, nil)
	}
}

func (w *worker) create(ctx context.Context) {
	w.n++
	body := map[string]any{"title": fmt.Sprintf("Soak %d", w.n), "estimated_amount": 100000 + randInt(900000),
		"expected_order_date": time.Now().UTC().AddDate(0, randInt(12), 0).Format("2006-01-02"),
		"organization":        map[string]any{"name": fmt.Sprintf("Soak customer %d", randInt(1_000_000))}}
	key := fmt.Sprintf("soak-%d-%d", time.Now().UnixNano(), randInt(1_000_000))
	r, ok := w.call(ctx, "write: create opportunity", 201, "POST", "/api/v1/opportunities", body, map[string]string{"Idempotency-Key": key})
	if id := idOf(r, ok); id != "" && len(w.opps) < 200 {
		w.opps = append(w.opps, id)
	}
}

// patch reads the opportunity for its ETag and changes it with If-Match.
func (w *worker) patch(ctx context.Context) {
	id := w.someOpp(ctx)
	if id == "" {
		return
	}
	r, ok := w.call(ctx, "write: read for ETag", 200, "GET", "/api/v1/opportunities/"+id, nil, nil)
	if !ok {
		return
	}
	w.n++
	w.call(ctx, "write: patch opportunity", 200, "PATCH", "/api/v1/opportunities/"+id,
		map[string]any{"title": fmt.Sprintf("Soak %d (edited)", w.n), "description": "changed under load"},
		map[string]string{"If-Match": r.header.Get("ETag")})
}

func (w *worker) addLine(ctx context.Context) {
	id := w.someOpp(ctx)
	if id == "" || len(w.lines[id]) >= 20 {
		return
	}
	r, ok := w.call(ctx, "lines: add", 201, "POST", "/api/v1/opportunities/"+id+"/lines",
		map[string]any{"product_id": w.cl.product, "quantity": 1 + randInt(20), "discount": randInt(2000)}, nil)
	if line := idOf(r, ok); line != "" {
		w.lines[id] = append(w.lines[id], line)
	}
}

func (w *worker) editLine(ctx context.Context) {
	id := w.someOpp(ctx)
	if id == "" || len(w.lines[id]) == 0 {
		w.addLine(ctx)
		return
	}
	line := w.lines[id][randInt(len(w.lines[id]))]
	w.call(ctx, "lines: edit", 200, "PATCH", "/api/v1/opportunities/"+id+"/lines/"+line,
		map[string]any{"quantity": 1 + randInt(50), "discount": randInt(3000)}, nil)
}

// quote makes a quote of an opportunity with lines and sends it by link.
func (w *worker) quote(ctx context.Context) {
	var id string
	for _, o := range w.opps {
		if len(w.lines[o]) > 0 {
			id = o
			break
		}
	}
	if id == "" {
		w.addLine(ctx)
		return
	}
	r, ok := w.call(ctx, "quote: create", 201, "POST", "/api/v1/opportunities/"+id+"/quotes", map[string]any{}, nil)
	q := idOf(r, ok)
	if q == "" {
		return
	}
	if _, ok := w.call(ctx, "quote: send", 200, "POST", "/api/v1/quotes/"+q+"/send", map[string]any{"channel": "link"}, nil); ok && len(w.quotes) < 50 {
		w.quotes = append(w.quotes, q)
	}
}

func (w *worker) pdf(ctx context.Context) {
	if len(w.quotes) == 0 {
		w.quote(ctx)
		return
	}
	w.call(ctx, "quote: PDF", 200, "GET", "/api/v1/quotes/"+w.quotes[randInt(len(w.quotes))]+"/pdf", nil, nil)
}

func idOf(r result, ok bool) string {
	if !ok {
		return ""
	}
	var v struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(r.body, &v)
	return v.ID
}
