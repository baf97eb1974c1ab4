package app

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/activity"
	"github.com/acme/crm/internal/catalog"
	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/invoicedoc"
	"github.com/acme/crm/internal/invoicing"
	"github.com/acme/crm/internal/jobs"
	"github.com/acme/crm/internal/money"
	paging "github.com/acme/crm/internal/page"
	"github.com/acme/crm/internal/quoting"
	"github.com/acme/crm/internal/relations"
	"github.com/acme/crm/internal/render"
	"github.com/acme/crm/internal/sales"
)

// invoicingOpportunities gives invoices what was sold: the opportunity's
// lines and its newest signed quote.
type invoicingOpportunities struct {
	sales   *sales.Service
	quotes  *quoting.Service
	catalog *catalog.Service
}

func (a invoicingOpportunities) InvoiceSource(ctx context.Context, id uuid.UUID) (invoicing.Opportunity, error) {
	o, err := a.sales.Opportunity(ctx, id)
	if err != nil {
		return invoicing.Opportunity{}, err
	}
	set, err := a.sales.Lines(ctx, id)
	if err != nil {
		return invoicing.Opportunity{}, err
	}
	out := invoicing.Opportunity{ID: o.ID, Title: o.Title, Status: string(o.Status), OwnerID: o.OwnerID,
		OrganizationID: o.OrganizationID, PersonID: o.PersonID, ContactPersonID: o.ContactPersonID,
		Lines: invoicing.Basis{Source: invoicing.SourceLines, Currency: money.Currency(o.Currency), OfferDiscount: o.OfferDiscount}}
	codes := map[uuid.UUID]string{}
	for _, l := range set.Lines {
		bl := invoicing.BasisLine{ID: l.ID, ProductID: l.ProductID, Name: l.Name, Description: l.Description,
			Unit: l.Unit, Quantity: l.Quantity, UnitPrice: l.UnitPrice, Discount: l.Discount, VATRate: l.VATRate}
		if l.ProductID != nil {
			code, ok := codes[*l.ProductID]
			if !ok {
				p, err := a.catalog.Product(ctx, *l.ProductID)
				if err != nil && !errs.Is(err, errs.NotFound) {
					return invoicing.Opportunity{}, err
				}
				code, codes[*l.ProductID] = p.Code, p.Code
			}
			bl.Code = code
		}
		out.Lines.Lines = append(out.Lines.Lines, bl)
	}
	signed := quoting.StatusSigned
	qs, err := a.quotes.Quotes(ctx, quoting.QuoteFilter{OpportunityID: &id, Status: &signed},
		paging.Request{Limit: 1, Sort: "created_at", Desc: true})
	if err != nil {
		return invoicing.Opportunity{}, err
	}
	if len(qs.Items) > 0 {
		out.Signed = signedBasis(qs.Items[0])
	}
	return out, nil
}

// signedBasis is a signed quote's frozen lines as what may be invoiced.
func signedBasis(q quoting.Quote) *invoicing.Basis {
	s := q.Snapshot
	qid := q.ID
	b := &invoicing.Basis{Source: invoicing.SourceQuote, QuoteID: &qid, TemplateID: q.TemplateID, Language: s.Language,
		Currency: s.Currency, OfferDiscount: s.OfferDiscount}
	for _, l := range s.Lines {
		bl := invoicing.BasisLine{ID: l.ID, Code: l.Code, Name: l.Name, Description: l.Description, Unit: l.Unit,
			Quantity: l.Quantity, UnitPrice: l.UnitPrice, Discount: l.Discount, VATRate: l.VATRate}
		if l.ProductID != uuid.Nil {
			pid := l.ProductID
			bl.ProductID = &pid
		}
		b.Lines = append(b.Lines, bl)
	}
	return b
}

// invoicingParties describes sellers (templates' company profiles), buyers
// (relations), people and the workspace's settings.
type invoicingParties struct {
	quotes *quoting.Service
	rels   *relations.Service
	ids    *identity.Service
}

func (p invoicingParties) Seller(ctx context.Context, id *uuid.UUID) (invoicing.Seller, error) {
	t, err := p.quotes.Profile(ctx, id)
	if err != nil {
		return invoicing.Seller{}, err
	}
	c := t.Company
	return invoicing.Seller{TemplateID: t.ID, Language: t.Language, Footer: t.Texts.Footer,
		Party: invoicing.Party{Name: c.Name, Address: c.Address.Lines, PostalCode: c.Address.PostalCode,
			City: c.Address.City, Country: c.Address.Country, OrganizationNumber: c.OrganizationNumber,
			VATNumber: c.VATNumber, Email: c.Email, Phone: c.Phone, Website: c.Website},
		Payment: invoicing.PaymentInfo{BankName: c.Bank.Name, BankAccount: c.Bank.Account, IBAN: c.Bank.IBAN, BIC: c.Bank.BIC},
		Logo:    c.Logo.Data, LogoMIME: c.Logo.MIME, MailSubject: t.Texts.InvoiceSubject, MailBody: t.Texts.InvoiceBody}, nil
}

