package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/acme/crm/internal/testenv"
)

type oppJSON struct {
	ID                  string  `json:"id"`
	Title               string  `json:"title"`
	OrganizationID      *string `json:"organization_id"`
	PersonID            *string `json:"person_id"`
	OwnerID             string  `json:"owner_id"`
	PipelineID          string  `json:"pipeline_id"`
	PhaseID             string  `json:"phase_id"`
	Probability         int     `json:"probability"`
	ProbabilityOverride *int    `json:"probability_override"`
	EstimatedAmount     int64   `json:"estimated_amount"`
	WeightedAmount      int64   `json:"weighted_amount"`
	Currency            string  `json:"currency"`
	ExpectedOrderDate   *string `json:"expected_order_date"`
	Status              string  `json:"status"`
	ClosedAt            *string `json:"closed_at"`
	LostReason          *string `json:"lost_reason"`
}

// newOpportunity creates an opportunity with a new organization and returns it.
func newOpportunity(t *testing.T, env *testenv.Env, a testenv.Account, body map[string]any) oppJSON {
	t.Helper()
	if body == nil {
		body = map[string]any{}
	}
	if _, ok := body["title"]; !ok {
		body["title"] = "Deal " + newID()[:8]
	}
	if body["organization_id"] == nil && body["person_id"] == nil && body["person"] == nil {
		body["organization"] = map[string]any{"name": "Org " + newID()[:8]}
	}
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/opportunities", Token: a.Token, Body: body})
	if res.Status != 201 {
		t.Fatalf("create opportunity: %s", res)
	}
	var o oppJSON
	res.Decode(t, &o)
	return o
}

func patchOpp(env *testenv.Env, a testenv.Account, id string, body map[string]any) *testenv.Response {
	return env.Do(testenv.Request{Method: "PATCH", Path: "/api/v1/opportunities/" + id, Token: a.Token, Body: body})
}

func TestCreateOpportunityDefaults(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	p := defaultPipeline(t, env, a)
	o := newOpportunity(t, env, a, map[string]any{"title": "Forty seats", "estimated_amount": 1000000,
		"organization": map[string]any{"name": "Nordic AB"}, "person": map[string]any{"first_name": "Åsa", "last_name": "Öberg"}})
	lead := phaseNamed(t, p, "Lead")
	if o.PipelineID != p.ID || o.PhaseID != lead.ID || o.Probability != 10 || o.Status != "open" || o.OwnerID != a.UserID ||
		o.Currency != "SEK" || o.WeightedAmount != 100000 || o.OrganizationID == nil || o.PersonID == nil || o.ClosedAt != nil {
		t.Fatalf("got %+v, want default pipeline, Lead at 10 %%, open, owned by the creator, SEK, weighted 100000, both relations", o)
	}
	person := env.OK(testenv.Request{Method: "GET", Path: "/api/v1/persons/" + *o.PersonID, Token: a.Token}).Map(t)
	if person["organization_id"] != *o.OrganizationID || person["first_name"] != "Åsa" {
		t.Errorf("inline person: got %v, want Åsa in the new organization", person)
	}
	var hist struct{ Data []map[string]any }
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/opportunities/" + o.ID + "/phase-history", Token: a.Token}).Decode(t, &hist)
	if len(hist.Data) != 1 || hist.Data[0]["to_phase_name"] != "Lead" || hist.Data[0]["from_phase_id"] != nil {
		t.Errorf("history: got %v, want one entry into Lead", hist.Data)
	}
}

