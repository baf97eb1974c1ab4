package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/activity"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/testenv"
)

type taskJSON struct {
	ID            string     `json:"id"`
	Title         string     `json:"title"`
	Description   string     `json:"description"`
	DueAt         *time.Time `json:"due_at"`
	AssigneeID    string     `json:"assignee_id"`
	OpportunityID *string    `json:"opportunity_id"`
	Status        string     `json:"status"`
	Overdue       bool       `json:"overdue"`
	CompletedAt   *time.Time `json:"completed_at"`
	CreatedBy     string     `json:"created_by"`
	Version       int64      `json:"version"`
}

type taskPage struct {
	Data       []taskJSON `json:"data"`
	NextCursor *string    `json:"next_cursor"`
}

type problemJSON struct {
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

func (p problemJSON) fields() string {
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Field)
	}
	return strings.Join(out, ",")
}

func problemOf(t *testing.T, res *testenv.Response) problemJSON {
	t.Helper()
	var p problemJSON
	res.Decode(t, &p)
	return p
}

// createTask creates a task through the API and fails the test otherwise.
func createTask(t *testing.T, env *testenv.Env, a testenv.Account, body map[string]any) taskJSON {
	t.Helper()
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/tasks", Token: a.Token, Body: body})
	if res.Status != http.StatusCreated {
		t.Fatalf("create task %v: got %s, want 201", body, res)
	}
	var task taskJSON
	res.Decode(t, &task)
	return task
}

func listTasks(t *testing.T, env *testenv.Env, a testenv.Account, query string) taskPage {
	t.Helper()
	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/tasks?" + query, Token: a.Token})
	if res.Status != http.StatusOK {
		t.Fatalf("list tasks ?%s: got %s, want 200", query, res)
	}
	var p taskPage
	res.Decode(t, &p)
	return p
}

func patchTask(env *testenv.Env, a testenv.Account, id string, body any, header map[string]string) *testenv.Response {
	return env.Do(testenv.Request{Method: "PATCH", Path: "/api/v1/tasks/" + id, Token: a.Token, Body: body, Header: header})
}

// taskEvents reads a task's recorded events through the service, as a's
// admin (the timeline, not yet an endpoint, will read them).
func taskEvents(t *testing.T, env *testenv.Env, a testenv.Account, id string) []activity.Event {
	t.Helper()
	uid := uuid.MustParse(a.UserID)
	ctx := identity.WithPrincipal(context.Background(), identity.Principal{
		WorkspaceID: uuid.MustParse(a.WorkspaceID), ID: uid, UserID: uid, Role: identity.RoleAdmin})
	events, err := env.App.Activity.Events(ctx, uuid.MustParse(id))
	if err != nil {
		t.Fatalf("events of %s: %v", id, err)
	}
	return events
}

func eventKinds(events []activity.Event) string {
	var out []string
	for _, e := range events {
		out = append(out, string(e.Kind))
	}
	return strings.Join(out, ",")
}

func TestCreateTask(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	due := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/tasks", Token: a.Token,
		Body: map[string]any{"title": "  Call Anna  ", "description": "About the chairs", "due_at": due}})
	if res.Status != http.StatusCreated {
		t.Fatalf("got %s, want 201", res)
	}
	var task taskJSON
	res.Decode(t, &task)
	if res.Header.Get("Location") != "/api/v1/tasks/"+task.ID || res.Header.Get("ETag") != `"1"` {
		t.Errorf("got Location %q and ETag %q, want the task's path and \"1\"", res.Header.Get("Location"), res.Header.Get("ETag"))
	}
	if task.Title != "Call Anna" || task.AssigneeID != a.UserID || task.CreatedBy != a.UserID || task.Status != "open" ||
		task.CompletedAt != nil || task.Overdue || task.DueAt == nil || !task.DueAt.Equal(due) || task.OpportunityID != nil {
		t.Errorf("got %+v, want an open task of the caller due %s with the title trimmed", task, due)
	}
	if got := eventKinds(taskEvents(t, env, a, task.ID)); got != "created" {
		t.Errorf("events: got %q, want created", got)
	}
	undated := createTask(t, env, a, map[string]any{"title": "Someday"})
	if undated.DueAt != nil || undated.Description != "" {
		t.Errorf("got %+v, want no due time and no description", undated)
	}
}

