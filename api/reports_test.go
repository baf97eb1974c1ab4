package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/acme/crm/internal/testenv"
)

// reportData loads the fixed data set of the board and forecast tests and
// returns the member who owns one opportunity.
func reportData(t *testing.T, env *testenv.Env, a testenv.Account) (pipelineJSON, testenv.Account) {
	t.Helper()
	member := env.Member(a)
	p := defaultPipeline(t, env, a)
	var sources struct{ Data []struct{ ID, Name string } }
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/sources", Token: a.Token}).Decode(t, &sources)
	referral := ""
	for _, s := range sources.Data {
		if s.Name == "Referral" {
			referral = s.ID
		}
	}
	ph := func(n string) string { return phaseNamed(t, p, n).ID }
	for _, o := range []map[string]any{
		{"title": "A", "phase_id": ph("Lead"), "estimated_amount": 100000, "expected_order_date": "2027-01-10"},
		{"title": "B", "phase_id": ph("Proposal"), "estimated_amount": 333, "expected_order_date": "2027-01-20"},
		{"title": "C", "phase_id": ph("Proposal"), "estimated_amount": 1, "expected_order_date": "2027-01-25"},
		{"title": "D", "phase_id": ph("Qualified"), "probability_override": 40, "estimated_amount": 20000, "currency": "EUR", "expected_order_date": "2027-02-05"},
		{"title": "E no date", "phase_id": ph("Lead"), "estimated_amount": 50000, "currency": "EUR"},
		{"title": "F won", "phase_id": ph("Won"), "estimated_amount": 999, "expected_order_date": "2027-01-15"},
		{"title": "G lost", "phase_id": ph("Lost"), "estimated_amount": 777, "expected_order_date": "2027-01-15"},
		{"title": "H", "phase_id": ph("Quotation signed"), "estimated_amount": 12345, "currency": "USD", "expected_order_date": "2027-03-31",
			"owner_id": member.UserID, "source_id": referral},
	} {
		newOpportunity(t, env, a, o)
	}
	return p, member
}

func TestForecastFigures(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	p, member := reportData(t, env, a)
	forecast := func(query string) string {
		t.Helper()
		if !strings.Contains(query, "from=") {
			query += "&from=2027-01-01"
		}
		if !strings.Contains(query, "to=") {
			query += "&to=2027-12-31"
		}
		res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/forecast?" + query, Token: a.Token})
		if res.Status != 200 {
			t.Fatalf("?%s: %s", query, res)
		}
		var f struct {
			Rows []struct {
				Key             *string
				Label, Currency string
				Count           int
				Amount          int64
				WeightedAmount  int64 `json:"weighted_amount"`
			}
			Totals []struct {
				Currency       string
				Count          int
				Amount         int64
				WeightedAmount int64 `json:"weighted_amount"`
			}
		}
		res.Decode(t, &f)
		var out []string
		for _, r := range f.Rows {
			out = append(out, r.Label+" "+r.Currency+" "+itoa(r.Count)+" "+itoa64(r.Amount)+" "+itoa64(r.WeightedAmount))
		}
		var tot []string
		for _, r := range f.Totals {
			tot = append(tot, r.Currency+" "+itoa(r.Count)+" "+itoa64(r.Amount)+" "+itoa64(r.WeightedAmount))
		}
		return strings.Join(out, "; ") + " | " + strings.Join(tot, "; ")
	}
	for _, tc := range []struct{ query, want string }{
		// January SEK: Σ(a×p) = 100000×10 + 333×50 + 1×50 = 1016700 → 10167
		// (rounding each opportunity first would give 10168).
		{"group_by=month", "2027-01 SEK 3 100334 10167; 2027-02 EUR 1 20000 8000; 2027-03 USD 1 12345 11111 | SEK 3 100334 10167; EUR 1 20000 8000; USD 1 12345 11111"},
		{"group_by=phase", "Lead SEK 1 100000 10000; Qualified EUR 1 20000 8000; Proposal SEK 2 334 167; Quotation signed USD 1 12345 11111 | SEK 3 100334 10167; EUR 1 20000 8000; USD 1 12345 11111"},
		{"group_by=source", "No source EUR 1 20000 8000; No source SEK 3 100334 10167; Referral USD 1 12345 11111 | EUR 1 20000 8000; SEK 3 100334 10167; USD 1 12345 11111"},
		{"group_by=pipeline", "Sales EUR 1 20000 8000; Sales SEK 3 100334 10167; Sales USD 1 12345 11111 | EUR 1 20000 8000; SEK 3 100334 10167; USD 1 12345 11111"},
		{"group_by=owner&owner_id=" + member.UserID, "Member USD 1 12345 11111 | USD 1 12345 11111"},
		{"group_by=month&owner_id=me", "2027-01 SEK 3 100334 10167; 2027-02 EUR 1 20000 8000 | SEK 3 100334 10167; EUR 1 20000 8000"},
		{"group_by=month&from=2027-02-01", "2027-02 EUR 1 20000 8000; 2027-03 USD 1 12345 11111 | EUR 1 20000 8000; USD 1 12345 11111"},
		{"group_by=month&pipeline_id=" + newID(), " | "},
		// Partial first and last months come from the opportunities themselves:
		// A (Jan 10) and H (Mar 31) fall outside.
		{"group_by=month&from=2027-01-15&to=2027-03-15", "2027-01 SEK 2 334 167; 2027-02 EUR 1 20000 8000 | SEK 2 334 167; EUR 1 20000 8000"},
		{"group_by=owner&from=2027-01-11&to=2027-01-31", "Admin SEK 2 334 167 | SEK 2 334 167"},
		// A filter and partial months: its placeholder stands in every part.
		{"group_by=month&owner_id=me&from=2027-01-15&to=2027-03-31", "2027-01 SEK 2 334 167; 2027-02 EUR 1 20000 8000 | SEK 2 334 167; EUR 1 20000 8000"},
		{"group_by=month&owner_id=" + member.UserID + "&from=2027-01-15&to=2027-03-31", "2027-03 USD 1 12345 11111 | USD 1 12345 11111"},
	} {
		if got := forecast(tc.query); got != tc.want {
			t.Errorf("?%s:\n got %s\nwant %s", tc.query, got, tc.want)
		}
	}
	_ = p
	for _, q := range []string{"group_by=week", "from=2027-13-01", "from=2027-03-01&to=2027-01-01", "owner_id=x"} {
		if res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/forecast?" + q, Token: a.Token}); res.Status != 422 {
			t.Errorf("?%s: got %s, want 422", q, res)
		}
	}
}