func TestCreateOpportunityFollowUpTask(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	before := time.Now()
	o := newOpportunity(t, env, a, map[string]any{"title": "Follow me"})
	var tasks struct {
		Data []struct {
			Title         string    `json:"title"`
			AssigneeID    string    `json:"assignee_id"`
			OpportunityID *string   `json:"opportunity_id"`
			Status        string    `json:"status"`
			DueAt         time.Time `json:"due_at"`
		}
	}
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/tasks?opportunity_id=" + o.ID, Token: a.Token}).Decode(t, &tasks)
	if len(tasks.Data) != 1 {
		t.Fatalf("follow-up tasks: got %d, want 1", len(tasks.Data))
	}
	task := tasks.Data[0]
	due := task.DueAt.Sub(before)
	if task.Title != "Follow up: Follow me" || task.AssigneeID != a.UserID || task.Status != "open" || due < 47*time.Hour || due > 49*time.Hour {
		t.Errorf("got %+v, want \"Follow up: Follow me\" for the creator, open, due in 2 days", task)
	}
}

func TestCreateOpportunityErrors(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	other := env.Signup()
	otherOrg := env.OK(testenv.Request{Method: "POST", Path: "/api/v1/organizations", Token: other.Token, Body: map[string]any{"name": "Theirs"}}).Map(t)["id"]
	orgB := defaultPipeline(t, env, other)
	for _, tc := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"no relation", map[string]any{"title": "x"}, "organization_id"},
		{"no title", map[string]any{"organization": map[string]any{"name": "O"}}, "title"},
		{"negative amount", map[string]any{"title": "x", "organization": map[string]any{"name": "O"}, "estimated_amount": -1}, "estimated_amount"},
		{"bad currency", map[string]any{"title": "x", "organization": map[string]any{"name": "O"}, "currency": "XYZW"}, "currency"},
		{"missing organization", map[string]any{"title": "x", "organization_id": newID()}, "organization_id"},
		{"another workspace's organization", map[string]any{"title": "x", "organization_id": otherOrg}, "organization_id"},
		{"another workspace's pipeline", map[string]any{"title": "x", "organization": map[string]any{"name": "O"}, "pipeline_id": orgB.ID}, "pipeline_id"},
		{"another workspace's phase", map[string]any{"title": "x", "organization": map[string]any{"name": "O"}, "phase_id": orgB.Phases[0].ID}, "phase_id"},
		{"missing owner", map[string]any{"title": "x", "organization": map[string]any{"name": "O"}, "owner_id": other.UserID}, "owner_id"},
		{"inline organization invalid", map[string]any{"title": "x", "organization": map[string]any{"name": ""}}, "organization.name"},
		{"override out of range", map[string]any{"title": "x", "organization": map[string]any{"name": "O"}, "probability_override": 101}, "probability_override"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/opportunities", Token: a.Token, Body: tc.body})
			if res.Status != 422 || !strings.Contains(string(res.Body), `"field":"`+tc.field+`"`) {
				t.Fatalf("got %s, want 422 naming %s", res, tc.field)
			}
		})
	}
	// Nothing was written by the failed attempts.
	var list struct{ Data []oppJSON }
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/opportunities", Token: a.Token}).Decode(t, &list)
	if len(list.Data) != 0 {
		t.Errorf("failed creates left %d opportunities", len(list.Data))
	}
	var orgs struct{ Data []map[string]any }
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/organizations", Token: a.Token}).Decode(t, &orgs)
	if len(orgs.Data) != 0 {
		t.Errorf("failed creates left %d organizations: the inline create must roll back", len(orgs.Data))
	}
}

