package activity

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/page"
)

// Kinds of timeline events. A new kind is one more source in storage's
// timeline query and one more constant here.
const (
	EventNote          = "note"
	EventAttachment    = "attachment"
	EventTaskCreated   = "task_created"
	EventTaskCompleted = "task_completed"
	EventPhaseChange   = "phase_change"
	// EventQuote is something that happened to one of the opportunity's
	// quotes: sent, viewed, signed, change requested, rejected, expired.
	EventQuote = "quote"
	// EventInvoice is something that happened to one of its invoices:
	// issued, sent, paid, credited, overdue.
	EventInvoice = "invoice"
)

// TimelineEvent is one thing that happened on an opportunity.
type TimelineEvent struct {
	// ID identifies the event in paging; with OccurredAt it orders events.
	ID         uuid.UUID
	Type       string
	OccurredAt time.Time
	// ActorID is who did it; nil when unknown. ActorName is their name.
	ActorID   *uuid.UUID
	ActorName string
	Summary   string
	// RefType and RefID name the record the event is about (a note, a
	// task…), for clients to link to.
	RefType string
	RefID   uuid.UUID
}

// TimelineStore reads the merged events of an opportunity.
type TimelineStore interface {
	// Timeline returns one page of events, newest first (by OccurredAt,
	// then ID), at a cost that does not grow with the number of events;
	// errs.NotFound when the opportunity is missing, an empty page when
	// it has no events.
	Timeline(ctx context.Context, opportunityID uuid.UUID, req page.Request) (page.Page[TimelineEvent], error)
}

// Timeline merges what happened on an opportunity: notes, attachments,
// tasks created and completed, and phase changes.
type Timeline struct{ store TimelineStore }

// NewTimeline returns the timeline service.
func NewTimeline(store TimelineStore) *Timeline { return &Timeline{store: store} }

// List returns a page of the opportunity's events, newest first; NotFound
// when the opportunity is missing. The store answers both in one read.
func (s *Timeline) List(ctx context.Context, opportunityID uuid.UUID, req page.Request) (page.Page[TimelineEvent], error) {
	return s.store.Timeline(ctx, opportunityID, req)
}