func TestBoardFigures(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	p, _ := reportData(t, env, a)
	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/pipelines/" + p.ID + "/board?per_phase=1", Token: a.Token})
	if res.Status != 200 {
		t.Fatalf("board: %s", res)
	}
	var b struct {
		Phases []struct {
			Phase  struct{ Name string }
			Totals []struct {
				Currency       string
				Count          int
				Amount         int64
				WeightedAmount int64 `json:"weighted_amount"`
			}
			Opportunities []struct{ Title string }
			HasMore       bool `json:"has_more"`
		}
	}
	res.Decode(t, &b)
	var got []string
	for _, c := range b.Phases {
		s := c.Phase.Name + ":"
		for _, f := range c.Totals {
			s += " " + f.Currency + " " + itoa(f.Count) + " " + itoa64(f.Amount) + " " + itoa64(f.WeightedAmount)
		}
		for _, o := range c.Opportunities {
			s += " [" + o.Title + "]"
		}
		if c.HasMore {
			s += " +more"
		}
		got = append(got, s)
	}
	want := "Lead: SEK 1 100000 10000 [A]; Qualified: EUR 1 20000 8000 [D]; Proposal: SEK 2 334 167 [B] +more; " +
		"Quotation sent:; Quotation signed: USD 1 12345 11111 [H]; Won:; Lost:; Expired:"
	if g := strings.Join(got, "; "); g != want {
		t.Errorf("board:\n got %s\nwant %s", g, want)
	}
	if res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/pipelines/" + p.ID + "/board?per_phase=101", Token: a.Token}); res.Status != 422 {
		t.Errorf("per_phase=101: got %s, want 422", res)
	}
}

