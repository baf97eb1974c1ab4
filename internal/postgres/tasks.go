package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm/clause"

	"github.com/acme/crm/internal/activity"
	"github.com/acme/crm/internal/page"
)

// Activity is the activity.TaskStore over PostgreSQL.
type Activity struct{ db *DB }

// NewActivity returns the activity repository.
func NewActivity(db *DB) *Activity { return &Activity{db: db} }

// WithTx implements activity.TaskStore.
func (r *Activity) WithTx(ctx context.Context, fn func(context.Context) error) error {
	return r.db.WithTx(ctx, fn)
}

type taskRow struct {
	ID            uuid.UUID `gorm:"primaryKey"`
	WorkspaceID   uuid.UUID
	Title         string
	Description   string
	DueAt         *time.Time
	AssigneeID    uuid.UUID
	OpportunityID *uuid.UUID
	Status        string
	CompletedAt   *time.Time
	CreatedBy     uuid.UUID
	Version       int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (taskRow) TableName() string { return "tasks" }

func (t taskRow) domain() activity.Task {
	return activity.Task{ID: t.ID, Title: t.Title, Description: t.Description, DueAt: t.DueAt, AssigneeID: t.AssigneeID,
		OpportunityID: t.OpportunityID, Status: activity.Status(t.Status), CompletedAt: t.CompletedAt,
		CreatedBy: t.CreatedBy, Version: t.Version, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

type taskEventRow struct {
	ID             uuid.UUID `gorm:"primaryKey"`
	WorkspaceID    uuid.UUID
	TaskID         uuid.UUID
	Kind           string
	ActorID        uuid.UUID
	At             time.Time
	FromAssigneeID *uuid.UUID
	ToAssigneeID   *uuid.UUID
	FromDueAt      *time.Time
	ToDueAt        *time.Time
}

func (taskEventRow) TableName() string { return "task_events" }

func (e taskEventRow) domain() activity.Event {
	return activity.Event{ID: e.ID, TaskID: e.TaskID, Kind: activity.EventKind(e.Kind), ActorID: e.ActorID, At: e.At,
		FromAssigneeID: e.FromAssigneeID, ToAssigneeID: e.ToAssigneeID, FromDueAt: e.FromDueAt, ToDueAt: e.ToDueAt}
}

// taskDue sorts undated tasks last and keeps NULL out of keyset row
// comparisons; the tasks_* indexes are built on the same expression.
const taskDue = "COALESCE(tasks.due_at, 'infinity'::timestamptz)"

var taskSorts = map[string]sortCol{
	"due_at":     {taskDue, "timestamptz"},
	"created_at": {"tasks.created_at", "timestamptz"},
	"updated_at": {"tasks.updated_at", "timestamptz"},
}

// CreateTask implements activity.TaskStore.
func (r *Activity) CreateTask(ctx context.Context, t activity.Task) error {
	row := taskRow{ID: t.ID, Title: t.Title, Description: t.Description, DueAt: t.DueAt, AssigneeID: t.AssigneeID,
		OpportunityID: t.OpportunityID, Status: string(t.Status), CompletedAt: t.CompletedAt, CreatedBy: t.CreatedBy,
		Version: 1, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
	return translate(r.db.conn(ctx).Create(&row).Error)
}

// Task implements activity.TaskStore.
func (r *Activity) Task(ctx context.Context, id uuid.UUID) (activity.Task, error) {
	var row taskRow
	if err := r.db.conn(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return activity.Task{}, translate(err)
	}
	return row.domain(), nil
}

// TasksByID implements activity.TaskStore.
func (r *Activity) TasksByID(ctx context.Context, ids []uuid.UUID) ([]activity.Task, error) {
	return byID(r.db.conn(ctx), ids, taskRow.domain)
}

// LockTask implements activity.TaskStore.
func (r *Activity) LockTask(ctx context.Context, id uuid.UUID) (activity.Task, error) {
	var row taskRow
	err := r.db.conn(ctx).Clauses(clause.Locking{Strength: "UPDATE"}).Take(&row, "id = ?", id).Error
	if err != nil {
		return activity.Task{}, translate(err)
	}
	return row.domain(), nil
}

// ListTasks implements activity.TaskStore.
func (r *Activity) ListTasks(ctx context.Context, f activity.Filter, req page.Request) (page.Page[activity.Task], error) {
	q, err := keyset(r.db.reader(ctx).Model(&taskRow{}), req, taskSorts)
	if err != nil {
		return page.Page[activity.Task]{}, err
	}
	if f.AssigneeID != nil {
		q = q.Where("tasks.assignee_id = ?", *f.AssigneeID)
	}
	if f.Status != nil {
		// A literal, not a parameter, so that the planner can use the
		// partial index on open tasks in generic plans too.
		if *f.Status == activity.StatusOpen {
			q = q.Where("tasks.status = 'open'")
		} else {
			q = q.Where("tasks.status = 'done'")
		}
	}
	if f.OpportunityID != nil {
		q = q.Where("tasks.opportunity_id = ?", *f.OpportunityID)
	}
	if f.DueBefore != nil {
		q = q.Where("tasks.due_at < ?", *f.DueBefore)
	}
	if f.DueAfter != nil {
		q = q.Where("tasks.due_at >= ?", *f.DueAfter)
	}
	var rows []taskRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[activity.Task]{}, translate(err)
	}
	return pageOf(rows, req, taskRow.domain, func(t taskRow) (uuid.UUID, string) {
		return t.ID, cursorText(map[string]any{"due_at": t.DueAt, "created_at": t.CreatedAt, "updated_at": t.UpdatedAt}[req.Sort])
	}), nil
}

// SaveTask implements activity.TaskStore: it writes every changeable column by
// name (zero values included) when the version still matches.
func (r *Activity) SaveTask(ctx context.Context, t activity.Task) (activity.Task, error) {
	cols := map[string]any{"title": t.Title, "description": t.Description, "due_at": t.DueAt,
		"assignee_id": t.AssigneeID, "status": string(t.Status), "completed_at": t.CompletedAt, "updated_at": t.UpdatedAt}
	var row taskRow
	if err := updateVersioned(r.db.conn(ctx), &row, t.ID, &t.Version, cols); err != nil {
		return activity.Task{}, translate(err)
	}
	return row.domain(), nil
}

// DeleteTask implements activity.TaskStore; the task's events go with it.
func (r *Activity) DeleteTask(ctx context.Context, id uuid.UUID, ifVersion *int64) error {
	return deleteVersioned[taskRow](r.db.conn(ctx), id, ifVersion)
}

// OpenTasks implements activity.TaskStore: the count comes from a window over
// the same rows as the page, so both describe one snapshot. The dashboard
// reads it on every request: it runs natively on pgx, scanned by hand.
func (r *Activity) OpenTasks(ctx context.Context, assignee uuid.UUID, limit int) (int, []activity.Task, error) {
	if limit == 0 {
		var n int64
		err := r.db.reader(ctx).Model(&taskRow{}).Where("tasks.assignee_id = ? AND tasks.status = 'open'", assignee).Count(&n).Error
		if err != nil {
			return 0, nil, translate(err)
		}
		return int(n), []activity.Task{}, nil
	}
	ws, err := wsID(ctx)
	if err != nil {
		return 0, nil, err
	}
	rows, err := r.db.readQuery(ctx, `SELECT id, title, description, due_at, assignee_id, opportunity_id, status,
			completed_at, created_by, version, created_at, updated_at, count(*) OVER ()
		FROM tasks WHERE workspace_id = $1 AND assignee_id = $2 AND status = 'open'
		ORDER BY `+taskDue+`, id LIMIT $3`, pgUUID(ws), pgUUID(assignee), limit)
	if err != nil {
		return 0, nil, translate(err)
	}
	defer rows.Close()
	tasks := make([]activity.Task, 0, limit)
	total := 0
	for rows.Next() {
		var t activity.Task
		var status string
		if err := rows.Scan(uuidDst{&t.ID}, &t.Title, &t.Description, nullTimeDst{&t.DueAt}, uuidDst{&t.AssigneeID},
			nullUUIDDst{&t.OpportunityID}, &status, nullTimeDst{&t.CompletedAt}, uuidDst{&t.CreatedBy}, &t.Version,
			&t.CreatedAt, &t.UpdatedAt, &total); err != nil {
			return 0, nil, translate(err)
		}
		t.Status = activity.Status(status)
		tasks = append(tasks, t)
	}
	return total, tasks, translate(rows.Err())
}

// AddEvents implements activity.TaskStore.
func (r *Activity) AddEvents(ctx context.Context, events []activity.Event) error {
	if len(events) == 0 {
		return nil
	}
	rows := make([]taskEventRow, len(events))
	for i, e := range events {
		rows[i] = taskEventRow{ID: e.ID, TaskID: e.TaskID, Kind: string(e.Kind), ActorID: e.ActorID, At: e.At,
			FromAssigneeID: e.FromAssigneeID, ToAssigneeID: e.ToAssigneeID, FromDueAt: e.FromDueAt, ToDueAt: e.ToDueAt}
	}
	return translate(r.db.conn(ctx).Create(&rows).Error)
}

// Events implements activity.TaskStore.
func (r *Activity) Events(ctx context.Context, taskID uuid.UUID) ([]activity.Event, error) {
	var rows []taskEventRow
	if err := r.db.conn(ctx).Where("task_id = ?", taskID).Order("at, id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]activity.Event, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out, nil
}
