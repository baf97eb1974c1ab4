package invoicing

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/page"
)

// Store persists invoices and payments, scoped to the context's workspace.
// Missing rows (and other workspaces' rows) are errs.NotFound.
type Store interface {
	WithTx(ctx context.Context, fn func(ctx context.Context) error) error
	// NextInvoiceNumber hands out the next sequence of the year's invoice
	// series, gap-free: the counter moves in the context's transaction and
	// is returned on rollback.
	NextInvoiceNumber(ctx context.Context, year int) (int, error)
	CreateInvoice(ctx context.Context, inv Invoice) error
	// Invoice reads an invoice with its payments; LockInvoice FOR UPDATE.
	Invoice(ctx context.Context, id uuid.UUID) (Invoice, error)
	LockInvoice(ctx context.Context, id uuid.UUID) (Invoice, error)
	Invoices(ctx context.Context, f Filter, req page.Request) (page.Page[Invoice], error)
	// SaveInvoice writes every mutable column and bumps the row version;
	// with ifVersion, a row at another version is errs.PreconditionFailed.
	SaveInvoice(ctx context.Context, inv Invoice, ifVersion *int64) error
	DeleteInvoice(ctx context.Context, id uuid.UUID, ifVersion *int64) error
	// LockOpportunity serialises the invoicing of one opportunity
	// (errs.NotFound when it is missing).
	LockOpportunity(ctx context.Context, opportunityID uuid.UUID) error
	// Invoiced sums, per source line, the quantities of the opportunity's
	// invoices of source (drafts included) less its credit notes', leaving
	// out the invoice except.
	Invoiced(ctx context.Context, opportunityID uuid.UUID, source Source, except uuid.UUID) (Invoiced, error)
	// Credited sums what the credit notes of an invoice took of each line.
	Credited(ctx context.Context, invoiceID uuid.UUID) (CreditedLines, error)
	CreatePayment(ctx context.Context, p Payment) error
	// DeletePayment deletes a payment of the invoice (errs.NotFound when
	// the invoice has no such payment).
	DeletePayment(ctx context.Context, invoiceID, paymentID uuid.UUID) error
	// AwaitingOverdue lists, across workspaces, unpaid issued invoices past
	// their due date in their workspace's time zone that were not reported
	// overdue yet.
	AwaitingOverdue(ctx context.Context, now time.Time, limit int) ([]Ref, error)
	// Report sums issued documents per group and currency, in SQL.
	Report(ctx context.Context, q ReportQuery) ([]ReportRow, error)
	// Summary computes the dashboard's figures at instant now: invoiced
	// this month and quarter, outstanding, and overdue as of today, all
	// dates in the workspace's time zone.
	Summary(ctx context.Context, now time.Time) (Summary, error)
}

// Ref names an invoice in its workspace.
type Ref struct {
	WorkspaceID uuid.UUID
	InvoiceID   uuid.UUID
}

// Opportunity is what invoicing needs of an opportunity: whether it is
// won, its relation, and what was sold (its lines, and its signed quote's
// lines when there is one).
type Opportunity struct {
	ID              uuid.UUID
	Title           string
	Status          string // open, won, lost, expired
	OwnerID         uuid.UUID
	OrganizationID  *uuid.UUID
	PersonID        *uuid.UUID
	ContactPersonID *uuid.UUID
	Lines           Basis
	Signed          *Basis // the newest signed quote, nil without one
}

// Opportunities reads opportunities for invoicing (errs.NotFound when
// missing).
type Opportunities interface {
	InvoiceSource(ctx context.Context, id uuid.UUID) (Opportunity, error)
}

// Seller is the company profile of a template: who invoices, how to pay
// them, and the invoice e-mail's texts.
type Seller struct {
	TemplateID  uuid.UUID
	Party       Party
	Payment     PaymentInfo
	Footer      string
	Logo        []byte
	LogoMIME    string
	Language    string
	MailSubject string // "" for the default text
	MailBody    string
}

// Settings are the workspace's invoicing settings.
type Settings struct {
	TimeZone         string
	NumberFormat     string
	PaymentTermsDays int
}

// Parties describes the seller, the buyer and the people on a document.
type Parties interface {
	// Seller reads the named template, or the default one when id is nil.
	Seller(ctx context.Context, templateID *uuid.UUID) (Seller, error)
	// Buyer describes the organization, or else the person, with the
	// organization's own payment terms (nil: the workspace's).
	Buyer(ctx context.Context, organizationID, personID *uuid.UUID) (Party, *int, error)
	// Person names a contact person and their e-mail address.
	Person(ctx context.Context, id uuid.UUID) (name, email string, err error)
	// User names a user (the salesperson).
	User(ctx context.Context, id uuid.UUID) (name string, err error)
	Settings(ctx context.Context) (Settings, error)
}

// Renderer renders documents (internal/render fulfils it).
type Renderer interface {
	PDF(inv Invoice, logo []byte) ([]byte, error)
}

// Files keeps files by the hex SHA-256 of their bytes (the blob store).
type Files interface {
	Put(ctx context.Context, data []byte) (sha256 string, err error)
	Get(ctx context.Context, sha256 string) ([]byte, error)
}

// Attachment is a file sent with an e-mail.
type Attachment struct {
	Name string
	Data []byte
}

// Email is an invoice's e-mail to the customer.
type Email struct {
	OpportunityID uuid.UUID
	InvoiceID     uuid.UUID
	To, Cc        []string
	Subject, Body string
	Attachments   []Attachment
}

// Mailer files the attachments on the opportunity and writes the e-mail
// to the outbox, in the context's transaction (activity fulfils it).
type Mailer interface {
	SendEmail(ctx context.Context, e Email) (uuid.UUID, error)
}

// Publisher records domain events in the context's transaction
// (events.Bus fulfils it).
type Publisher interface {
	PublishJSON(ctx context.Context, e events.Event, payload any) error
}

// Deps are what the invoicing service works with besides its store.
type Deps struct {
	Opportunities Opportunities
	Parties       Parties
	Renderer      Renderer
	Files         Files
	Mailer        Mailer
	Events        Publisher
	Now           func() time.Time
}

// Service implements invoices, credit notes and payments.
type Service struct {
	store   Store
	opps    Opportunities
	parties Parties
	render  Renderer
	files   Files
	mailer  Mailer
	events  Publisher
	now     func() time.Time
}

// NewService returns the invoicing service; Now defaults to time.Now.
func NewService(store Store, d Deps) *Service {
	s := &Service{store: store, opps: d.Opportunities, parties: d.Parties, render: d.Renderer, files: d.Files,
		mailer: d.Mailer, events: d.Events, now: d.Now}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// timestamp is now as PostgreSQL stores it (microseconds, UTC).
func (s *Service) timestamp() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// today is the workspace's current date, at midnight UTC.
func (s *Service) today(ctx context.Context) (time.Time, error) {
	set, err := s.parties.Settings(ctx)
	if err != nil {
		return time.Time{}, err
	}
	return Today(s.now(), set.TimeZone), nil
}

// Today is the date at instant now in the IANA zone tz (UTC when tz is
// unknown), at midnight UTC.
func Today(now time.Time, tz string) time.Time {
	loc, err := time.LoadLocation(tz)
	if err != nil || tz == "" {
		loc = time.UTC
	}
	y, m, d := now.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func newID() uuid.UUID { return uuid.Must(uuid.NewV7()) }
