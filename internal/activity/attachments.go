package activity

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"
	"github.com/google/uuid"

	"github.com/acme/crm/internal/blob"
	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/page"
)

// Attachment is a file on an opportunity; its bytes are the blob named by
// its SHA256.
type Attachment struct {
	ID            uuid.UUID
	OpportunityID uuid.UUID
	FileName      string
	// ContentType is sniffed from the content, never taken from the client.
	ContentType string
	Size        int64
	SHA256      string
	// UploadedBy is the user who uploaded it; nil for documents the
	// product filed itself (a sent or signed quote).
	UploadedBy *uuid.UUID
	// Source says where the file came from; QuoteID names the quote
	// version of a quote document.
	Source    AttachmentSource
	QuoteID   *uuid.UUID
	CreatedAt time.Time
}

// AttachmentSource says where an attachment came from.
type AttachmentSource string

// The sources of attachments.
const (
	SourceUpload      AttachmentSource = "upload"       // a user's upload
	SourceQuote       AttachmentSource = "quote"        // a quote's PDF as sent
	SourceSignedQuote AttachmentSource = "signed_quote" // a signed quote with its certificate page
	SourceInvoice     AttachmentSource = "invoice"      // an invoice's PDF or e-invoice as sent
)

// AttachmentStore persists attachment records, scoped to the context's
// workspace (missing rows are errs.NotFound).
type AttachmentStore interface {
	OpportunityExists(ctx context.Context, id uuid.UUID) error
	CreateAttachment(ctx context.Context, a Attachment) error
	Attachment(ctx context.Context, id uuid.UUID) (Attachment, error)
	// Attachments lists an opportunity's attachments newest first.
	Attachments(ctx context.Context, opportunityID uuid.UUID, req page.Request) (page.Page[Attachment], error)
}

// Attachments implements files on opportunities.
type Attachments struct {
	store AttachmentStore
	blobs blob.Store
	now   func() time.Time
}

// NewAttachments returns the attachments service.
func NewAttachments(store AttachmentStore, blobs blob.Store, now func() time.Time) *Attachments {
	return &Attachments{store: store, blobs: blobs, now: clock(now)}
}

// sniffLen is how much of the content mimetype looks at.
const sniffLen = 3072

// CheckOpportunity is NotFound unless the opportunity exists; the HTTP
// layer calls it before reading an upload's body.
func (s *Attachments) CheckOpportunity(ctx context.Context, opportunityID uuid.UUID) error {
	return s.store.OpportunityExists(ctx, opportunityID)
}

// Upload stores content as an attachment of the opportunity. The file name
// is sanitized and the type sniffed from the content. An error from r (such
// as the HTTP layer's size limit) comes back wrapped, for errors.As; an
// empty file is Invalid naming the field file.
func (s *Attachments) Upload(ctx context.Context, opportunityID uuid.UUID, fileName string, r io.Reader) (Attachment, error) {
	p, err := identity.Caller(ctx)
	if err != nil {
		return Attachment{}, err
	}
	if err := s.store.OpportunityExists(ctx, opportunityID); err != nil {
		return Attachment{}, err
	}
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return Attachment{}, fmt.Errorf("read upload: %w", err)
	}
	if n == 0 {
		return Attachment{}, errs.Field("file", "is empty")
	}
	head = head[:n]
	info, err := s.blobs.Put(ctx, io.MultiReader(bytes.NewReader(head), r))
	if err != nil {
		return Attachment{}, fmt.Errorf("store upload: %w", err)
	}
	a := Attachment{ID: newID(), OpportunityID: opportunityID, FileName: SanitizeFileName(fileName),
		ContentType: mimetype.Detect(head).String(), Size: info.Size, SHA256: info.Key, UploadedBy: &p.UserID,
		Source: SourceUpload, CreatedAt: exactTime(s.now())}
	return a, s.store.CreateAttachment(ctx, a)
}

// AddDocument files a document the product made (a quote's PDF, sent or
// signed) on the opportunity, in the context's transaction, with no
// uploading user. The file name is sanitized like an upload's.
func (s *Attachments) AddDocument(ctx context.Context, opportunityID, quoteID uuid.UUID, fileName string, data []byte, src AttachmentSource) (Attachment, error) {
	info, err := s.blobs.Put(ctx, bytes.NewReader(data))
	if err != nil {
		return Attachment{}, fmt.Errorf("store document: %w", err)
	}
	a := Attachment{ID: newID(), OpportunityID: opportunityID, FileName: SanitizeFileName(fileName),
		ContentType: mimetype.Detect(data).String(), Size: info.Size, SHA256: info.Key, Source: src, QuoteID: &quoteID,
		CreatedAt: exactTime(s.now())}
	return a, s.store.CreateAttachment(ctx, a)
}

// AddInvoiceDocument files an invoice's PDF or e-invoice on the
// opportunity, in the context's transaction, with no uploading user.
func (s *Attachments) AddInvoiceDocument(ctx context.Context, opportunityID uuid.UUID, fileName string, data []byte) (Attachment, error) {
	info, err := s.blobs.Put(ctx, bytes.NewReader(data))
	if err != nil {
		return Attachment{}, fmt.Errorf("store document: %w", err)
	}
	ct := mimetype.Detect(data).String()
	if strings.HasSuffix(fileName, ".xml") {
		ct = "application/xml"
	}
	a := Attachment{ID: newID(), OpportunityID: opportunityID, FileName: SanitizeFileName(fileName),
		ContentType: ct, Size: info.Size, SHA256: info.Key, Source: SourceInvoice, CreatedAt: exactTime(s.now())}
	return a, s.store.CreateAttachment(ctx, a)
}

// Attachment returns one attachment's record.
func (s *Attachments) Attachment(ctx context.Context, id uuid.UUID) (Attachment, error) {
	return s.store.Attachment(ctx, id)
}

// List lists an opportunity's attachments newest first (NotFound when the
// opportunity is missing).
func (s *Attachments) List(ctx context.Context, opportunityID uuid.UUID, req page.Request) (page.Page[Attachment], error) {
	if err := s.store.OpportunityExists(ctx, opportunityID); err != nil {
		return page.Page[Attachment]{}, err
	}
	return s.store.Attachments(ctx, opportunityID, req)
}

// Open returns an attachment and its content; the caller closes it.
func (s *Attachments) Open(ctx context.Context, id uuid.UUID) (Attachment, io.ReadCloser, error) {
	a, err := s.store.Attachment(ctx, id)
	if err != nil {
		return Attachment{}, nil, err
	}
	rc, err := s.blobs.Open(ctx, a.SHA256)
	if err != nil {
		return Attachment{}, nil, fmt.Errorf("open blob of attachment %s: %w", id, err)
	}
	return a, rc, nil
}

// maxFileName is the longest stored file name, in characters.
const maxFileName = 255

// SanitizeFileName makes a client's file name safe to store and to send
// back in Content-Disposition: only the last path element is kept (with /
// or \ as separators), control and format characters (including bidi
// overrides that disguise extensions) and the characters Windows forbids
// are dropped, leading and trailing dots and spaces go, and the name is
// shortened to 255 characters keeping its extension. An empty result is
// "attachment".
func SanitizeFileName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || strings.ContainsRune(`<>:"/\|?*`, r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	name = strings.Trim(name, " .")
	if r := []rune(name); len(r) > maxFileName {
		ext := []rune(path.Ext(name))
		if len(ext) > 20 {
			ext = nil
		}
		name = string(r[:maxFileName-len(ext)]) + string(ext)
	}
	if name == "" {
		return "attachment"
	}
	return name
}
