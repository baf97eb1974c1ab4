package activity

import (
	"context"
	"time"

	"github.com/google/uuid"

	ev "github.com/acme/crm/internal/events"
)

// Publisher records domain events in the context's transaction
// (events.Bus fulfils it).
type Publisher interface {
	PublishJSON(ctx context.Context, e ev.Event, payload any) error
}

// SetPublisher makes the service publish task.created and task.completed;
// call it while wiring.
func (s *Tasks) SetPublisher(p Publisher) { s.events = p }

// TaskPayload is the payload of task.created and task.completed: the task
// with the field names of the API's Task.
type TaskPayload struct {
	ID            uuid.UUID  `json:"id"`
	Title         string     `json:"title"`
	Description   string     `json:"description"`
	DueAt         *time.Time `json:"due_at"`
	AssigneeID    uuid.UUID  `json:"assignee_id"`
	OpportunityID *uuid.UUID `json:"opportunity_id"`
	Status        Status     `json:"status"`
	CompletedAt   *time.Time `json:"completed_at"`
	CreatedBy     uuid.UUID  `json:"created_by"`
	Version       int64      `json:"version"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

func taskPayload(t Task) TaskPayload {
	return TaskPayload{ID: t.ID, Title: t.Title, Description: t.Description, DueAt: t.DueAt, AssigneeID: t.AssigneeID,
		OpportunityID: t.OpportunityID, Status: t.Status, CompletedAt: t.CompletedAt, CreatedBy: t.CreatedBy,
		Version: t.Version, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

func (s *Tasks) publish(ctx context.Context, t ev.Type, task Task) error {
	if s.events == nil {
		return nil
	}
	return s.events.PublishJSON(ctx, ev.Event{Type: t, SubjectType: "task", SubjectID: task.ID,
		OpportunityID: task.OpportunityID, Subject: task}, taskPayload(task))
}

// EventDefinitions documents the task events with examples of their
// payloads.
func EventDefinitions() []ev.Definition {
	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	due := at.AddDate(0, 0, 7)
	opp := uuid.MustParse("0190d0c4-5e2a-7cc0-8000-0000000000a1")
	user := uuid.MustParse("0190d0c4-5e2a-7cc0-8000-0000000000b1")
	t := TaskPayload{ID: uuid.MustParse("0190d0c4-5e2a-7cc0-8000-0000000000e1"), Title: "Call about the proposal",
		DueAt: &due, AssigneeID: user, OpportunityID: &opp, Status: StatusOpen, CreatedBy: user, Version: 1,
		CreatedAt: at, UpdatedAt: at}
	done := t
	done.Status, done.CompletedAt, done.Version = StatusDone, &due, 2
	task := Task{ID: t.ID, Title: t.Title, DueAt: t.DueAt, AssigneeID: user, OpportunityID: &opp, Status: StatusOpen,
		CreatedBy: user, Version: 1, CreatedAt: at, UpdatedAt: at}
	completed := task
	completed.Status, completed.CompletedAt, completed.Version, completed.UpdatedAt = StatusDone, &due, 2, due
	return []ev.Definition{
		{Type: ev.TaskCreated, Description: "A task was created (follow-ups of new opportunities included).", Example: t, Subject: task},
		{Type: ev.TaskCompleted, Description: "A task was completed.", Example: done, Subject: completed},
	}
}