func TestDashboard(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	reportData(t, env, a)
	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/dashboard", Token: a.Token})
	if res.Status != 200 {
		t.Fatalf("dashboard: %s", res)
	}
	var d struct {
		WonThisMonth   []map[string]any `json:"won_this_month"`
		WonThisQuarter []map[string]any `json:"won_this_quarter"`
		WinRate        struct {
			Won, Closed int
			Rate        *int
		} `json:"win_rate_90_days"`
		MyOpenTasks struct {
			Count int
			First []map[string]any
		} `json:"my_open_tasks"`
		Sources []struct {
			Name         string
			Created, Won int
			WinRate      *int `json:"win_rate"`
		}
		Pipeline struct{ Phases []json.RawMessage }
		Forecast struct {
			GroupBy string `json:"group_by"`
		}
	}
	res.Decode(t, &d)
	if len(d.WonThisMonth) != 1 || d.WonThisMonth[0]["amount"].(float64) != 999 || len(d.WonThisQuarter) != 1 {
		t.Errorf("won this month/quarter: got %v / %v, want SEK 999", d.WonThisMonth, d.WonThisQuarter)
	}
	if d.WinRate.Won != 1 || d.WinRate.Closed != 2 || d.WinRate.Rate == nil || *d.WinRate.Rate != 5000 {
		t.Errorf("win rate: got %+v, want 1 of 2 = 5000 bp", d.WinRate)
	}
	if d.MyOpenTasks.Count != 8 || len(d.MyOpenTasks.First) != 5 {
		t.Errorf("my open tasks: got %d (%d shown), want 8 (5 shown)", d.MyOpenTasks.Count, len(d.MyOpenTasks.First))
	}
	var src []string
	for _, s := range d.Sources {
		rate := "-"
		if s.WinRate != nil {
			rate = itoa(*s.WinRate)
		}
		src = append(src, s.Name+" "+itoa(s.Created)+" "+itoa(s.Won)+" "+rate)
	}
	if got := strings.Join(src, "; "); got != "Referral 1 0 -; No source 7 1 5000" {
		t.Errorf("sources: got %s", got)
	}
	if len(d.Pipeline.Phases) != 8 || d.Forecast.GroupBy != "month" {
		t.Errorf("pipeline phases %d, forecast by %q; want 8 and month", len(d.Pipeline.Phases), d.Forecast.GroupBy)
	}
}

func init() {
	addProbes(map[string]probe{
		"GET /api/v1/pipelines/:id/board": {kind: item, setup: func(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
			p := defaultPipeline(t, env, a)
			o := newOpportunity(t, env, a, map[string]any{"title": "A's dated deal", "expected_order_date": "2027-01-01"})
			return fixture{params: map[string]string{"id": p.ID}, ids: []string{p.ID, o.ID}}
		}},
		"GET /api/v1/forecast": {kind: list, setup: func(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
			o := newOpportunity(t, env, a, map[string]any{"title": "A's dated deal", "expected_order_date": "2026-12-15", "estimated_amount": 987654321})
			return fixture{ids: []string{o.ID, "987654321"}}
		}},
		"GET /api/v1/dashboard": {kind: own, setup: func(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
			o := newOpportunity(t, env, a, map[string]any{"title": "A's dated deal", "expected_order_date": "2026-12-15", "estimated_amount": 987654321})
			return fixture{ids: []string{o.ID, "987654321"}}
		}},
	})
}

