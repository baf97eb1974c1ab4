package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/page"
	"github.com/acme/crm/internal/webhooks"
)

type webhookMessageRow struct {
	ID             uuid.UUID `gorm:"primaryKey"`
	WorkspaceID    uuid.UUID
	SubscriptionID uuid.UUID
	EventID        uuid.UUID
	Status         string
	Attempts       int
	NextAttemptAt  *time.Time
	CreatedAt      time.Time
}

func (webhookMessageRow) TableName() string { return "webhook_messages" }

func (m webhookMessageRow) domain() webhooks.Message {
	return webhooks.Message{ID: m.ID, SubscriptionID: m.SubscriptionID, EventID: m.EventID, Status: m.Status,
		Attempts: m.Attempts, NextAttemptAt: m.NextAttemptAt, CreatedAt: m.CreatedAt}
}

func messageRow(m webhooks.Message) webhookMessageRow {
	return webhookMessageRow{ID: m.ID, SubscriptionID: m.SubscriptionID, EventID: m.EventID, Status: m.Status,
		Attempts: m.Attempts, NextAttemptAt: m.NextAttemptAt, CreatedAt: m.CreatedAt}
}

// InsertMessage implements webhooks.Store.
func (r *Webhooks) InsertMessage(ctx context.Context, m webhooks.Message) (bool, error) {
	row := messageRow(m)
	res := r.db.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	return res.RowsAffected == 1, translate(res.Error)
}

// ResendMessage implements webhooks.Store.
func (r *Webhooks) ResendMessage(ctx context.Context, m webhooks.Message) (webhooks.Message, error) {
	row := messageRow(m)
	err := r.db.conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "subscription_id"}, {Name: "event_id"}},
		DoUpdates: clause.Assignments(map[string]any{"status": "pending", "next_attempt_at": m.NextAttemptAt}),
	}, clause.Returning{}).Create(&row).Error
	if err != nil {
		return webhooks.Message{}, translate(err)
	}
	return row.domain(), nil
}

// Message implements webhooks.Store.
func (r *Webhooks) Message(ctx context.Context, id uuid.UUID, forUpdate bool) (webhooks.Message, error) {
	q := r.db.conn(ctx)
	if forUpdate {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var row webhookMessageRow
	if err := q.Take(&row, "id = ?", id).Error; err != nil {
		return webhooks.Message{}, translate(err)
	}
	return row.domain(), nil
}

// UpdateMessage implements webhooks.Store.
func (r *Webhooks) UpdateMessage(ctx context.Context, m webhooks.Message) error {
	row := messageRow(m)
	return translate(r.db.conn(ctx).Model(&webhookMessageRow{}).Where("id = ?", m.ID).
		Select("status", "attempts", "next_attempt_at").Updates(&row).Error)
}

type webhookDeliveryRow struct {
	ID             uuid.UUID `gorm:"primaryKey"`
	WorkspaceID    uuid.UUID
	SubscriptionID uuid.UUID
	MessageID      uuid.UUID
	EventID        uuid.UUID
	EventType      string
	Attempt        int
	Trigger        string
	Succeeded      bool
	StatusCode     *int
	DurationMs     int
	Error          string
	Response       string
	CreatedAt      time.Time
}

func (webhookDeliveryRow) TableName() string { return "webhook_deliveries" }

func (d webhookDeliveryRow) domain() webhooks.Delivery {
	return webhooks.Delivery{ID: d.ID, SubscriptionID: d.SubscriptionID, MessageID: d.MessageID, EventID: d.EventID,
		EventType: events.Type(d.EventType), Attempt: d.Attempt, Trigger: webhooks.Trigger(d.Trigger), Succeeded: d.Succeeded,
		StatusCode: d.StatusCode, Duration: time.Duration(d.DurationMs) * time.Millisecond, Error: d.Error,
		Response: d.Response, CreatedAt: d.CreatedAt}
}

// InsertDelivery implements webhooks.Store.
func (r *Webhooks) InsertDelivery(ctx context.Context, d webhooks.Delivery) error {
	row := webhookDeliveryRow{ID: d.ID, SubscriptionID: d.SubscriptionID, MessageID: d.MessageID, EventID: d.EventID,
		EventType: string(d.EventType), Attempt: d.Attempt, Trigger: string(d.Trigger), Succeeded: d.Succeeded,
		StatusCode: d.StatusCode, DurationMs: int(d.Duration.Milliseconds()), Error: d.Error, Response: d.Response,
		CreatedAt: d.CreatedAt}
	return translate(r.db.conn(ctx).Create(&row).Error)
}

var deliverySorts = map[string]sortCol{"created_at": {"webhook_deliveries.created_at", "timestamptz"}}

// Deliveries implements webhooks.Store: newest first.
func (r *Webhooks) Deliveries(ctx context.Context, subscriptionID uuid.UUID, req page.Request) (page.Page[webhooks.Delivery], error) {
	req.Sort, req.Desc = "created_at", true
	q, err := keyset(r.db.conn(ctx).Model(&webhookDeliveryRow{}).Where("webhook_deliveries.subscription_id = ?", subscriptionID),
		req, deliverySorts)
	if err != nil {
		return page.Page[webhooks.Delivery]{}, err
	}
	var rows []webhookDeliveryRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[webhooks.Delivery]{}, translate(err)
	}
	return pageOf(rows, req, webhookDeliveryRow.domain, func(d webhookDeliveryRow) (uuid.UUID, string) {
		return d.ID, cursorText(d.CreatedAt)
	}), nil
}

// Delivery implements webhooks.Store.
func (r *Webhooks) Delivery(ctx context.Context, subscriptionID, id uuid.UUID) (webhooks.Delivery, error) {
	var row webhookDeliveryRow
	err := r.db.conn(ctx).Take(&row, "id = ? AND subscription_id = ?", id, subscriptionID).Error
	if err != nil {
		return webhooks.Delivery{}, translate(err)
	}
	return row.domain(), nil
}

// EventsSince implements webhooks.Store.
func (r *Webhooks) EventsSince(ctx context.Context, since time.Time, limit int) ([]events.Event, error) {
	var rows []eventRow
	err := r.db.conn(ctx).Where("occurred_at >= ? AND type <> ?", since, string(webhooks.Ping)).
		Order("occurred_at, id").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make([]events.Event, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out, nil
}

// PruneEvents implements webhooks.Store: every workspace's messages (with
// their attempts) older than before, and the events older than before
// except those the opportunity's timeline shows (quote.*, invoice.*), in
// batches.
func (r *Webhooks) PruneEvents(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	for _, stmt := range []string{
		`DELETE FROM webhook_messages WHERE id IN (SELECT id FROM webhook_messages WHERE created_at < ? LIMIT 1000)`,
		`DELETE FROM events WHERE id IN (SELECT id FROM events WHERE occurred_at < ?
			AND type NOT LIKE 'quote.%' AND type NOT LIKE 'invoice.%' LIMIT 1000)`,
	} {
		for {
			res := r.db.conn(ctx).Session(&gorm.Session{}).Exec(stmt, before)
			if res.Error != nil {
				return total, translate(res.Error)
			}
			total += res.RowsAffected
			if res.RowsAffected < 1000 {
				break
			}
		}
	}
	return total, nil
}