func TestOpportunityPhaseRules(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	p := defaultPipeline(t, env, a)
	o := newOpportunity(t, env, a, map[string]any{"estimated_amount": 1000})
	step := func(name string, body map[string]any, want func(o oppJSON) bool) oppJSON {
		t.Helper()
		res := patchOpp(env, a, o.ID, body)
		var got oppJSON
		res.Decode(t, &got)
		if res.Status != 200 || !want(got) {
			t.Fatalf("%s: got %s", name, res)
		}
		return got
	}
	step("override to 0 is kept (a zero value)", map[string]any{"probability_override": 0}, func(o oppJSON) bool {
		return o.Probability == 0 && o.ProbabilityOverride != nil && *o.ProbabilityOverride == 0 && o.WeightedAmount == 0
	})
	step("phase change ends the override", map[string]any{"phase_id": phaseNamed(t, p, "Proposal").ID}, func(o oppJSON) bool {
		return o.Probability == 50 && o.ProbabilityOverride == nil && o.Status == "open"
	})
	step("move and override in one request", map[string]any{"phase_id": phaseNamed(t, p, "Qualified").ID, "probability_override": 33}, func(o oppJSON) bool {
		return o.Probability == 33 && o.ProbabilityOverride != nil
	})
	step("won forces 100 and closes", map[string]any{"phase_id": phaseNamed(t, p, "Won").ID}, func(o oppJSON) bool {
		return o.Probability == 100 && o.Status == "won" && o.ClosedAt != nil && o.ProbabilityOverride == nil
	})
	if res := patchOpp(env, a, o.ID, map[string]any{"probability_override": 50}); res.Status != 422 || !strings.Contains(string(res.Body), "final_phase_probability_fixed") {
		t.Fatalf("override in a final phase: got %s", res)
	}
	step("lost by hand with a reason", map[string]any{"phase_id": phaseNamed(t, p, "Lost").ID, "lost_reason": "Price"}, func(o oppJSON) bool {
		return o.Probability == 0 && o.Status == "lost" && o.ClosedAt != nil && o.LostReason != nil
	})
	step("reopen", map[string]any{"phase_id": phaseNamed(t, p, "Lead").ID}, func(o oppJSON) bool {
		return o.Status == "open" && o.ClosedAt == nil && o.Probability == 10 && o.LostReason == nil
	})
	// Another pipeline's phase is refused; changing pipeline needs its phase.
	other := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/pipelines", Token: a.Token, Body: map[string]any{
		"name": "Other", "phases": phases("X 20 open", "Won 100 won", "Lost 0 lost")}})
	var op pipelineJSON
	other.Decode(t, &op)
	if res := patchOpp(env, a, o.ID, map[string]any{"phase_id": op.Phases[0].ID}); res.Status != 422 || !strings.Contains(string(res.Body), "phase_in_pipeline") {
		t.Fatalf("phase of another pipeline: got %s", res)
	}
	if res := patchOpp(env, a, o.ID, map[string]any{"pipeline_id": op.ID}); res.Status != 422 || !strings.Contains(string(res.Body), "phase_required_on_pipeline_change") {
		t.Fatalf("pipeline without phase: got %s", res)
	}
	step("pipeline with its phase", map[string]any{"pipeline_id": op.ID, "phase_id": op.Phases[0].ID}, func(o oppJSON) bool {
		return o.PipelineID == op.ID && o.Probability == 20
	})
	var hist struct{ Data []map[string]any }
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/opportunities/" + o.ID + "/phase-history?limit=200", Token: a.Token}).Decode(t, &hist)
	var names []string
	for _, h := range hist.Data {
		names = append(names, h["to_phase_name"].(string))
	}
	if got := strings.Join(names, " > "); got != "Lead > Proposal > Qualified > Won > Lost > Lead > X" {
		t.Errorf("history: got %s", got)
	}
}

func TestOpportunityConcurrentPatch(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	o := newOpportunity(t, env, a, nil)
	tag := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/opportunities/" + o.ID, Token: a.Token}).Header.Get("ETag")
	patch := func(amount int) testenv.Request {
		return testenv.Request{Method: "PATCH", Path: "/api/v1/opportunities/" + o.ID, Token: a.Token, Body: map[string]any{"estimated_amount": amount}}
	}
	env.RaceIfMatch(tag, patch(100), patch(200))
}

