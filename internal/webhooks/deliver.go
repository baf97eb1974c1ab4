package webhooks

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/tenant"
)

// Ping is the type of the test event POST /webhooks/{id}/test sends. It is
// never fanned out to other subscriptions.
const Ping events.Type = "webhook.ping"

// Trigger says why an attempt was made.
type Trigger string

// The triggers.
const (
	TriggerEvent     Trigger = "event"
	TriggerRetry     Trigger = "retry"
	TriggerRedeliver Trigger = "redeliver"
	TriggerReplay    Trigger = "replay"
	TriggerTest      Trigger = "test"
)

// Message is one event on its way to one subscription.
type Message struct {
	ID             uuid.UUID
	SubscriptionID uuid.UUID
	EventID        uuid.UUID
	// Status is pending, delivered or failed (no attempt left).
	Status        string
	Attempts      int
	NextAttemptAt *time.Time
	CreatedAt     time.Time
}

// Delivery is one HTTP attempt of a message.
type Delivery struct {
	ID             uuid.UUID
	SubscriptionID uuid.UUID
	MessageID      uuid.UUID
	EventID        uuid.UUID
	EventType      events.Type
	Attempt        int
	Trigger        Trigger
	Succeeded      bool
	StatusCode     *int
	Duration       time.Duration
	Error          string
	Response       string
	CreatedAt      time.Time
}

// Name implements events.Reactor.
func (s *Service) Name() string { return "webhooks" }

// Handles implements events.Reactor.
func (s *Service) Handles(t events.Type) bool { return t != Ping }

// Interested implements events.Interest: a workspace without an enabled
// subscription gets no reaction job for its events (a bulk import would
// otherwise queue one per record for nothing).
func (s *Service) Interested(ctx context.Context, _ events.Event) (bool, error) {
	return s.store.HasEnabledSubscriptions(ctx)
}