func TestCreateTaskErrors(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	for _, tc := range []struct {
		name       string
		body       map[string]any
		wantStatus int
		wantFields string
	}{
		{"no title", map[string]any{"description": "x"}, 422, "title"},
		{"blank title", map[string]any{"title": "   "}, 422, "title"},
		{"long title", map[string]any{"title": strings.Repeat("é", 201)}, 422, "title"},
		{"long description", map[string]any{"title": "T", "description": strings.Repeat("x", 10001)}, 422, "description"},
		{"unknown field", map[string]any{"title": "T", "colour": "red"}, 400, "colour"},
		{"missing assignee", map[string]any{"title": "T", "assignee_id": newID()}, 422, "assignee_id"},
		{"missing opportunity", map[string]any{"title": "T", "opportunity_id": newID()}, 422, "opportunity_id"},
		{"malformed due time", map[string]any{"title": "T", "due_at": "tomorrow"}, 400, ""},
		{"malformed assignee", map[string]any{"title": "T", "assignee_id": "anna"}, 400, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/tasks", Token: a.Token, Body: tc.body})
			if res.Status != tc.wantStatus || problemOf(t, res).fields() != tc.wantFields {
				t.Fatalf("got %s, want %d naming %q", res, tc.wantStatus, tc.wantFields)
			}
		})
	}
	if got := listTasks(t, env, a, ""); len(got.Data) != 0 {
		t.Errorf("tasks after failed creates: got %d, want 0", len(got.Data))
	}
}

func TestTaskGetAndDelete(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	task := createTask(t, env, a, map[string]any{"title": "Read the brief"})
	path := "/api/v1/tasks/" + task.ID
	res := env.Do(testenv.Request{Method: "GET", Path: path, Token: a.Token})
	if res.Status != 200 || res.Header.Get("ETag") != `"1"` {
		t.Fatalf("get: got %s with ETag %q, want 200 and \"1\"", res, res.Header.Get("ETag"))
	}
	for _, p := range []string{"/api/v1/tasks/" + newID(), "/api/v1/tasks/not-a-uuid"} {
		if res := env.Do(testenv.Request{Method: "GET", Path: p, Token: a.Token}); res.Status != 404 {
			t.Errorf("GET %s: got %s, want 404", p, res)
		}
	}
	res = env.Do(testenv.Request{Method: "DELETE", Path: path, Token: a.Token, Header: map[string]string{"If-Match": `"7"`}})
	if res.Status != 412 {
		t.Fatalf("delete with a stale ETag: got %s, want 412", res)
	}
	res = env.Do(testenv.Request{Method: "DELETE", Path: path, Token: a.Token, Header: map[string]string{"If-Match": `"1"`}})
	if res.Status != 204 {
		t.Fatalf("delete: got %s, want 204", res)
	}
	for _, m := range []string{"GET", "DELETE"} {
		if res := env.Do(testenv.Request{Method: m, Path: path, Token: a.Token}); res.Status != 404 {
			t.Errorf("%s after delete: got %s, want 404", m, res)
		}
	}
}

func TestUpdateTask(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	task := createTask(t, env, a, map[string]any{"title": "Draft", "due_at": time.Now().Add(time.Hour)})
	for _, tc := range []struct {
		name       string
		body       any
		header     map[string]string
		id         string
		wantStatus int
		wantFields string
	}{
		{"blank title", map[string]any{"title": " "}, nil, task.ID, 422, "title"},
		{"empty title", map[string]any{"title": ""}, nil, task.ID, 422, "title"},
		{"bad status", map[string]any{"status": "closed"}, nil, task.ID, 422, "status"},
		{"long description", map[string]any{"description": strings.Repeat("x", 10001)}, nil, task.ID, 422, "description"},
		{"unknown field", map[string]any{"priority": 1}, nil, task.ID, 400, "priority"},
		{"malformed due time", map[string]any{"due_at": 5}, nil, task.ID, 400, ""},
		{"missing task", map[string]any{"title": "X"}, nil, newID(), 404, ""},
		{"stale If-Match", map[string]any{"title": "X"}, map[string]string{"If-Match": `"9"`}, task.ID, 412, ""},
		{"missing assignee", map[string]any{"assignee_id": newID()}, nil, task.ID, 422, "assignee_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := patchTask(env, a, tc.id, tc.body, tc.header)
			if res.Status != tc.wantStatus || problemOf(t, res).fields() != tc.wantFields {
				t.Fatalf("got %s, want %d naming %q", res, tc.wantStatus, tc.wantFields)
			}
		})
	}
	res := patchTask(env, a, task.ID, map[string]any{"title": "Final", "description": "Now with details", "due_at": nil},
		map[string]string{"If-Match": `"1"`})
	var got taskJSON
	res.Decode(t, &got)
	if res.Status != 200 || got.Title != "Final" || got.Description != "Now with details" || got.DueAt != nil ||
		got.Version != 2 || res.Header.Get("ETag") != `"2"` {
		t.Fatalf("patch: got %s, want the new title and description, no due time, version 2", res)
	}
	events := taskEvents(t, env, a, task.ID)
	if eventKinds(events) != "created,due_changed" || events[1].FromDueAt == nil || events[1].ToDueAt != nil {
		t.Errorf("events: got %+v, want created then due_changed from the old due time to none", events)
	}
}

