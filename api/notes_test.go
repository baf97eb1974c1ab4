package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/acme/crm/internal/testenv"
)

type noteJSON struct {
	ID            string `json:"id"`
	OpportunityID string `json:"opportunity_id"`
	AuthorID      string `json:"author_id"`
	Body          string `json:"body"`
	Version       int64  `json:"version"`
}

func createNote(t *testing.T, env *testenv.Env, a testenv.Account, oppID, body string) noteJSON {
	t.Helper()
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/opportunities/" + oppID + "/notes", Token: a.Token,
		Body: map[string]any{"body": body}})
	if res.Status != http.StatusCreated {
		t.Fatalf("create note: got %s, want 201", res)
	}
	var n noteJSON
	res.Decode(t, &n)
	return n
}

// TestNotes: the author or an admin edits and deletes; other members only
// read; bodies are 1 to 10,000 characters; stale If-Match is 412.
func TestNotes(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	admin := env.Signup()
	author, other := env.Member(admin), env.Member(admin)
	o := newOpportunity(t, env, admin, nil)
	n := createNote(t, env, author, o.ID, "  Called Anna.  ")
	if n.Body != "Called Anna." || n.AuthorID != author.UserID || n.OpportunityID != o.ID || n.Version != 1 {
		t.Fatalf("got %+v, want the trimmed body by the author on %s", n, o.ID)
	}
	notePath := "/api/v1/notes/" + n.ID
	tests := []struct {
		name   string
		method string
		path   string
		who    testenv.Account
		body   any
		header map[string]string
		want   int
		fields string
	}{
		{"empty body", "POST", "/api/v1/opportunities/" + o.ID + "/notes", author, map[string]any{"body": " "}, nil, 422, "body"},
		{"too long", "POST", "/api/v1/opportunities/" + o.ID + "/notes", author, map[string]any{"body": strings.Repeat("å", 10001)}, nil, 422, "body"},
		{"10,000 characters", "POST", "/api/v1/opportunities/" + o.ID + "/notes", author, map[string]any{"body": strings.Repeat("å", 10000)}, nil, 201, ""},
		{"missing opportunity", "POST", "/api/v1/opportunities/" + newID() + "/notes", author, map[string]any{"body": "x"}, nil, 404, ""},
		{"list of missing opportunity", "GET", "/api/v1/opportunities/" + newID() + "/notes", author, nil, nil, 404, ""},
		{"other member reads", "GET", notePath, other, nil, nil, 200, ""},
		{"other member edits", "PATCH", notePath, other, map[string]any{"body": "mine now"}, nil, 403, ""},
		{"other member deletes", "DELETE", notePath, other, nil, nil, 403, ""},
		{"stale If-Match", "PATCH", notePath, author, map[string]any{"body": "x"}, map[string]string{"If-Match": `"7"`}, 412, ""},
		{"author edits", "PATCH", notePath, author, map[string]any{"body": "Called Anna twice."}, map[string]string{"If-Match": `"1"`}, 200, ""},
		{"admin edits", "PATCH", notePath, admin, map[string]any{"body": "Called Anna three times."}, nil, 200, ""},
		{"missing note", "GET", "/api/v1/notes/" + newID(), author, nil, nil, 404, ""},
		{"admin deletes", "DELETE", notePath, admin, nil, map[string]string{"If-Match": `"3"`}, 204, ""},
		{"deleted", "GET", notePath, author, nil, nil, 404, ""},
	}
	for _, tt := range tests {
		res := env.Do(testenv.Request{Method: tt.method, Path: tt.path, Token: tt.who.Token, Body: tt.body, Header: tt.header})
		if res.Status != tt.want {
			t.Errorf("%s: got %s, want %d", tt.name, res, tt.want)
			continue
		}
		if tt.fields != "" && problemOf(t, res).fields() != tt.fields {
			t.Errorf("%s: got fields %q, want %q", tt.name, problemOf(t, res).fields(), tt.fields)
		}
	}
}

// TestNoteList: newest first, paged by cursor without gaps or repeats.
func TestNoteList(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	o := newOpportunity(t, env, a, nil)
	var want []string
	for i := 0; i < 5; i++ {
		want = append([]string{createNote(t, env, a, o.ID, "note "+string(rune('a'+i))).Body}, want...)
	}
	var got []string
	for _, n := range testenv.Pages[noteJSON](env, a.Token, "/api/v1/opportunities/"+o.ID+"/notes?limit=2") {
		got = append(got, n.Body)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("got %v, want %v", got, want)
	}
}

func init() {
	addProbes(map[string]probe{
		"GET /api/v1/opportunities/:id/notes":  {kind: item, setup: onOpportunityOfA(noteOfA)},
		"POST /api/v1/opportunities/:id/notes": {kind: item, setup: onOpportunityOfA(noteOfA), body: map[string]any{"body": "B's note"}},
		"GET /api/v1/notes/:id":                {kind: item, setup: noteOfA},
		"PATCH /api/v1/notes/:id":              {kind: item, setup: noteOfA, body: map[string]any{"body": "Hijacked"}, check: noteOfAUnchanged},
		"DELETE /api/v1/notes/:id":             {kind: item, setup: noteOfA, check: noteOfAUnchanged},
	})
}

// onOpportunityOfA turns a fixture whose params name A's opportunity as
// "opp" into one for /opportunities/:id/... routes.
func onOpportunityOfA(setup func(*testing.T, *testenv.Env, testenv.Account) fixture) func(*testing.T, *testenv.Env, testenv.Account) fixture {
	return func(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
		fx := setup(t, env, a)
		fx.params = map[string]string{"id": fx.params["opp"]}
		return fx
	}
}

// noteOfA creates a note of A on a new opportunity of A.
func noteOfA(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
	o := newOpportunity(t, env, a, nil)
	n := createNote(t, env, a, o.ID, "A's note "+newID())
	return fixture{params: map[string]string{"id": n.ID, "opp": o.ID}, ids: []string{n.ID, n.Body}}
}

func noteOfAUnchanged(t *testing.T, env *testenv.Env, a testenv.Account, fx fixture) {
	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/notes/" + fx.params["id"], Token: a.Token})
	var got noteJSON
	res.Decode(t, &got)
	if res.Status != 200 || got.Body != fx.ids[1] || got.Version != 1 {
		t.Errorf("A's note changed: got %s", res)
	}
}
