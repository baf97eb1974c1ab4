package quoting

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/audit"
	"github.com/acme/crm/internal/events"
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
	Changes *Changes
	// TokenHash is the SHA-256 of the customer's link token, TokenSealed
	// the token sealed by Links. Every version has its link from creation;
	// it opens only once the version is sent.
	TokenHash   []byte
	TokenSealed []byte
	// DocumentSHA256 names the PDF sent to the customer (a blob): the exact
	// document they read, download and sign.
	DocumentSHA256 string
	// ViewedAt is the customer's first view; LastViewedAt the last view
	// that was recorded (at most one a day).
	ViewedAt     *time.Time
	LastViewedAt *time.Time
	// Response is the customer's answer, once there is one.
	Response *Response
	// PublicURL is the customer's link of a sent version, filled by the
	// service's reads (not stored; "" when it cannot be shown).
	PublicURL       string
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
	// QuotesByID reads the versions of ids in one query, in no particular
	// order: missing ids are skipped.
	QuotesByID(ctx context.Context, ids []uuid.UUID) ([]Quote, error)
	// LockQuote reads a quote FOR UPDATE.
	LockQuote(ctx context.Context, id uuid.UUID) (Quote, error)
	// QuoteVersion reads the version v of a quote number.
	QuoteVersion(ctx context.Context, number string, v int) (Quote, error)
	Quotes(ctx context.Context, f QuoteFilter, req page.Request) (page.Page[Quote], error)
	// SaveQuote writes every mutable column and bumps the row version.
	SaveQuote(ctx context.Context, q Quote) error
	// LatestVersion reads the newest version of a quote number.
	LatestVersion(ctx context.Context, number string) (Quote, error)
	// QuoteByToken finds the version whose link token hashes to hash, in
	// any workspace, and answers it with its workspace (errs.NotFound when
	// none has it). Callers then scope the context to that workspace.
	QuoteByToken(ctx context.Context, hash []byte) (Quote, uuid.UUID, error)
	// AwaitingExpiry lists, across workspaces, the sent and viewed versions
	// whose validity ended before now in their workspace's time zone.
	AwaitingExpiry(ctx context.Context, now time.Time, limit int) ([]VersionRef, error)
}

// VersionRef names a quote version in its workspace.
type VersionRef struct {
	WorkspaceID uuid.UUID
	QuoteID     uuid.UUID
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
	// QuoteSentPhaseID, QuoteSignedPhaseID and ExpiredPhaseID are the
	// phases of the opportunity's pipeline that a sent, a signed and an
	// expired quote move it to, if it has them.
	QuoteSentPhaseID   *uuid.UUID
	QuoteSignedPhaseID *uuid.UUID
	ExpiredPhaseID     *uuid.UUID
}

// Opportunities is the sales side of quoting, in the context's workspace.
type Opportunities interface {
	// QuoteSource reads an opportunity with its lines (errs.NotFound when
	// missing).
	QuoteSource(ctx context.Context, opportunityID uuid.UUID) (Source, error)
	// MoveToPhase moves the opportunity forward to a phase of its pipeline
	// under the phase rules, recording the change with the context's actor,
	// in the context's transaction; moved is false when it stayed (closed,
	// or already there or further along).
	MoveToPhase(ctx context.Context, opportunityID, phaseID uuid.UUID) (moved bool, err error)
}

// Renderer renders a version's documents (internal/render fulfils it).
type Renderer interface {
	// HTML is the salesperson's preview: a self-contained page.
	HTML(q Quote) ([]byte, error)
	// PDF is the quote as the customer receives it.
	PDF(q Quote) ([]byte, error)
	// SignedPDF is the sent document with a certificate page appended.
	SignedPDF(q Quote, document []byte, c Certificate) ([]byte, error)
}

// Certificate is what the signed PDF's last page attests.
type Certificate struct {
	EvidenceID     uuid.UUID
	SignerName     string
	SignerEmail    string
	SignerTitle    string
	SignedAt       time.Time
	IP             string
	UserAgent      string
	Channel        string
	DocumentSHA256 string
	ConsentText    string
	ConsentVersion string
	Signature      []byte // PNG, optional
}

// Files keeps documents by the hex SHA-256 of their bytes (the blob store).
type Files interface {
	Put(ctx context.Context, data []byte) (sha256 string, err error)
	Get(ctx context.Context, sha256 string) ([]byte, error)
}

// Document is a file the quote puts on its opportunity.
type Document struct {
	OpportunityID uuid.UUID
	QuoteID       uuid.UUID
	FileName      string
	Data          []byte
	Signed        bool // the signed PDF, else the sent one
}

// Filed is a document filed as an attachment.
type Filed struct {
	AttachmentID uuid.UUID
	SHA256       string
}

// Filing files documents among the opportunity's attachments.
type Filing interface {
	File(ctx context.Context, d Document) (Filed, error)
}

// Email is the quote's e-mail to the customer.
type Email struct {
	OpportunityID uuid.UUID
	To, Cc        []string
	Subject, Body string
	AttachmentID  *uuid.UUID
}

// Mailer sends an e-mail about an opportunity through the outbox, in the
// context's transaction, and answers its id (activity.Emails fulfils it).
type Mailer interface {
	SendEmail(ctx context.Context, e Email) (uuid.UUID, error)
}

// Publisher records domain events in the context's transaction
// (events.Bus fulfils it).
type Publisher interface {
	PublishJSON(ctx context.Context, e events.Event, payload any) error
}

// Evidence is the evidence log (audit.Log fulfils it).
type Evidence interface {
	AppendJSON(ctx context.Context, r audit.Record, v any) (audit.Record, error)
	QuoteEvidence(ctx context.Context, quoteID uuid.UUID) ([]audit.Record, bool, error)
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
	links     *Links
	renderer  Renderer
	files     Files
	filing    Filing
	mailer    Mailer
	events    Publisher
	evidence  Evidence
	now       func() time.Time
}

// Deps are what the quoting service works with besides its store.
type Deps struct {
	Opportunities Opportunities
	Relations     Relations
	Directory     Directory
	Products      Products
	// Links makes the customers' links (PublicURL + "/q/" + token).
	Links    *Links
	Renderer Renderer
	Files    Files
	Filing   Filing
	Mailer   Mailer
	Events   Publisher
	Evidence Evidence
	Now      func() time.Time
}

// NewService returns the quoting service; Now defaults to time.Now in UTC.
func NewService(store Store, d Deps) *Service {
	s := &Service{store: store, opps: d.Opportunities, relations: d.Relations, directory: d.Directory,
		products: d.Products, links: d.Links, renderer: d.Renderer, files: d.Files, filing: d.Filing,
		mailer: d.Mailer, events: d.Events, evidence: d.Evidence, now: d.Now}
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