func TestListOpportunities(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	member := env.Member(a)
	p := defaultPipeline(t, env, a)
	mk := func(title string, amount int, date any, owner string) oppJSON {
		return newOpportunity(t, env, a, map[string]any{"title": title, "estimated_amount": amount, "expected_order_date": date, "owner_id": owner})
	}
	mk("Alpha deal", 300, "2027-03-01", a.UserID)
	b := mk("Beta deal", 100, "2027-01-15", member.UserID)
	mk("Gamma", 200, nil, a.UserID)
	patchOpp(env, a, b.ID, map[string]any{"phase_id": phaseNamed(t, p, "Won").ID})
	list := func(query string) []string {
		t.Helper()
		res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/opportunities?" + query, Token: a.Token})
		if res.Status != 200 {
			t.Fatalf("?%s: %s", query, res)
		}
		var l struct{ Data []oppJSON }
		res.Decode(t, &l)
		var out []string
		for _, o := range l.Data {
			out = append(out, o.Title)
		}
		return out
	}
	for _, tc := range []struct{ query, want string }{
		{"sort=expected_order_date", "Beta deal, Alpha deal, Gamma"},
		{"sort=-expected_order_date", "Gamma, Alpha deal, Beta deal"},
		{"sort=estimated_amount", "Beta deal, Gamma, Alpha deal"},
		{"sort=-estimated_amount", "Alpha deal, Gamma, Beta deal"},
		{"q=DEAL&sort=created_at", "Alpha deal, Beta deal"},
		{"status=won", "Beta deal"},
		{"owner_id=me&sort=created_at", "Alpha deal, Gamma"},
		{"owner_id=" + member.UserID, "Beta deal"},
		{"expected_from=2027-02-01&expected_to=2027-12-31", "Alpha deal"},
		{"phase_id=" + phaseNamed(t, p, "Lead").ID + "&sort=created_at", "Alpha deal, Gamma"},
	} {
		if got := strings.Join(list(tc.query), ", "); got != tc.want {
			t.Errorf("?%s: got %s, want %s", tc.query, got, tc.want)
		}
	}
	// Paging through a sort with NULLs visits every row once.
	var seen []string
	for _, o := range testenv.Pages[oppJSON](env, a.Token, "/api/v1/opportunities?limit=1&sort=-expected_order_date") {
		seen = append(seen, o.Title)
	}
	if got := strings.Join(seen, ", "); got != "Gamma, Alpha deal, Beta deal" {
		t.Errorf("paged: got %s", got)
	}
	for _, q := range []string{"status=maybe", "owner_id=bob", "expected_from=tomorrow", "sort=title"} {
		if res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/opportunities?" + q, Token: a.Token}); res.Status != 422 {
			t.Errorf("?%s: got %s, want 422", q, res)
		}
	}
}

func TestDeletePhaseMovesOpportunities(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	p := defaultPipeline(t, env, a)
	proposal, qualified := phaseNamed(t, p, "Proposal"), phaseNamed(t, p, "Qualified")
	o := newOpportunity(t, env, a, map[string]any{"phase_id": proposal.ID, "probability_override": 70})
	if res := env.Do(testenv.Request{Method: "DELETE", Path: "/api/v1/phases/" + proposal.ID, Token: a.Token}); res.Status != 409 {
		t.Fatalf("delete a phase with opportunities: got %s, want 409", res)
	}
	if res := env.Do(testenv.Request{Method: "DELETE", Path: "/api/v1/phases/" + proposal.ID + "?move_to=" + newID(), Token: a.Token}); res.Status != 422 {
		t.Fatalf("move to a phase of no pipeline: got %s, want 422", res)
	}
	if res := env.Do(testenv.Request{Method: "DELETE", Path: "/api/v1/phases/" + proposal.ID + "?move_to=" + qualified.ID, Token: a.Token}); res.Status != 204 {
		t.Fatalf("delete with move_to: got %s", res)
	}
	var got oppJSON
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/opportunities/" + o.ID, Token: a.Token}).Decode(t, &got)
	if got.PhaseID != qualified.ID || got.Probability != 25 || got.ProbabilityOverride != nil {
		t.Errorf("moved opportunity: got %+v, want Qualified at 25 without override", got)
	}
	var hist struct{ Data []map[string]any }
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/opportunities/" + o.ID + "/phase-history", Token: a.Token}).Decode(t, &hist)
	if n := len(hist.Data); n != 2 || hist.Data[1]["from_phase_name"] != "Proposal" || hist.Data[1]["to_phase_name"] != "Qualified" {
		t.Errorf("history after the move: got %v", hist.Data)
	}
}

