package activity

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/mail"
	"github.com/acme/crm/internal/page"
	"github.com/acme/crm/internal/tenant"
)

// EmailStatus is where an e-mail is on its way out.
type EmailStatus string

// The states of an e-mail. Queued moves to sent or failed exactly once;
// not_configured stays (the product had no SMTP server when it was written).
const (
	EmailQueued        EmailStatus = "queued"
	EmailSent          EmailStatus = "sent"
	EmailFailed        EmailStatus = "failed"
	EmailNotConfigured EmailStatus = "not_configured"
)

// EmailPurpose says whom an e-mail is for.
type EmailPurpose string

// The purposes of e-mails: to the customer (on the opportunity's timeline
// and list), or the product's own notification to a user.
const (
	PurposeCustomer     EmailPurpose = "customer"
	PurposeNotification EmailPurpose = "notification"
)

// EventEmail is the timeline event of an e-mail written on an opportunity.
const EventEmail = "email"

// Email is a message to the customer about an opportunity, as stored in
// the outbox.
type Email struct {
	ID            uuid.UUID
	OpportunityID uuid.UUID
	// SenderID is the user who wrote it; nil for the product's own
	// e-mails to its users (notifications).
	SenderID      *uuid.UUID
	Purpose       EmailPurpose
	From          mail.Address
	ReplyTo       string
	To, Cc        []string
	Subject, Body string
	Attachments   []EmailAttachment
	Status        EmailStatus
	MessageID     string // set when sent: the Message-ID header
	Error         string // set when failed: why
	Attempts      int
	SentAt        *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// EmailAttachment is an attachment of the opportunity sent with an e-mail.
type EmailAttachment struct {
	ID          uuid.UUID
	FileName    string
	ContentType string
	Size        int64
}

// NewEmail is what a user writes.
type NewEmail struct {
	To, Cc        []string
	Subject, Body string
	AttachmentIDs []uuid.UUID
}

// EmailStore persists e-mails, scoped to the context's workspace.
type EmailStore interface {
	WithTx(ctx context.Context, fn func(ctx context.Context) error) error
	OpportunityExists(ctx context.Context, id uuid.UUID) error
	CreateEmail(ctx context.Context, e Email) error
	Email(ctx context.Context, id uuid.UUID) (Email, error)
	// Emails lists an opportunity's e-mails newest first.
	Emails(ctx context.Context, opportunityID uuid.UUID, req page.Request) (page.Page[Email], error)
	// SaveEmailStatus writes status, message id, error, attempts and sent_at.
	SaveEmailStatus(ctx context.Context, e Email) error
}

// Outbox enqueues the delivery of a stored e-mail in the transaction
// carried by ctx, so that the row and its job commit together.
type Outbox interface {
	EnqueueEmail(ctx context.Context, workspaceID, emailID uuid.UUID) error
}

// MailSender delivers one message and returns its Message-ID
// (mail.SMTP fulfils it).
type MailSender interface {
	Send(ctx context.Context, m mail.Message) (string, error)
}

// AttachmentFiles reads an opportunity's attachments (Attachments fulfils it).
type AttachmentFiles interface {
	Attachment(ctx context.Context, id uuid.UUID) (Attachment, error)
	Open(ctx context.Context, id uuid.UUID) (Attachment, io.ReadCloser, error)
}

// Users names the sender (identity.Service fulfils it).
type Users interface {
	User(ctx context.Context, id uuid.UUID) (identity.User, error)
}

// EmailsConfig wires the e-mail service.
type EmailsConfig struct {
	Store       EmailStore
	Attachments AttachmentFiles
	Users       Users
	// Sender and Outbox are nil when no SMTP server is configured: e-mails
	// are then stored with status not_configured and nothing is enqueued.
	Sender MailSender
	Outbox Outbox
	// FromEmail is the envelope and From address of every e-mail; the
	// sending user's name is its display name and their address the
	// Reply-To, so that answers reach them while SPF and DKIM stay the
	// product's.
	FromEmail string
	Now       func() time.Time
}

// Emails is the product's one way to send e-mail to customers: it stores
// the message in the outbox and delivers it through a job.
type Emails struct{ cfg EmailsConfig }

// NewEmails returns the e-mail service.
func NewEmails(cfg EmailsConfig) *Emails {
	cfg.Now = clock(cfg.Now)
	return &Emails{cfg: cfg}
}

// Configured reports whether e-mails are delivered (an SMTP server is set).
func (s *Emails) Configured() bool { return s.cfg.Sender != nil && s.cfg.Outbox != nil }

// Send stores the caller's e-mail about an opportunity and enqueues its
// delivery in the same transaction. Errors: NotFound for a missing
// opportunity; Invalid naming to[i], cc[i], subject, body or
// attachment_ids for an invalid address, a line break in a header field,
// or an attachment that is not the opportunity's.
func (s *Emails) Send(ctx context.Context, opportunityID uuid.UUID, in NewEmail) (Email, error) {
	p, err := identity.Caller(ctx)
	if err != nil {
		return Email{}, err
	}
	if err := s.cfg.Store.OpportunityExists(ctx, opportunityID); err != nil {
		return Email{}, err
	}
	user, err := s.cfg.Users.User(ctx, p.UserID)
	if err != nil {
		return Email{}, fmt.Errorf("load sender: %w", err)
	}
	now := exactTime(s.cfg.Now())
	e := Email{ID: newID(), OpportunityID: opportunityID, SenderID: &p.UserID, Purpose: PurposeCustomer,
		From: mail.Address{Name: user.Name, Email: s.cfg.FromEmail}, ReplyTo: user.Email,
		To: trimAll(in.To), Cc: trimAll(in.Cc), Subject: strings.TrimSpace(in.Subject), Body: in.Body,
		Status: EmailNotConfigured, CreatedAt: now, UpdatedAt: now}
	if e.Attachments, err = s.attachments(ctx, opportunityID, in.AttachmentIDs); err != nil {
		return Email{}, err
	}
	if err := checkEmail(e); err != nil {
		return Email{}, err
	}
	return e, s.store(ctx, &e)
}

// store writes e to the outbox and enqueues its delivery, in one
// transaction; without an SMTP server it stays there as not_configured.
func (s *Emails) store(ctx context.Context, e *Email) error {
	if !s.Configured() {
		return s.cfg.Store.CreateEmail(ctx, *e)
	}
	ws, ok := tenant.From(ctx)
	if !ok {
		return errors.New("store e-mail: no workspace in the context")
	}
	e.Status = EmailQueued
	return s.cfg.Store.WithTx(ctx, func(ctx context.Context) error {
		if err := s.cfg.Store.CreateEmail(ctx, *e); err != nil {
			return err
		}
		return s.cfg.Outbox.EnqueueEmail(ctx, ws, e.ID)
	})
}

// NotificationEmail is one of the product's own e-mails to a user.
type NotificationEmail struct {
	OpportunityID uuid.UUID
	To            string
	Subject, Body string
}

// Notify writes a notification e-mail to a user into the outbox, in the
// context's transaction: From the product's address, no sending user, and
// kept off the opportunity's e-mails and timeline.
func (s *Emails) Notify(ctx context.Context, n NotificationEmail) error {
	now := exactTime(s.cfg.Now())
	e := Email{ID: newID(), OpportunityID: n.OpportunityID, Purpose: PurposeNotification,
		From: mail.Address{Name: "CRM", Email: s.cfg.FromEmail}, To: []string{n.To}, Cc: []string{}, Attachments: []EmailAttachment{},
		Subject: n.Subject, Body: n.Body, Status: EmailNotConfigured, CreatedAt: now, UpdatedAt: now}
	if err := checkEmail(e); err != nil {
		return fmt.Errorf("notification e-mail: %w", err)
	}
	return s.store(ctx, &e)
}

// attachments resolves ids to the opportunity's attachments: Invalid
// naming attachment_ids for an unknown id or another opportunity's.
func (s *Emails) attachments(ctx context.Context, opportunityID uuid.UUID, ids []uuid.UUID) ([]EmailAttachment, error) {
	out := make([]EmailAttachment, 0, len(ids))
	for i, id := range ids {
		a, err := s.cfg.Attachments.Attachment(ctx, id)
		if errs.Is(err, errs.NotFound) || (err == nil && a.OpportunityID != opportunityID) {
			return nil, errs.Field(fmt.Sprintf("attachment_ids[%d]", i), "is not an attachment of this opportunity")
		}
		if err != nil {
			return nil, err
		}
		out = append(out, EmailAttachment{ID: a.ID, FileName: a.FileName, ContentType: a.ContentType, Size: a.Size})
	}
	return out, nil
}

// checkEmail validates e as the mail package will send it, naming the
// request's fields (to[0] rather than to[0].email).
func checkEmail(e Email) error {
	var fields []errs.FieldError
	if len(e.To) == 0 {
		fields = append(fields, errs.FieldError{Field: "to", Message: "needs at least one address"})
	}
	if strings.TrimSpace(e.Body) == "" {
		fields = append(fields, errs.FieldError{Field: "body", Message: "is required"})
	}
	if e.Subject == "" {
		fields = append(fields, errs.FieldError{Field: "subject", Message: "is required"})
	}
	if err := message(e, nil).Validate(); err != nil {
		ee, ok := errs.As(err)
		if !ok {
			return err
		}
		for _, f := range ee.Fields {
			f.Field = strings.TrimSuffix(f.Field, ".email")
			if f.Field == "text" {
				f.Field = "body"
			}
			if !slices.ContainsFunc(fields, func(g errs.FieldError) bool { return g.Field == f.Field }) {
				fields = append(fields, f)
			}
		}
	}
	return errs.Fields("invalid e-mail", fields...)
}

// message builds the mail to send; attachments' content is files.
func message(e Email, files []mail.Attachment) mail.Message {
	m := mail.Message{From: e.From, Subject: e.Subject, Text: e.Body, Attachments: files,
		Headers: map[string]string{"X-CRM-Email-ID": e.ID.String()}}
	if e.ReplyTo != "" {
		m.ReplyTo = &mail.Address{Email: e.ReplyTo}
	}
	for _, a := range e.To {
		m.To = append(m.To, mail.Address{Email: a})
	}
	for _, a := range e.Cc {
		m.Cc = append(m.Cc, mail.Address{Email: a})
	}
	return m
}

func trimAll(ss []string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

// Email returns one e-mail.
func (s *Emails) Email(ctx context.Context, id uuid.UUID) (Email, error) {
	return s.cfg.Store.Email(ctx, id)
}

// List lists an opportunity's e-mails newest first (NotFound when the
// opportunity is missing).
func (s *Emails) List(ctx context.Context, opportunityID uuid.UUID, req page.Request) (page.Page[Email], error) {
	if err := s.cfg.Store.OpportunityExists(ctx, opportunityID); err != nil {
		return page.Page[Email]{}, err
	}
	return s.cfg.Store.Emails(ctx, opportunityID, req)
}

// Deliver sends a queued e-mail; the job queue calls it. It returns nil
// when the e-mail is done with (sent, failed for good, or not queued any
// more, so a repeated job sends nothing), and the send error when a retry
// may succeed. On the last attempt a temporary failure is recorded as
// failed too.
func (s *Emails) Deliver(ctx context.Context, workspaceID, id uuid.UUID, lastAttempt bool) error {
	if s.cfg.Sender == nil {
		return errors.New("deliver e-mail: no SMTP server configured")
	}
	ctx = tenant.With(ctx, workspaceID)
	e, err := s.cfg.Store.Email(ctx, id)
	if err != nil {
		return fmt.Errorf("load e-mail %s: %w", id, err)
	}
	if e.Status != EmailQueued {
		return nil
	}
	files, err := s.files(ctx, e)
	if err != nil {
		return err
	}
	e.Attempts++
	msgID, sendErr := s.cfg.Sender.Send(ctx, message(e, files))
	e.UpdatedAt = exactTime(s.cfg.Now())
	switch {
	case sendErr == nil:
		e.Status, e.MessageID, e.Error, e.SentAt = EmailSent, msgID, "", &e.UpdatedAt
	case mail.IsPermanent(sendErr) || lastAttempt:
		e.Status, e.Error = EmailFailed, sendErr.Error()
	default:
		e.Error = sendErr.Error()
	}
	if err := s.cfg.Store.SaveEmailStatus(ctx, e); err != nil {
		return fmt.Errorf("record delivery of e-mail %s: %w", id, err)
	}
	if e.Status == EmailQueued {
		return sendErr
	}
	return nil
}

// files reads the content of an e-mail's attachments.
func (s *Emails) files(ctx context.Context, e Email) ([]mail.Attachment, error) {
	out := make([]mail.Attachment, 0, len(e.Attachments))
	for _, ea := range e.Attachments {
		a, rc, err := s.cfg.Attachments.Open(ctx, ea.ID)
		if err != nil {
			return nil, fmt.Errorf("open attachment %s: %w", ea.ID, err)
		}
		data, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			return nil, fmt.Errorf("read attachment %s: %w", ea.ID, err)
		}
		out = append(out, mail.Attachment{Name: a.FileName, ContentType: a.ContentType, Data: data})
	}
	return out, nil
}
