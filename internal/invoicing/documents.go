package invoicing

import (
	"context"
	"fmt"
	"net/mail"
	"strings"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/events"
)

// PDF renders an invoice or credit note (a draft too, marked as one) and
// answers it with its file name.
func (s *Service) PDF(ctx context.Context, id uuid.UUID) ([]byte, string, error) {
	inv, err := s.store.Invoice(ctx, id)
	if err != nil {
		return nil, "", err
	}
	pdf, err := s.pdf(ctx, inv)
	return pdf, FileName(inv, "pdf"), err
}

// pdf renders inv; a draft shows today's seller and buyer.
func (s *Service) pdf(ctx context.Context, inv Invoice) ([]byte, error) {
	var logo []byte
	if inv.Snapshot == nil {
		snap, logoBytes, err := s.preview(ctx, inv)
		if err != nil {
			return nil, err
		}
		inv.Snapshot, logo = &snap, logoBytes
	} else if inv.Snapshot.Logo != "" {
		var err error
		if logo, err = s.files.Get(ctx, inv.Snapshot.Logo); err != nil {
			return nil, fmt.Errorf("invoice %s logo: %w", inv.Number, err)
		}
	}
	return s.render.PDF(inv, logo)
}

// preview is the snapshot a draft would freeze if issued now.
func (s *Service) preview(ctx context.Context, inv Invoice) (Snapshot, []byte, error) {
	set, err := s.parties.Settings(ctx)
	if err != nil {
		return Snapshot{}, nil, err
	}
	o, err := s.opps.InvoiceSource(ctx, inv.OpportunityID)
	if err != nil {
		return Snapshot{}, nil, err
	}
	seller, err := s.seller(ctx, inv.TemplateID)
	if err != nil {
		return Snapshot{}, nil, err
	}
	buyer, orgTerms, err := s.parties.Buyer(ctx, o.OrganizationID, o.PersonID)
	if err != nil {
		return Snapshot{}, nil, err
	}
	snap := Snapshot{Seller: seller.Party, Buyer: buyer, PaymentInfo: seller.Payment, Footer: seller.Footer,
		Opportunity: o.Title}
	snap.PaymentInfo.TermsDays = set.PaymentTermsDays
	if orgTerms != nil {
		snap.PaymentInfo.TermsDays = *orgTerms
	}
	return snap, seller.Logo, nil
}

// UBL returns an issued document as Peppol BIS Billing 3.0 UBL XML with
// its file name, after checking it against the EN 16931 rules: a document
// that breaks any (a seller without a VAT number, a buyer without a
// country…) is errs.Invalid listing each rule and why. A draft is
// errs.Conflict.
func (s *Service) UBL(ctx context.Context, id uuid.UUID) ([]byte, string, error) {
	inv, err := s.store.Invoice(ctx, id)
	if err != nil {
		return nil, "", err
	}
	xml, err := ubl(inv)
	return xml, FileName(inv, "xml"), err
}

func ubl(inv Invoice) ([]byte, error) {
	u, err := BuildUBL(inv)
	if err != nil {
		return nil, err
	}
	if err := Invalid(Check(u)); err != nil {
		return nil, err
	}
	return u.Marshal()
}

// SendInput is the e-mail that sends a document. Empty To, Subject and
// Body take the defaults: the contact person's (else the customer's)
// address and the template's invoice texts (else the default texts) in the
// invoice's language.
type SendInput struct {
	To, Cc    []string
	Subject   string
	Body      string
	AttachUBL bool
}

// MaxRecipients caps the To and Cc lists.
const MaxRecipients = 10

// Send e-mails an issued invoice or credit note with its PDF (and, with
// AttachUBL, its e-invoice) attached, through the outbox; the files are
// filed on the opportunity, the e-mail shows on its timeline, sent_at is
// set and invoice.sent published, in one transaction. Sending again sends
// again (sent_at is the latest). A draft is errs.Conflict; bad recipients,
// a line break in the subject and an e-invoice that breaks a rule are
// errs.Invalid.
func (s *Service) Send(ctx context.Context, id uuid.UUID, in SendInput) (Invoice, uuid.UUID, error) {
	if err := in.check(); err != nil {
		return Invoice{}, uuid.Nil, err
	}
	var out Invoice
	var emailID uuid.UUID
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		inv, err := s.store.LockInvoice(ctx, id)
		if err != nil {
			return err
		}
		if !inv.Issued() {
			return errs.Conflictf("invoice is a draft: issue it before sending it")
		}
		e, err := s.email(ctx, inv, in)
		if err != nil {
			return err
		}
		if emailID, err = s.mailer.SendEmail(ctx, e); err != nil {
			return err
		}
		now := s.timestamp()
		inv.SentAt, inv.UpdatedAt = &now, now
		if err := s.store.SaveInvoice(ctx, inv, nil); err != nil {
			return err
		}
		if err := s.publish(ctx, events.InvoiceSent, inv, func(p *InvoiceEventPayload) { p.EmailID = &emailID }); err != nil {
			return err
		}
		out, err = s.store.Invoice(ctx, id)
		return err
	})
	return out, emailID, err
}

