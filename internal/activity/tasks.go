package activity

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	ev "github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/page"
)

// TaskStore persists tasks and their events, scoped to the context's workspace.
// Missing rows are errs.NotFound; a task naming a missing (or another
// workspace's) opportunity is errs.Invalid on the field opportunity_id.
type TaskStore interface {
	WithTx(ctx context.Context, fn func(ctx context.Context) error) error

	CreateTask(ctx context.Context, t Task) error
	Task(ctx context.Context, id uuid.UUID) (Task, error)
	// TasksByID reads the tasks of ids in one query, in no particular
	// order: missing ids are skipped.
	TasksByID(ctx context.Context, ids []uuid.UUID) ([]Task, error)
	// LockTask reads a task FOR UPDATE, serialising changes to it.
	LockTask(ctx context.Context, id uuid.UUID) (Task, error)
	// ListTasks sorts by req.Sort: due_at (undated last), created_at or
	// updated_at, with the id breaking ties.
	ListTasks(ctx context.Context, f Filter, req page.Request) (page.Page[Task], error)
	// SaveTask writes the task's changeable fields if its version is still
	// t.Version, bumps the version and returns the stored task.
	SaveTask(ctx context.Context, t Task) (Task, error)
	DeleteTask(ctx context.Context, id uuid.UUID, ifVersion *int64) error
	// OpenTasks counts the assignee's open tasks and returns the first limit
	// of them by due time, in one consistent read.
	OpenTasks(ctx context.Context, assignee uuid.UUID, limit int) (int, []Task, error)

	AddEvents(ctx context.Context, events []Event) error
	// Events lists a task's events oldest first.
	Events(ctx context.Context, taskID uuid.UUID) ([]Event, error)
}

// Directory looks up the workspace's users (scoped to the context's
// workspace: another workspace's user is errs.NotFound).
type Directory interface {
	User(ctx context.Context, id uuid.UUID) (identity.User, error)
}

// Tasks is the task service: tasks and their recorded events, on top of a TaskStore.
type Tasks struct {
	store     TaskStore
	directory Directory
	events    Publisher
	now       func() time.Time
}

// NewTasks returns the task service; now defaults to time.Now in UTC.
func NewTasks(store TaskStore, directory Directory, now func() time.Time) *Tasks {
	if now == nil {
		now = func() time.Time { return time.Now().UTC() }
	}
	return &Tasks{store: store, directory: directory, now: now}
}

// CreateTask creates an open task for the assignee (default: the caller)
// and records its creation. The assignee must be an active user of the
// workspace and the opportunity, if any, must exist (Invalid naming the
// field otherwise; another workspace's ids answer exactly like missing ones).
func (s *Tasks) CreateTask(ctx context.Context, in NewTask) (Task, error) {
	p, err := identity.Caller(ctx)
	if err != nil {
		return Task{}, err
	}
	in, err = checkNew(in)
	if err != nil {
		return Task{}, err
	}
	assignee := p.UserID
	if in.AssigneeID != nil {
		assignee = *in.AssigneeID
		if err := s.checkAssignee(ctx, assignee); err != nil {
			return Task{}, err
		}
	}
	now := s.now()
	t := Task{ID: newID(), Title: in.Title, Description: in.Description, DueAt: in.DueAt, AssigneeID: assignee,
		OpportunityID: in.OpportunityID, Status: StatusOpen, CreatedBy: p.UserID, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := s.create(ctx, t, p.UserID); err != nil {
		return Task{}, err
	}
	return t, nil
}

// CreateFollowUp creates the open follow-up task of a new opportunity, due
// at due, in the transaction of ctx; it implements sales.FollowUps. A title
// longer than a task title allows is shortened with an ellipsis. The
// assignee is not checked: it is the opportunity's creator.
func (s *Tasks) CreateFollowUp(ctx context.Context, opportunityID uuid.UUID, title string, assignee uuid.UUID, due time.Time) error {
	actor := assignee
	if p, ok := identity.PrincipalFrom(ctx); ok {
		actor = p.UserID
	}
	now := s.now()
	oppID := opportunityID
	t := Task{ID: newID(), Title: followUpTitle(title), DueAt: exact(&due), AssigneeID: assignee, OpportunityID: &oppID,
		Status: StatusOpen, CreatedBy: actor, Version: 1, CreatedAt: now, UpdatedAt: now}
	if _, fe := checkTitle(t.Title); fe != nil {
		return errs.Fields("the follow-up task has invalid fields", *fe)
	}
	return s.create(ctx, t, actor)
}

func (s *Tasks) create(ctx context.Context, t Task, actor uuid.UUID) error {
	to := t.AssigneeID
	created := Event{ID: newID(), TaskID: t.ID, Kind: EventCreated, ActorID: actor, At: t.CreatedAt,
		ToAssigneeID: &to, ToDueAt: t.DueAt}
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateTask(ctx, t); err != nil {
			return err
		}
		if err := s.store.AddEvents(ctx, []Event{created}); err != nil {
			return err
		}
		return s.publish(ctx, ev.TaskCreated, t)
	})
}

