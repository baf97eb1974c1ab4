package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/events"
)

// Events stores domain events.
type Events struct{ db *DB }

// NewEvents returns the event store.
func NewEvents(db *DB) *Events { return &Events{db: db} }

type eventRow struct {
	ID            uuid.UUID `gorm:"primaryKey"`
	WorkspaceID   uuid.UUID
	Type          string
	SubjectType   string
	SubjectID     uuid.UUID
	OpportunityID *uuid.UUID
	ActorKind     string
	ActorID       *uuid.UUID
	ActorName     string
	ActorEmail    string
	OccurredAt    time.Time
	Payload       []byte
	Object        []byte
}

func (eventRow) TableName() string { return "events" }

// WithTx implements events.Store.
func (r *Events) WithTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return r.db.WithTx(ctx, fn)
}

// InsertEvent implements events.Store.
func (r *Events) InsertEvent(ctx context.Context, e events.Event) error {
	row := eventRow{ID: e.ID, WorkspaceID: e.WorkspaceID, Type: string(e.Type), SubjectType: e.SubjectType,
		SubjectID: e.SubjectID, OpportunityID: e.OpportunityID, ActorKind: string(e.Actor.Kind), ActorID: e.Actor.ID,
		ActorName: e.Actor.Name, ActorEmail: e.Actor.Email, OccurredAt: e.OccurredAt, Payload: e.Payload, Object: e.Object}
	return translate(r.db.conn(ctx).Create(&row).Error)
}

// Event implements events.Store.
func (r *Events) Event(ctx context.Context, id uuid.UUID) (events.Event, error) {
	var row eventRow
	if err := r.db.conn(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return events.Event{}, translate(err)
	}
	return row.domain(), nil
}

func (row eventRow) domain() events.Event {
	return events.Event{ID: row.ID, WorkspaceID: row.WorkspaceID, Type: events.Type(row.Type),
		SubjectType: row.SubjectType, SubjectID: row.SubjectID, OpportunityID: row.OpportunityID,
		Actor: events.Actor{Kind: events.ActorKind(row.ActorKind), ID: row.ActorID, Name: row.ActorName,
			Email: row.ActorEmail}, OccurredAt: row.OccurredAt, Payload: row.Payload, Object: row.Object}
}
