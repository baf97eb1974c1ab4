package api

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/webhooks"
)

func (s *Server) registerWebhookRoutes(g routes) {
	g.GET("/webhook-event-types", s.listWebhookEventTypes)
	g.GET("/webhooks", s.listWebhooks, requireAdmin)
	g.POST("/webhooks", s.createWebhook, requireAdmin)
	g.GET("/webhooks/:id", s.getWebhook, requireAdmin)
	g.PATCH("/webhooks/:id", s.updateWebhook, requireAdmin)
	g.DELETE("/webhooks/:id", s.deleteWebhook, requireAdmin)
	g.POST("/webhooks/:id/rotate-secret", s.rotateWebhookSecret, requireAdmin)
	g.POST("/webhooks/:id/test", s.testWebhook, requireAdmin)
	g.POST("/webhooks/:id/replay", s.replayWebhook, requireAdmin)
	g.GET("/webhooks/:id/deliveries", s.listWebhookDeliveries, requireAdmin)
	g.POST("/webhooks/:id/deliveries/:delivery_id/redeliver", s.redeliverWebhook, requireAdmin)
}

// Webhook is a subscription of a receiver URL to event types. Its secret is
// only in the answers of create and rotate-secret.
type Webhook struct {
	ID          uuid.UUID  `json:"id"`
	URL         string     `json:"url" example:"https://erp.example.com/hooks/crm"`
	Description string     `json:"description" example:"ERP order creation"`
	EventTypes  []string   `json:"event_types" example:"quote.signed,opportunity.won"`
	PipelineID  *uuid.UUID `json:"pipeline_id" extensions:"x-nullable"`
	OwnerID     *uuid.UUID `json:"owner_id" extensions:"x-nullable"`
	Enabled     bool       `json:"enabled"`
	// DisabledReason is why the product disabled it: gone (the receiver
	// answered 410) or failing (every attempt failed for days); empty
	// otherwise.
	DisabledReason string `json:"disabled_reason" enums:",gone,failing"`
	// PreviousSecretExpiresAt is when the secret before the last rotation
	// stops signing.
	PreviousSecretExpiresAt *time.Time `json:"previous_secret_expires_at" extensions:"x-nullable"`
	// FailingSince is the first failed attempt since the last success.
	FailingSince *time.Time `json:"failing_since" extensions:"x-nullable"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
} // @name Webhook

// WebhookWithSecret is a webhook with its signing secret, shown once.
type WebhookWithSecret struct {
	Webhook
	Secret string `json:"secret" example:"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"`
} // @name WebhookWithSecret

// WebhookList is a page of webhooks.
type WebhookList struct {
	Data       []Webhook `json:"data"`
	NextCursor *string   `json:"next_cursor" extensions:"x-nullable"`
} // @name WebhookList

// CreateWebhookRequest subscribes a URL.
type CreateWebhookRequest struct {
	URL         string     `json:"url" validate:"required,max=2000" example:"https://erp.example.com/hooks/crm"`
	Description string     `json:"description,omitempty" validate:"max=1000"`
	EventTypes  []string   `json:"event_types" validate:"required,min=1,max=100,dive,max=100" example:"quote.signed,opportunity.won"`
	PipelineID  *uuid.UUID `json:"pipeline_id,omitempty"`
	OwnerID     *uuid.UUID `json:"owner_id,omitempty"`
	Enabled     *bool      `json:"enabled,omitempty"`
} // @name CreateWebhookRequest

// UpdateWebhookRequest changes a webhook; null clears a filter. Enabling a
// disabled webhook clears its disabled_reason and failing_since.
type UpdateWebhookRequest struct {
	URL         *string      `json:"url,omitempty" validate:"omitempty,max=2000"`
	Description *string      `json:"description,omitempty" validate:"omitempty,max=1000"`
	EventTypes  []string     `json:"event_types,omitempty" validate:"omitempty,min=1,max=100,dive,max=100"`
	PipelineID  OptionalUUID `json:"pipeline_id" swaggertype:"string" format:"uuid" extensions:"x-nullable"`
	OwnerID     OptionalUUID `json:"owner_id" swaggertype:"string" format:"uuid" extensions:"x-nullable"`
	Enabled     *bool        `json:"enabled,omitempty"`
} // @name UpdateWebhookRequest

// WebhookEventType documents one event type.
type WebhookEventType struct {
	Type        string `json:"type" example:"quote.signed"`
	Description string `json:"description"`
	// Example is the data of an example delivery of this type.
	Example json.RawMessage `json:"example" swaggertype:"object"`
} // @name WebhookEventType

// WebhookEventTypeList lists every event type.
type WebhookEventTypeList struct {
	Data []WebhookEventType `json:"data"`
} // @name WebhookEventTypeList

// WebhookDelivery is one attempt to deliver an event.
type WebhookDelivery struct {
	ID        uuid.UUID `json:"id"`
	MessageID uuid.UUID `json:"message_id"`
	// EventID is the webhook-id header's value.
	EventID   uuid.UUID `json:"event_id"`
	EventType string    `json:"event_type" example:"quote.signed"`
	Attempt   int       `json:"attempt" example:"1"`
	Trigger   string    `json:"trigger" enums:"event,retry,redeliver,replay,test"`
	Succeeded bool      `json:"succeeded"`
	// StatusCode is the receiver's answer; null when none came (refused
	// address, timeout, connection error).
	StatusCode *int   `json:"status_code" extensions:"x-nullable" example:"200"`
	DurationMS int    `json:"duration_ms" example:"84"`
	Error      string `json:"error"`
	// Response is the first 1 KiB of the answer's body.
	Response  string    `json:"response"`
	CreatedAt time.Time `json:"created_at"`
} // @name WebhookDelivery

// WebhookDeliveryList is a page of attempts, newest first.
type WebhookDeliveryList struct {
	Data       []WebhookDelivery `json:"data"`
	NextCursor *string           `json:"next_cursor" extensions:"x-nullable"`
} // @name WebhookDeliveryList

// WebhookMessage is an event queued for a webhook.
type WebhookMessage struct {
	ID       uuid.UUID `json:"id"`
	EventID  uuid.UUID `json:"event_id"`
	Status   string    `json:"status" enums:"pending,delivered,failed"`
	Attempts int       `json:"attempts"`
} // @name WebhookMessage

// WebhookReplay says how many events a replay queued.
type WebhookReplay struct {
	Queued int `json:"queued" example:"12"`
} // @name WebhookReplay

func toWebhook(w webhooks.Subscription) Webhook {
	out := Webhook{ID: w.ID, URL: w.URL, Description: w.Description, EventTypes: w.EventTypes, PipelineID: w.PipelineID,
		OwnerID: w.OwnerID, Enabled: w.Enabled, DisabledReason: w.DisabledReason, FailingSince: w.FailingSince,
		CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
	if w.PreviousSecret != "" {
		out.PreviousSecretExpiresAt = w.PreviousUntil
	}
	return out
}

func toWebhookDelivery(d webhooks.Delivery) WebhookDelivery {
	return WebhookDelivery{ID: d.ID, MessageID: d.MessageID, EventID: d.EventID, EventType: string(d.EventType),
		Attempt: d.Attempt, Trigger: string(d.Trigger), Succeeded: d.Succeeded, StatusCode: d.StatusCode,
		DurationMS: int(d.Duration.Milliseconds()), Error: d.Error, Response: d.Response, CreatedAt: d.CreatedAt}
}

func toWebhookMessage(m webhooks.Message) WebhookMessage {
	return WebhookMessage{ID: m.ID, EventID: m.EventID, Status: m.Status, Attempts: m.Attempts}
}

// exampleNow is the moment the event types' examples are shown at.
var exampleNow = time.Date(2026, 3, 12, 9, 0, 0, 0, time.UTC)

func toWebhookEventType(d events.Definition) WebhookEventType {
	payload, _ := json.Marshal(d.Example)
	var object []byte
	if obj, ok := EventObject(d.Subject, exampleNow, "Europe/Stockholm"); ok {
		object, _ = json.Marshal(obj)
	}
	return WebhookEventType{Type: string(d.Type), Description: d.Description, Example: webhooks.Data(object, payload)}
}

// listWebhookEventTypes godoc
//
//	@Summary		List the webhook event types
//	@Description	Every type a webhook can subscribe to, with what it means and an example of its data, generated from the definitions the deliveries are made from. A delivery's body is {"type", "timestamp", "data"}.
//	@Tags			webhooks
//	@ID				listWebhookEventTypes
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	WebhookEventTypeList
//	@Router			/api/v1/webhook-event-types [get]
func (s *Server) listWebhookEventTypes(c echo.Context) error {
	return c.JSON(http.StatusOK, WebhookEventTypeList{Data: mapSlice(s.webhooks.Types(), toWebhookEventType)})
}

// listWebhooks godoc
//
//	@Summary	List webhooks (admins)
//	@Tags		webhooks
//	@ID			listWebhooks
//	@Produce	json
//	@Security	BearerAuth
//	@Param		limit	query		int		false	"Page size (1-200, default 50)"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Success	200		{object}	WebhookList
//	@Failure	403		{object}	Problem	"Not an admin"
//	@Router		/api/v1/webhooks [get]
func (s *Server) listWebhooks(c echo.Context) error {
	req, err := s.pageRequest(c, "created_at")
	if err != nil {
		return err
	}
	p, err := s.webhooks.Subscriptions(c.Request().Context(), req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, WebhookList{Data: mapSlice(p.Items, toWebhook), NextCursor: s.nextCursor(req, p.Next)})
}

// createWebhook godoc
//
//	@Summary		Subscribe a URL to events (admins)
//	@Description	url must be https (plain http only for hosts the operator allowed) without user-info; addresses in loopback, private, link-local, multicast and other internal ranges are refused, here and again at every connection. event_types are types of GET /webhook-event-types, or ["*"] for all. pipeline_id and owner_id narrow to events about opportunities of that pipeline or owner. The signing secret is in this answer only.
//	@Tags			webhooks
//	@ID				createWebhook
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		CreateWebhookRequest	true	"Subscription"
//	@Success		201		{object}	WebhookWithSecret
//	@Failure		403		{object}	Problem	"Not an admin"
//	@Failure		422		{object}	Problem	"Invalid URL, event type or filter"
//	@Router			/api/v1/webhooks [post]
func (s *Server) createWebhook(c echo.Context) error {
	var req CreateWebhookRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	w, err := s.webhooks.Create(c.Request().Context(), webhooks.NewSubscription{URL: req.URL, Description: req.Description,
		EventTypes: req.EventTypes, PipelineID: req.PipelineID, OwnerID: req.OwnerID, Enabled: req.Enabled})
	if err != nil {
		return err
	}
	return createdAt(c, "/api/v1/webhooks/"+w.ID.String(), WebhookWithSecret{Webhook: toWebhook(w), Secret: w.Secret})
}

// getWebhook godoc
//
//	@Summary	Get a webhook (admins)
//	@Tags		webhooks
//	@ID			getWebhook
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"Webhook id"	format(uuid)
//	@Success	200	{object}	Webhook
//	@Failure	403	{object}	Problem	"Not an admin"
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/webhooks/{id} [get]
func (s *Server) getWebhook(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	w, err := s.webhooks.Subscription(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toWebhook(w))
}

// updateWebhook godoc
//
//	@Summary	Change a webhook (admins)
//	@Tags		webhooks
//	@ID			updateWebhook
//	@Accept		json
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id		path		string					true	"Webhook id"	format(uuid)
//	@Param		body	body		UpdateWebhookRequest	true	"Fields to change"
//	@Success	200		{object}	Webhook
//	@Failure	403		{object}	Problem	"Not an admin"
//	@Failure	404		{object}	Problem
//	@Failure	422		{object}	Problem
//	@Router		/api/v1/webhooks/{id} [patch]
func (s *Server) updateWebhook(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req UpdateWebhookRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	p := webhooks.Patch{URL: req.URL, Description: req.Description, EventTypes: req.EventTypes, Enabled: req.Enabled,
		PipelineID: req.PipelineID.Value, ClearPipeline: req.PipelineID.Set && req.PipelineID.Value == nil,
		OwnerID: req.OwnerID.Value, ClearOwner: req.OwnerID.Set && req.OwnerID.Value == nil}
	w, err := s.webhooks.Update(c.Request().Context(), id, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toWebhook(w))
}

// deleteWebhook godoc
//
//	@Summary	Delete a webhook and its delivery log (admins)
//	@Tags		webhooks
//	@ID			deleteWebhook
//	@Security	BearerAuth
//	@Param		id	path	string	true	"Webhook id"	format(uuid)
//	@Success	204
//	@Failure	403	{object}	Problem	"Not an admin"
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/webhooks/{id} [delete]
func (s *Server) deleteWebhook(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.webhooks.Delete(c.Request().Context(), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// rotateWebhookSecret godoc
//
//	@Summary		Issue a new signing secret (admins)
//	@Description	The new secret is in this answer only. For 24 hours deliveries carry two signatures, one with the old secret and one with the new, so that the receiver can switch without losing events.
//	@Tags			webhooks
//	@ID				rotateWebhookSecret
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"Webhook id"	format(uuid)
//	@Success		200	{object}	WebhookWithSecret
//	@Failure		403	{object}	Problem	"Not an admin"
//	@Failure		404	{object}	Problem
//	@Router			/api/v1/webhooks/{id}/rotate-secret [post]
func (s *Server) rotateWebhookSecret(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	w, err := s.webhooks.RotateSecret(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, WebhookWithSecret{Webhook: toWebhook(w), Secret: w.Secret})
}

// testWebhook godoc
//
//	@Summary		Send a webhook.ping event (admins)
//	@Description	Queues a webhook.ping delivery to this webhook only, enabled or not; its attempt shows in the deliveries. It is not retried.
//	@Tags			webhooks
//	@ID				testWebhook
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"Webhook id"	format(uuid)
//	@Success		202	{object}	WebhookMessage
//	@Failure		403	{object}	Problem	"Not an admin"
//	@Failure		404	{object}	Problem
//	@Router			/api/v1/webhooks/{id}/test [post]
func (s *Server) testWebhook(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	m, err := s.webhooks.Test(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, toWebhookMessage(m))
}

// replayWebhook godoc
//
//	@Summary		Send every matching event since a time again (admins)
//	@Description	Queues every event since since (at most 30 days back, at most 10 000 events) that the webhook's types and filters match, oldest first, each with its original webhook-id so that receivers deduplicate. A disabled webhook is 409: enable it first.
//	@Tags			webhooks
//	@ID				replayWebhook
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string	true	"Webhook id"	format(uuid)
//	@Param			since	query		string	true	"RFC 3339 time"	format(date-time)
//	@Success		202		{object}	WebhookReplay
//	@Failure		403		{object}	Problem	"Not an admin"
//	@Failure		404		{object}	Problem
//	@Failure		409		{object}	Problem	"The webhook is disabled"
//	@Failure		422		{object}	Problem	"since is missing, malformed or too old"
//	@Router			/api/v1/webhooks/{id}/replay [post]
func (s *Server) replayWebhook(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.webhooks.Subscription(c.Request().Context(), id); err != nil {
		return err
	}
	since, err := time.Parse(time.RFC3339Nano, c.QueryParam("since"))
	if err != nil {
		return errs.Field("since", "required: an RFC 3339 time such as 2026-03-01T00:00:00Z")
	}
	n, err := s.webhooks.Replay(c.Request().Context(), id, since)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, WebhookReplay{Queued: n})
}

// listWebhookDeliveries godoc
//
//	@Summary	List a webhook's delivery attempts, newest first (admins)
//	@Tags		webhooks
//	@ID			listWebhookDeliveries
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id		path		string	true	"Webhook id"	format(uuid)
//	@Param		limit	query		int		false	"Page size (1-200, default 50)"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Success	200		{object}	WebhookDeliveryList
//	@Failure	403		{object}	Problem	"Not an admin"
//	@Failure	404		{object}	Problem
//	@Router		/api/v1/webhooks/{id}/deliveries [get]
func (s *Server) listWebhookDeliveries(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	req, err := s.pageRequest(c, "created_at")
	if err != nil {
		return err
	}
	p, err := s.webhooks.Deliveries(c.Request().Context(), id, req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, WebhookDeliveryList{Data: mapSlice(p.Items, toWebhookDelivery), NextCursor: s.nextCursor(req, p.Next)})
}

// redeliverWebhook godoc
//
//	@Summary		Deliver an attempt's event again, now (admins)
//	@Description	Queues a new attempt of the event with the same webhook-id. A disabled webhook is 409: enable it first.
//	@Tags			webhooks
//	@ID				redeliverWebhook
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path		string	true	"Webhook id"	format(uuid)
//	@Param			delivery_id	path		string	true	"Delivery id"	format(uuid)
//	@Success		202			{object}	WebhookMessage
//	@Failure		403			{object}	Problem	"Not an admin"
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem	"The webhook is disabled"
//	@Router			/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver [post]
func (s *Server) redeliverWebhook(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	did, err := pathID(c, "delivery_id")
	if err != nil {
		return err
	}
	m, err := s.webhooks.Redeliver(c.Request().Context(), id, did)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, toWebhookMessage(m))
}
