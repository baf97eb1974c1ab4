package quoting

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/audit"
	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/identity"
)

// Channel is how a quote reaches the customer.
type Channel string

// The channels of Send.
const (
	ChannelLink     Channel = "link"     // a link to paste anywhere
	ChannelDirect   Channel = "direct"   // the quote page opened on the spot, in the salesperson's presence
	ChannelDownload Channel = "download" // a PDF
	ChannelEmail    Channel = "email"    // an e-mail with the link (and the PDF)
)

// MaxRecipients caps the To and Cc lists of a quote's e-mail.
const MaxRecipients = 10

// SendInput says how to send a draft; Email is used by ChannelEmail.
type SendInput struct {
	Channel Channel
	Email   EmailInput
}

// EmailInput is the salesperson's e-mail. Empty To, Subject and Body take
// the draft's (EmailDraft); the link is appended to a body that lacks it.
type EmailInput struct {
	To, Cc    []string
	Subject   string
	Body      string
	AttachPDF bool
}

// Sent is the result of Send: the quote, the customer's link (every channel
// but download), the PDF's address (download), and the e-mail (email).
type Sent struct {
	Quote     Quote
	PublicURL string
	PDFURL    string
	EmailID   *uuid.UUID
}

// Send sends a draft with lines: the document the customer will read is
// rendered and kept (its SHA-256 on the version), the version becomes sent
// with who sent it, when and how, the opportunity moves to its pipeline's
// quote-sent phase when one is set (recorded in its phase history), and
// quote.sent is published and attested, all in one transaction. Channel
// email also writes the e-mail to the outbox with the PDF attached (as an
// attachment of the opportunity) and its River job. An unknown channel, bad
// recipients, a line break in the subject and a draft without lines are
// errs.Invalid; anything but a draft errs.Conflict naming its state.
func (s *Service) Send(ctx context.Context, id uuid.UUID, in SendInput, ifVersion *int64) (Sent, error) {
	if err := checkChannel(in); err != nil {
		return Sent{}, err
	}
	p, err := identity.Caller(ctx)
	if err != nil {
		return Sent{}, err
	}
	var out Sent
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		q, err := s.store.LockQuote(ctx, id)
		if err != nil {
			return err
		}
		if ifVersion != nil && *ifVersion != q.Version {
			return stale(q.Version)
		}
		if err := s.transition(&q, ActionSend); err != nil {
			return err
		}
		if err := q.Snapshot.Sendable(); err != nil {
			return err
		}
		token, err := s.link(&q)
		if err != nil {
			return err
		}
		q.SentAt, q.SentBy, q.SentChannel = &q.StatusChangedAt, &p.UserID, string(in.Channel)
		pdf, err := s.keepDocument(ctx, &q)
		if err != nil {
			return err
		}
		if err := s.store.SaveQuote(ctx, q); err != nil {
			return err
		}
		if err := s.advanceOpportunity(ctx, q.OpportunityID, func(src Source) *uuid.UUID { return src.QuoteSentPhaseID }); err != nil {
			return err
		}
		out = Sent{PublicURL: s.links.PageURL(token)}
		switch in.Channel {
		case ChannelDownload:
			out.PublicURL, out.PDFURL = "", s.links.PDFURL(q.ID.String())
		case ChannelEmail:
			if out.EmailID, err = s.sendEmail(ctx, q, out.PublicURL, pdf, in.Email); err != nil {
				return err
			}
		}
		if err := s.publish(ctx, events.QuoteSent, q, nil); err != nil {
			return err
		}
		sent := map[string]any{"channel": in.Channel, "document_sha256": q.DocumentSHA256, "number": q.Number,
			"revision": q.QuoteVersion}
		if out.EmailID != nil {
			sent["email_id"] = *out.EmailID
		}
		if err := s.record(ctx, q, audit.Send, sent); err != nil {
			return err
		}
		out.Quote, err = s.Quote(ctx, id)
		return err
	})
	return out, err
}

func checkChannel(in SendInput) error {
	switch in.Channel {
	case ChannelLink, ChannelDirect, ChannelDownload:
		return nil
	case ChannelEmail:
		return in.Email.check()
	}
	return errs.Field("channel", "must be one of: link, direct, download, email")
}

// check validates the recipients' count and the subject's single line; the
// addresses themselves are checked by the mailer.
func (in EmailInput) check() error {
	var fe []errs.FieldError
	if len(in.To) > MaxRecipients {
		fe = append(fe, errs.FieldError{Field: "to", Message: fmt.Sprintf("must have at most %d addresses", MaxRecipients)})
	}
	if len(in.Cc) > MaxRecipients {
		fe = append(fe, errs.FieldError{Field: "cc", Message: fmt.Sprintf("must have at most %d addresses", MaxRecipients)})
	}
	if strings.ContainsAny(in.Subject, "\r\n") {
		fe = append(fe, errs.FieldError{Field: "subject", Message: "must not contain line breaks"})
	}
	return errs.Fields("invalid e-mail", fe...)
}