func TestCompleteAndReopenTask(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	task := createTask(t, env, a, map[string]any{"title": "Send the offer"})
	done := patchTask(env, a, task.ID, map[string]any{"status": "done"}, nil)
	var got taskJSON
	done.Decode(t, &got)
	if done.Status != 200 || got.Status != "done" || got.CompletedAt == nil {
		t.Fatalf("complete: got %s, want done with completed_at", done)
	}
	completedAt := *got.CompletedAt
	again := patchTask(env, a, task.ID, map[string]any{"status": "done"}, nil)
	again.Decode(t, &got)
	if again.Status != 200 || got.CompletedAt == nil || !got.CompletedAt.Equal(completedAt) {
		t.Errorf("complete again: got %s, want completed_at unchanged at %s", again, completedAt)
	}
	reopen := patchTask(env, a, task.ID, map[string]any{"status": "open"}, nil)
	reopen.Decode(t, &got)
	if reopen.Status != 200 || got.Status != "open" || got.CompletedAt != nil {
		t.Fatalf("reopen: got %s, want open without completed_at", reopen)
	}
	events := taskEvents(t, env, a, task.ID)
	if eventKinds(events) != "created,completed,reopened" {
		t.Fatalf("events: got %q, want created,completed,reopened", eventKinds(events))
	}
	for _, e := range events {
		if e.ActorID.String() != a.UserID {
			t.Errorf("%s event: got actor %s, want %s", e.Kind, e.ActorID, a.UserID)
		}
	}
}

