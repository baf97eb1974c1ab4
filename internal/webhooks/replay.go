package webhooks

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/page"
	"github.com/acme/crm/internal/tenant"
)

// MaxReplay is the most events one replay sends.
const MaxReplay = 10000

// Deliveries lists a subscription's attempts, newest first.
func (s *Service) Deliveries(ctx context.Context, subscriptionID uuid.UUID, req page.Request) (page.Page[Delivery], error) {
	if _, err := s.store.Subscription(ctx, subscriptionID, false); err != nil {
		return page.Page[Delivery]{}, err
	}
	return s.store.Deliveries(ctx, subscriptionID, req)
}

// Redeliver sends the event of one of the subscription's attempts again,
// now, with the same webhook-id, and answers the message. A disabled
// subscription is errs.Conflict.
func (s *Service) Redeliver(ctx context.Context, subscriptionID, deliveryID uuid.UUID) (Message, error) {
	d, err := s.store.Delivery(ctx, subscriptionID, deliveryID)
	if err != nil {
		return Message{}, err
	}
	var m Message
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		sub, err := s.enabled(ctx, subscriptionID)
		if err != nil {
			return err
		}
		m, err = s.resend(ctx, sub, d.EventID, TriggerRedeliver)
		return err
	})
	return m, err
}

// Replay sends every event since since that the subscription wants again,
// oldest first, each with its own webhook-id, and answers how many. Events
// are kept Config.Retention; since must be within it.
func (s *Service) Replay(ctx context.Context, subscriptionID uuid.UUID, since time.Time) (int, error) {
	if since.IsZero() {
		return 0, errs.Field("since", "required: an RFC 3339 time")
	}
	if s.now().Sub(since) > s.cfg.Retention {
		return 0, errs.Field("since", "events are kept "+s.cfg.Retention.String()+"; since is older")
	}
	n := 0
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		sub, err := s.enabled(ctx, subscriptionID)
		if err != nil {
			return err
		}
		evs, err := s.store.EventsSince(ctx, since, MaxReplay)
		if err != nil {
			return err
		}
		for _, e := range evs {
			ok, err := s.matches(ctx, sub, e)
			if err != nil || !ok {
				if err != nil {
					return err
				}
				continue
			}
			if _, err := s.resend(ctx, sub, e.ID, TriggerReplay); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

func (s *Service) enabled(ctx context.Context, id uuid.UUID) (Subscription, error) {
	sub, err := s.store.Subscription(ctx, id, true)
	if err != nil {
		return Subscription{}, err
	}
	if !sub.Enabled {
		return Subscription{}, errs.Conflictf("the subscription is disabled; enable it first")
	}
	return sub, nil
}

// resend makes the (subscription, event) message pending again and
// enqueues its next attempt now.
func (s *Service) resend(ctx context.Context, sub Subscription, eventID uuid.UUID, t Trigger) (Message, error) {
	now := s.now()
	m, err := s.store.ResendMessage(ctx, Message{ID: uuid.Must(uuid.NewV7()), SubscriptionID: sub.ID, EventID: eventID,
		Status: "pending", NextAttemptAt: &now, CreatedAt: now})
	if err != nil {
		return Message{}, err
	}
	return m, s.queue.EnqueueDelivery(ctx, workspace(ctx), m.ID, m.Attempts+1, t, now)
}

// Test sends a webhook.ping event to the subscription (enabled or not) and
// answers the message; its attempt appears in the deliveries.
func (s *Service) Test(ctx context.Context, subscriptionID uuid.UUID) (Message, error) {
	var m Message
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		sub, err := s.store.Subscription(ctx, subscriptionID, true)
		if err != nil {
			return err
		}
		now := s.now()
		e := events.Event{ID: uuid.Must(uuid.NewV7()), WorkspaceID: workspace(ctx), Type: Ping,
			SubjectType: "webhook", SubjectID: sub.ID, Actor: events.ActorFrom(ctx), OccurredAt: now}
		e.Payload, _ = json.Marshal(PingPayload{SubscriptionID: sub.ID, URL: sub.URL})
		if err := s.events.InsertEvent(ctx, e); err != nil {
			return err
		}
		m = Message{ID: uuid.Must(uuid.NewV7()), SubscriptionID: sub.ID, EventID: e.ID, Status: "pending", CreatedAt: now}
		if _, err := s.store.InsertMessage(ctx, m); err != nil {
			return err
		}
		return s.queue.EnqueueDelivery(ctx, e.WorkspaceID, m.ID, 1, TriggerTest, now)
	})
	return m, err
}

// PingPayload is the data of webhook.ping.
type PingPayload struct {
	SubscriptionID uuid.UUID `json:"subscription_id"`
	URL            string    `json:"url"`
}

// Prune deletes the events of every workspace older than the retention
// (their messages and attempts with them) and answers how many.
func (s *Service) Prune(ctx context.Context) (int64, error) {
	return s.store.PruneEvents(ctx, s.now().Add(-s.cfg.Retention))
}

func workspace(ctx context.Context) uuid.UUID {
	ws, _ := tenant.From(ctx)
	return ws
}

// Disabled is published when the product disables a subscription.
const Disabled events.Type = "webhook.disabled"

// DisabledPayload is the data of webhook.disabled; Reason is "gone" (the
// receiver answered 410) or "failing".
type DisabledPayload struct {
	SubscriptionID uuid.UUID `json:"subscription_id"`
	URL            string    `json:"url"`
	Reason         string    `json:"reason"`
}

// EventDefinitions documents the webhooks' own events.
func EventDefinitions() []events.Definition {
	id := uuid.MustParse("0190d0c4-5e2a-7cc0-8000-000000000001")
	url := "https://erp.example.com/hooks/crm"
	return []events.Definition{
		{Type: Ping, Description: "Sent by POST /api/v1/webhooks/{id}/test to that subscription only.",
			Example: PingPayload{SubscriptionID: id, URL: url}},
		{Type: Disabled, Description: "The product disabled a subscription: its receiver answered 410 Gone, or failed for days. The workspace's admins are notified in-app.",
			Example: DisabledPayload{SubscriptionID: id, URL: url, Reason: "failing"}},
	}
}
