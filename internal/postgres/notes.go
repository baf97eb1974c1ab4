package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/activity"
	"github.com/acme/crm/internal/page"
)

type noteRow struct {
	ID            uuid.UUID `gorm:"primaryKey"`
	WorkspaceID   uuid.UUID
	OpportunityID uuid.UUID
	AuthorID      uuid.UUID
	Body          string
	Version       int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (noteRow) TableName() string { return "notes" }

func (n noteRow) domain() activity.Note {
	return activity.Note{ID: n.ID, OpportunityID: n.OpportunityID, AuthorID: n.AuthorID, Body: n.Body,
		Version: n.Version, CreatedAt: n.CreatedAt, UpdatedAt: n.UpdatedAt}
}

// OpportunityExists implements activity.NoteStore and the other activity
// stores: errs.NotFound unless the opportunity is in the context's workspace.
func (r *Activity) OpportunityExists(ctx context.Context, id uuid.UUID) error {
	ws, err := wsID(ctx)
	if err != nil {
		return err
	}
	var n int64
	err = r.db.conn(ctx).Raw("SELECT count(*) FROM opportunities WHERE workspace_id = ? AND id = ?", ws, id).Scan(&n).Error
	if err != nil {
		return translate(err)
	}
	if n == 0 {
		return translate(errNoRows)
	}
	return nil
}

// CreateNote implements activity.NoteStore.
func (r *Activity) CreateNote(ctx context.Context, n activity.Note) error {
	row := noteRow{ID: n.ID, OpportunityID: n.OpportunityID, AuthorID: n.AuthorID, Body: n.Body, Version: 1,
		CreatedAt: n.CreatedAt, UpdatedAt: n.UpdatedAt}
	return translate(r.db.conn(ctx).Create(&row).Error)
}

// Note implements activity.NoteStore.
func (r *Activity) Note(ctx context.Context, id uuid.UUID) (activity.Note, error) {
	var row noteRow
	if err := r.db.conn(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return activity.Note{}, translate(err)
	}
	return row.domain(), nil
}

// NotesByID implements activity.NoteStore.
func (r *Activity) NotesByID(ctx context.Context, ids []uuid.UUID) ([]activity.Note, error) {
	return byID(r.db.conn(ctx), ids, noteRow.domain)
}

var noteSorts = map[string]sortCol{"created_at": {"notes.created_at", "timestamptz"}}

// Notes implements activity.NoteStore: newest first, by the
// notes_opportunity index.
func (r *Activity) Notes(ctx context.Context, opportunityID uuid.UUID, req page.Request) (page.Page[activity.Note], error) {
	req.Sort, req.Desc = "created_at", true
	q, err := keyset(r.db.reader(ctx).Model(&noteRow{}).Where("notes.opportunity_id = ?", opportunityID), req, noteSorts)
	if err != nil {
		return page.Page[activity.Note]{}, err
	}
	var rows []noteRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[activity.Note]{}, translate(err)
	}
	return pageOf(rows, req, noteRow.domain, func(n noteRow) (uuid.UUID, string) { return n.ID, cursorText(n.CreatedAt) }), nil
}

// SaveNote implements activity.NoteStore.
func (r *Activity) SaveNote(ctx context.Context, n activity.Note, ifVersion *int64) (activity.Note, error) {
	var row noteRow
	cols := map[string]any{"body": n.Body, "updated_at": n.UpdatedAt}
	if err := updateVersioned(r.db.conn(ctx), &row, n.ID, ifVersion, cols); err != nil {
		return activity.Note{}, err
	}
	return row.domain(), nil
}

// DeleteNote implements activity.NoteStore.
func (r *Activity) DeleteNote(ctx context.Context, id uuid.UUID, ifVersion *int64) error {
	return deleteVersioned[noteRow](r.db.conn(ctx), id, ifVersion)
}
