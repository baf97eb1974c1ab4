package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/imports"
)

// Imports stores CSV imports and their files.
type Imports struct{ *DB }

// NewImports returns the import store.
func NewImports(db *DB) *Imports { return &Imports{db} }

type importRow struct {
	ID          uuid.UUID `gorm:"primaryKey"`
	WorkspaceID uuid.UUID
	Resource    string
	FileName    string
	DryRun      bool
	Mapping     []byte `gorm:"type:jsonb"`
	File        []byte `gorm:"->:false;<-:create"`
	Status      string
	RowsTotal   int
	RowsDone    int
	Created     int
	Updated     int
	Unchanged   int
	ErrorCount  int
	Errors      []byte `gorm:"type:jsonb"`
	Failure     string
	CreatedBy   uuid.UUID
	CreatedAt   time.Time
	FinishedAt  *time.Time
}

func (importRow) TableName() string { return "imports" }

type rowErrorJSON struct {
	Line    int    `json:"line"`
	Column  string `json:"column,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func toImportRow(im imports.Import) (importRow, error) {
	m, err := json.Marshal(im.Mapping)
	if err != nil {
		return importRow{}, err
	}
	es := make([]rowErrorJSON, len(im.Errors))
	for i, e := range im.Errors {
		es[i] = rowErrorJSON(e)
	}
	ej, err := json.Marshal(es)
	if err != nil {
		return importRow{}, err
	}
	return importRow{ID: im.ID, WorkspaceID: im.WorkspaceID, Resource: string(im.Resource), FileName: im.FileName,
		DryRun: im.DryRun, Mapping: m, Status: string(im.Status), RowsTotal: im.RowsTotal, RowsDone: im.RowsDone,
		Created: im.Created, Updated: im.Updated, Unchanged: im.Unchanged, ErrorCount: im.ErrorCount, Errors: ej,
		Failure: im.Failure, CreatedBy: im.CreatedBy, CreatedAt: im.CreatedAt, FinishedAt: im.FinishedAt}, nil
}

// CreateImport implements imports.Store.
func (s *Imports) CreateImport(ctx context.Context, im imports.Import, file []byte) error {
	row, err := toImportRow(im)
	if err != nil {
		return err
	}
	row.File = file
	return translate(s.conn(ctx).Create(&row).Error)
}

// Import implements imports.Store.
func (s *Imports) Import(ctx context.Context, id uuid.UUID) (imports.Import, error) {
	var row importRow
	if err := s.conn(ctx).Omit("file").Take(&row, "id = ?", id).Error; err != nil {
		return imports.Import{}, translate(err)
	}
	im := imports.Import{ID: row.ID, WorkspaceID: row.WorkspaceID, Resource: imports.Resource(row.Resource), FileName: row.FileName,
		DryRun: row.DryRun, Status: imports.Status(row.Status), RowsTotal: row.RowsTotal, RowsDone: row.RowsDone,
		Created: row.Created, Updated: row.Updated, Unchanged: row.Unchanged, ErrorCount: row.ErrorCount,
		Failure: row.Failure, CreatedBy: row.CreatedBy, CreatedAt: row.CreatedAt, FinishedAt: row.FinishedAt}
	var es []rowErrorJSON
	if err := json.Unmarshal(row.Mapping, &im.Mapping); err != nil {
		return im, fmt.Errorf("import %s mapping: %w", id, err)
	}
	if err := json.Unmarshal(row.Errors, &es); err != nil {
		return im, fmt.Errorf("import %s errors: %w", id, err)
	}
	im.Errors = make([]imports.RowError, len(es))
	for i, e := range es {
		im.Errors[i] = imports.RowError(e)
	}
	return im, nil
}

// File implements imports.Store.
func (s *Imports) File(ctx context.Context, id uuid.UUID) ([]byte, error) {
	var file []byte
	ws, err := wsID(ctx)
	if err != nil {
		return nil, err
	}
	err = s.one(ctx, func(r rowScanner) error { return r.Scan(&file) },
		`SELECT coalesce(file, ''::bytea) FROM imports WHERE workspace_id = $1 AND id = $2`, ws, id)
	return file, err
}

// SaveImport implements imports.Store.
func (s *Imports) SaveImport(ctx context.Context, im imports.Import) error {
	row, err := toImportRow(im)
	if err != nil {
		return err
	}
	cols := map[string]any{"status": row.Status, "rows_total": row.RowsTotal, "rows_done": row.RowsDone,
		"created": row.Created, "updated": row.Updated, "unchanged": row.Unchanged, "error_count": row.ErrorCount,
		"errors": row.Errors, "failure": row.Failure, "finished_at": row.FinishedAt}
	if im.Status == imports.Succeeded || im.Status == imports.Failed {
		cols["file"] = nil
	}
	return translate(s.conn(ctx).Model(&importRow{}).Where("id = ?", im.ID).Updates(cols).Error)
}
