package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/activity"
	"github.com/acme/crm/internal/mail"
	"github.com/acme/crm/internal/page"
)

type emailRow struct {
	ID            uuid.UUID `gorm:"primaryKey"`
	WorkspaceID   uuid.UUID
	OpportunityID uuid.UUID
	SenderID      *uuid.UUID
	Purpose       string
	FromName      string
	FromEmail     string
	ReplyTo       string
	ToAddrs       []string                   `gorm:"serializer:json"`
	CcAddrs       []string                   `gorm:"serializer:json"`
	Attachments   []activity.EmailAttachment `gorm:"serializer:json"`
	Subject       string
	Body          string
	Status        string
	MessageID     *string
	Error         *string
	Attempts      int
	SentAt        *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (emailRow) TableName() string { return "emails" }

func (r emailRow) domain() activity.Email {
	return activity.Email{ID: r.ID, OpportunityID: r.OpportunityID, SenderID: r.SenderID, Purpose: activity.EmailPurpose(r.Purpose),
		From: mail.Address{Name: r.FromName, Email: r.FromEmail}, ReplyTo: r.ReplyTo, To: r.ToAddrs, Cc: r.CcAddrs,
		Subject: r.Subject, Body: r.Body, Attachments: r.Attachments, Status: activity.EmailStatus(r.Status),
		MessageID: deref(r.MessageID), Error: deref(r.Error), Attempts: r.Attempts, SentAt: r.SentAt,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// CreateEmail implements activity.EmailStore.
func (r *Activity) CreateEmail(ctx context.Context, e activity.Email) error {
	row := emailRow{ID: e.ID, OpportunityID: e.OpportunityID, SenderID: e.SenderID, Purpose: string(e.Purpose), FromName: e.From.Name,
		FromEmail: e.From.Email, ReplyTo: e.ReplyTo, ToAddrs: e.To, CcAddrs: e.Cc, Attachments: e.Attachments,
		Subject: e.Subject, Body: e.Body, Status: string(e.Status), CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
	return translate(r.db.conn(ctx).Create(&row).Error)
}

// Email implements activity.EmailStore.
func (r *Activity) Email(ctx context.Context, id uuid.UUID) (activity.Email, error) {
	var row emailRow
	if err := r.db.conn(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return activity.Email{}, translate(err)
	}
	return row.domain(), nil
}

var emailSorts = map[string]sortCol{"created_at": {"emails.created_at", "timestamptz"}}

// Emails implements activity.EmailStore: newest first, by the
// emails_opportunity index.
func (r *Activity) Emails(ctx context.Context, opportunityID uuid.UUID, req page.Request) (page.Page[activity.Email], error) {
	req.Sort, req.Desc = "created_at", true
	q, err := keyset(r.db.reader(ctx).Model(&emailRow{}).Where("emails.opportunity_id = ? AND emails.purpose = 'customer'", opportunityID), req, emailSorts)
	if err != nil {
		return page.Page[activity.Email]{}, err
	}
	var rows []emailRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[activity.Email]{}, translate(err)
	}
	return pageOf(rows, req, emailRow.domain, func(e emailRow) (uuid.UUID, string) { return e.ID, cursorText(e.CreatedAt) }), nil
}

// SaveEmailStatus implements activity.EmailStore.
func (r *Activity) SaveEmailStatus(ctx context.Context, e activity.Email) error {
	cols := map[string]any{"status": string(e.Status), "message_id": nonEmpty(e.MessageID), "error": nonEmpty(e.Error),
		"attempts": e.Attempts, "sent_at": e.SentAt, "updated_at": e.UpdatedAt}
	res := r.db.conn(ctx).Model(&emailRow{}).Where("id = ?", e.ID).Updates(cols)
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return translate(errNoRows)
	}
	return nil
}
