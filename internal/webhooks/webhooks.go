// Package webhooks tells integrations what happened: admins subscribe a URL
// to event types (optionally filtered to one pipeline or owner), and every
// domain event that matches is delivered to it once, signed as the Standard
// Webhooks specification says, retried with backoff for about three days,
// logged attempt by attempt, and replayable. It is a reactor of the domain
// events: the fan-out to subscriptions runs in a job enqueued in the same
// transaction as the event, and each delivery is a job of its own.
package webhooks

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/page"
)

// SecretPrefix starts every signing secret.
const SecretPrefix = "whsec_"

// RotationOverlap is how long the previous secret keeps signing after a
// rotation.
const RotationOverlap = 24 * time.Hour

// AllTypes subscribes to every event type.
const AllTypes = "*"

// Subscription is one receiver URL and what it wants to hear.
type Subscription struct {
	ID          uuid.UUID
	URL         string
	Description string
	EventTypes  []string
	PipelineID  *uuid.UUID
	OwnerID     *uuid.UUID
	Enabled     bool
	// DisabledReason says why the product disabled it ("gone": the
	// receiver answered 410; "failing": it failed for DisableAfter).
	DisabledReason string
	// Secret and PreviousSecret are the signing secrets (whsec_…);
	// PreviousSecret signs too until PreviousUntil.
	Secret         string
	PreviousSecret string
	PreviousUntil  *time.Time
	FailingSince   *time.Time
	CreatedBy      *uuid.UUID
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Secrets answers the secrets that sign at t: the current one and, during
// the overlap after a rotation, the previous one.
func (s Subscription) Secrets(t time.Time) []string {
	out := []string{s.Secret}
	if s.PreviousSecret != "" && s.PreviousUntil != nil && t.Before(*s.PreviousUntil) {
		out = append(out, s.PreviousSecret)
	}
	return out
}

// Wants reports whether the subscription asks for events of type t.
func (s Subscription) Wants(t events.Type) bool {
	return slices.Contains(s.EventTypes, AllTypes) || slices.Contains(s.EventTypes, string(t))
}

// NewSubscription is what an admin creates.
type NewSubscription struct {
	URL         string
	Description string
	EventTypes  []string
	PipelineID  *uuid.UUID
	OwnerID     *uuid.UUID
	Enabled     *bool
}

// Patch changes the named fields; ClearPipeline and ClearOwner remove a
// filter.
type Patch struct {
	URL           *string
	Description   *string
	EventTypes    []string
	PipelineID    *uuid.UUID
	ClearPipeline bool
	OwnerID       *uuid.UUID
	ClearOwner    bool
	Enabled       *bool
}

// Store keeps subscriptions, messages and delivery attempts in the
// context's workspace.
type Store interface {
	WithTx(ctx context.Context, fn func(ctx context.Context) error) error
	CreateSubscription(ctx context.Context, s Subscription) error
	// Subscription reads one (errs.NotFound); forUpdate locks its row.
	Subscription(ctx context.Context, id uuid.UUID, forUpdate bool) (Subscription, error)
	Subscriptions(ctx context.Context, req page.Request) (page.Page[Subscription], error)
	// EnabledSubscriptions answers every enabled subscription.
	EnabledSubscriptions(ctx context.Context) ([]Subscription, error)
	// HasEnabledSubscriptions says whether the workspace has any.
	HasEnabledSubscriptions(ctx context.Context) (bool, error)
	UpdateSubscription(ctx context.Context, s Subscription) error
	DeleteSubscription(ctx context.Context, id uuid.UUID) error
	// InsertMessage stores m unless its (subscription, event) has one;
	// created says which.
	InsertMessage(ctx context.Context, m Message) (created bool, err error)
	// ResendMessage makes the (subscription, event) message pending again
	// (creating it when missing) and answers it.
	ResendMessage(ctx context.Context, m Message) (Message, error)
	// Message reads one; forUpdate locks its row.
	Message(ctx context.Context, id uuid.UUID, forUpdate bool) (Message, error)
	UpdateMessage(ctx context.Context, m Message) error
	InsertDelivery(ctx context.Context, d Delivery) error
	Deliveries(ctx context.Context, subscriptionID uuid.UUID, req page.Request) (page.Page[Delivery], error)
	Delivery(ctx context.Context, subscriptionID, id uuid.UUID) (Delivery, error)
	// EventsSince answers the workspace's events that occurred at or
	// after since, oldest first, at most limit.
	EventsSince(ctx context.Context, since time.Time, limit int) ([]events.Event, error)
	// PruneEvents deletes the events of every workspace older than before.
	PruneEvents(ctx context.Context, before time.Time) (int64, error)
}

// Events records and reads domain events (postgres.Events fulfils it).
type Events interface {
	InsertEvent(ctx context.Context, e events.Event) error
	Event(ctx context.Context, id uuid.UUID) (events.Event, error)
}

// Queue enqueues one delivery attempt of a message, in the transaction of
// ctx, to run at at.
type Queue interface {
	EnqueueDelivery(ctx context.Context, workspaceID, messageID uuid.UUID, attempt int, trigger Trigger, at time.Time) error
}

// Opportunities answers the pipeline and owner of an opportunity, for the
// filters of events that name one without carrying them.
type Opportunities interface {
	PipelineOwner(ctx context.Context, id uuid.UUID) (pipelineID, ownerID uuid.UUID, err error)
}

// Alerts tells the workspace's admins that a subscription was disabled.
type Alerts interface {
	SubscriptionDisabled(ctx context.Context, s Subscription, reason string) error
}

// Service implements webhooks.
type Service struct {
	cfg    Config
	store  Store
	events Events
	queue  Queue
	opps   Opportunities
	alerts Alerts
	types  []events.Definition

	clientOnce sync.Once
	httpClient *http.Client
}

// NewService returns the webhook service. defs are the event types it
// documents and accepts in subscriptions.
func NewService(cfg Config, store Store, d Deps) *Service {
	cfg = cfg.withDefaults()
	return &Service{cfg: cfg, store: store, events: d.Events, queue: d.Queue, opps: d.Opportunities, alerts: d.Alerts,
		types: d.Types}
}

// Deps wires the service.
type Deps struct {
	Events        Events
	Queue         Queue
	Opportunities Opportunities
	Alerts        Alerts
	Types         []events.Definition
}

// Types answers the documented event types.
func (s *Service) Types() []events.Definition { return s.types }

func (s *Service) now() time.Time { return s.cfg.Now().UTC().Truncate(time.Microsecond) }

// NewSecret answers a fresh signing secret.
func NewSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return SecretPrefix + base64.StdEncoding.EncodeToString(b)
}

