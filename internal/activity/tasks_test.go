package activity_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/activity"
	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/page"
	"github.com/acme/crm/internal/patch"
	"github.com/acme/crm/internal/postgres"
	"github.com/acme/crm/internal/tenant"
	"github.com/acme/crm/internal/testenv"
)

// fixture is a workspace with an admin and a member, seen as the admin.
type fixture struct {
	svc    *activity.Tasks
	ctx    context.Context // the admin's
	admin  uuid.UUID
	member uuid.UUID
	ids    *postgres.Identity
	db     *postgres.DB
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	db := testenv.DB(t)
	ids := postgres.NewIdentity(db)
	ws, admin := addWorkspace(t, ids)
	ctx := as(ws, admin)
	member := addUser(t, ctx, ids, true)
	return fixture{svc: activity.NewTasks(postgres.NewActivity(db), ids, nil), ctx: ctx, admin: admin, member: member, ids: ids, db: db}
}

func addWorkspace(t *testing.T, ids *postgres.Identity) (uuid.UUID, uuid.UUID) {
	t.Helper()
	ws := identity.Workspace{ID: uuid.Must(uuid.NewV7()), Name: "W", DefaultCurrency: "EUR", FollowUpDays: 2, CreatedAt: time.Now()}
	if err := ids.CreateWorkspace(tenant.System(context.Background()), ws); err != nil {
		t.Fatal(err)
	}
	return ws.ID, addUser(t, tenant.With(context.Background(), ws.ID), ids, true)
}

func addUser(t *testing.T, ctx context.Context, ids *postgres.Identity, active bool) uuid.UUID {
	t.Helper()
	id := uuid.Must(uuid.NewV7())
	u := identity.User{ID: id, Email: id.String() + "@example.com", Name: "U", Role: identity.RoleMember, Active: active,
		CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := ids.CreateUser(ctx, u, "x"); err != nil {
		t.Fatal(err)
	}
	return id
}

func as(ws, user uuid.UUID) context.Context {
	return identity.WithPrincipal(context.Background(), identity.Principal{WorkspaceID: ws, ID: user, UserID: user, Role: identity.RoleMember})
}

func (f fixture) task(t *testing.T, title string, due *time.Time) activity.Task {
	t.Helper()
	task, err := f.svc.CreateTask(f.ctx, activity.NewTask{Title: title, DueAt: due})
	if err != nil {
		t.Fatalf("create %q: %v", title, err)
	}
	return task
}

// TestEventsRecordEveryChange: who did what, from what to what, in order.
func TestEventsRecordEveryChange(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	due := time.Now().Add(time.Hour)
	task := f.task(t, "Call", &due)
	done := activity.StatusDone
	if _, err := f.svc.UpdateTask(f.ctx, task.ID, activity.TaskPatch{AssigneeID: &f.member}, nil); err != nil {
		t.Fatal(err)
	}
	memberCtx := as(mustWorkspace(t, f.ctx), f.member)
	if _, err := f.svc.UpdateTask(memberCtx, task.ID, activity.TaskPatch{Status: &done, DueAt: patch.Field[time.Time]{Set: true}}, nil); err != nil {
		t.Fatal(err)
	}
	events, err := f.svc.Events(f.ctx, task.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range events {
		got = append(got, string(e.Kind)+" by "+who(f, e.ActorID)+" "+who(f, deref(e.FromAssigneeID))+"→"+who(f, deref(e.ToAssigneeID)))
	}
	want := []string{"created by admin -→admin", "reassigned by admin admin→member", "due_changed by member -→-", "completed by member -→-"}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("events: got %v, want %v", got, want)
	}
	if events[0].ToDueAt == nil || !events[0].ToDueAt.Equal(due.Truncate(time.Microsecond)) || events[2].FromDueAt == nil || events[2].ToDueAt != nil {
		t.Errorf("due times: got created → %v, due_changed %v → %v; want %s, then to none", events[0].ToDueAt, events[2].FromDueAt, events[2].ToDueAt, due)
	}
	if err := f.svc.DeleteTask(f.ctx, task.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Events(f.ctx, task.ID); !errs.Is(err, errs.NotFound) {
		t.Errorf("events of a deleted task: got %v, want NotFound", err)
	}
}

func mustWorkspace(t *testing.T, ctx context.Context) uuid.UUID {
	t.Helper()
	ws, ok := tenant.From(ctx)
	if !ok {
		t.Fatal("no workspace in the context")
	}
	return ws
}

func who(f fixture, id uuid.UUID) string {
	switch id {
	case f.admin:
		return "admin"
	case f.member:
		return "member"
	case uuid.Nil:
		return "-"
	}
	return id.String()
}

func deref(id *uuid.UUID) uuid.UUID {
	if id == nil {
		return uuid.Nil
	}
	return *id
}

// TestConcurrentCompletion: the row lock serialises changes, so two clients
// completing a task at once record one completion.
func TestConcurrentCompletion(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	task := f.task(t, "Send offer", nil)
	done := activity.StatusDone
	var wg sync.WaitGroup
	errc := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.svc.UpdateTask(f.ctx, task.ID, activity.TaskPatch{Status: &done}, nil)
			errc <- err
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Errorf("complete: got %v, want nil", err)
		}
	}
	events, err := f.svc.Events(f.ctx, task.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(kinds(events), "completed"); n != 1 {
		t.Errorf("completed events: got %d (%s), want 1", n, kinds(events))
	}
}

func kinds(events []activity.Event) string {
	var out []string
	for _, e := range events {
		out = append(out, string(e.Kind))
	}
	return strings.Join(out, ",")
}

func TestAssigneeRules(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	inactive := addUser(t, f.ctx, f.ids, false)
	_, stranger := addWorkspace(t, f.ids)
	task := f.task(t, "Visit", nil)
	for _, tc := range []struct {
		name string
		id   uuid.UUID
		want string // the error, or "" for success
	}{
		{"member", f.member, ""},
		{"inactive user", inactive, "assignee_id"},
		{"another workspace's user", stranger, "assignee_id"},
		{"missing user", uuid.New(), "assignee_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errCreate := f.svc.CreateTask(f.ctx, activity.NewTask{Title: "T", AssigneeID: &tc.id})
			_, errUpdate := f.svc.UpdateTask(f.ctx, task.ID, activity.TaskPatch{AssigneeID: &tc.id}, nil)
			for _, err := range []error{errCreate, errUpdate} {
				if got := fieldOf(err); got != tc.want {
					t.Errorf("got %v, want an error naming %q", err, tc.want)
				}
			}
		})
	}
}

