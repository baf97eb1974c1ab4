package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/acme/crm/internal/page"
	"github.com/acme/crm/internal/sales"
)

// Sales is the sales.Store over PostgreSQL.
type Sales struct{ db *DB }

// NewSales returns the sales repository.
func NewSales(db *DB) *Sales { return &Sales{db: db} }

// WithTx implements sales.Store.
func (r *Sales) WithTx(ctx context.Context, fn func(context.Context) error) error {
	return r.db.WithTx(ctx, fn)
}

type pipelineRow struct {
	ID                 uuid.UUID `gorm:"primaryKey"`
	WorkspaceID        uuid.UUID
	Name               string
	IsDefault          bool
	QuoteSentPhaseID   *uuid.UUID
	QuoteSignedPhaseID *uuid.UUID
	Version            int64
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

func (pipelineRow) TableName() string { return "pipelines" }

type phaseRow struct {
	ID          uuid.UUID `gorm:"primaryKey"`
	WorkspaceID uuid.UUID
	PipelineID  uuid.UUID
	Name        string
	Probability int
	Kind        string
	Color       string
	Position    int
	Version     int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (phaseRow) TableName() string { return "phases" }

func (p phaseRow) domain() sales.Phase {
	return sales.Phase{ID: p.ID, PipelineID: p.PipelineID, Name: p.Name, Probability: p.Probability,
		Kind: sales.PhaseKind(p.Kind), Color: p.Color, Position: p.Position}
}

func (p pipelineRow) domain(phases []sales.Phase) sales.Pipeline {
	return sales.Pipeline{ID: p.ID, WorkspaceID: p.WorkspaceID, Name: p.Name, IsDefault: p.IsDefault,
		QuoteSentPhaseID: p.QuoteSentPhaseID, QuoteSignedPhaseID: p.QuoteSignedPhaseID, Phases: phases,
		Version: p.Version, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

var pipelineSorts = map[string]sortCol{
	"created_at": {"created_at", "timestamptz"},
	"name":       {"name", "text"},
}

// ListPipelines implements sales.Store: one query for the page, one for
// all its phases.
func (r *Sales) ListPipelines(ctx context.Context, req page.Request) (page.Page[sales.Pipeline], error) {
	var rows []pipelineRow
	q, err := keyset(r.db.conn(ctx).Model(&pipelineRow{}), req, pipelineSorts)
	if err != nil {
		return page.Page[sales.Pipeline]{}, err
	}
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[sales.Pipeline]{}, translate(err)
	}
	ids := make([]uuid.UUID, len(rows))
	for i, p := range rows {
		ids[i] = p.ID
	}
	phases, err := r.phasesOf(ctx, ids...)
	if err != nil {
		return page.Page[sales.Pipeline]{}, err
	}
	return pageOf(rows, req, func(p pipelineRow) sales.Pipeline { return p.domain(phases[p.ID]) },
		func(p pipelineRow) (uuid.UUID, string) {
			return p.ID, cursorText(map[string]any{"created_at": p.CreatedAt, "name": p.Name}[req.Sort])
		}), nil
}

func (r *Sales) phasesOf(ctx context.Context, pipelineIDs ...uuid.UUID) (map[uuid.UUID][]sales.Phase, error) {
	out := map[uuid.UUID][]sales.Phase{}
	if len(pipelineIDs) == 0 {
		return out, nil
	}
	var rows []phaseRow
	err := r.db.conn(ctx).Where("pipeline_id IN ?", pipelineIDs).Order("pipeline_id, position").Find(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	for _, ph := range rows {
		out[ph.PipelineID] = append(out[ph.PipelineID], ph.domain())
	}
	return out, nil
}

// Pipeline implements sales.Store.
func (r *Sales) Pipeline(ctx context.Context, id uuid.UUID) (sales.Pipeline, error) {
	return r.loadPipeline(ctx, "p.id = $2", false, pgUUID(id))
}

// LockPipeline implements sales.Store.
func (r *Sales) LockPipeline(ctx context.Context, id uuid.UUID) (sales.Pipeline, error) {
	return r.loadPipeline(ctx, "p.id = $2", true, id)
}

// DefaultPipeline implements sales.Store.
func (r *Sales) DefaultPipeline(ctx context.Context) (sales.Pipeline, error) {
	return r.loadPipeline(ctx, "p.is_default", false)
}

// loadPipeline reads a pipeline with its phases in one query (a pipeline
// always has phases), locking the pipeline row when lock is set.
func (r *Sales) loadPipeline(ctx context.Context, where string, lock bool, args ...any) (sales.Pipeline, error) {
	ws, err := wsID(ctx)
	if err != nil {
		return sales.Pipeline{}, err
	}
	query := `SELECT p.id, p.workspace_id, p.name, p.is_default, p.quote_sent_phase_id, p.quote_signed_phase_id,
			p.version, p.created_at, p.updated_at, ph.id, ph.name, ph.probability, ph.kind, ph.color, ph.position
		FROM pipelines p JOIN phases ph ON ph.pipeline_id = p.id
		WHERE p.workspace_id = $1 AND ` + where + ` ORDER BY ph.position`
	if lock {
		query += " FOR UPDATE OF p"
	}
	rows, err := r.db.query(ctx, query, append([]any{pgUUID(ws)}, args...)...)
	if err != nil {
		return sales.Pipeline{}, translate(err)
	}
	defer rows.Close()
	var p pipelineRow
	var phases []sales.Phase
	for rows.Next() {
		var ph sales.Phase
		var kind string
		if err := rows.Scan(uuidDst{&p.ID}, uuidDst{&p.WorkspaceID}, &p.Name, &p.IsDefault, nullUUIDDst{&p.QuoteSentPhaseID},
			nullUUIDDst{&p.QuoteSignedPhaseID}, &p.Version, &p.CreatedAt, &p.UpdatedAt, uuidDst{&ph.ID}, &ph.Name,
			&ph.Probability, &kind, &ph.Color, &ph.Position); err != nil {
			return sales.Pipeline{}, translate(err)
		}
		ph.PipelineID, ph.Kind = p.ID, sales.PhaseKind(kind)
		phases = append(phases, ph)
	}
	if err := rows.Err(); err != nil {
		return sales.Pipeline{}, translate(err)
	}
	if len(phases) == 0 {
		return sales.Pipeline{}, translate(errNoRows)
	}
	return p.domain(phases), nil
}

// CreatePipeline implements sales.Store.
func (r *Sales) CreatePipeline(ctx context.Context, p sales.Pipeline) error {
	now := time.Now().UTC()
	row := pipelineRow{ID: p.ID, Name: p.Name, IsDefault: p.IsDefault, QuoteSentPhaseID: p.QuoteSentPhaseID,
		QuoteSignedPhaseID: p.QuoteSignedPhaseID, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := r.db.conn(ctx).Create(&row).Error; err != nil {
		return translate(err)
	}
	phases := make([]phaseRow, len(p.Phases))
	for i, ph := range p.Phases {
		phases[i] = newPhaseRow(ph, p.ID, now)
	}
	if len(phases) == 0 {
		return nil
	}
	return translate(r.db.conn(ctx).Create(&phases).Error)
}

func newPhaseRow(ph sales.Phase, pipelineID uuid.UUID, now time.Time) phaseRow {
	return phaseRow{ID: ph.ID, PipelineID: pipelineID, Name: ph.Name, Probability: ph.Probability,
		Kind: string(ph.Kind), Color: ph.Color, Position: ph.Position, Version: 1, CreatedAt: now, UpdatedAt: now}
}

// SavePipeline implements sales.Store: settings and phases as given; a phase
// whose fields changed gets a new version.
func (r *Sales) SavePipeline(ctx context.Context, p sales.Pipeline) (sales.Pipeline, error) {
	now := time.Now().UTC()
	conn := r.db.conn(ctx)
	cur, err := r.phasesOf(ctx, p.ID)
	if err != nil {
		return sales.Pipeline{}, err
	}
	old := map[uuid.UUID]sales.Phase{}
	for _, ph := range cur[p.ID] {
		old[ph.ID] = ph
	}
	for _, ph := range p.Phases {
		prev, exists := old[ph.ID]
		delete(old, ph.ID)
		switch {
		case !exists:
			row := newPhaseRow(ph, p.ID, now)
			err = conn.Create(&row).Error
		case prev != ph:
			err = conn.Model(&phaseRow{}).Where("id = ?", ph.ID).Updates(map[string]any{
				"name": ph.Name, "probability": ph.Probability, "kind": string(ph.Kind), "color": ph.Color,
				"position": ph.Position, "version": gorm.Expr("version + 1"), "updated_at": now}).Error
		}
		if err != nil {
			return sales.Pipeline{}, translate(err)
		}
	}
	for id := range old {
		if err := conn.Where("id = ?", id).Delete(&phaseRow{}).Error; err != nil {
			return sales.Pipeline{}, translate(err)
		}
	}
	res := conn.Model(&pipelineRow{}).Where("id = ?", p.ID).Updates(map[string]any{
		"name": p.Name, "is_default": p.IsDefault, "quote_sent_phase_id": p.QuoteSentPhaseID,
		"quote_signed_phase_id": p.QuoteSignedPhaseID, "version": gorm.Expr("version + 1"), "updated_at": now})
	if res.Error != nil {
		return sales.Pipeline{}, translate(res.Error)
	}
	return r.Pipeline(ctx, p.ID)
}

// ClearDefault implements sales.Store.
func (r *Sales) ClearDefault(ctx context.Context) error {
	return translate(r.db.conn(ctx).Model(&pipelineRow{}).Where("is_default").
		Updates(map[string]any{"is_default": false, "version": gorm.Expr("version + 1"), "updated_at": time.Now().UTC()}).Error)
}

// DeletePipeline implements sales.Store.
func (r *Sales) DeletePipeline(ctx context.Context, id uuid.UUID) error {
	res := r.db.conn(ctx).Where("id = ?", id).Delete(&pipelineRow{})
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return translate(errNoRows)
	}
	return nil
}

// PhaseByID implements sales.Store.
func (r *Sales) PhaseByID(ctx context.Context, id uuid.UUID) (sales.Phase, int64, error) {
	var row phaseRow
	if err := r.db.conn(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return sales.Phase{}, 0, translate(err)
	}
	return row.domain(), row.Version, nil
}
