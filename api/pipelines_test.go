package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/acme/crm/internal/testenv"
)

type phaseJSON struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Probability int    `json:"probability"`
	Kind        string `json:"kind"`
	Position    int    `json:"position"`
}

type pipelineJSON struct {
	ID                 string      `json:"id"`
	Name               string      `json:"name"`
	IsDefault          bool        `json:"is_default"`
	QuoteSentPhaseID   *string     `json:"quote_sent_phase_id"`
	QuoteSignedPhaseID *string     `json:"quote_signed_phase_id"`
	Phases             []phaseJSON `json:"phases"`
}

func defaultPipeline(t *testing.T, env *testenv.Env, a testenv.Account) pipelineJSON {
	t.Helper()
	var list struct{ Data []pipelineJSON }
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/pipelines", Token: a.Token}).Decode(t, &list)
	for _, p := range list.Data {
		if p.IsDefault {
			return p
		}
	}
	t.Fatalf("no default pipeline in %v", list.Data)
	return pipelineJSON{}
}

func phaseNamed(t *testing.T, p pipelineJSON, name string) phaseJSON {
	t.Helper()
	for _, ph := range p.Phases {
		if ph.Name == name {
			return ph
		}
	}
	t.Fatalf("no phase %q in %s", name, p.Name)
	return phaseJSON{}
}

func TestSignupDefaults(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	p := defaultPipeline(t, env, a)
	var got []string
	for _, ph := range p.Phases {
		got = append(got, fmt.Sprintf("%s %d %s", ph.Name, ph.Probability, ph.Kind))
	}
	want := "Lead 10 open, Qualified 25 open, Proposal 50 open, Quotation sent 60 open, Quotation signed 90 open, Won 100 won, Lost 0 lost, Expired 0 expired"
	if strings.Join(got, ", ") != want {
		t.Errorf("default phases: got %s, want %s", strings.Join(got, ", "), want)
	}
	if p.QuoteSentPhaseID == nil || *p.QuoteSentPhaseID != phaseNamed(t, p, "Quotation sent").ID ||
		p.QuoteSignedPhaseID == nil || *p.QuoteSignedPhaseID != phaseNamed(t, p, "Quotation signed").ID {
		t.Errorf("quote phases: got %v %v, want Quotation sent and Quotation signed", p.QuoteSentPhaseID, p.QuoteSignedPhaseID)
	}
	var sources struct{ Data []struct{ Name string } }
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/sources", Token: a.Token}).Decode(t, &sources)
	var names []string
	for _, s := range sources.Data {
		names = append(names, s.Name)
	}
	if strings.Join(names, ", ") != "Website, E-mail campaign, Advertisement, Search engine, Referral, Event" {
		t.Errorf("default sources: got %v", names)
	}
}

func phases(specs ...string) []map[string]any {
	var out []map[string]any
	for _, s := range specs {
		var name, kind string
		var prob int
		fmt.Sscanf(s, "%s %d %s", &name, &prob, &kind)
		out = append(out, map[string]any{"name": name, "probability": prob, "kind": kind, "color": "#112233"})
	}
	return out
}

func TestCreatePipelineRules(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	member := env.Member(a)
	valid := phases("A 10 open", "B 50 open", "Won 100 won", "Lost 0 lost")
	tests := []struct {
		name   string
		phases []map[string]any
		status int
		rule   string
	}{
		{"valid", valid, 201, ""},
		{"valid with expired", phases("A 10 open", "Won 100 won", "Lost 0 lost", "Gone 0 expired"), 201, ""},
		{"no open phase", phases("Won 100 won", "Lost 0 lost", "Gone 0 expired"), 422, "open_phase_required"},
		{"two won", phases("A 10 open", "Won 100 won", "Won2 100 won", "Lost 0 lost"), 422, "exactly_one_won"},
		{"no won", phases("A 10 open", "B 20 open", "Lost 0 lost"), 422, "exactly_one_won"},
		{"no lost", phases("A 10 open", "Won 100 won", "Gone 0 expired"), 422, "lost_phase_required"},
		{"won not 100", phases("A 10 open", "Won 90 won", "Lost 0 lost"), 422, "won_probability_100"},
		{"lost not 0", phases("A 10 open", "Won 100 won", "Lost 5 lost"), 422, "closed_probability_0"},
		{"expired not 0", phases("A 10 open", "Won 100 won", "Lost 0 lost", "Gone 3 expired"), 422, "closed_probability_0"},
		{"open at 100", phases("A 100 open", "Won 100 won", "Lost 0 lost"), 422, "open_probability_range"},
		{"open at 0", phases("A 0 open", "Won 100 won", "Lost 0 lost"), 422, "open_probability_range"},
		{"decreasing", phases("A 50 open", "B 20 open", "Won 100 won", "Lost 0 lost"), 422, "open_probability_non_decreasing"},
		{"bad colour", []map[string]any{{"name": "A", "probability": 10, "kind": "open", "color": "red"}, valid[2], valid[3]}, 422, "phase_color_format"},
		{"bad kind", []map[string]any{{"name": "A", "probability": 10, "kind": "maybe", "color": "#112233"}, valid[2], valid[3]}, 422, "kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/pipelines", Token: a.Token,
				Body: map[string]any{"name": "P " + tt.name, "phases": tt.phases}})
			if res.Status != tt.status || !strings.Contains(string(res.Body), tt.rule) {
				t.Fatalf("got %s, want %d naming %q", res, tt.status, tt.rule)
			}
		})
	}
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/pipelines", Token: member.Token, Body: map[string]any{"name": "X", "phases": valid}})
	if res.Status != 403 {
		t.Errorf("member creates a pipeline: got %s, want 403", res)
	}
}

