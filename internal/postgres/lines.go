package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/acme/crm/internal/money"
	"github.com/acme/crm/internal/sales"
)

// lineRow is an opportunity line. Quantity is numeric(15,3), read and
// written as its decimal text so that it stays exact.
type lineRow struct {
	ID            uuid.UUID `gorm:"primaryKey"`
	WorkspaceID   uuid.UUID
	OpportunityID uuid.UUID
	ProductID     *uuid.UUID
	Name          string
	Unit          string
	Description   string
	Quantity      string
	UnitPrice     int64
	Discount      int
	VATRate       int `gorm:"column:vat_rate"`
	Position      int
	Version       int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (lineRow) TableName() string { return "opportunity_lines" }

func (r lineRow) domain() (sales.Line, error) {
	q, err := money.ParseQuantity(r.Quantity)
	if err != nil {
		return sales.Line{}, fmt.Errorf("read quantity %q of line %s: %w", r.Quantity, r.ID, err)
	}
	return sales.Line{ID: r.ID, OpportunityID: r.OpportunityID, ProductID: r.ProductID, Name: r.Name, Unit: r.Unit,
		Description: r.Description, Quantity: q, UnitPrice: r.UnitPrice, Discount: money.BasisPoints(r.Discount),
		VATRate: money.BasisPoints(r.VATRate), Position: r.Position, Version: r.Version, CreatedAt: r.CreatedAt,
		UpdatedAt: r.UpdatedAt}, nil
}

func lineRows(rows []lineRow) ([]sales.Line, error) {
	out := make([]sales.Line, len(rows))
	for i, r := range rows {
		l, err := r.domain()
		if err != nil {
			return nil, err
		}
		out[i] = l
	}
	return out, nil
}

// Lines implements sales.Store.
func (r *Sales) Lines(ctx context.Context, opportunityID uuid.UUID) ([]sales.Line, error) {
	var rows []lineRow
	err := r.db.conn(ctx).Where("opportunity_id = ?", opportunityID).Order("position, id").Find(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	return lineRows(rows)
}

// LinesOf implements sales.Store in one query.
func (r *Sales) LinesOf(ctx context.Context, opportunityIDs []uuid.UUID) (map[uuid.UUID][]sales.Line, error) {
	var rows []lineRow
	err := r.db.conn(ctx).Where("opportunity_id IN ?", opportunityIDs).Order("opportunity_id, position, id").Find(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	lines, err := lineRows(rows)
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID][]sales.Line)
	for _, l := range lines {
		out[l.OpportunityID] = append(out[l.OpportunityID], l)
	}
	return out, nil
}

// Line implements sales.Store.
func (r *Sales) Line(ctx context.Context, opportunityID, id uuid.UUID) (sales.Line, error) {
	var row lineRow
	if err := r.db.conn(ctx).Take(&row, "id = ? AND opportunity_id = ?", id, opportunityID).Error; err != nil {
		return sales.Line{}, translate(err)
	}
	return row.domain()
}

// CreateLine implements sales.Store.
func (r *Sales) CreateLine(ctx context.Context, l sales.Line) error {
	row := lineRow{ID: l.ID, OpportunityID: l.OpportunityID, ProductID: l.ProductID, Name: l.Name, Unit: l.Unit,
		Description: l.Description, Quantity: l.Quantity.String(), UnitPrice: l.UnitPrice, Discount: int(l.Discount),
		VATRate: int(l.VATRate), Position: l.Position, Version: 1, CreatedAt: l.CreatedAt, UpdatedAt: l.UpdatedAt}
	return translate(r.db.conn(ctx).Create(&row).Error)
}

// SaveLine implements sales.Store: every mutable column by name.
func (r *Sales) SaveLine(ctx context.Context, l sales.Line) error {
	res := r.db.conn(ctx).Model(&lineRow{}).Where("id = ? AND opportunity_id = ?", l.ID, l.OpportunityID).Updates(map[string]any{
		"product_id": l.ProductID, "name": l.Name, "unit": l.Unit, "description": l.Description,
		"quantity": l.Quantity.String(), "unit_price": l.UnitPrice, "discount": int(l.Discount),
		"vat_rate": int(l.VATRate), "position": l.Position, "updated_at": l.UpdatedAt, "version": gorm.Expr("version + 1"),
	})
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return translate(errNoRows)
	}
	return nil
}

// DeleteLine implements sales.Store.
func (r *Sales) DeleteLine(ctx context.Context, opportunityID, id uuid.UUID) error {
	res := r.db.conn(ctx).Where("id = ? AND opportunity_id = ?", id, opportunityID).Delete(&lineRow{})
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return translate(errNoRows)
	}
	return nil
}

// SetLinePositions implements sales.Store in one statement.
func (r *Sales) SetLinePositions(ctx context.Context, opportunityID uuid.UUID, ids []uuid.UUID, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	ws, err := wsID(ctx)
	if err != nil {
		return err
	}
	return translate(r.db.conn(ctx).Exec(`
		UPDATE opportunity_lines l SET position = o.pos - 1, version = l.version + 1, updated_at = ?
		FROM unnest(?::uuid[]) WITH ORDINALITY AS o(id, pos)
		WHERE l.id = o.id AND l.workspace_id = ? AND l.opportunity_id = ? AND l.position <> o.pos - 1`,
		at, uuidArray(ids), ws, opportunityID).Error)
}