func (in SendInput) check() error {
	var fe []errs.FieldError
	add := func(f, m string) { fe = append(fe, errs.FieldError{Field: f, Message: m}) }
	for name, list := range map[string][]string{"to": in.To, "cc": in.Cc} {
		if len(list) > MaxRecipients {
			add(name, fmt.Sprintf("must have at most %d addresses", MaxRecipients))
		}
		for i, a := range list {
			if _, err := mail.ParseAddress(a); err != nil || strings.ContainsAny(a, "\r\n") {
				add(fmt.Sprintf("%s.%d", name, i), "must be an e-mail address")
			}
		}
	}
	if strings.ContainsAny(in.Subject, "\r\n") {
		add("subject", "must not contain line breaks")
	}
	return errs.Fields("invalid e-mail", fe...)
}

// email builds the document's e-mail with its attachments.
func (s *Service) email(ctx context.Context, inv Invoice, in SendInput) (Email, error) {
	seller, err := s.parties.Seller(ctx, inv.TemplateID)
	if err != nil && !errs.Is(err, errs.NotFound) {
		return Email{}, err
	}
	subject, body := DefaultMail(inv.Language)
	if inv.Kind == KindCreditNote {
		subject, body = creditMail(inv.Language)
	} else if seller.MailSubject != "" && seller.MailBody != "" {
		subject, body = seller.MailSubject, seller.MailBody
	}
	e := Email{OpportunityID: inv.OpportunityID, InvoiceID: inv.ID, To: in.To, Cc: in.Cc,
		Subject: strings.TrimSpace(in.Subject), Body: in.Body}
	if e.Subject == "" {
		e.Subject = strings.ReplaceAll(fill(subject, inv), "\n", " ")
	}
	if strings.TrimSpace(e.Body) == "" {
		e.Body = fill(body, inv)
	}
	if len(e.To) == 0 && inv.Snapshot.Buyer.Email != "" {
		e.To = []string{inv.Snapshot.Buyer.Email}
	}
	if len(e.To) == 0 {
		return Email{}, errs.Field("to", "needs at least one address: the customer has no e-mail address")
	}
	pdf, err := s.pdf(ctx, inv)
	if err != nil {
		return Email{}, err
	}
	e.Attachments = []Attachment{{Name: FileName(inv, "pdf"), Data: pdf}}
	if in.AttachUBL {
		x, err := ubl(inv)
		if err != nil {
			return Email{}, err
		}
		e.Attachments = append(e.Attachments, Attachment{Name: FileName(inv, "xml"), Data: x})
	}
	return e, nil
}

// LineStatus is how much of one sold line is invoiced.
type LineStatus struct {
	Line      BasisLine
	Sold      int64 // thousandths
	Invoiced  int64 // thousandths, drafts included, credit notes taken off
	Remaining int64 // thousandths; negative when over-invoiced
}

// Progress answers the basis new invoices of an opportunity take and how
// much of each of its lines is invoiced.
func (s *Service) Progress(ctx context.Context, opportunityID uuid.UUID) (Basis, []LineStatus, error) {
	o, err := s.opps.InvoiceSource(ctx, opportunityID)
	if err != nil {
		return Basis{}, nil, err
	}
	b := o.Lines
	if o.Signed != nil {
		b = *o.Signed
	}
	done, err := s.store.Invoiced(ctx, o.ID, b.Source, uuid.Nil)
	if err != nil {
		return Basis{}, nil, err
	}
	out := make([]LineStatus, len(b.Lines))
	for i, l := range b.Lines {
		sold := l.Quantity.Thousandths()
		out[i] = LineStatus{Line: l, Sold: sold, Invoiced: done[l.ID], Remaining: sold - done[l.ID]}
	}
	return b, out, nil
}
