package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/api"
	"github.com/acme/crm/internal/activity"
	"github.com/acme/crm/internal/blob"
	"github.com/acme/crm/internal/jobs"
	"github.com/acme/crm/internal/notify"
	"github.com/acme/crm/internal/quotedoc"
	"github.com/acme/crm/internal/quoting"
	"github.com/acme/crm/internal/render"
	"github.com/acme/crm/internal/sales"
)

// quoteRenderer renders quotes through quotedoc's view model.
type quoteRenderer struct{}

func (quoteRenderer) PDF(q quoting.Quote) ([]byte, error) { return render.PDF(quotedoc.Document(q)) }

func (quoteRenderer) HTML(q quoting.Quote) ([]byte, error) {
	var buf bytes.Buffer
	err := render.HTML(&buf, quotedoc.Document(q))
	return buf.Bytes(), err
}

// customerPages renders the customer's pages for the HTTP layer.
type customerPages struct{}

func (customerPages) Quote(v quoting.Visit, base, nonce string, form *api.PageForm) ([]byte, error) {
	var f *quotedoc.PageForm
	if form != nil {
		f = &quotedoc.PageForm{Values: render.FormValues(form.Values), Errors: form.Errors, Error: form.Error}
	}
	return page(quotedoc.CustomerPage(v, base, nonce, f))
}

func (customerPages) NotFound(nonce string) ([]byte, error) {
	return page(quotedoc.NotFoundPage(nonce))
}

func (customerPages) TooMany(nonce string) ([]byte, error) { return page(quotedoc.TooManyPage(nonce)) }

func page(p render.CustomerPage) ([]byte, error) {
	var buf bytes.Buffer
	err := render.CustomerHTML(&buf, p)
	return buf.Bytes(), err
}

func (quoteRenderer) SignedPDF(q quoting.Quote, document []byte, c quoting.Certificate) ([]byte, error) {
	return render.SignedPDF(document, quotedoc.Certificate(q, c))
}

// blobFiles keeps quote documents in the blob store.
type blobFiles struct{ blobs blob.Store }

func (f blobFiles) Put(ctx context.Context, data []byte) (string, error) {
	info, err := f.blobs.Put(ctx, bytes.NewReader(data))
	return info.Key, err
}

func (f blobFiles) Get(ctx context.Context, key string) ([]byte, error) {
	rc, err := f.blobs.Open(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("open document %s: %w", key, err)
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// quoteFiling files quote documents among the opportunity's attachments.
type quoteFiling struct{ attachments *activity.Attachments }

func (f quoteFiling) File(ctx context.Context, d quoting.Document) (quoting.Filed, error) {
	src := activity.SourceQuote
	if d.Signed {
		src = activity.SourceSignedQuote
	}
	a, err := f.attachments.AddDocument(ctx, d.OpportunityID, d.QuoteID, d.FileName, d.Data, src)
	return quoting.Filed{AttachmentID: a.ID, SHA256: a.SHA256}, err
}

// quoteMailer sends quotes' e-mails through the outbox.
type quoteMailer struct{ emails *activity.Emails }

func (m quoteMailer) SendEmail(ctx context.Context, e quoting.Email) (uuid.UUID, error) {
	in := activity.NewEmail{To: e.To, Cc: e.Cc, Subject: e.Subject, Body: e.Body}
	if e.AttachmentID != nil {
		in.AttachmentIDs = []uuid.UUID{*e.AttachmentID}
	}
	sent, err := m.emails.Send(ctx, e.OpportunityID, in)
	return sent.ID, err
}

// expiryInterval is how often the expiry job looks for lapsed quotes.
const expiryInterval = 5 * time.Minute

// expireQuotesArgs is the periodic expire_quotes job.
type expireQuotesArgs struct{}

func (expireQuotesArgs) Kind() string { return "expire_quotes" }

// registerExpiry runs the quote expiry every few minutes on the leader.
func registerExpiry(q *jobs.Queue, quotes *quoting.Service) {
	jobs.Register(q, func(ctx context.Context, _ expireQuotesArgs, _ jobs.Attempt) error {
		_, err := quotes.ExpireDue(ctx)
		return err
	})
	q.Every(expiryInterval, expireQuotesArgs{})
}

// notifyOwners names an opportunity's owner for notifications.
type notifyOwners struct{ sales *sales.Service }

func (o notifyOwners) Owner(ctx context.Context, opportunityID uuid.UUID) (uuid.UUID, string, error) {
	opp, err := o.sales.Opportunity(ctx, opportunityID)
	return opp.OwnerID, opp.Title, err
}

// notifyMailer writes notification e-mails to the outbox.
type notifyMailer struct{ emails *activity.Emails }

func (m notifyMailer) Notify(ctx context.Context, n notify.Mail) error {
	var opp uuid.UUID
	if n.OpportunityID != nil {
		opp = *n.OpportunityID
	}
	return m.emails.Notify(ctx, activity.NotificationEmail{OpportunityID: opp, To: n.To, Subject: n.Subject, Body: n.Body})
}
