package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm/clause"

	"github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/notify"
	"github.com/acme/crm/internal/page"
)

// Notifications stores in-app notifications.
type Notifications struct{ db *DB }

// NewNotifications returns the notification store.
func NewNotifications(db *DB) *Notifications { return &Notifications{db: db} }

type notificationRow struct {
	ID            uuid.UUID `gorm:"primaryKey"`
	WorkspaceID   uuid.UUID
	UserID        uuid.UUID
	EventID       uuid.UUID
	Type          string
	Title         string
	Body          string
	QuoteID       *uuid.UUID
	OpportunityID *uuid.UUID
	ReadAt        *time.Time
	CreatedAt     time.Time
}

func (notificationRow) TableName() string { return "notifications" }

func (n notificationRow) domain() notify.Notification {
	return notify.Notification{ID: n.ID, UserID: n.UserID, EventID: n.EventID, Type: events.Type(n.Type), Title: n.Title,
		Body: n.Body, QuoteID: n.QuoteID, OpportunityID: n.OpportunityID, ReadAt: n.ReadAt, CreatedAt: n.CreatedAt}
}

// WithTx implements notify.Store.
func (r *Notifications) WithTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return r.db.WithTx(ctx, fn)
}

// Create implements notify.Store.
func (r *Notifications) Create(ctx context.Context, n notify.Notification) (bool, error) {
	row := notificationRow{ID: n.ID, UserID: n.UserID, EventID: n.EventID, Type: string(n.Type), Title: n.Title,
		Body: n.Body, QuoteID: n.QuoteID, OpportunityID: n.OpportunityID, CreatedAt: n.CreatedAt}
	res := r.db.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	return res.RowsAffected == 1, translate(res.Error)
}

var notificationSorts = map[string]sortCol{"created_at": {"notifications.created_at", "timestamptz"}}

// List implements notify.Store: newest first, by the notifications_user
// index.
func (r *Notifications) List(ctx context.Context, userID uuid.UUID, unreadOnly bool, req page.Request) (page.Page[notify.Notification], error) {
	req.Sort, req.Desc = "created_at", true
	q := r.db.conn(ctx).Model(&notificationRow{}).Where("notifications.user_id = ?", userID)
	if unreadOnly {
		q = q.Where("notifications.read_at IS NULL")
	}
	q, err := keyset(q, req, notificationSorts)
	if err != nil {
		return page.Page[notify.Notification]{}, err
	}
	var rows []notificationRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[notify.Notification]{}, translate(err)
	}
	return pageOf(rows, req, notificationRow.domain, func(n notificationRow) (uuid.UUID, string) {
		return n.ID, cursorText(n.CreatedAt)
	}), nil
}

// MarkRead implements notify.Store.
func (r *Notifications) MarkRead(ctx context.Context, userID, id uuid.UUID, at time.Time) (notify.Notification, error) {
	var row notificationRow
	res := r.db.conn(ctx).Model(&row).Clauses(clause.Returning{}).Where("id = ? AND user_id = ?", id, userID).
		Update("read_at", clause.Expr{SQL: "coalesce(read_at, ?)", Vars: []any{at}})
	if res.Error != nil {
		return notify.Notification{}, translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return notify.Notification{}, translate(errNoRows)
	}
	return row.domain(), nil
}

// MarkAllRead implements notify.Store.
func (r *Notifications) MarkAllRead(ctx context.Context, userID uuid.UUID, at time.Time) (int, error) {
	res := r.db.conn(ctx).Model(&notificationRow{}).Where("user_id = ? AND read_at IS NULL", userID).Update("read_at", at)
	return int(res.RowsAffected), translate(res.Error)
}

// UnreadCount implements notify.Store.
func (r *Notifications) UnreadCount(ctx context.Context, userID uuid.UUID) (int, error) {
	var n int64
	err := r.db.conn(ctx).Model(&notificationRow{}).Where("user_id = ? AND read_at IS NULL", userID).Count(&n).Error
	return int(n), translate(err)
}
