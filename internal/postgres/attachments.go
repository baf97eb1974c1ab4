package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/activity"
	"github.com/acme/crm/internal/page"
)

type attachmentRow struct {
	ID            uuid.UUID `gorm:"primaryKey"`
	WorkspaceID   uuid.UUID
	OpportunityID uuid.UUID
	FileName      string
	ContentType   string
	Size          int64
	SHA256        string `gorm:"column:sha256"`
	UploadedBy    *uuid.UUID
	Source        string
	QuoteID       *uuid.UUID
	CreatedAt     time.Time
}

func (attachmentRow) TableName() string { return "attachments" }

func (a attachmentRow) domain() activity.Attachment {
	return activity.Attachment{ID: a.ID, OpportunityID: a.OpportunityID, FileName: a.FileName, ContentType: a.ContentType,
		Size: a.Size, SHA256: a.SHA256, UploadedBy: a.UploadedBy, Source: activity.AttachmentSource(a.Source),
		QuoteID: a.QuoteID, CreatedAt: a.CreatedAt}
}

// CreateAttachment implements activity.AttachmentStore.
func (r *Activity) CreateAttachment(ctx context.Context, a activity.Attachment) error {
	row := attachmentRow{ID: a.ID, OpportunityID: a.OpportunityID, FileName: a.FileName, ContentType: a.ContentType,
		Size: a.Size, SHA256: a.SHA256, UploadedBy: a.UploadedBy, Source: string(a.Source), QuoteID: a.QuoteID,
		CreatedAt: a.CreatedAt}
	return translate(r.db.conn(ctx).Create(&row).Error)
}

// Attachment implements activity.AttachmentStore.
func (r *Activity) Attachment(ctx context.Context, id uuid.UUID) (activity.Attachment, error) {
	var row attachmentRow
	if err := r.db.conn(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return activity.Attachment{}, translate(err)
	}
	return row.domain(), nil
}

// AttachmentsByID returns the attachments with the given ids that belong
// to the opportunity, in no particular order.
func (r *Activity) AttachmentsByID(ctx context.Context, opportunityID uuid.UUID, ids []uuid.UUID) ([]activity.Attachment, error) {
	var rows []attachmentRow
	if len(ids) == 0 {
		return nil, nil
	}
	err := r.db.conn(ctx).Where("opportunity_id = ? AND id IN ?", opportunityID, ids).Find(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make([]activity.Attachment, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out, nil
}

var attachmentSorts = map[string]sortCol{"created_at": {"attachments.created_at", "timestamptz"}}

// Attachments implements activity.AttachmentStore: newest first.
func (r *Activity) Attachments(ctx context.Context, opportunityID uuid.UUID, req page.Request) (page.Page[activity.Attachment], error) {
	req.Sort, req.Desc = "created_at", true
	q, err := keyset(r.db.reader(ctx).Model(&attachmentRow{}).Where("attachments.opportunity_id = ?", opportunityID), req, attachmentSorts)
	if err != nil {
		return page.Page[activity.Attachment]{}, err
	}
	var rows []attachmentRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[activity.Attachment]{}, translate(err)
	}
	return pageOf(rows, req, attachmentRow.domain, func(a attachmentRow) (uuid.UUID, string) {
		return a.ID, cursorText(a.CreatedAt)
	}), nil
}
