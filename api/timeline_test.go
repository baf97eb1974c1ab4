package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/acme/crm/api"
	"github.com/acme/crm/internal/testenv"
)

type timelineJSON struct {
	Type       string `json:"type"`
	OccurredAt string `json:"occurred_at"`
	Actor      *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"actor"`
	Summary string `json:"summary"`
	Ref     struct {
		Type string `json:"type"`
		ID   string `json:"id"`
	} `json:"ref"`
}

func timeline(t *testing.T, env *testenv.Env, a testenv.Account, oppID string, limit string) []timelineJSON {
	t.Helper()
	return testenv.Pages[timelineJSON](env, a.Token, "/api/v1/opportunities/"+oppID+"/timeline?limit="+limit)
}

// TestTimeline: every kind of event appears once, newest first, with its
// actor; pages of any size give the same sequence.
func TestTimeline(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	o := newOpportunity(t, env, a, nil)
	task := createTask(t, env, a, map[string]any{"title": "Send the offer", "opportunity_id": o.ID})
	createNote(t, env, a, o.ID, "Called Anna.")
	uploadOK(t, env, a, o.ID, "offer.txt", []byte("offer"))
	if res := env.Do(testenv.Request{Method: "PATCH", Path: "/api/v1/tasks/" + task.ID, Token: a.Token,
		Body: map[string]any{"status": "done"}}); res.Status != 200 {
		t.Fatalf("complete task: %s", res)
	}
	all := timeline(t, env, a, o.ID, "200")
	var kinds []string
	for i, e := range all {
		kinds = append(kinds, e.Type)
		if e.Actor == nil || e.Actor.ID != a.UserID || e.Actor.Name == "" || e.Ref.ID == "" || e.Summary == "" {
			t.Errorf("event %d: got %+v, want the admin as actor, a ref and a summary", i, e)
		}
		if i > 0 && all[i-1].OccurredAt < e.OccurredAt {
			t.Errorf("event %d at %s after %s: want newest first", i, e.OccurredAt, all[i-1].OccurredAt)
		}
	}
	got := strings.Join(kinds, ",")
	for _, want := range []string{"task_completed,attachment,note,task_created"} {
		if !strings.HasPrefix(got, want) {
			t.Errorf("got %s, want it to start with %s", got, want)
		}
	}
	for _, kind := range []string{"phase_change"} {
		if !strings.Contains(got, kind) {
			t.Errorf("got %s, want a %s", got, kind)
		}
	}
	for _, limit := range []string{"1", "2", "3"} {
		paged := timeline(t, env, a, o.ID, limit)
		if len(paged) != len(all) {
			t.Errorf("limit %s: got %d events, want %d", limit, len(paged), len(all))
			continue
		}
		for i := range paged {
			if paged[i].Type != all[i].Type || paged[i].Ref.ID != all[i].Ref.ID {
				t.Errorf("limit %s, event %d: got %s %s, want %s %s", limit, i, paged[i].Type, paged[i].Ref.ID, all[i].Type, all[i].Ref.ID)
			}
		}
	}
	if res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/opportunities/" + newID() + "/timeline", Token: a.Token}); res.Status != 404 {
		t.Errorf("missing opportunity: got %s, want 404", res)
	}
}

// TestTimelineMissingOrEmpty: another workspace's opportunity and a
// made-up id answer 404; an opportunity without events an empty page.
func TestTimelineMissingOrEmpty(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a, b := env.Signup(), env.Signup()
	theirs := newOpportunity(t, env, b, nil)
	for name, id := range map[string]string{"another workspace's": theirs.ID, "a made-up": newID()} {
		res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/opportunities/" + id + "/timeline", Token: a.Token})
		if res.Status != http.StatusNotFound {
			t.Errorf("%s opportunity: got %s, want 404", name, res)
		}
	}
	o := newOpportunity(t, env, a, nil)
	for _, table := range []string{"phase_changes", "tasks"} { // the first phase and the follow-up
		if _, err := env.DB.SQL().Exec(`DELETE FROM `+table+` WHERE opportunity_id = $1`, o.ID); err != nil {
			t.Fatal(err)
		}
	}
	res := env.OK(testenv.Request{Method: "GET", Path: "/api/v1/opportunities/" + o.ID + "/timeline", Token: a.Token})
	if got, want := string(res.Body), `{"data":[],"next_cursor":null}`+"\n"; got != want {
		t.Errorf("opportunity without events: got %q, want %q", got, want)
	}
}

// TestTimelineIsCJSON: the timeline's body is byte for byte what c.JSON
// writes of the same TimelineList (HTML escaping, times, null actors and
// cursors), for a page with a next cursor and one without.
func TestTimelineIsCJSON(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	o := newOpportunity(t, env, a, nil)
	createNote(t, env, a, o.ID, "Åsa's <b>offer</b> & \u2028 \"quoted\" \\ \t")
	if _, err := env.DB.SQL().Exec(`INSERT INTO tasks (id, workspace_id, title, assignee_id, opportunity_id, status, completed_at, created_by, created_at)
		VALUES (gen_random_uuid(), $1, 'Done <by> nobody', $2, $3, 'done', now(), $2, now() - interval '1 hour')`, a.WorkspaceID, a.UserID, o.ID); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/timeline", "/timeline?limit=2"} {
		res := env.OK(testenv.Request{Method: "GET", Path: "/api/v1/opportunities/" + o.ID + path, Token: a.Token})
		var list api.TimelineList
		res.Decode(t, &list)
		want, err := json.Marshal(list)
		if err != nil {
			t.Fatal(err)
		}
		if want = append(want, '\n'); !bytes.Equal(res.Body, want) {
			t.Errorf("%s:\ngot  %s\nwant %s", path, res.Body, want)
		}
		if path == "/timeline" && (!bytes.Contains(res.Body, []byte(`"actor":null`)) || !bytes.Contains(res.Body, []byte(`\u003cb\u003e`))) {
			t.Errorf("%s: got %s, want an event without actor and the note's escaped HTML", path, res.Body)
		}
	}
}

func init() {
	addProbes(map[string]probe{
		"GET /api/v1/opportunities/:id/timeline": {kind: item, setup: onOpportunityOfA(noteOfA)},
	})
}