// keepDocument renders the version's PDF, keeps it among the files and
// names it on q; the customer downloads exactly these bytes and signs
// their hash.
func (s *Service) keepDocument(ctx context.Context, q *Quote) ([]byte, error) {
	pdf, err := s.renderer.PDF(*q)
	if err != nil {
		return nil, err
	}
	if q.DocumentSHA256, err = s.files.Put(ctx, pdf); err != nil {
		return nil, fmt.Errorf("keep quote %s document: %w", q.Number, err)
	}
	return pdf, nil
}

// sendEmail writes the quote's e-mail to the outbox: the draft's subject,
// body and recipients where the salesperson gave none, the link appended to
// a body without it, and the PDF filed on the opportunity and attached.
func (s *Service) sendEmail(ctx context.Context, q Quote, link string, pdf []byte, in EmailInput) (*uuid.UUID, error) {
	d, err := s.draft(ctx, q, link)
	if err != nil {
		return nil, err
	}
	e := Email{OpportunityID: q.OpportunityID, To: in.To, Cc: in.Cc, Subject: in.Subject, Body: in.Body}
	if len(e.To) == 0 {
		e.To = d.To
	}
	if len(e.To) == 0 {
		return nil, errs.Field("to", "needs at least one address: the quote's contact has no e-mail address")
	}
	if strings.TrimSpace(e.Subject) == "" {
		e.Subject = d.Subject
	}
	if strings.TrimSpace(e.Body) == "" {
		e.Body = d.Body
	}
	if !strings.Contains(e.Body, link) {
		e.Body = strings.TrimRight(e.Body, "\n") + "\n\n" + link + "\n"
	}
	if in.AttachPDF {
		f, err := s.filing.File(ctx, Document{OpportunityID: q.OpportunityID, QuoteID: q.ID, FileName: documentName(q, ""), Data: pdf})
		if err != nil {
			return nil, err
		}
		e.AttachmentID = &f.AttachmentID
	}
	id, err := s.mailer.SendEmail(ctx, e)
	if err != nil {
		return nil, err
	}
	return &id, nil
}

// documentName is the file name of a version's PDF ("quote-2026-0042-v2.pdf").
func documentName(q Quote, suffix string) string {
	return "quote-" + q.Number + "-v" + strconv.Itoa(q.QuoteVersion) + suffix + ".pdf"
}

// DocumentName is the file name of a version's PDF.
func DocumentName(q Quote) string { return documentName(q, "") }

// Draft is the e-mail that sends a quote, as the salesperson starts from.
type Draft struct {
	To, Cc        []string
	Subject, Body string
	Link          string
}

// EmailDraft returns the e-mail of a quote version: its template's subject
// and body (the default texts of the quote's language when the template
// is gone) with the placeholders filled in, addressed to the contact
// person (else the customer). The link is the one the customer will get.
func (s *Service) EmailDraft(ctx context.Context, id uuid.UUID) (Draft, error) {
	q, err := s.store.Quote(ctx, id)
	if err != nil {
		return Draft{}, err
	}
	return s.draft(ctx, q, s.links.URL(q))
}

func (s *Service) draft(ctx context.Context, q Quote, link string) (Draft, error) {
	texts := DefaultTexts(q.Snapshot.Language)
	if q.TemplateID != nil {
		t, err := s.store.Template(ctx, *q.TemplateID)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return Draft{}, err
		}
		if err == nil && t.Texts.EmailSubject != "" && t.Texts.EmailBody != "" {
			texts = t.Texts
		}
	}
	v := q.Snapshot.PlaceholderValues(q.Number, link, q.ValidUntil)
	subject, err := RenderSubject(texts.EmailSubject, v)
	if err != nil {
		return Draft{}, err
	}
	body, err := RenderPlaceholders(texts.EmailBody, v)
	if err != nil {
		return Draft{}, err
	}
	d := Draft{Subject: subject, Body: body, Link: link, To: []string{}, Cc: []string{}}
	switch {
	case q.Snapshot.Contact.Email != "":
		d.To = append(d.To, q.Snapshot.Contact.Email)
	case q.Snapshot.Customer.Email != "":
		d.To = append(d.To, q.Snapshot.Customer.Email)
	}
	return d, nil
}

// advanceOpportunity moves the opportunity to the phase that phase picks
// from its pipeline, if there is one; moved says whether it moved.
func (s *Service) advanceOpportunity(ctx context.Context, opportunityID uuid.UUID, phase func(Source) *uuid.UUID) error {
	_, err := s.moveOpportunity(ctx, opportunityID, phase)
	return err
}

func (s *Service) moveOpportunity(ctx context.Context, opportunityID uuid.UUID, phase func(Source) *uuid.UUID) (bool, error) {
	src, err := s.opps.QuoteSource(ctx, opportunityID)
	if err != nil {
		return false, err
	}
	target := phase(src)
	if target == nil || !src.Open {
		return false, nil
	}
	return s.opps.MoveToPhase(ctx, opportunityID, *target)
}