func TestOneDefaultPipeline(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	old := defaultPipeline(t, env, a)
	ps := phases("A 10 open", "Won 100 won", "Lost 0 lost")
	ps[0]["quote_sent"] = true
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/pipelines", Token: a.Token, Body: map[string]any{
		"name": "New default", "is_default": true, "phases": ps}})
	if res.Status != 201 {
		t.Fatalf("create: %s", res)
	}
	var p pipelineJSON
	res.Decode(t, &p)
	if !p.IsDefault || p.QuoteSentPhaseID == nil || *p.QuoteSentPhaseID != p.Phases[0].ID {
		t.Fatalf("got %+v, want the new default with quote_sent = phase A", p)
	}
	if got := defaultPipeline(t, env, a); got.ID != p.ID {
		t.Fatalf("default: got %s, want the new one", got.Name)
	}
	res = env.Do(testenv.Request{Method: "PATCH", Path: "/api/v1/pipelines/" + p.ID, Token: a.Token, Body: map[string]any{"is_default": false}})
	if res.Status != 422 || !strings.Contains(string(res.Body), "exactly_one_default") {
		t.Fatalf("un-default the default: got %s, want 422 exactly_one_default", res)
	}
	res = env.Do(testenv.Request{Method: "PATCH", Path: "/api/v1/pipelines/" + old.ID, Token: a.Token, Body: map[string]any{"is_default": true}})
	if res.Status != 200 || defaultPipeline(t, env, a).ID != old.ID {
		t.Fatalf("make the old one default again: got %s", res)
	}
	if res := env.Do(testenv.Request{Method: "DELETE", Path: "/api/v1/pipelines/" + old.ID, Token: a.Token}); res.Status != 409 {
		t.Errorf("delete the default: got %s, want 409", res)
	}
	if res := env.Do(testenv.Request{Method: "DELETE", Path: "/api/v1/pipelines/" + p.ID, Token: a.Token}); res.Status != 204 {
		t.Errorf("delete another: got %s, want 204", res)
	}
}

func TestQuotePhaseSettings(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	p := defaultPipeline(t, env, a)
	path := "/api/v1/pipelines/" + p.ID
	won := phaseNamed(t, p, "Won")
	if res := env.Do(testenv.Request{Method: "PATCH", Path: path, Token: a.Token, Body: map[string]any{"quote_signed_phase_id": won.ID}}); res.Status != 422 || !strings.Contains(string(res.Body), "quote_phase_open") {
		t.Errorf("a final quote phase: got %s, want 422 quote_phase_open", res)
	}
	if res := env.Do(testenv.Request{Method: "PATCH", Path: path, Token: a.Token, Body: map[string]any{"quote_sent_phase_id": newID()}}); res.Status != 422 || !strings.Contains(string(res.Body), "quote_phase_in_pipeline") {
		t.Errorf("a phase of no pipeline: got %s, want 422 quote_phase_in_pipeline", res)
	}
	res := env.Do(testenv.Request{Method: "PATCH", Path: path, Token: a.Token, Body: map[string]any{"quote_sent_phase_id": nil, "name": "Renamed"}})
	var got pipelineJSON
	res.Decode(t, &got)
	if res.Status != 200 || got.QuoteSentPhaseID != nil || got.QuoteSignedPhaseID == nil || got.Name != "Renamed" {
		t.Errorf("clear quote_sent: got %s", res)
	}
}