func (p invoicingParties) Buyer(ctx context.Context, organizationID, personID *uuid.UUID) (invoicing.Party, *int, error) {
	if organizationID != nil {
		o, err := p.rels.Organization(ctx, *organizationID)
		if err != nil {
			return invoicing.Party{}, nil, err
		}
		var street []string
		if o.Address.Street != "" {
			street = []string{o.Address.Street}
		}
		return invoicing.Party{Name: o.Name, Address: street, PostalCode: o.Address.PostalCode, City: o.Address.City,
			Country: o.Address.Country, OrganizationNumber: o.RegistrationNumber, VATNumber: o.VATNumber,
			Email: o.Email, Phone: o.Phone, Website: o.Website}, o.PaymentTermsDays, nil
	}
	if personID == nil {
		return invoicing.Party{}, nil, errs.Invalidf("the opportunity has no relation to invoice")
	}
	per, err := p.rels.Person(ctx, *personID)
	return invoicing.Party{Name: per.Name(), Email: per.Email, Phone: per.Phone}, nil, err
}

func (p invoicingParties) Person(ctx context.Context, id uuid.UUID) (string, string, error) {
	per, err := p.rels.Person(ctx, id)
	return per.Name(), per.Email, err
}

func (p invoicingParties) User(ctx context.Context, id uuid.UUID) (string, error) {
	u, err := p.ids.User(ctx, id)
	return u.Name, err
}

func (p invoicingParties) Settings(ctx context.Context) (invoicing.Settings, error) {
	ws, err := p.ids.Workspace(ctx)
	if err != nil {
		return invoicing.Settings{}, err
	}
	terms := ws.PaymentTermsDays
	return invoicing.Settings{TimeZone: ws.TimeZone, NumberFormat: ws.InvoiceNumberFormat, PaymentTermsDays: terms}, nil
}

// invoiceRenderer renders invoices through invoicedoc's view model.
type invoiceRenderer struct{}

func (invoiceRenderer) PDF(inv invoicing.Invoice, logo []byte) ([]byte, error) {
	return render.PDF(invoicedoc.Document(inv, logo))
}

// invoiceMailer files an invoice's documents on the opportunity and sends
// them through the outbox.
type invoiceMailer struct {
	emails      *activity.Emails
	attachments *activity.Attachments
}

func (m invoiceMailer) SendEmail(ctx context.Context, e invoicing.Email) (uuid.UUID, error) {
	in := activity.NewEmail{To: e.To, Cc: e.Cc, Subject: e.Subject, Body: e.Body}
	for _, f := range e.Attachments {
		a, err := m.attachments.AddInvoiceDocument(ctx, e.OpportunityID, f.Name, f.Data)
		if err != nil {
			return uuid.Nil, err
		}
		in.AttachmentIDs = append(in.AttachmentIDs, a.ID)
	}
	sent, err := m.emails.Send(ctx, e.OpportunityID, in)
	return sent.ID, err
}

// overdueInterval is how often the overdue job looks for unpaid invoices
// past their due date.
const overdueInterval = 15 * time.Minute

// markOverdueArgs is the periodic mark_overdue_invoices job.
type markOverdueArgs struct{}

func (markOverdueArgs) Kind() string { return "mark_overdue_invoices" }

// registerOverdue runs the overdue check periodically on the leader.
func registerOverdue(q *jobs.Queue, svc *invoicing.Service) {
	jobs.Register(q, func(ctx context.Context, _ markOverdueArgs, _ jobs.Attempt) error {
		_, err := svc.MarkOverdue(ctx)
		return err
	})
	q.Every(overdueInterval, markOverdueArgs{})
}

// salesInvoicing gives the sales dashboard the invoicing figures; its
// service is set once both exist.
type salesInvoicing struct{ svc **invoicing.Service }

func (s salesInvoicing) InvoiceSummary(ctx context.Context) (sales.InvoiceSummary, error) {
	sum, err := (*s.svc).Summary(ctx)
	conv := func(fs []invoicing.Figures) []sales.InvoiceFigures {
		out := make([]sales.InvoiceFigures, len(fs))
		for i, f := range fs {
			out[i] = sales.InvoiceFigures(f)
		}
		return out
	}
	return sales.InvoiceSummary{InvoicedThisMonth: conv(sum.InvoicedThisMonth), InvoicedThisQuarter: conv(sum.InvoicedThisQuarter),
		Outstanding: conv(sum.Outstanding), Overdue: conv(sum.Overdue)}, err
}