func TestReassignTask(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	member, leaver := env.Member(a), env.Member(a)
	other := env.Signup()
	if res := env.Do(testenv.Request{Method: "PATCH", Path: "/api/v1/users/" + leaver.UserID, Token: a.Token,
		Body: map[string]any{"active": false}}); res.Status != 200 {
		t.Fatalf("deactivate: got %s", res)
	}
	task := createTask(t, env, a, map[string]any{"title": "Visit the customer"})

	res := patchTask(env, a, task.ID, map[string]any{"assignee_id": member.UserID}, nil)
	var got taskJSON
	res.Decode(t, &got)
	if res.Status != 200 || got.AssigneeID != member.UserID {
		t.Fatalf("reassign to a member: got %s", res)
	}
	events := taskEvents(t, env, a, task.ID)
	if eventKinds(events) != "created,reassigned" || events[1].FromAssigneeID.String() != a.UserID ||
		events[1].ToAssigneeID.String() != member.UserID {
		t.Fatalf("events: got %+v, want created then reassigned from %s to %s", events, a.UserID, member.UserID)
	}
	missing := patchTask(env, a, task.ID, map[string]any{"assignee_id": newID()}, nil)
	for _, tc := range []struct{ name, id string }{{"deactivated user", leaver.UserID}, {"another workspace's user", other.UserID}} {
		res := patchTask(env, a, task.ID, map[string]any{"assignee_id": tc.id}, nil)
		if res.Status != 422 || problemOf(t, res).fields() != "assignee_id" {
			t.Errorf("%s: got %s, want 422 naming assignee_id", tc.name, res)
		}
		if detail(t, res) != detail(t, missing) || string(mustJSON(t, problemOf(t, res).Errors)) != string(mustJSON(t, problemOf(t, missing).Errors)) {
			t.Errorf("%s: got %s; a missing user gets %s; want the same", tc.name, res, missing)
		}
	}
	// The member works on their own tasks: "me" is the member now.
	if mine := listTasks(t, env, member, "assignee_id=me&status=open"); len(mine.Data) != 1 || mine.Data[0].ID != task.ID {
		t.Errorf("member's open tasks: got %+v, want the reassigned task", mine.Data)
	}
	if mine := listTasks(t, env, a, "assignee_id=me&status=open"); len(mine.Data) != 0 {
		t.Errorf("admin's open tasks: got %+v, want none", mine.Data)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestMyOpenTasks: overdue first, then by due time, undated last, id
// breaking ties, across pages; done tasks and colleagues' tasks left out.
func TestMyOpenTasks(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	member := env.Member(a)
	now := time.Now().UTC()
	at := func(d time.Duration) time.Time { return now.Add(d).Truncate(time.Second) }
	mk := func(title string, due *time.Time) string {
		body := map[string]any{"title": title}
		if due != nil {
			body["due_at"] = *due
		}
		return createTask(t, env, a, body).ID
	}
	ptr := func(v time.Time) *time.Time { return &v }
	undated1 := mk("undated 1", nil)
	later2 := mk("due in 3 days", ptr(at(72*time.Hour)))
	overdue2 := mk("overdue 1 hour", ptr(at(-time.Hour)))
	undated2 := mk("undated 2", nil)
	later1 := mk("due in 1 hour", ptr(at(time.Hour)))
	overdue1 := mk("overdue 2 days", ptr(at(-48*time.Hour)))
	doneID := mk("done", ptr(at(-96*time.Hour)))
	if res := patchTask(env, a, doneID, map[string]any{"status": "done"}, nil); res.Status != 200 {
		t.Fatalf("complete: %s", res)
	}
	createTask(t, env, a, map[string]any{"title": "the member's", "assignee_id": member.UserID, "due_at": at(-200 * time.Hour)})

	first := listTasks(t, env, a, "assignee_id=me&status=open&limit=4")
	if first.NextCursor == nil {
		t.Fatalf("first page: got no next_cursor, want one")
	}
	second := listTasks(t, env, a, "assignee_id=me&status=open&limit=4&cursor="+*first.NextCursor)
	if second.NextCursor != nil {
		t.Errorf("second page: got next_cursor %q, want none", *second.NextCursor)
	}
	var got []string
	var overdue []bool
	for _, task := range append(first.Data, second.Data...) {
		got = append(got, task.ID)
		overdue = append(overdue, task.Overdue)
	}
	want := []string{overdue1, overdue2, later1, later2, undated1, undated2}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("my open tasks: got %v, want %v", titles(append(first.Data, second.Data...)), []string{
			"overdue 2 days", "overdue 1 hour", "due in 1 hour", "due in 3 days", "undated 1", "undated 2"})
	}
	if wantOverdue := []bool{true, true, false, false, false, false}; !equalBools(overdue, wantOverdue) {
		t.Errorf("overdue flags: got %v, want %v", overdue, wantOverdue)
	}

	uid := uuid.MustParse(a.UserID)
	ctx := identity.WithPrincipal(context.Background(), identity.Principal{WorkspaceID: uuid.MustParse(a.WorkspaceID),
		ID: uid, UserID: uid, Role: identity.RoleAdmin})
	n, dash, err := env.App.Activity.OpenTasks(ctx, uid, 5)
	if err != nil || n != 6 || len(dash) != 5 || dash[0].ID.String() != overdue1 || dash[4].ID.String() != undated1 {
		t.Errorf("dashboard: got %d tasks, first five %v, %v; want 6 and the first five of the list", n, dash, err)
	}
}

func titles(tasks []taskJSON) []string {
	out := make([]string, len(tasks))
	for i, task := range tasks {
		out[i] = task.Title
	}
	return out
}

func equalBools(a, b []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestListTaskFilters(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	member := env.Member(a)
	now := time.Now().UTC().Truncate(time.Second)
	soon := createTask(t, env, a, map[string]any{"title": "soon", "due_at": now.Add(time.Hour)})
	late := createTask(t, env, a, map[string]any{"title": "late", "due_at": now.Add(240 * time.Hour)})
	theirs := createTask(t, env, a, map[string]any{"title": "theirs", "assignee_id": member.UserID})
	q := func(v time.Time) string { return v.Format(time.RFC3339) }
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"", []string{soon.ID, late.ID, theirs.ID}},
		{"assignee_id=" + member.UserID, []string{theirs.ID}},
		{"due_before=" + q(now.Add(24*time.Hour)), []string{soon.ID}},
		{"due_after=" + q(now.Add(24*time.Hour)), []string{late.ID}},
		{"status=done", nil},
		{"opportunity_id=" + newID(), nil},
		{"sort=-created_at", []string{theirs.ID, late.ID, soon.ID}},
	} {
		var got []string
		for _, task := range listTasks(t, env, a, tc.query).Data {
			got = append(got, task.ID)
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("?%s: got %v, want %v", tc.query, got, tc.want)
		}
	}
	for _, tc := range []struct{ query, field string }{
		{"status=closed", "status"}, {"assignee_id=you", "assignee_id"}, {"opportunity_id=x", "opportunity_id"},
		{"due_before=tomorrow", "due_before"}, {"due_after=2025-13-01", "due_after"}, {"sort=title", "sort"},
	} {
		res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/tasks?" + tc.query, Token: a.Token})
		if res.Status != 422 || problemOf(t, res).fields() != tc.field {
			t.Errorf("?%s: got %s, want 422 naming %s", tc.query, res, tc.field)
		}
	}
}