func TestPhaseChanges(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	p := defaultPipeline(t, env, a)
	base := "/api/v1/pipelines/" + p.ID

	res := env.Do(testenv.Request{Method: "POST", Path: base + "/phases", Token: a.Token,
		Body: map[string]any{"name": "Negotiation", "probability": 75, "kind": "open", "color": "#aabbcc", "position": 4}})
	if res.Status != 201 {
		t.Fatalf("add phase: %s", res)
	}
	added := res.Map(t)
	if added["position"].(float64) != 4 || added["color"] != "#AABBCC" {
		t.Errorf("added phase: got %v, want position 4 and colour #AABBCC", added)
	}
	res = env.Do(testenv.Request{Method: "POST", Path: base + "/phases", Token: a.Token,
		Body: map[string]any{"name": "Too late", "probability": 5, "kind": "open", "color": "#aabbcc", "position": 3}})
	if res.Status != 422 || !strings.Contains(string(res.Body), "open_probability_non_decreasing") {
		t.Errorf("add a decreasing phase: got %s", res)
	}

	won := phaseNamed(t, p, "Won")
	get := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/phases/" + won.ID, Token: a.Token})
	tag := get.Header.Get("ETag")
	if res := env.Do(testenv.Request{Method: "PATCH", Path: "/api/v1/phases/" + won.ID, Token: a.Token, Body: map[string]any{"probability": 90}}); res.Status != 422 || !strings.Contains(string(res.Body), "won_probability_100") {
		t.Errorf("won at 90: got %s", res)
	}
	if res := env.Do(testenv.Request{Method: "PATCH", Path: "/api/v1/phases/" + won.ID, Token: a.Token, Header: map[string]string{"If-Match": tag}, Body: map[string]any{"name": "Closed won"}}); res.Status != 200 {
		t.Fatalf("rename won: got %s", res)
	}
	if res := env.Do(testenv.Request{Method: "PATCH", Path: "/api/v1/phases/" + won.ID, Token: a.Token, Header: map[string]string{"If-Match": tag}, Body: map[string]any{"name": "Again"}}); res.Status != 412 {
		t.Errorf("stale If-Match: got %s, want 412", res)
	}
	if res := env.Do(testenv.Request{Method: "DELETE", Path: "/api/v1/phases/" + won.ID, Token: a.Token}); res.Status != 422 || !strings.Contains(string(res.Body), "exactly_one_won") {
		t.Errorf("delete the won phase: got %s, want 422 exactly_one_won", res)
	}
	if res := env.Do(testenv.Request{Method: "DELETE", Path: "/api/v1/phases/" + added["id"].(string), Token: a.Token}); res.Status != 204 {
		t.Errorf("delete an empty phase: got %s", res)
	}
}

func TestReorderPhases(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	p := defaultPipeline(t, env, a)
	path := "/api/v1/pipelines/" + p.ID + "/phases/order"
	ids := func(order ...string) []string {
		var out []string
		for _, n := range order {
			out = append(out, phaseNamed(t, p, n).ID)
		}
		return out
	}
	// Final phases may sit anywhere; open ones keep rising.
	res := env.Do(testenv.Request{Method: "PUT", Path: path, Token: a.Token, Body: map[string]any{
		"phase_ids": ids("Lead", "Lost", "Qualified", "Proposal", "Quotation sent", "Quotation signed", "Won", "Expired")}})
	if res.Status != 200 {
		t.Fatalf("reorder: %s", res)
	}
	var got pipelineJSON
	res.Decode(t, &got)
	if got.Phases[1].Name != "Lost" || got.Phases[1].Position != 1 {
		t.Errorf("got %v, want Lost second", got.Phases)
	}
	for name, list := range map[string][]string{
		"missing one": ids("Lead", "Lost", "Qualified", "Proposal", "Quotation sent", "Quotation signed", "Won"),
		"repeated":    ids("Lead", "Lead", "Qualified", "Proposal", "Quotation sent", "Quotation signed", "Won", "Expired"),
		"foreign id":  append(ids("Lead", "Lost", "Qualified", "Proposal", "Quotation sent", "Quotation signed", "Won"), newID()),
	} {
		res := env.Do(testenv.Request{Method: "PUT", Path: path, Token: a.Token, Body: map[string]any{"phase_ids": list}})
		if res.Status != 422 || !strings.Contains(string(res.Body), "order_must_list_every_phase") {
			t.Errorf("%s: got %s, want 422 order_must_list_every_phase", name, res)
		}
	}
	res = env.Do(testenv.Request{Method: "PUT", Path: path, Token: a.Token, Body: map[string]any{
		"phase_ids": ids("Qualified", "Lead", "Proposal", "Quotation sent", "Quotation signed", "Won", "Lost", "Expired")}})
	if res.Status != 422 || !strings.Contains(string(res.Body), "open_probability_non_decreasing") {
		t.Errorf("decreasing order: got %s", res)
	}
}

