package quoting

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/page"
)

// Quote is one version of a quote: a number shared by all its versions, a
// version, a status, and the frozen Snapshot of what is offered.
type Quote struct {
	ID              uuid.UUID
	OpportunityID   uuid.UUID
	TemplateID      *uuid.UUID // nil once the template is deleted
	Number          string     // "2026-0042"
	QuoteVersion    int        // 1, 2, … per number
	Status          Status
	ValidUntil      time.Time // the last valid day (midnight UTC)
	ContactPersonID *uuid.UUID
	Snapshot        Snapshot
	// Changes is what this version changed against the one before; nil for
	// version 1.
	Changes         *Changes
	TokenHash       []byte // SHA-256 of the customer's link token; nil until sent by link
	SentAt          *time.Time
	SentBy          *uuid.UUID
	SentChannel     string
	StatusChangedAt time.Time
	CreatedBy       uuid.UUID
	Version         int64 // row version, the ETag
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// QuoteFilter narrows a list of quotes; zero fields do not filter.
type QuoteFilter struct {
	OpportunityID *uuid.UUID
	Status        *Status
}

// Store persists templates and quotes, scoped to the context's workspace.
// Missing rows (and other workspaces' rows) are errs.NotFound.
type Store interface {
	WithTx(ctx context.Context, fn func(ctx context.Context) error) error

	Templates(ctx context.Context, req page.Request) (page.Page[Template], error)
	// Template reads a template without its logo image; TemplateLogo reads
	// the image.
	Template(ctx context.Context, id uuid.UUID) (Template, error)
	TemplateLogo(ctx context.Context, id uuid.UUID) (Logo, error)
	// LockTemplate reads a template FOR UPDATE.
	LockTemplate(ctx context.Context, id uuid.UUID) (Template, error)
	DefaultTemplate(ctx context.Context) (Template, error)
	CreateTemplate(ctx context.Context, t Template) error
	// SaveTemplate writes every column but the logo and bumps the version.
	SaveTemplate(ctx context.Context, t Template) (Template, error)
	// SetTemplateLogo replaces the logo (an empty Logo removes it) and bumps
	// the version.
	SetTemplateLogo(ctx context.Context, id uuid.UUID, logo Logo, at time.Time) (Template, error)
	// ClearDefaultTemplate unsets is_default on every template.
	ClearDefaultTemplate(ctx context.Context) error
	DeleteTemplate(ctx context.Context, id uuid.UUID) error

	// NextQuoteNumber hands out the next sequence of the year, gap-free: the
	// counter moves in the context's transaction and is returned on rollback.
	NextQuoteNumber(ctx context.Context, year int) (int, error)
	CreateQuote(ctx context.Context, q Quote) error
	Quote(ctx context.Context, id uuid.UUID) (Quote, error)
	// LockQuote reads a quote FOR UPDATE.
	LockQuote(ctx context.Context, id uuid.UUID) (Quote, error)
	// QuoteVersion reads the version v of a quote number.
	QuoteVersion(ctx context.Context, number string, v int) (Quote, error)
	Quotes(ctx context.Context, f QuoteFilter, req page.Request) (page.Page[Quote], error)
	// SaveQuote writes every mutable column and bumps the row version.
	SaveQuote(ctx context.Context, q Quote) error
}

// Source is what a quote is made from: the opportunity as it stands.
type Source struct {
	OpportunityID   uuid.UUID
	Open            bool   // false when won, lost or expired
	Status          string // the opportunity's status, for messages
	OwnerID         uuid.UUID
	OrganizationID  *uuid.UUID
	PersonID        *uuid.UUID
	ContactPersonID *uuid.UUID
	Currency        string
	OfferDiscount   int // basis points
	Lines           []SnapshotLine
	// QuoteSentPhaseID is the phase of the opportunity's pipeline that a
	// sent quote moves it to, if any.
	QuoteSentPhaseID *uuid.UUID
}

// Opportunities is the sales side of quoting, in the context's workspace.
type Opportunities interface {
	// QuoteSource reads an opportunity with its lines (errs.NotFound when
	// missing).
	QuoteSource(ctx context.Context, opportunityID uuid.UUID) (Source, error)
	// MoveToPhase moves the opportunity to a phase of its pipeline under
	// the phase rules, recording the change, in the context's transaction.
	MoveToPhase(ctx context.Context, opportunityID, phaseID uuid.UUID) error
}

// Relations reads the customer and contact a quote is addressed to.
type Relations interface {
	// Customer describes the organization, or else the person.
	Customer(ctx context.Context, organizationID, personID *uuid.UUID) (Customer, error)
	// Contact describes a person (errs.NotFound when missing).
	Contact(ctx context.Context, personID uuid.UUID) (Contact, error)
}

// Directory reads users, for the salesperson block.
type Directory interface {
	User(ctx context.Context, id uuid.UUID) (identity.User, error)
	Workspace(ctx context.Context) (identity.Workspace, error)
}

// Products gives lines their article numbers (errs.NotFound when missing).
type Products interface {
	ProductCode(ctx context.Context, id uuid.UUID) (string, error)
}

// Service implements templates and quotes.
type Service struct {
	store     Store
	opps      Opportunities
	relations Relations
	directory Directory
	products  Products
	publicURL string
	now       func() time.Time
}

// Deps are what the quoting service works with besides its store.
type Deps struct {
	Opportunities Opportunities
	Relations     Relations
	Directory     Directory
	Products      Products
	// PublicURL is where customers open quotes: public_url is
	// PublicURL + "/q/" + token.
	PublicURL string
	Now       func() time.Time
}

// NewService returns the quoting service; Now defaults to time.Now in UTC.
func NewService(store Store, d Deps) *Service {
	s := &Service{store: store, opps: d.Opportunities, relations: d.Relations, directory: d.Directory,
		products: d.Products, publicURL: d.PublicURL, now: d.Now}
	if s.now == nil {
		s.now = func() time.Time { return time.Now().UTC() }
	}
	return s
}

// timestamp is now as PostgreSQL stores it (microseconds, UTC).
func (s *Service) timestamp() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// today is the current date at midnight UTC.
func (s *Service) today() time.Time {
	y, m, d := s.now().UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