func fieldOf(err error) string {
	e, ok := errs.As(err)
	if !ok || e.Code != errs.Invalid || len(e.Fields) != 1 {
		return ""
	}
	return e.Fields[0].Field
}

func TestFollowUp(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	err := f.svc.CreateFollowUp(f.ctx, uuid.New(), "Follow up: Chairs", f.admin, time.Now())
	if fieldOf(err) != "opportunity_id" {
		t.Errorf("follow-up of a missing opportunity: got %v, want Invalid naming opportunity_id", err)
	}
	if n, _, err := f.svc.OpenTasks(f.ctx, f.admin, 5); err != nil || n != 0 {
		t.Errorf("open tasks after the failure: got %d, %v; want 0", n, err)
	}
}

func TestUpdateTaskPreconditions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	task := f.task(t, "Call", nil)
	title := "Call back"
	stale := task.Version + 1
	if _, err := f.svc.UpdateTask(f.ctx, task.ID, activity.TaskPatch{Title: &title}, &stale); !errs.Is(err, errs.PreconditionFailed) {
		t.Errorf("stale version: got %v, want PreconditionFailed", err)
	}
	if _, err := f.svc.UpdateTask(f.ctx, uuid.New(), activity.TaskPatch{Title: &title}, &stale); !errs.Is(err, errs.NotFound) {
		t.Errorf("missing task: got %v, want NotFound", err)
	}
	got, err := f.svc.UpdateTask(f.ctx, task.ID, activity.TaskPatch{Title: &title}, &task.Version)
	if err != nil || got.Title != title || got.Version != task.Version+1 {
		t.Errorf("current version: got %+v, %v; want the new title at version %d", got, err, task.Version+1)
	}
	if err := f.svc.DeleteTask(f.ctx, task.ID, &task.Version); !errs.Is(err, errs.PreconditionFailed) {
		t.Errorf("delete with a stale version: got %v, want PreconditionFailed", err)
	}
}

// TestListOrderAcrossPages walks the due-time order both ways in pages of
// two, so that page boundaries fall between overdue, dated and undated
// tasks.
func TestListOrderAcrossPages(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	now := time.Now()
	at := func(h int) *time.Time { v := now.Add(time.Duration(h) * time.Hour); return &v }
	var want []string
	for _, spec := range []struct {
		title string
		due   *time.Time
	}{{"overdue 3h", at(-3)}, {"overdue 1h", at(-1)}, {"in 1h", at(1)}, {"in 1h too", at(1)}, {"in 5h", at(5)}, {"undated", nil}, {"undated too", nil}} {
		f.task(t, spec.title, spec.due)
		want = append(want, spec.title)
	}
	open := activity.StatusOpen
	filter := activity.Filter{AssigneeID: &f.admin, Status: &open}
	if got := walk(t, f, filter, false); strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("ascending: got %v, want %v", got, want)
	}
	for i, j := 0, len(want)-1; i < j; i, j = i+1, j-1 {
		want[i], want[j] = want[j], want[i]
	}
	if got := walk(t, f, filter, true); strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("descending: got %v, want %v", got, want)
	}
	n, first, err := f.svc.OpenTasks(f.ctx, f.admin, 0)
	if err != nil || n != 7 || len(first) != 0 {
		t.Errorf("OpenTasks(limit 0): got %d, %d tasks, %v; want 7 and none", n, len(first), err)
	}
}

func walk(t *testing.T, f fixture, filter activity.Filter, desc bool) []string {
	t.Helper()
	var titles []string
	req := page.Request{Limit: 2, Sort: "due_at", Desc: desc}
	for range 10 {
		p, err := f.svc.ListTasks(f.ctx, filter, req)
		if err != nil {
			t.Fatal(err)
		}
		for _, task := range p.Items {
			titles = append(titles, task.Title)
		}
		if p.Next == nil {
			return titles
		}
		req.Cursor = p.Next
	}
	t.Fatalf("more than 10 pages: %v", titles)
	return nil
}
