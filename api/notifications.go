package api

import (
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/notify"
)

func (s *Server) registerNotificationRoutes(g routes) {
	g.GET("/notifications", s.listNotifications)
	g.POST("/notifications/:id/read", s.readNotification)
	g.POST("/notifications/read-all", s.readAllNotifications)
}

// Notification tells the caller what a customer (or the clock) did.
type Notification struct {
	ID uuid.UUID `json:"id"`
	// Type is the event behind it.
	Type          string     `json:"type" enums:"quote.viewed,quote.signed,quote.change_requested,quote.rejected,quote.expired,webhook.disabled"`
	Title         string     `json:"title" example:"Quote 2026-0042 signed"`
	Text          string     `json:"text"`
	QuoteID       *uuid.UUID `json:"quote_id" extensions:"x-nullable"`
	OpportunityID *uuid.UUID `json:"opportunity_id" extensions:"x-nullable"`
	EventID       uuid.UUID  `json:"event_id"`
	Read          bool       `json:"read"`
	ReadAt        *time.Time `json:"read_at" extensions:"x-nullable"`
	CreatedAt     time.Time  `json:"created_at"`
} // @name Notification

// NotificationList is a page of notifications, newest first.
type NotificationList struct {
	Data       []Notification `json:"data"`
	NextCursor *string        `json:"next_cursor" extensions:"x-nullable"`
} // @name NotificationList

// ReadAll says how many notifications were marked read.
type ReadAll struct {
	Marked int `json:"marked" example:"4"`
} // @name ReadAll

func toNotification(n notify.Notification) Notification {
	return Notification{ID: n.ID, Type: string(n.Type), Title: n.Title, Text: n.Body, QuoteID: n.QuoteID,
		OpportunityID: n.OpportunityID, EventID: n.EventID, Read: n.ReadAt != nil, ReadAt: utcp(n.ReadAt),
		CreatedAt: utc(n.CreatedAt)}
}

// listNotifications godoc
//
//	@Summary		Your notifications
//	@Description	What customers did with your opportunities' quotes (first view — then at most once a day —, signed, change requested, declined) and quotes that expired, newest first. The unread count is in GET /me.
//	@Tags			notifications
//	@ID				listNotifications
//	@Produce		json
//	@Security		BearerAuth
//	@Param			unread	query		bool	false	"Only unread ones"
//	@Param			limit	query		int		false	"Page size (1-200, default 50)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	NotificationList
//	@Router			/api/v1/notifications [get]
func (s *Server) listNotifications(c echo.Context) error {
	req, err := s.pageRequest(c, "created_at")
	if err != nil {
		return err
	}
	q := queryParams{c: c}
	unread := q.boolPtr("unread")
	if err := q.err(); err != nil {
		return err
	}
	p, err := s.notifications.List(c.Request().Context(), unread != nil && *unread, req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, NotificationList{Data: mapSlice(p.Items, toNotification), NextCursor: s.nextCursor(req, p.Next)})
}

// readNotification godoc
//
//	@Summary		Mark a notification read
//	@Description	Marking it again keeps the first time. Another user's notification is 404.
//	@Tags			notifications
//	@ID				readNotification
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"Notification id"	format(uuid)
//	@Success		200	{object}	Notification
//	@Failure		404	{object}	Problem
//	@Router			/api/v1/notifications/{id}/read [post]
func (s *Server) readNotification(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	n, err := s.notifications.MarkRead(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toNotification(n))
}

// readAllNotifications godoc
//
//	@Summary	Mark all your notifications read
//	@Tags		notifications
//	@ID			readAllNotifications
//	@Produce	json
//	@Security	BearerAuth
//	@Success	200	{object}	ReadAll
//	@Router		/api/v1/notifications/read-all [post]
func (s *Server) readAllNotifications(c echo.Context) error {
	n, err := s.notifications.MarkAllRead(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ReadAll{Marked: n})
}