// React implements events.Reactor: one message, and the job of its first
// attempt, per enabled subscription that wants e, in one transaction. A
// retried reaction finds the messages and enqueues nothing twice.
func (s *Service) React(ctx context.Context, e events.Event) error {
	subs, err := s.store.EnabledSubscriptions(ctx)
	if err != nil {
		return err
	}
	var matched []Subscription
	for _, sub := range subs {
		ok, err := s.matches(ctx, sub, e)
		if err != nil {
			return err
		}
		if ok {
			matched = append(matched, sub)
		}
	}
	if len(matched) == 0 {
		return nil
	}
	now := s.now()
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		for _, sub := range matched {
			m := Message{ID: uuid.Must(uuid.NewV7()), SubscriptionID: sub.ID, EventID: e.ID, Status: "pending", CreatedAt: now}
			created, err := s.store.InsertMessage(ctx, m)
			if err != nil {
				return err
			}
			if created {
				if err := s.queue.EnqueueDelivery(ctx, e.WorkspaceID, m.ID, 1, TriggerEvent, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// scope is what the pipeline and owner filters compare.
type scope struct {
	PipelineID *uuid.UUID `json:"pipeline_id"`
	OwnerID    *uuid.UUID `json:"owner_id"`
}

// matches reports whether sub wants e: its type, and its pipeline and owner
// (from the payload, else from the event's opportunity; an event without
// either never matches a filter on it).
func (s *Service) matches(ctx context.Context, sub Subscription, e events.Event) (bool, error) {
	if !sub.Wants(e.Type) {
		return false, nil
	}
	if sub.PipelineID == nil && sub.OwnerID == nil {
		return true, nil
	}
	var sc scope
	_ = json.Unmarshal(e.Payload, &sc)
	if (sc.PipelineID == nil || sc.OwnerID == nil) && e.OpportunityID != nil && s.opps != nil {
		p, o, err := s.opps.PipelineOwner(ctx, *e.OpportunityID)
		switch {
		case err == nil:
			if sc.PipelineID == nil {
				sc.PipelineID = &p
			}
			if sc.OwnerID == nil {
				sc.OwnerID = &o
			}
		case !errs.Is(err, errs.NotFound):
			return false, err
		}
	}
	if sub.PipelineID != nil && (sc.PipelineID == nil || *sc.PipelineID != *sub.PipelineID) {
		return false, nil
	}
	if sub.OwnerID != nil && (sc.OwnerID == nil || *sc.OwnerID != *sub.OwnerID) {
		return false, nil
	}
	return true, nil
}

// Body is what a receiver gets: the event's type, when it occurred, and
// its data (see Data).
func Body(e events.Event) ([]byte, error) {
	return json.Marshal(struct {
		Type      events.Type     `json:"type"`
		Timestamp time.Time       `json:"timestamp"`
		Data      json.RawMessage `json:"data"`
	}{e.Type, e.OccurredAt.UTC(), Data(e.Object, e.Payload)})
}

// Data is a delivery's data: the record the event is about as the API
// returned it at the moment of the event, with "previous" (the earlier
// values of the fields an update changed) from the payload when it has
// one. An event about no record, or one kept from before events kept
// their records, is delivered with its own payload.
func Data(object, payload json.RawMessage) json.RawMessage {
	if len(object) < 2 || object[0] != '{' {
		if len(payload) == 0 {
			return json.RawMessage(`{}`)
		}
		return payload
	}
	var p struct {
		Previous json.RawMessage `json:"previous"`
	}
	if json.Unmarshal(payload, &p) != nil || len(p.Previous) == 0 || string(p.Previous) == "null" {
		return object
	}
	body := bytes.TrimSpace(object[1 : len(object)-1])
	out := make([]byte, 0, len(object)+len(p.Previous)+16)
	out = append(out, '{')
	if len(body) > 0 {
		out = append(append(out, body...), ',')
	}
	out = append(append(append(out, `"previous":`...), p.Previous...), '}')
	return out
}

// Sign answers the webhook-signature header for one message: a
// space-separated "v1,<base64 HMAC-SHA256>" per secret, over
// "id.timestamp.body".
func Sign(secrets []string, id string, ts time.Time, body []byte) (string, error) {
	sigs := make([]string, 0, len(secrets))
	for _, secret := range secrets {
		key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
		if err != nil {
			return "", fmt.Errorf("webhook secret: %w", err)
		}
		m := hmac.New(sha256.New, key)
		m.Write([]byte(id + "." + strconv.FormatInt(ts.Unix(), 10) + "."))
		m.Write(body)
		sigs = append(sigs, "v1,"+base64.StdEncoding.EncodeToString(m.Sum(nil)))
	}
	return strings.Join(sigs, " "), nil
}

// Deliver makes attempt n of a message; the delivery job calls it. An
// attempt whose number the message has passed already ran (a duplicate
// job) and does nothing. A failure schedules the next attempt after a
// backoff with jitter, or fails the message after the last; a 410 answer
// disables the subscription, and so does failing for DisableAfter. The
// error is only for the job's own bookkeeping failing.
func (s *Service) Deliver(ctx context.Context, workspaceID, messageID uuid.UUID, n int, trigger Trigger, log *slog.Logger) error {
	ctx = tenant.With(ctx, workspaceID)
	var (
		m   Message
		sub Subscription
		e   events.Event
		run bool
	)
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if m, err = s.store.Message(ctx, messageID, true); err != nil {
			return err
		}
		// Attempt n runs once: its job claims the message by counting the
		// attempt, with a lease. A job re-run after its worker died
		// (River rescues stuck jobs) may take it again once the lease has
		// passed: at least once, and receivers deduplicate on webhook-id.
		now := s.now()
		abandoned := m.Attempts == n && m.NextAttemptAt != nil && now.After(*m.NextAttemptAt)
		if m.Status != "pending" || (m.Attempts != n-1 && !abandoned) {
			return nil
		}
		if sub, err = s.store.Subscription(ctx, m.SubscriptionID, false); err != nil {
			return err
		}
		if !sub.Enabled && trigger != TriggerTest {
			m.Status, m.NextAttemptAt = "failed", nil
			return s.store.UpdateMessage(ctx, m)
		}
		if e, err = s.events.Event(ctx, m.EventID); err != nil {
			return err
		}
		lease := now.Add(2*s.cfg.Timeout + time.Minute)
		m.Attempts, m.NextAttemptAt, run = n, &lease, true
		return s.store.UpdateMessage(ctx, m)
	})
	if errs.Is(err, errs.NotFound) || err != nil || !run {
		if errs.Is(err, errs.NotFound) {
			return nil // the subscription or event is gone
		}
		return err
	}
	d := s.attempt(ctx, sub, e)
	d.ID, d.SubscriptionID, d.MessageID, d.EventID, d.EventType = uuid.Must(uuid.NewV7()), sub.ID, m.ID, e.ID, e.Type
	d.Attempt, d.Trigger = n, trigger
	return s.store.WithTx(ctx, func(ctx context.Context) error { return s.record(ctx, workspaceID, m, d, log) })
}

// attempt sends e to sub once and answers how it went.
func (s *Service) attempt(ctx context.Context, sub Subscription, e events.Event) Delivery {
	start := s.cfg.Now()
	d := Delivery{CreatedAt: s.now()}
	body, err := Body(e)
	if err == nil {
		err = s.post(ctx, sub, e, body, &d)
	}
	d.Duration = s.cfg.Now().Sub(start)
	if err != nil {
		d.Error = err.Error()
	}
	return d
}

func (s *Service) post(ctx context.Context, sub Subscription, e events.Event, body []byte, d *Delivery) error {
	now := s.cfg.Now()
	sig, err := Sign(sub.Secrets(now), e.ID.String(), now, body)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "crm-webhooks/1")
	req.Header.Set("webhook-id", e.ID.String())
	req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("webhook-signature", sig)
	res, err := s.client().Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = res.Body.Close() }()
	code := res.StatusCode
	d.StatusCode = &code
	raw, err := io.ReadAll(io.LimitReader(res.Body, s.cfg.MaxResponse))
	d.Response = excerpt(raw)
	if err != nil {
		return fmt.Errorf("read answer: %w", err)
	}
	if code < 200 || code > 299 {
		return fmt.Errorf("answered %d", code)
	}
	d.Succeeded = true
	return nil
}