// Create stores a subscription and answers it with its secret, the only
// time the secret is shown. Bad input is errs.Invalid naming the field.
func (s *Service) Create(ctx context.Context, in NewSubscription) (Subscription, error) {
	sub := Subscription{ID: uuid.Must(uuid.NewV7()), URL: strings.TrimSpace(in.URL), Description: in.Description,
		EventTypes: in.EventTypes, PipelineID: in.PipelineID, OwnerID: in.OwnerID, Enabled: true, Secret: NewSecret()}
	if in.Enabled != nil {
		sub.Enabled = *in.Enabled
	}
	if err := s.check(sub); err != nil {
		return Subscription{}, err
	}
	if p, ok := identity.PrincipalFrom(ctx); ok {
		id := p.UserID
		sub.CreatedBy = &id
	}
	sub.CreatedAt = s.now()
	sub.UpdatedAt = sub.CreatedAt
	if err := s.store.CreateSubscription(ctx, sub); err != nil {
		return Subscription{}, err
	}
	return sub, nil
}

// check validates a subscription's URL, types and description.
func (s *Service) check(sub Subscription) error {
	var fields []errs.FieldError
	if err := s.cfg.CheckURL(sub.URL); err != nil {
		fields = append(fields, errs.FieldError{Field: "url", Message: err.Error()})
	}
	if msg := s.checkTypes(sub.EventTypes); msg != "" {
		fields = append(fields, errs.FieldError{Field: "event_types", Message: msg})
	}
	if len(sub.Description) > 1000 {
		fields = append(fields, errs.FieldError{Field: "description", Message: "at most 1000 characters"})
	}
	return errs.Fields("invalid webhook subscription", fields...)
}

func (s *Service) checkTypes(ts []string) string {
	if len(ts) == 0 {
		return `name at least one event type, or "*" for all`
	}
	for _, t := range ts {
		if t == AllTypes {
			continue
		}
		if !slices.ContainsFunc(s.types, func(d events.Definition) bool { return string(d.Type) == t }) {
			return "unknown event type " + t + " (see GET /api/v1/webhook-event-types)"
		}
	}
	return ""
}

// Subscription reads one (errs.NotFound).
func (s *Service) Subscription(ctx context.Context, id uuid.UUID) (Subscription, error) {
	return s.store.Subscription(ctx, id, false)
}

// Subscriptions lists the workspace's subscriptions.
func (s *Service) Subscriptions(ctx context.Context, req page.Request) (page.Page[Subscription], error) {
	return s.store.Subscriptions(ctx, req)
}

// Update changes the named fields. Enabling a subscription clears the
// reason it was disabled and its failure streak.
func (s *Service) Update(ctx context.Context, id uuid.UUID, p Patch) (Subscription, error) {
	var out Subscription
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		sub, err := s.store.Subscription(ctx, id, true)
		if err != nil {
			return err
		}
		apply(&sub, p)
		if err := s.check(sub); err != nil {
			return err
		}
		sub.UpdatedAt = s.now()
		out = sub
		return s.store.UpdateSubscription(ctx, sub)
	})
	return out, err
}

func apply(sub *Subscription, p Patch) {
	if p.URL != nil {
		sub.URL = strings.TrimSpace(*p.URL)
	}
	if p.Description != nil {
		sub.Description = *p.Description
	}
	if p.EventTypes != nil {
		sub.EventTypes = p.EventTypes
	}
	if p.PipelineID != nil {
		sub.PipelineID = p.PipelineID
	}
	if p.ClearPipeline {
		sub.PipelineID = nil
	}
	if p.OwnerID != nil {
		sub.OwnerID = p.OwnerID
	}
	if p.ClearOwner {
		sub.OwnerID = nil
	}
	if p.Enabled != nil {
		if *p.Enabled && !sub.Enabled {
			sub.DisabledReason, sub.FailingSince = "", nil
		}
		sub.Enabled = *p.Enabled
	}
}

// Delete removes a subscription with its messages and attempts.
func (s *Service) Delete(ctx context.Context, id uuid.UUID) error {
	return s.store.DeleteSubscription(ctx, id)
}

// RotateSecret issues a new secret and answers the subscription with it;
// the old one keeps signing beside it for RotationOverlap.
func (s *Service) RotateSecret(ctx context.Context, id uuid.UUID) (Subscription, error) {
	var out Subscription
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		sub, err := s.store.Subscription(ctx, id, true)
		if err != nil {
			return err
		}
		now := s.now()
		until := now.Add(RotationOverlap)
		sub.PreviousSecret, sub.PreviousUntil, sub.Secret, sub.UpdatedAt = sub.Secret, &until, NewSecret(), now
		out = sub
		return s.store.UpdateSubscription(ctx, sub)
	})
	return out, err
}
