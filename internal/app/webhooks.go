package app

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/netip"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/acme/crm/api"
	"github.com/acme/crm/internal/activity"
	"github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/invoicing"
	"github.com/acme/crm/internal/jobs"
	"github.com/acme/crm/internal/notify"
	paging "github.com/acme/crm/internal/page"
	"github.com/acme/crm/internal/postgres"
	"github.com/acme/crm/internal/quoting"
	"github.com/acme/crm/internal/relations"
	"github.com/acme/crm/internal/sales"
	"github.com/acme/crm/internal/tenant"
	"github.com/acme/crm/internal/webhooks"
)

// WebhookConfig is the webhook part of Config.
type WebhookConfig struct {
	// AllowHTTP names hosts that may receive over plain http
	// (CRM_WEBHOOK_ALLOW_HTTP); AllowPrivate opens refused address ranges
	// (CRM_WEBHOOK_ALLOW_PRIVATE).
	AllowHTTP    []string
	AllowPrivate []netip.Prefix
	// Retries overrides the waits between attempts (tests).
	Retries      []time.Duration
	DisableAfter time.Duration
}

// deliverWebhookArgs is the deliver_webhook job: attempt Attempt of one
// message. The message's attempt counter makes a duplicate job a no-op.
type deliverWebhookArgs struct {
	WorkspaceID uuid.UUID        `json:"workspace_id"`
	MessageID   uuid.UUID        `json:"message_id"`
	Attempt     int              `json:"attempt"`
	Trigger     webhooks.Trigger `json:"trigger"`
}

func (deliverWebhookArgs) Kind() string { return "deliver_webhook" }

// pruneEventsArgs is the periodic prune_events job.
type pruneEventsArgs struct{}

func (pruneEventsArgs) Kind() string { return "prune_events" }

// EnqueueDelivery implements webhooks.Queue. Identical args are one job
// (River's unique insert), so a repeated fan-out enqueues nothing twice.
func (t txQueue) EnqueueDelivery(ctx context.Context, workspaceID, messageID uuid.UUID, attempt int, trigger webhooks.Trigger, at time.Time) error {
	opts := &river.InsertOpts{MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true}}
	if at.After(time.Now()) {
		opts.ScheduledAt = at // a retry; without it the job is available at once
	}
	return t.enqueue(ctx, deliverWebhookArgs{WorkspaceID: workspaceID, MessageID: messageID, Attempt: attempt, Trigger: trigger}, opts)
}

// newWebhooks builds the webhook service and registers its jobs and its
// reaction to the events.
func newWebhooks(cfg Config, db *postgres.DB, q *jobs.Queue, bus *events.Bus, salesSvc *sales.Service,
	ids *identity.Service, notes *notify.Service, log *slog.Logger) (*webhooks.Service, error) {
	key := cfg.SecretKey
	if len(key) == 0 {
		key = cfg.TokenKeys.Derive("webhook-secrets")
	}
	store, err := postgres.NewWebhooks(db, key)
	if err != nil {
		return nil, err
	}
	svc := webhooks.NewService(webhooks.Config{AllowHTTP: cfg.Webhooks.AllowHTTP, AllowPrivate: cfg.Webhooks.AllowPrivate,
		Retries: cfg.Webhooks.Retries, DisableAfter: cfg.Webhooks.DisableAfter, Now: cfg.Now}, store, webhooks.Deps{
		Events: postgres.NewEvents(db), Queue: txQueue{db: db, q: q}, Opportunities: webhookOpportunities{salesSvc},
		Alerts: webhookAlerts{bus: bus, ids: ids, notes: notes}, Types: eventTypes()})
	bus.Subscribe(svc)
	jobs.Register(q, func(ctx context.Context, a deliverWebhookArgs, _ jobs.Attempt) error {
		return svc.Deliver(ctx, a.WorkspaceID, a.MessageID, a.Attempt, a.Trigger, log)
	})
	jobs.Register(q, func(ctx context.Context, _ pruneEventsArgs, _ jobs.Attempt) error {
		_, err := svc.Prune(tenant.System(ctx))
		return err
	})
	q.Every(time.Hour, pruneEventsArgs{})
	return svc, nil
}

// EventTypes are the documented event types, each domain's own (specgen
// derives the payload schemas of openapi.yaml from them).
func EventTypes() []events.Definition { return eventTypes() }

func eventTypes() []events.Definition {
	return slices.Concat(sales.EventDefinitions(), activity.EventDefinitions(), relations.EventDefinitions(),
		quoting.EventDefinitions(), invoicing.EventDefinitions(),
		webhooks.EventDefinitions())
}

// eventObjects renders the records events are about with the API's own
// mapping, in the event's transaction.
type eventObjects struct {
	ids *identity.Service
	now func() time.Time
}

func (o eventObjects) Object(ctx context.Context, record any) (json.RawMessage, error) {
	now := time.Now()
	if o.now != nil {
		now = o.now()
	}
	zone := ""
	if _, ok := record.(invoicing.Invoice); ok { // overdue is judged on the workspace's day
		ws, err := o.ids.Workspace(ctx)
		if err != nil {
			return nil, err
		}
		zone = ws.TimeZone
	}
	obj, ok := api.EventObject(record, now, zone)
	if !ok {
		return nil, fmt.Errorf("event object: no API object for %T", record)
	}
	return json.Marshal(obj)
}

// webhookOpportunities answers an opportunity's pipeline and owner for the
// subscriptions' filters.
type webhookOpportunities struct{ sales *sales.Service }

func (w webhookOpportunities) PipelineOwner(ctx context.Context, id uuid.UUID) (uuid.UUID, uuid.UUID, error) {
	o, err := w.sales.Opportunity(ctx, id)
	return o.PipelineID, o.OwnerID, err
}

// webhookAlerts publishes webhook.disabled and tells every active admin
// in-app, in the transaction that disabled the subscription.
type webhookAlerts struct {
	bus   *events.Bus
	ids   *identity.Service
	notes *notify.Service
}

func (w webhookAlerts) SubscriptionDisabled(ctx context.Context, s webhooks.Subscription, reason string) error {
	e := events.Event{ID: uuid.Must(uuid.NewV7()), Type: webhooks.Disabled, SubjectType: "webhook", SubjectID: s.ID,
		Actor: events.System}
	if err := w.bus.PublishJSON(ctx, e, webhooks.DisabledPayload{SubscriptionID: s.ID, URL: s.URL, Reason: reason}); err != nil {
		return err
	}
	title := "Webhook disabled: " + s.URL
	body := "The receiver answered 410 Gone, so deliveries to it stopped."
	if reason == "failing" {
		body = "Every delivery to the receiver failed for days, so deliveries to it stopped. Fix the receiver, enable the subscription again and replay what it missed."
	}
	req := paging.Request{Limit: paging.MaxLimit, Sort: "created_at"}
	for {
		p, err := w.ids.ListUsers(ctx, req)
		if err != nil {
			return err
		}
		for _, u := range p.Items {
			if u.Role == identity.RoleAdmin && u.Active {
				if err := w.notes.Tell(ctx, u.ID, e.ID, webhooks.Disabled, title, body); err != nil {
					return err
				}
			}
		}
		if p.Next == nil {
			return nil
		}
		req.Cursor = p.Next
	}
}
