package api

import (
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/activity"
)

func (s *Server) registerEmailRoutes(g routes) {
	g.GET("/opportunities/:id/emails", s.listEmails)
	g.POST("/opportunities/:id/emails", s.sendEmail)
	g.GET("/emails/:id", s.getEmail)
}

// Email is a message to the customer about an opportunity, as stored in the
// outbox.
type Email struct {
	ID            uuid.UUID `json:"id"`
	OpportunityID uuid.UUID `json:"opportunity_id"`
	// SenderID is the user who wrote it; null for the product's own
	// notification e-mails.
	SenderID *uuid.UUID `json:"sender_id" extensions:"x-nullable"`
	// From is the product's address with the sender's name; replies go to
	// the sender (ReplyTo).
	From        EmailAddress      `json:"from"`
	ReplyTo     string            `json:"reply_to" example:"anna.seller@example.com"`
	To          []string          `json:"to" example:"buyer@customer.example"`
	Cc          []string          `json:"cc"`
	Subject     string            `json:"subject" example:"Your offer"`
	Body        string            `json:"body" example:"Dear Anna, please find our offer attached."`
	Attachments []EmailAttachment `json:"attachments"`
	Status      string            `json:"status" enums:"queued,sent,failed,not_configured" example:"queued"`
	MessageID   *string           `json:"message_id" extensions:"x-nullable" example:"<1f0c…@crm.example.com>"`
	Error       *string           `json:"error" extensions:"x-nullable"`
	Attempts    int               `json:"attempts"`
	SentAt      *time.Time        `json:"sent_at" extensions:"x-nullable"`
	CreatedAt   time.Time         `json:"created_at"`
	UpdatedAt   time.Time         `json:"updated_at"`
} // @name Email

// EmailAddress is a mailbox with a display name.
type EmailAddress struct {
	Name  string `json:"name" example:"Anna Seller"`
	Email string `json:"email" example:"crm@example.com"`
} // @name EmailAddress

// EmailAttachment is an opportunity's attachment sent with an e-mail.
type EmailAttachment struct {
	ID          uuid.UUID `json:"id"`
	FileName    string    `json:"file_name" example:"offer.pdf"`
	ContentType string    `json:"content_type" example:"application/pdf"`
	Size        int64     `json:"size"`
} // @name EmailAttachment

// EmailList is a page of e-mails, newest first.
type EmailList struct {
	Data       []Email `json:"data"`
	NextCursor *string `json:"next_cursor" extensions:"x-nullable"`
} // @name EmailList

// EmailRequest writes an e-mail to the customer.
type EmailRequest struct {
	To            []string    `json:"to" validate:"required,min=1,max=50" example:"buyer@customer.example"`
	Cc            []string    `json:"cc" validate:"max=50"`
	Subject       string      `json:"subject" validate:"required" example:"Your offer"`
	Body          string      `json:"body" validate:"required,max=100000" example:"Dear Anna, please find our offer attached."`
	AttachmentIDs []uuid.UUID `json:"attachment_ids" validate:"max=20"`
} // @name EmailRequest

func toEmail(e activity.Email) Email {
	out := Email{ID: e.ID, OpportunityID: e.OpportunityID, SenderID: e.SenderID,
		From: EmailAddress{Name: e.From.Name, Email: e.From.Email}, ReplyTo: e.ReplyTo,
		To: orEmpty(e.To), Cc: orEmpty(e.Cc), Subject: e.Subject, Body: e.Body,
		Attachments: mapSlice(e.Attachments, func(a activity.EmailAttachment) EmailAttachment {
			return EmailAttachment{ID: a.ID, FileName: a.FileName, ContentType: a.ContentType, Size: a.Size}
		}),
		Status: string(e.Status), Attempts: e.Attempts, SentAt: utcp(e.SentAt),
		CreatedAt: utc(e.CreatedAt), UpdatedAt: utc(e.UpdatedAt)}
	if e.MessageID != "" {
		out.MessageID = &e.MessageID
	}
	if e.Error != "" {
		out.Error = &e.Error
	}
	return out
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// listEmails godoc
//
//	@Summary	An opportunity's e-mails, newest first
//	@Tags		emails
//	@ID			listEmails
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id		path		string	true	"Opportunity id"	format(uuid)
//	@Param		limit	query		int		false	"Page size (1-200, default 50)"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Success	200		{object}	EmailList
//	@Failure	404		{object}	Problem
//	@Router		/api/v1/opportunities/{id}/emails [get]
func (s *Server) listEmails(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	req, err := s.pageRequest(c, "created_at")
	if err != nil {
		return err
	}
	p, err := s.emails.List(c.Request().Context(), id, req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, EmailList{Data: mapSlice(p.Items, toEmail), NextCursor: s.nextCursor(req, p.Next)})
}

// sendEmail godoc
//
//	@Summary		E-mail the customer about an opportunity
//	@Description	Stores the message and answers 202 with status queued; a background job delivers it over SMTP, retrying with backoff, and sets status sent (with message_id) or failed (with error). Without a configured SMTP server the message is stored with status not_configured and not sent. From is the product's address with the caller's name; Reply-To is the caller's address. Attachments are the opportunity's, by id. 422 for an invalid address, a line break in a header field or another opportunity's attachment.
//	@Tags			emails
//	@ID				sendEmail
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string			true	"Opportunity id"	format(uuid)
//	@Param			body	body		EmailRequest	true	"The e-mail"
//	@Success		202		{object}	Email
//	@Failure		404		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/api/v1/opportunities/{id}/emails [post]
func (s *Server) sendEmail(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req EmailRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	e, err := s.emails.Send(c.Request().Context(), id, activity.NewEmail{To: req.To, Cc: req.Cc,
		Subject: req.Subject, Body: req.Body, AttachmentIDs: req.AttachmentIDs})
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/emails/"+e.ID.String())
	return c.JSON(http.StatusAccepted, toEmail(e))
}

// getEmail godoc
//
//	@Summary	One e-mail with its delivery status
//	@Tags		emails
//	@ID			getEmail
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"E-mail id"	format(uuid)
//	@Success	200	{object}	Email
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/emails/{id} [get]
func (s *Server) getEmail(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	e, err := s.emails.Email(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toEmail(e))
}