// Task returns one task.
func (s *Tasks) Task(ctx context.Context, id uuid.UUID) (Task, error) {
	return s.store.Task(ctx, id)
}

// TasksByID returns the tasks of ids, each as Task returns it, in no
// particular order; missing ids are skipped.
func (s *Tasks) TasksByID(ctx context.Context, ids []uuid.UUID) ([]Task, error) {
	return s.store.TasksByID(ctx, ids)
}

// ListTasks lists the workspace's tasks matching f. Sorting by due_at (the
// API's default) puts overdue tasks first: overdue tasks are exactly the
// open ones due before now, so ascending due time lists them before the
// tasks due later, and tasks without a due time come last. The order does
// not depend on the clock, which keeps cursors valid as time passes.
func (s *Tasks) ListTasks(ctx context.Context, f Filter, req page.Request) (page.Page[Task], error) {
	if f.Status != nil && !f.Status.Valid() {
		return page.Page[Task]{}, errs.Field("status", "must be one of: open, done")
	}
	return s.store.ListTasks(ctx, f, req)
}

// OpenTasks returns how many open tasks the assignee has and the first
// limit of them (0-200), overdue first, then by due time, undated last:
// "my open tasks" on the dashboard.
func (s *Tasks) OpenTasks(ctx context.Context, assignee uuid.UUID, limit int) (int, []Task, error) {
	limit = min(max(limit, 0), page.MaxLimit)
	return s.store.OpenTasks(ctx, assignee, limit)
}

// UpdateTask changes a task and records completing, reopening, reassigning
// and due-time changes as events in the same transaction. NotFound when
// the task is missing, PreconditionFailed when ifVersion is stale, Invalid
// naming assignee_id when the new assignee is not an active user of the
// workspace.
func (s *Tasks) UpdateTask(ctx context.Context, id uuid.UUID, patch TaskPatch, ifVersion *int64) (Task, error) {
	p, err := identity.Caller(ctx)
	if err != nil {
		return Task{}, err
	}
	patch, err = checkPatch(patch)
	if err != nil {
		return Task{}, err
	}
	var out Task
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		cur, err := s.store.LockTask(ctx, id)
		if err != nil {
			return err
		}
		if ifVersion != nil && *ifVersion != cur.Version {
			return errs.New(errs.PreconditionFailed, "the task was changed by someone else: reload and retry")
		}
		if patch.AssigneeID != nil && *patch.AssigneeID != cur.AssigneeID {
			if err := s.checkAssignee(ctx, *patch.AssigneeID); err != nil {
				return err
			}
		}
		next, events := cur.apply(patch, p.UserID, s.now())
		if out, err = s.store.SaveTask(ctx, next); err != nil {
			return err
		}
		if err := s.store.AddEvents(ctx, events); err != nil {
			return err
		}
		if cur.Status != StatusDone && out.Status == StatusDone {
			return s.publish(ctx, ev.TaskCompleted, out)
		}
		return nil
	})
	return out, err
}

// DeleteTask deletes a task and its events. NotFound when it is missing,
// PreconditionFailed when ifVersion is stale.
func (s *Tasks) DeleteTask(ctx context.Context, id uuid.UUID, ifVersion *int64) error {
	return s.store.DeleteTask(ctx, id, ifVersion)
}

// Events lists what happened to a task, oldest first (NotFound when the
// task is missing).
func (s *Tasks) Events(ctx context.Context, taskID uuid.UUID) ([]Event, error) {
	if _, err := s.store.Task(ctx, taskID); err != nil {
		return nil, err
	}
	return s.store.Events(ctx, taskID)
}

// checkAssignee requires an active user of the context's workspace; a user
// of another workspace gets the same answer as a missing one.
func (s *Tasks) checkAssignee(ctx context.Context, id uuid.UUID) error {
	u, err := s.directory.User(ctx, id)
	if errs.Is(err, errs.NotFound) || (err == nil && !u.Active) {
		return errs.Field("assignee_id", "must be an active user of the workspace")
	}
	return err
}
