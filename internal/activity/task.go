// Package activity holds what salespeople do around an opportunity: tasks
// (with the follow-up every new opportunity gets) and the events a timeline
// reads. It is plain Go: rules here, persistence behind the store interfaces (TaskStore, NoteStore…).
package activity

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/patch"
)

// Status is where a task stands.
type Status string

const (
	StatusOpen Status = "open"
	StatusDone Status = "done"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return s == StatusOpen || s == StatusDone }

// Task is something a user of the workspace has to do, optionally about an
// opportunity. CompletedAt is set exactly when Status is done.
type Task struct {
	ID            uuid.UUID
	Title         string
	Description   string
	DueAt         *time.Time // nil: no due time (sorts after every dated task)
	AssigneeID    uuid.UUID
	OpportunityID *uuid.UUID
	Status        Status
	CompletedAt   *time.Time
	CreatedBy     uuid.UUID
	Version       int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Overdue reports whether the open task's due time has passed at now.
func (t Task) Overdue(now time.Time) bool {
	return t.Status == StatusOpen && t.DueAt != nil && t.DueAt.Before(now)
}

// EventKind names what happened to a task.
type EventKind string

const (
	EventCreated    EventKind = "created"
	EventCompleted  EventKind = "completed"
	EventReopened   EventKind = "reopened"
	EventReassigned EventKind = "reassigned"
	EventDueChanged EventKind = "due_changed"
)

// Event is one recorded change of a task, written in the transaction of the
// change. Assignee fields are set for created (To) and reassigned (both);
// due fields for created (To) and due_changed (either may be nil).
type Event struct {
	ID             uuid.UUID
	TaskID         uuid.UUID
	Kind           EventKind
	ActorID        uuid.UUID
	At             time.Time
	FromAssigneeID *uuid.UUID
	ToAssigneeID   *uuid.UUID
	FromDueAt      *time.Time
	ToDueAt        *time.Time
}

// NewTask is what a user gives to create a task.
type NewTask struct {
	Title       string
	Description string
	DueAt       *time.Time
	// AssigneeID defaults to the caller.
	AssigneeID    *uuid.UUID
	OpportunityID *uuid.UUID
}

// TaskPatch changes a task; nil (or unset) fields stay.
type TaskPatch struct {
	Title       *string
	Description *string
	DueAt       patch.Field[time.Time]
	// AssigneeID reassigns the task to another active user of the workspace.
	AssigneeID *uuid.UUID
	// Status done completes the task (completed_at = now), open reopens it.
	Status *Status
}

// Filter narrows a task list; zero fields do not filter. Tasks without a
// due time match neither DueBefore nor DueAfter.
type Filter struct {
	AssigneeID    *uuid.UUID
	Status        *Status
	OpportunityID *uuid.UUID
	DueBefore     *time.Time // due_at < DueBefore
	DueAfter      *time.Time // due_at >= DueAfter
}

const (
	maxTitle       = 200
	maxDescription = 10000
)

// checkTitle trims a title and requires 1 to 200 characters.
func checkTitle(title string) (string, *errs.FieldError) {
	title = strings.TrimSpace(title)
	if n := utf8.RuneCountInString(title); n == 0 || n > maxTitle {
		return "", &errs.FieldError{Field: "title", Message: "must be between 1 and 200 characters"}
	}
	return title, nil
}

func checkDescription(d string) *errs.FieldError {
	if utf8.RuneCountInString(d) > maxDescription {
		return &errs.FieldError{Field: "description", Message: "must be at most 10000 characters"}
	}
	return nil
}

// checkNew validates and normalises a new task's own fields.
func checkNew(in NewTask) (NewTask, error) {
	var fields []errs.FieldError
	title, fe := checkTitle(in.Title)
	fields = appendField(fields, fe)
	fields = appendField(fields, checkDescription(in.Description))
	in.Title, in.DueAt = title, exact(in.DueAt)
	return in, errs.Fields("the task has invalid fields", fields...)
}

// checkPatch validates and normalises a patch's own fields; the assignee is
// checked against the directory by the service.
func checkPatch(p TaskPatch) (TaskPatch, error) {
	var fields []errs.FieldError
	if p.Title != nil {
		title, fe := checkTitle(*p.Title)
		fields = appendField(fields, fe)
		p.Title = &title
	}
	if p.Description != nil {
		fields = appendField(fields, checkDescription(*p.Description))
	}
	if p.Status != nil && !p.Status.Valid() {
		fields = append(fields, errs.FieldError{Field: "status", Message: "must be one of: open, done"})
	}
	p.DueAt.Value = exact(p.DueAt.Value)
	return p, errs.Fields("the change has invalid fields", fields...)
}

func appendField(fields []errs.FieldError, fe *errs.FieldError) []errs.FieldError {
	if fe == nil {
		return fields
	}
	return append(fields, *fe)
}

// exact rounds a time to what PostgreSQL stores (microseconds, UTC), so that
// comparisons with stored times and cursors are exact.
func exact(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.UTC().Truncate(time.Microsecond)
	return &v
}

// apply returns the task after the patch and the events the change records,
// by actor at now. Completing a done task or reopening an open one changes
// nothing; so does "reassigning" to the current assignee.
func (t Task) apply(p TaskPatch, actor uuid.UUID, now time.Time) (Task, []Event) {
	next := t
	var events []Event
	event := func(kind EventKind) *Event {
		events = append(events, Event{ID: newID(), TaskID: t.ID, Kind: kind, ActorID: actor, At: now})
		return &events[len(events)-1]
	}
	if p.Title != nil {
		next.Title = *p.Title
	}
	if p.Description != nil {
		next.Description = *p.Description
	}
	if p.DueAt.Set && !sameTime(t.DueAt, p.DueAt.Value) {
		next.DueAt = p.DueAt.Value
		e := event(EventDueChanged)
		e.FromDueAt, e.ToDueAt = t.DueAt, p.DueAt.Value
	}
	if p.AssigneeID != nil && *p.AssigneeID != t.AssigneeID {
		next.AssigneeID = *p.AssigneeID
		e := event(EventReassigned)
		from, to := t.AssigneeID, *p.AssigneeID
		e.FromAssigneeID, e.ToAssigneeID = &from, &to
	}
	if p.Status != nil && *p.Status != t.Status {
		next.Status = *p.Status
		if next.Status == StatusDone {
			done := now
			next.CompletedAt = &done
			event(EventCompleted)
		} else {
			next.CompletedAt = nil
			event(EventReopened)
		}
	}
	next.UpdatedAt = now
	return next, events
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// followUpTitle fits "Follow up: <opportunity title>" into a task title,
// shortening it with an ellipsis when the opportunity's title is long.
func followUpTitle(title string) string {
	title = strings.TrimSpace(title)
	if utf8.RuneCountInString(title) <= maxTitle {
		return title
	}
	r := []rune(title)
	return string(r[:maxTitle-1]) + "…"
}

func newID() uuid.UUID { return uuid.Must(uuid.NewV7()) }
