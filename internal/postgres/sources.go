package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/page"
	"github.com/acme/crm/internal/sales"
)

type sourceRow struct {
	ID          uuid.UUID `gorm:"primaryKey"`
	WorkspaceID uuid.UUID
	Name        string
	Active      bool
	Position    int
	Version     int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (sourceRow) TableName() string { return "sources" }

func (s sourceRow) domain() sales.Source {
	return sales.Source{ID: s.ID, Name: s.Name, Active: s.Active, Position: s.Position, Version: s.Version,
		CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
}

var sourceSorts = map[string]sortCol{
	"position":   {"position", "integer"},
	"name":       {"name", "text"},
	"created_at": {"created_at", "timestamptz"},
}

// ListSources implements sales.Store.
func (r *Sales) ListSources(ctx context.Context, req page.Request) (page.Page[sales.Source], error) {
	var rows []sourceRow
	q, err := keyset(r.db.conn(ctx).Model(&sourceRow{}), req, sourceSorts)
	if err != nil {
		return page.Page[sales.Source]{}, err
	}
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[sales.Source]{}, translate(err)
	}
	return pageOf(rows, req, sourceRow.domain, func(s sourceRow) (uuid.UUID, string) {
		return s.ID, cursorText(map[string]any{"position": s.Position, "name": s.Name, "created_at": s.CreatedAt}[req.Sort])
	}), nil
}

// Source implements sales.Store.
func (r *Sales) Source(ctx context.Context, id uuid.UUID) (sales.Source, error) {
	var row sourceRow
	if err := r.db.conn(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return sales.Source{}, translate(err)
	}
	return row.domain(), nil
}

// CreateSource implements sales.Store.
func (r *Sales) CreateSource(ctx context.Context, s sales.Source) error {
	row := sourceRow{ID: s.ID, Name: s.Name, Active: s.Active, Position: s.Position, Version: 1,
		CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
	return translate(r.db.conn(ctx).Create(&row).Error)
}

// UpdateSource implements sales.Store.
func (r *Sales) UpdateSource(ctx context.Context, id uuid.UUID, p sales.SourcePatch, ifVersion *int64) (sales.Source, error) {
	cols := map[string]any{"updated_at": time.Now().UTC()}
	if p.Name != nil {
		cols["name"] = *p.Name
	}
	if p.Active != nil {
		cols["active"] = *p.Active
	}
	if p.Position != nil {
		cols["position"] = *p.Position
	}
	var row sourceRow
	err := updateVersioned(r.db.conn(ctx), &row, id, ifVersion, cols)
	if err != nil {
		return sales.Source{}, err
	}
	return row.domain(), nil
}

// DeleteSource implements sales.Store.
func (r *Sales) DeleteSource(ctx context.Context, id uuid.UUID, ifVersion *int64) error {
	return deleteVersioned[sourceRow](r.db.conn(ctx), id, ifVersion)
}

// updateVersioned updates the row with the id when its version matches
// ifVersion (if given), bumping the version and reading the row back into
// dest: NotFound when there is no such row in the workspace,
// PreconditionFailed when its version moved on.
func updateVersioned[R any](conn *gorm.DB, dest *R, id uuid.UUID, ifVersion *int64, cols map[string]any) error {
	cols["version"] = gorm.Expr("version + 1")
	q := conn.Model(dest).Clauses(clause.Returning{}).Where("id = ?", id)
	if ifVersion != nil {
		q = q.Where("version = ?", *ifVersion)
	}
	res := q.Updates(cols)
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return missingOrStale[R](conn, id, ifVersion)
	}
	return nil
}

// deleteVersioned deletes like updateVersioned updates.
func deleteVersioned[R any](conn *gorm.DB, id uuid.UUID, ifVersion *int64) error {
	q := conn.Where("id = ?", id)
	if ifVersion != nil {
		q = q.Where("version = ?", *ifVersion)
	}
	res := q.Delete(new(R))
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return missingOrStale[R](conn, id, ifVersion)
	}
	return nil
}

// missingOrStale tells a missing row (404) from a stale If-Match (412); the
// count goes through the model, so it is scoped to the workspace.
func missingOrStale[R any](conn *gorm.DB, id uuid.UUID, ifVersion *int64) error {
	if ifVersion == nil {
		return translate(errNoRows)
	}
	var n int64
	if err := conn.Model(new(R)).Where("id = ?", id).Count(&n).Error; err != nil {
		return translate(err)
	}
	if n == 0 {
		return translate(errNoRows)
	}
	return errs.New(errs.PreconditionFailed, "the record was changed by someone else: reload and retry")
}