// TestTaskTenancy: another workspace's users never pass as assignees, and
// its lists never show a workspace's tasks, whatever the filter.
func TestTaskTenancy(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a, b := env.Signup(), env.Signup()
	task := createTask(t, env, a, map[string]any{"title": "A's task"})
	missing := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/tasks", Token: b.Token,
		Body: map[string]any{"title": "T", "assignee_id": newID()}})
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/tasks", Token: b.Token,
		Body: map[string]any{"title": "T", "assignee_id": a.UserID}})
	if res.Status != 422 || detail(t, res) != detail(t, missing) || problemOf(t, res).fields() != "assignee_id" {
		t.Errorf("B assigns to A's user: got %s; a missing user gets %s; want the same 422", res, missing)
	}
	for _, query := range []string{"", "assignee_id=" + a.UserID, "assignee_id=me&status=open"} {
		if got := listTasks(t, env, b, query); len(got.Data) != 0 {
			t.Errorf("B lists ?%s: got %v, want nothing", query, titles(got.Data))
		}
	}
	if got := listTasks(t, env, a, ""); len(got.Data) != 1 || got.Data[0].ID != task.ID {
		t.Errorf("A lists: got %v, want A's one task", titles(got.Data))
	}
}

func init() {
	addProbes(map[string]probe{
		"GET /api/v1/tasks":     {kind: list, setup: taskOfA},
		"POST /api/v1/tasks":    {kind: own, body: map[string]any{"title": "B's task"}},
		"GET /api/v1/tasks/:id": {kind: item, setup: taskOfA},
		"PATCH /api/v1/tasks/:id": {kind: item, setup: taskOfA, body: map[string]any{"title": "Hijacked", "status": "done"},
			check: taskOfAUnchanged},
		"DELETE /api/v1/tasks/:id": {kind: item, setup: taskOfA, check: taskOfAUnchanged},
	})
}

func taskOfA(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
	task := createTask(t, env, a, map[string]any{"title": "A's task " + newID()})
	return fixture{params: map[string]string{"id": task.ID}, ids: []string{task.ID, task.Title}}
}

func taskOfAUnchanged(t *testing.T, env *testenv.Env, a testenv.Account, fx fixture) {
	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/tasks/" + fx.params["id"], Token: a.Token})
	var got taskJSON
	res.Decode(t, &got)
	if res.Status != 200 || got.Title != fx.ids[1] || got.Status != "open" || got.Version != 1 {
		t.Errorf("A's task changed: got %s", res)
	}
}