func TestDeleteRelationWithOpportunities(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	o := newOpportunity(t, env, a, nil)
	if res := env.Do(testenv.Request{Method: "DELETE", Path: "/api/v1/organizations/" + *o.OrganizationID, Token: a.Token}); res.Status != 409 {
		t.Fatalf("delete an organization with opportunities: got %s, want 409", res)
	}
	if res := env.Do(testenv.Request{Method: "DELETE", Path: "/api/v1/opportunities/" + o.ID, Token: a.Token}); res.Status != 204 {
		t.Fatalf("delete the opportunity: %s", res)
	}
	if res := env.Do(testenv.Request{Method: "DELETE", Path: "/api/v1/organizations/" + *o.OrganizationID, Token: a.Token}); res.Status != 204 {
		t.Fatalf("delete the organization afterwards: got %s, want 204", res)
	}
}

func TestCreateFromOrganization(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	org := env.OK(testenv.Request{Method: "POST", Path: "/api/v1/organizations", Token: a.Token, Body: map[string]any{"name": "Acme"}}).Map(t)["id"].(string)
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/organizations/" + org + "/opportunities", Token: a.Token, Body: map[string]any{"title": "From the relation"}})
	var o oppJSON
	res.Decode(t, &o)
	if res.Status != 201 || o.OrganizationID == nil || *o.OrganizationID != org {
		t.Fatalf("got %s", res)
	}
	if res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/organizations/" + newID() + "/opportunities", Token: a.Token, Body: map[string]any{"title": "x"}}); res.Status != 404 {
		t.Errorf("missing organization: got %s, want 404", res)
	}
}

func init() {
	oppOfA := func(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
		o := newOpportunity(t, env, a, map[string]any{"title": "A's secret deal"})
		return fixture{params: map[string]string{"id": o.ID}, ids: []string{o.ID}}
	}
	oppUnchanged := func(t *testing.T, env *testenv.Env, a testenv.Account, fx fixture) {
		res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/opportunities/" + fx.ids[0], Token: a.Token})
		if res.Status != 200 || res.Header.Get("ETag") != `"1"` {
			t.Errorf("A's opportunity changed or vanished: %s (ETag %s)", res, res.Header.Get("ETag"))
		}
	}
	orgOfA := func(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
		id := env.OK(testenv.Request{Method: "POST", Path: "/api/v1/organizations", Token: a.Token, Body: map[string]any{"name": "A org"}}).Map(t)["id"].(string)
		return fixture{params: map[string]string{"id": id}, ids: []string{id}}
	}
	addProbes(map[string]probe{
		"GET /api/v1/opportunities":                    {kind: list, setup: oppOfA},
		"POST /api/v1/opportunities":                   {kind: own, body: map[string]any{"title": "B's", "organization": map[string]any{"name": "B org"}}},
		"GET /api/v1/opportunities/:id":                {kind: item, setup: oppOfA},
		"PATCH /api/v1/opportunities/:id":              {kind: item, setup: oppOfA, body: map[string]any{"title": "Hijacked"}, check: oppUnchanged},
		"DELETE /api/v1/opportunities/:id":             {kind: item, setup: oppOfA, check: oppUnchanged},
		"GET /api/v1/opportunities/:id/phase-history":  {kind: item, setup: oppOfA},
		"POST /api/v1/organizations/:id/opportunities": {kind: item, setup: orgOfA, body: map[string]any{"title": "Into A's org"}},
	})
}