func itoa(n int) string     { return itoa64(int64(n)) }
func itoa64(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestBoardTotalsFollowEveryChange: the trigger-kept board totals equal a
// fresh aggregate after creates, moves, edits, deletes and a phase deletion.
func TestBoardTotalsFollowEveryChange(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	member := env.Member(a)
	p := defaultPipeline(t, env, a)
	ph := func(n string) string { return phaseNamed(t, p, n).ID }
	var ids []string
	for i, spec := range []map[string]any{
		{"phase_id": ph("Lead"), "estimated_amount": 1000, "expected_order_date": "2027-01-01"},
		{"phase_id": ph("Proposal"), "estimated_amount": 2001, "expected_order_date": "2027-02-01", "currency": "EUR"},
		{"phase_id": ph("Proposal"), "estimated_amount": 3333, "expected_order_date": "2027-03-01"},
		{"phase_id": ph("Qualified"), "estimated_amount": 4444},
	} {
		spec["title"] = "T" + itoa(i)
		ids = append(ids, newOpportunity(t, env, a, spec).ID)
	}
	for _, step := range []struct {
		id   string
		body map[string]any
	}{
		{ids[0], map[string]any{"phase_id": ph("Qualified")}},
		{ids[1], map[string]any{"probability_override": 7}},
		{ids[2], map[string]any{"estimated_amount": 5555, "currency": "USD"}},
		{ids[3], map[string]any{"expected_order_date": "2027-04-01"}},
		{ids[0], map[string]any{"phase_id": ph("Won")}},
		{ids[0], map[string]any{"phase_id": ph("Proposal")}},
		{ids[2], map[string]any{"expected_order_date": nil}},
		{ids[1], map[string]any{"owner_id": member.UserID, "expected_order_date": "2027-06-30"}},
		{ids[0], map[string]any{"expected_order_date": "2027-05-20", "estimated_amount": 77}},
		{ids[2], map[string]any{"phase_id": ph("Lost")}},
		{ids[1], map[string]any{"phase_id": ph("Won")}},
		{ids[1], map[string]any{"estimated_amount": 8888}},
	} {
		if res := patchOpp(env, a, step.id, step.body); res.Status != 200 {
			t.Fatalf("patch %v: %s", step.body, res)
		}
	}
	if res := env.Do(testenv.Request{Method: "DELETE", Path: "/api/v1/opportunities/" + ids[3], Token: a.Token}); res.Status != 204 {
		t.Fatal(res)
	}
	if res := env.Do(testenv.Request{Method: "DELETE", Path: "/api/v1/phases/" + ph("Proposal") + "?move_to=" + ph("Quotation sent"), Token: a.Token}); res.Status != 204 {
		t.Fatal(res)
	}
	var diff int
	err := env.DB.SQL().QueryRow(`
		WITH fresh AS (
			SELECT phase_id, currency, count(*) AS count, sum(estimated_amount) AS amount,
			       sum(estimated_amount::numeric * probability) AS weighted
			FROM opportunities WHERE workspace_id = $1 AND status = 'open' AND expected_order_date IS NOT NULL
			GROUP BY phase_id, currency),
		kept AS (SELECT phase_id, currency, count, amount, weighted FROM board_totals WHERE workspace_id = $1 AND count <> 0)
		SELECT count(*) FROM ((SELECT * FROM fresh EXCEPT SELECT * FROM kept) UNION ALL (SELECT * FROM kept EXCEPT SELECT * FROM fresh)) d`,
		a.WorkspaceID).Scan(&diff)
	if err != nil {
		t.Fatal(err)
	}
	if diff != 0 {
		t.Fatalf("board_totals differ from the opportunities in %d rows", diff)
	}
	err = env.DB.SQL().QueryRow(`
		WITH fresh AS (
			SELECT date_trunc('month', expected_order_date)::date AS month, pipeline_id, phase_id, owner_id, source_id, currency,
			       count(*) AS count, sum(estimated_amount) AS amount, sum(estimated_amount::numeric * probability) AS weighted
			FROM opportunities WHERE workspace_id = $1 AND status = 'open' AND expected_order_date IS NOT NULL
			GROUP BY 1, 2, 3, 4, 5, 6),
		kept AS (SELECT month, pipeline_id, phase_id, owner_id, source_id, currency, count, amount, weighted
		         FROM forecast_totals WHERE workspace_id = $1 AND count <> 0)
		SELECT count(*) FROM ((SELECT * FROM fresh EXCEPT SELECT * FROM kept) UNION ALL (SELECT * FROM kept EXCEPT SELECT * FROM fresh)) d`,
		a.WorkspaceID).Scan(&diff)
	if err != nil {
		t.Fatal(err)
	}
	if diff != 0 {
		t.Fatalf("forecast_totals differ from the opportunities in %d rows", diff)
	}
	for name, sql := range map[string]string{
		"forecast_month_totals": `
		WITH fresh AS (
			SELECT date_trunc('month', expected_order_date)::date AS month, currency,
			       count(*) AS count, sum(estimated_amount) AS amount, sum(estimated_amount::numeric * probability) AS weighted
			FROM opportunities WHERE workspace_id = $1 AND status = 'open' AND expected_order_date IS NOT NULL
			GROUP BY 1, 2),
		kept AS (SELECT month, currency, count, amount, weighted FROM forecast_month_totals WHERE workspace_id = $1 AND count <> 0)
		SELECT count(*) FROM ((SELECT * FROM fresh EXCEPT SELECT * FROM kept) UNION ALL (SELECT * FROM kept EXCEPT SELECT * FROM fresh)) d`,
		"closed_totals": `
		WITH fresh AS (
			SELECT (closed_at AT TIME ZONE 'UTC')::date AS day, status, currency, count(*) AS count, sum(estimated_amount) AS amount
			FROM opportunities WHERE workspace_id = $1 AND status <> 'open' GROUP BY 1, 2, 3),
		kept AS (SELECT day, status, currency, count, amount FROM closed_totals WHERE workspace_id = $1 AND count <> 0)
		SELECT count(*) FROM ((SELECT * FROM fresh EXCEPT SELECT * FROM kept) UNION ALL (SELECT * FROM kept EXCEPT SELECT * FROM fresh)) d`,
		"created_totals": `
		WITH fresh AS (
			SELECT (created_at AT TIME ZONE 'UTC')::date AS day, source_id, currency, count(*) AS created,
			       count(*) FILTER (WHERE status = 'won') AS won, count(*) FILTER (WHERE status <> 'open') AS closed,
			       COALESCE(sum(estimated_amount) FILTER (WHERE status = 'won'), 0) AS won_amount
			FROM opportunities WHERE workspace_id = $1 GROUP BY 1, 2, 3),
		kept AS (SELECT day, source_id, currency, created, won, closed, won_amount FROM created_totals WHERE workspace_id = $1 AND created <> 0)
		SELECT count(*) FROM ((SELECT * FROM fresh EXCEPT SELECT * FROM kept) UNION ALL (SELECT * FROM kept EXCEPT SELECT * FROM fresh)) d`,
		"created_month_totals": `
		WITH fresh AS (
			SELECT date_trunc('month', created_at AT TIME ZONE 'UTC')::date AS month, source_id, currency, count(*) AS created,
			       count(*) FILTER (WHERE status = 'won') AS won, count(*) FILTER (WHERE status <> 'open') AS closed,
			       COALESCE(sum(estimated_amount) FILTER (WHERE status = 'won'), 0) AS won_amount
			FROM opportunities WHERE workspace_id = $1 GROUP BY 1, 2, 3),
		kept AS (SELECT month, source_id, currency, created, won, closed, won_amount FROM created_month_totals WHERE workspace_id = $1 AND created <> 0)
		SELECT count(*) FROM ((SELECT * FROM fresh EXCEPT SELECT * FROM kept) UNION ALL (SELECT * FROM kept EXCEPT SELECT * FROM fresh)) d`,
	} {
		if err := env.DB.SQL().QueryRow(sql, a.WorkspaceID).Scan(&diff); err != nil {
			t.Fatal(err)
		}
		if diff != 0 {
			t.Errorf("%s differ from the opportunities in %d rows", name, diff)
		}
	}
	var total, closed, won int
	env.DB.SQL().QueryRow(`SELECT count(*) FROM board_totals WHERE workspace_id = $1 AND count > 0`, a.WorkspaceID).Scan(&total)
	env.DB.SQL().QueryRow(`SELECT coalesce(sum(count), 0) FROM closed_totals WHERE workspace_id = $1`, a.WorkspaceID).Scan(&closed)
	env.DB.SQL().QueryRow(`SELECT coalesce(sum(won), 0) FROM created_totals WHERE workspace_id = $1`, a.WorkspaceID).Scan(&won)
	if total == 0 || closed != 2 || won != 1 {
		t.Fatalf("kept: %d board rows, %d closed, %d won; want some, 2 (one won, one lost) and 1: the comparison would pass vacuously", total, closed, won)
	}
}

// The dashboard counts whole UTC days: the win rate over the closes since
// midnight 90 days ago, the sources over the opportunities created since
// midnight a year ago. One closed and created just after each midnight
// counts, one just before does not, however close to now's time of day.
// The sources read whole months from created_month_totals and the first
// month's days from created_totals: one opportunity is created on the first
// day of the first whole month, one now.
func TestDashboardRangeEdges(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	p := defaultPipeline(t, env, a)
	var ids []string
	for i := range 4 {
		ids = append(ids, newOpportunity(t, env, a, map[string]any{"title": "W" + itoa(i), "phase_id": phaseNamed(t, p, "Won").ID,
			"estimated_amount": 1000 * (i + 1)}).ID)
	}
	if _, err := env.DB.SQL().Exec(`UPDATE opportunities SET created_at =
		(date_trunc('month', date_trunc('day', now() AT TIME ZONE 'UTC') - interval '1 year' - interval '1 day') + interval '1 month') AT TIME ZONE 'UTC'
		WHERE id = $1`, ids[3]); err != nil {
		t.Fatal(err)
	}
	for id, shift := range map[string]string{ids[0]: "+", ids[1]: "-"} {
		// The midnights as the server counts them: its clock's UTC day.
		if _, err := env.DB.SQL().Exec(`UPDATE opportunities SET
			closed_at = (date_trunc('day', now() AT TIME ZONE 'UTC') - interval '90 days') AT TIME ZONE 'UTC' `+shift+` interval '1 second',
			created_at = (date_trunc('day', now() AT TIME ZONE 'UTC') - interval '1 year') AT TIME ZONE 'UTC' `+shift+` interval '1 second'
			WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
	}
	var d struct {
		WinRate struct{ Won, Closed int } `json:"win_rate_90_days"`
		Sources []struct {
			Name         string
			Created, Won int
		}
	}
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/dashboard", Token: a.Token}).Decode(t, &d)
	if d.WinRate.Won != 3 || d.WinRate.Closed != 3 {
		t.Errorf("win rate: got %+v, want 3 won of 3 closed (the one closed a second before midnight 90 days ago left out)", d.WinRate)
	}
	if len(d.Sources) != 1 || d.Sources[0].Created != 3 || d.Sources[0].Won != 3 {
		t.Errorf("sources: got %+v, want 3 created and won (the one created a second before midnight a year ago left out)", d.Sources)
	}
}