// TestFollowUpTask: every new opportunity gets exactly one open follow-up
// task for its creator, due after the workspace's follow-up days, its
// creation recorded; the task goes when the opportunity is deleted.
func TestFollowUpTask(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	member := env.Member(a)
	if _, err := env.DB.SQL().Exec("UPDATE workspaces SET follow_up_days = 5 WHERE id = $1", a.WorkspaceID); err != nil {
		t.Fatal(err)
	}
	before := time.Now().UTC()
	o := newOpportunity(t, env, member, map[string]any{"title": "Forty chairs"})
	after := time.Now().UTC()
	mine := listTasks(t, env, member, "assignee_id=me&status=open")
	if len(mine.Data) != 1 {
		t.Fatalf("member's open tasks: got %v, want the one follow-up", titles(mine.Data))
	}
	task := mine.Data[0]
	if task.Title != "Follow up: Forty chairs" || task.AssigneeID != member.UserID || task.CreatedBy != member.UserID ||
		task.OpportunityID == nil || *task.OpportunityID != o.ID || task.Status != "open" || task.DueAt == nil ||
		task.DueAt.Before(before.AddDate(0, 0, 5).Truncate(time.Microsecond)) || task.DueAt.After(after.AddDate(0, 0, 5)) {
		t.Errorf("got %+v, want \"Follow up: Forty chairs\" for the member about %s, open, due 5 days after creation", task, o.ID)
	}
	if got := eventKinds(taskEvents(t, env, a, task.ID)); got != "created" {
		t.Errorf("follow-up events: got %q, want created", got)
	}
	if theirs := listTasks(t, env, a, "assignee_id=me"); len(theirs.Data) != 0 {
		t.Errorf("admin's tasks: got %v, want none (the member created the opportunity)", titles(theirs.Data))
	}

	long := newOpportunity(t, env, a, map[string]any{"title": strings.Repeat("ö", 200)})
	byOpp := listTasks(t, env, a, "opportunity_id="+long.ID)
	if len(byOpp.Data) != 1 || len([]rune(byOpp.Data[0].Title)) != 200 || !strings.HasSuffix(byOpp.Data[0].Title, "ö…") ||
		!strings.HasPrefix(byOpp.Data[0].Title, "Follow up: ö") {
		t.Errorf("follow-up of a 200-character title: got %v, want one title cut to 200 characters with …", titles(byOpp.Data))
	}

	if res := env.Do(testenv.Request{Method: "DELETE", Path: "/api/v1/opportunities/" + o.ID, Token: member.Token}); res.Status != 204 {
		t.Fatalf("delete the opportunity: got %s, want 204", res)
	}
	if res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/tasks/" + task.ID, Token: member.Token}); res.Status != 404 {
		t.Errorf("follow-up after its opportunity was deleted: got %s, want 404", res)
	}
}

// TestTasksOfOpportunities: tasks name opportunities of their own workspace
// only; another workspace's opportunity is refused like a missing one.
func TestTasksOfOpportunities(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a, b := env.Signup(), env.Signup()
	oppA := newOpportunity(t, env, a, map[string]any{"title": "A's deal"})
	task := createTask(t, env, a, map[string]any{"title": "Prepare the demo", "opportunity_id": oppA.ID})
	if task.OpportunityID == nil || *task.OpportunityID != oppA.ID {
		t.Fatalf("got %+v, want the task about %s", task, oppA.ID)
	}
	var got []string
	for _, tk := range listTasks(t, env, a, "opportunity_id="+oppA.ID).Data {
		got = append(got, tk.Title)
	}
	if strings.Join(got, ", ") != "Prepare the demo, Follow up: A's deal" && strings.Join(got, ", ") != "Follow up: A's deal, Prepare the demo" {
		t.Errorf("A's opportunity's tasks: got %v, want the follow-up and the demo", got)
	}

	missing := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/tasks", Token: b.Token,
		Body: map[string]any{"title": "T", "opportunity_id": newID()}})
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/tasks", Token: b.Token,
		Body: map[string]any{"title": "T", "opportunity_id": oppA.ID}})
	if res.Status != 422 || problemOf(t, res).fields() != "opportunity_id" || detail(t, res) != detail(t, missing) ||
		string(mustJSON(t, problemOf(t, res).Errors)) != string(mustJSON(t, problemOf(t, missing).Errors)) {
		t.Errorf("B names A's opportunity: got %s; a missing one gets %s; want the same 422", res, missing)
	}
	if got := listTasks(t, env, b, "opportunity_id="+oppA.ID); len(got.Data) != 0 {
		t.Errorf("B lists A's opportunity's tasks: got %v, want none", titles(got.Data))
	}
}