func TestSources(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	member := env.Member(a)
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/sources", Token: a.Token, Body: map[string]any{"name": "Trade fair", "position": 9}})
	if res.Status != 201 {
		t.Fatalf("create: %s", res)
	}
	id := res.Map(t)["id"].(string)
	if res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/sources", Token: a.Token, Body: map[string]any{"name": "TRADE FAIR"}}); res.Status != 409 {
		t.Errorf("duplicate name: got %s, want 409", res)
	}
	if res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/sources", Token: member.Token, Body: map[string]any{"name": "Mine"}}); res.Status != 403 {
		t.Errorf("member creates: got %s, want 403", res)
	}
	res = env.Do(testenv.Request{Method: "PATCH", Path: "/api/v1/sources/" + id, Token: a.Token, Body: map[string]any{"active": false, "position": 0}})
	if m := res.Map(t); res.Status != 200 || m["active"] != false || m["position"].(float64) != 0 {
		t.Errorf("deactivate at position 0: got %s", res)
	}
	if res := env.Do(testenv.Request{Method: "PATCH", Path: "/api/v1/sources/" + id, Token: a.Token, Header: map[string]string{"If-Match": `"1"`}, Body: map[string]any{"name": "x"}}); res.Status != 412 {
		t.Errorf("stale: got %s, want 412", res)
	}
	if res := env.Do(testenv.Request{Method: "DELETE", Path: "/api/v1/sources/" + id, Token: a.Token}); res.Status != 204 {
		t.Errorf("delete: got %s", res)
	}
	if res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/sources/" + id, Token: a.Token}); res.Status != 404 {
		t.Errorf("deleted: got %s, want 404", res)
	}
}

func init() {
	pipelineOfA := func(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
		res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/pipelines", Token: a.Token, Body: map[string]any{
			"name": "A's pipeline", "phases": phases("A 10 open", "B 20 open", "Won 100 won", "Lost 0 lost")}})
		var p pipelineJSON
		res.Decode(t, &p)
		return fixture{params: map[string]string{"id": p.ID}, ids: []string{p.ID, p.Phases[0].ID}}
	}
	phaseOfA := func(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
		fx := pipelineOfA(t, env, a)
		return fixture{params: map[string]string{"id": fx.ids[1]}, ids: fx.ids}
	}
	sourceOfA := func(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
		res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/sources", Token: a.Token, Body: map[string]any{"name": "A source " + newID()}})
		id := res.Map(t)["id"].(string)
		return fixture{params: map[string]string{"id": id}, ids: []string{id}}
	}
	pipelineUnchanged := func(t *testing.T, env *testenv.Env, a testenv.Account, fx fixture) {
		res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/pipelines/" + fx.ids[0], Token: a.Token})
		var p pipelineJSON
		res.Decode(t, &p)
		if res.Status != 200 || p.Name != "A's pipeline" || len(p.Phases) != 4 || p.Phases[0].ID != fx.ids[1] {
			t.Errorf("A's pipeline changed: %s", res)
		}
	}
	addProbes(map[string]probe{
		"GET /api/v1/pipelines":        {kind: list, setup: pipelineOfA},
		"POST /api/v1/pipelines":       {kind: own, body: map[string]any{"name": "B's", "phases": phases("A 10 open", "Won 100 won", "Lost 0 lost")}},
		"GET /api/v1/pipelines/:id":    {kind: item, setup: pipelineOfA},
		"PATCH /api/v1/pipelines/:id":  {kind: item, setup: pipelineOfA, body: map[string]any{"name": "Hijacked"}, check: pipelineUnchanged},
		"DELETE /api/v1/pipelines/:id": {kind: item, setup: pipelineOfA, check: pipelineUnchanged},
		"POST /api/v1/pipelines/:id/phases": {kind: item, setup: pipelineOfA, check: pipelineUnchanged,
			body: map[string]any{"name": "X", "probability": 15, "kind": "open", "color": "#112233"}},
		"PUT /api/v1/pipelines/:id/phases/order": {kind: item, setup: pipelineOfA, check: pipelineUnchanged,
			body: map[string]any{"phase_ids": []string{newID()}}},
		"GET /api/v1/phases/:id":     {kind: item, setup: phaseOfA},
		"PATCH /api/v1/phases/:id":   {kind: item, setup: phaseOfA, body: map[string]any{"name": "Hijacked"}, check: pipelineUnchanged},
		"DELETE /api/v1/phases/:id":  {kind: item, setup: phaseOfA, check: pipelineUnchanged},
		"GET /api/v1/sources":        {kind: list, setup: sourceOfA},
		"POST /api/v1/sources":       {kind: own, body: map[string]any{"name": "B's source"}},
		"GET /api/v1/sources/:id":    {kind: item, setup: sourceOfA},
		"PATCH /api/v1/sources/:id":  {kind: item, setup: sourceOfA, body: map[string]any{"name": "Hijacked"}},
		"DELETE /api/v1/sources/:id": {kind: item, setup: sourceOfA},
	})
}
