package postgres

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/acme/crm/internal/page"
	"github.com/acme/crm/internal/webhooks"
)

// Webhooks stores webhook subscriptions (secrets sealed with AES-256-GCM),
// their messages and delivery attempts.
type Webhooks struct {
	db   *DB
	aead cipher.AEAD
}

// NewWebhooks returns the webhook store; key (32 bytes) seals the secrets.
func NewWebhooks(db *DB, key []byte) (*Webhooks, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("webhook secret key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("webhook secret key: %w", err)
	}
	return &Webhooks{db: db, aead: aead}, nil
}

func (r *Webhooks) seal(secret string) []byte {
	if secret == "" {
		return nil
	}
	nonce := make([]byte, r.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return r.aead.Seal(nonce, nonce, []byte(secret), []byte("webhook secret"))
}

func (r *Webhooks) open(sealed []byte) (string, error) {
	if len(sealed) == 0 {
		return "", nil
	}
	n := r.aead.NonceSize()
	if len(sealed) < n {
		return "", errors.New("webhook secret: too short")
	}
	plain, err := r.aead.Open(nil, sealed[:n], sealed[n:], []byte("webhook secret"))
	if err != nil {
		return "", errors.New("webhook secret: cannot decrypt (was the secret key changed?)")
	}
	return string(plain), nil
}

type webhookSubRow struct {
	ID                  uuid.UUID `gorm:"primaryKey"`
	WorkspaceID         uuid.UUID
	URL                 string `gorm:"column:url"`
	Description         string
	EventTypes          []byte
	PipelineID          *uuid.UUID
	OwnerID             *uuid.UUID
	Enabled             bool
	DisabledReason      string
	Secret              []byte
	PreviousSecret      []byte
	PreviousSecretUntil *time.Time
	FailingSince        *time.Time
	CreatedBy           *uuid.UUID
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

func (webhookSubRow) TableName() string { return "webhook_subscriptions" }

func (r *Webhooks) row(s webhooks.Subscription) webhookSubRow {
	types, _ := json.Marshal(s.EventTypes)
	return webhookSubRow{ID: s.ID, URL: s.URL, Description: s.Description, EventTypes: types, PipelineID: s.PipelineID,
		OwnerID: s.OwnerID, Enabled: s.Enabled, DisabledReason: s.DisabledReason, Secret: r.seal(s.Secret),
		PreviousSecret: r.seal(s.PreviousSecret), PreviousSecretUntil: s.PreviousUntil, FailingSince: s.FailingSince,
		CreatedBy: s.CreatedBy, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
}

func (r *Webhooks) domain(row webhookSubRow) (webhooks.Subscription, error) {
	s := webhooks.Subscription{ID: row.ID, URL: row.URL, Description: row.Description, PipelineID: row.PipelineID,
		OwnerID: row.OwnerID, Enabled: row.Enabled, DisabledReason: row.DisabledReason, PreviousUntil: row.PreviousSecretUntil,
		FailingSince: row.FailingSince, CreatedBy: row.CreatedBy, CreatedAt: row.CreatedAt, UpdatedAt: row.UpdatedAt}
	if err := json.Unmarshal(row.EventTypes, &s.EventTypes); err != nil {
		return s, fmt.Errorf("webhook %s event types: %w", row.ID, err)
	}
	var err error
	if s.Secret, err = r.open(row.Secret); err != nil {
		return s, err
	}
	s.PreviousSecret, err = r.open(row.PreviousSecret)
	return s, err
}

// WithTx implements webhooks.Store.
func (r *Webhooks) WithTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return r.db.WithTx(ctx, fn)
}

// CreateSubscription implements webhooks.Store.
func (r *Webhooks) CreateSubscription(ctx context.Context, s webhooks.Subscription) error {
	row := r.row(s)
	return translate(r.db.conn(ctx).Create(&row).Error)
}

// Subscription implements webhooks.Store.
func (r *Webhooks) Subscription(ctx context.Context, id uuid.UUID, forUpdate bool) (webhooks.Subscription, error) {
	q := r.db.conn(ctx)
	if forUpdate {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var row webhookSubRow
	if err := q.Take(&row, "id = ?", id).Error; err != nil {
		return webhooks.Subscription{}, translate(err)
	}
	return r.domain(row)
}

var webhookSorts = map[string]sortCol{"created_at": {"webhook_subscriptions.created_at", "timestamptz"}}

// Subscriptions implements webhooks.Store: oldest first.
func (r *Webhooks) Subscriptions(ctx context.Context, req page.Request) (page.Page[webhooks.Subscription], error) {
	req.Sort = "created_at"
	q, err := keyset(r.db.conn(ctx).Model(&webhookSubRow{}), req, webhookSorts)
	if err != nil {
		return page.Page[webhooks.Subscription]{}, err
	}
	var rows []webhookSubRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[webhooks.Subscription]{}, translate(err)
	}
	subs := make([]webhooks.Subscription, len(rows))
	for i, row := range rows {
		if subs[i], err = r.domain(row); err != nil {
			return page.Page[webhooks.Subscription]{}, err
		}
	}
	return pageOf(subs, req, func(s webhooks.Subscription) webhooks.Subscription { return s },
		func(s webhooks.Subscription) (uuid.UUID, string) { return s.ID, cursorText(s.CreatedAt) }), nil
}

// HasEnabledSubscriptions implements webhooks.Store.
func (r *Webhooks) HasEnabledSubscriptions(ctx context.Context) (bool, error) {
	var n int64
	err := r.db.conn(ctx).Model(&webhookSubRow{}).Where("enabled").Count(&n).Error
	return n > 0, translate(err)
}

// EnabledSubscriptions implements webhooks.Store.
func (r *Webhooks) EnabledSubscriptions(ctx context.Context) ([]webhooks.Subscription, error) {
	var rows []webhookSubRow
	if err := r.db.conn(ctx).Where("enabled").Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]webhooks.Subscription, len(rows))
	for i, row := range rows {
		s, err := r.domain(row)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

// UpdateSubscription implements webhooks.Store: every mutable column.
func (r *Webhooks) UpdateSubscription(ctx context.Context, s webhooks.Subscription) error {
	row := r.row(s)
	res := r.db.conn(ctx).Model(&webhookSubRow{}).Where("id = ?", s.ID).Select("url", "description", "event_types",
		"pipeline_id", "owner_id", "enabled", "disabled_reason", "secret", "previous_secret", "previous_secret_until",
		"failing_since", "updated_at").Updates(&row)
	if res.Error == nil && res.RowsAffected == 0 {
		return translate(gorm.ErrRecordNotFound)
	}
	return translate(res.Error)
}

// DeleteSubscription implements webhooks.Store.
func (r *Webhooks) DeleteSubscription(ctx context.Context, id uuid.UUID) error {
	res := r.db.conn(ctx).Delete(&webhookSubRow{}, "id = ?", id)
	if res.Error == nil && res.RowsAffected == 0 {
		return translate(gorm.ErrRecordNotFound)
	}
	return translate(res.Error)
}