// excerpt is the start of an answer, valid UTF-8 without NUL.
func excerpt(b []byte) string {
	if len(b) > ResponseExcerpt {
		b = b[:ResponseExcerpt]
	}
	s := strings.ToValidUTF8(string(b), "")
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return strings.ReplaceAll(s, "\x00", "")
}

// record stores an attempt and its consequences: the message delivered,
// retried later or failed, the subscription's failure streak, and its
// disabling on a 410 or a streak of DisableAfter.
func (s *Service) record(ctx context.Context, workspaceID uuid.UUID, m Message, d Delivery, log *slog.Logger) error {
	if err := s.store.InsertDelivery(ctx, d); err != nil {
		return err
	}
	sub, err := s.store.Subscription(ctx, d.SubscriptionID, true)
	if err != nil {
		return err
	}
	now := s.now()
	if d.Succeeded {
		m.Status, m.NextAttemptAt = "delivered", nil
		if sub.FailingSince != nil {
			sub.FailingSince, sub.UpdatedAt = nil, now
			if err := s.store.UpdateSubscription(ctx, sub); err != nil {
				return err
			}
		}
		return s.store.UpdateMessage(ctx, m)
	}
	if sub.FailingSince == nil {
		sub.FailingSince = &d.CreatedAt
	}
	reason := ""
	switch {
	case d.StatusCode != nil && *d.StatusCode == http.StatusGone:
		reason = "gone"
	case d.Trigger != TriggerTest && now.Sub(*sub.FailingSince) >= s.cfg.DisableAfter:
		reason = "failing"
	}
	if reason != "" && sub.Enabled {
		sub.Enabled, sub.DisabledReason = false, reason
		log.Warn("webhook subscription disabled", "subscription", sub.ID, "reason", reason, "url", sub.URL)
		if s.alerts != nil {
			if err := s.alerts.SubscriptionDisabled(ctx, sub, reason); err != nil {
				return err
			}
		}
	}
	sub.UpdatedAt = now
	if err := s.store.UpdateSubscription(ctx, sub); err != nil {
		return err
	}
	if !sub.Enabled || d.Trigger == TriggerTest || m.Attempts > len(s.cfg.Retries) {
		m.Status, m.NextAttemptAt = "failed", nil
		return s.store.UpdateMessage(ctx, m)
	}
	next := now.Add(jitter(s.cfg.Retries[m.Attempts-1]))
	m.NextAttemptAt = &next
	if err := s.store.UpdateMessage(ctx, m); err != nil {
		return err
	}
	return s.queue.EnqueueDelivery(ctx, workspaceID, m.ID, m.Attempts+1, TriggerRetry, next)
}

// jitter spreads a wait by up to ±20 %, so that receivers coming back up
// are not hit by every retry at once.
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	spread := int64(d) / 5
	return d + time.Duration(rand.Int64N(2*spread+1)-spread)
}

// client answers the HTTP client of deliveries (built once per service).
func (s *Service) client() *http.Client {
	s.clientOnce.Do(func() { s.httpClient = s.cfg.Client() })
	return s.httpClient
}
