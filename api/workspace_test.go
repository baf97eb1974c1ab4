package api_test

import (
	"testing"
	"time"

	"github.com/acme/crm/internal/testenv"
)

func TestWorkspaceSettings(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	member := env.Member(a)
	get := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/workspace", Token: member.Token})
	if get.Status != 200 || get.Map(t)["follow_up_days"].(float64) != 2 {
		t.Fatalf("get: %s", get)
	}
	tag := get.Header.Get("ETag")
	patch := func(token string, hdr map[string]string, body map[string]any) *testenv.Response {
		return env.Do(testenv.Request{Method: "PATCH", Path: "/api/v1/workspace", Token: token, Header: hdr, Body: body})
	}
	if res := patch(member.Token, nil, map[string]any{"follow_up_days": 5}); res.Status != 403 {
		t.Errorf("member: got %s, want 403", res)
	}
	for _, body := range []map[string]any{{"follow_up_days": 400}, {"default_currency": "XX"}, {"name": ""}} {
		if res := patch(a.Token, nil, body); res.Status != 422 {
			t.Errorf("%v: got %s, want 422", body, res)
		}
	}
	if res := patch(a.Token, map[string]string{"If-Match": tag}, map[string]any{"follow_up_days": 5, "default_currency": "EUR"}); res.Status != 200 {
		t.Fatalf("patch: %s", res)
	}
	if res := patch(a.Token, map[string]string{"If-Match": tag}, map[string]any{"follow_up_days": 1}); res.Status != 412 {
		t.Errorf("stale If-Match: got %s, want 412", res)
	}
	before := time.Now()
	o := newOpportunity(t, env, a, nil)
	if o.Currency != "EUR" {
		t.Errorf("new opportunity's currency: got %s, want the new default EUR", o.Currency)
	}
	var tasks struct {
		Data []struct {
			DueAt time.Time `json:"due_at"`
		}
	}
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/tasks?opportunity_id=" + o.ID, Token: a.Token}).Decode(t, &tasks)
	if len(tasks.Data) != 1 || tasks.Data[0].DueAt.Sub(before) < 119*time.Hour {
		t.Errorf("follow-up: got %+v, want one due in 5 days", tasks.Data)
	}
}

func init() {
	addProbes(map[string]probe{
		"GET /api/v1/workspace": {kind: own},
		"PATCH /api/v1/workspace": {kind: own, body: map[string]any{"name": "B renamed"},
			check: func(t *testing.T, env *testenv.Env, a testenv.Account, _ fixture) {
				ws := env.OK(testenv.Request{Method: "GET", Path: "/api/v1/workspace", Token: a.Token}).Map(t)
				if ws["name"] == "B renamed" || ws["id"] != a.WorkspaceID {
					t.Errorf("A's workspace changed: %v", ws)
				}
			}},
	})
}
