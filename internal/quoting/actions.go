package quoting

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/money"
)

// LineInput is one line of a draft as PUT .../lines gives it.
type LineInput struct {
	ProductID   *uuid.UUID
	Name        string
	Unit        string
	Description string
	Quantity    money.Quantity
	UnitPrice   int64
	Discount    money.BasisPoints
	VATRate     money.BasisPoints
}

// ReplaceLines replaces a draft's lines, in the given order, with the same
// rules as an opportunity's lines (names 1-200 characters, units up to 20,
// descriptions up to 5000, the money rules), and recomputes the totals. A
// product must exist in the workspace; its article number is copied.
func (s *Service) ReplaceLines(ctx context.Context, id uuid.UUID, lines []LineInput, ifVersion *int64) (Quote, error) {
	if err := checkLines(lines); err != nil {
		return Quote{}, err
	}
	return s.changeDraft(ctx, id, ifVersion, func(ctx context.Context, q *Quote) error {
		out := make([]SnapshotLine, len(lines))
		for i, in := range lines {
			l := SnapshotLine{Name: strings.TrimSpace(in.Name), Unit: strings.TrimSpace(in.Unit),
				Description: in.Description, Quantity: in.Quantity, UnitPrice: in.UnitPrice,
				Discount: in.Discount, VATRate: in.VATRate}
			if in.ProductID != nil {
				code, err := s.products.ProductCode(ctx, *in.ProductID)
				if errs.Is(err, errs.NotFound) {
					return errs.Field(fmt.Sprintf("lines.%d.product_id", i), "no such product")
				}
				if err != nil {
					return err
				}
				l.ProductID, l.Code = *in.ProductID, code
			}
			out[i] = l
		}
		q.Snapshot.Lines = out
		return nil
	})
}

func checkLines(lines []LineInput) error {
	var fe []errs.FieldError
	add := func(i int, field, msg string) {
		fe = append(fe, errs.FieldError{Field: fmt.Sprintf("lines.%d.%s", i, field), Message: msg})
	}
	if len(lines) > 1000 {
		return errs.Field("lines", "must have at most 1000 items")
	}
	for i, l := range lines {
		if n := utf8.RuneCountInString(strings.TrimSpace(l.Name)); n == 0 || n > 200 {
			add(i, "name", "must be between 1 and 200 characters")
		}
		if utf8.RuneCountInString(l.Unit) > 20 {
			add(i, "unit", "must be at most 20 characters")
		}
		if utf8.RuneCountInString(l.Description) > 5000 {
			add(i, "description", "must be at most 5000 characters")
		}
	}
	return errs.Fields("invalid quote lines", fe...)
}

// Revise copies a sent, viewed, change-requested, rejected or expired
// version into a new draft version of the same number, and marks the old
// one superseded; other states are errs.Conflict naming the state. The new
// version is valid for the template's validity from today (30 days when the
// template is gone), and its changes start empty.
func (s *Service) Revise(ctx context.Context, id uuid.UUID) (Quote, error) {
	p, err := identity.Caller(ctx)
	if err != nil {
		return Quote{}, err
	}
	var next Quote
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		old, err := s.store.LockQuote(ctx, id)
		if err != nil {
			return err
		}
		if err := s.transition(&old, ActionRevise); err != nil {
			return err
		}
		days := DefaultValidityDays
		if old.TemplateID != nil {
			if t, err := s.store.Template(ctx, *old.TemplateID); err == nil {
				days = t.ValidityDays
			}
		}
		if err := s.store.SaveQuote(ctx, old); err != nil {
			return err
		}
		now := s.timestamp()
		empty := Diff(old.Snapshot, old.Snapshot)
		next = Quote{ID: newID(), OpportunityID: old.OpportunityID, TemplateID: old.TemplateID, Number: old.Number,
			QuoteVersion: old.QuoteVersion + 1, Status: StatusDraft, ValidUntil: s.today().AddDate(0, 0, days),
			ContactPersonID: old.ContactPersonID, Snapshot: old.Snapshot.Clone(), Changes: &empty,
			StatusChangedAt: now, CreatedBy: p.UserID, Version: 1, CreatedAt: now, UpdatedAt: now}
		return s.store.CreateQuote(ctx, next)
	})
	return next, err
}

// Withdraw withdraws a draft or a version still open with the customer;
// its number stays taken. Other states are errs.Conflict naming the state.
func (s *Service) Withdraw(ctx context.Context, id uuid.UUID, ifVersion *int64) (Quote, error) {
	var out Quote
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		q, err := s.store.LockQuote(ctx, id)
		if err != nil {
			return err
		}
		if ifVersion != nil && *ifVersion != q.Version {
			return stale(q.Version)
		}
		if err := s.transition(&q, ActionWithdraw); err != nil {
			return err
		}
		if err := s.store.SaveQuote(ctx, q); err != nil {
			return err
		}
		out, err = s.store.Quote(ctx, id)
		return err
	})
	return out, err
}

// transition moves q by action a, stamping the time of the change.
func (s *Service) transition(q *Quote, a Action) error {
	to, err := Transition(q.Status, a)
	if err != nil {
		return err
	}
	now := s.timestamp()
	q.Status, q.StatusChangedAt, q.UpdatedAt = to, now, now
	return nil
}

// Channel is how a quote reaches the customer.
type Channel string

// The channels of Send.
const (
	ChannelLink     Channel = "link"     // a link to paste anywhere
	ChannelDirect   Channel = "direct"   // the quote page opened on the spot
	ChannelDownload Channel = "download" // a PDF
	ChannelEmail    Channel = "email"    // an e-mail with the link (not yet available)
)

// Sent is the result of Send: the quote, and the customer's link (link and
// direct) or the PDF's address (download).
type Sent struct {
	Quote     Quote
	PublicURL string
	PDFURL    string
}

// Send sends a draft with lines: it becomes sent, records who sent it, when
// and how, and the opportunity moves to its pipeline's quote-sent phase when
// one is set (recorded in its phase history). Link and direct create the
// customer's token: 256 random bits of which only the SHA-256 is stored.
// An unknown channel, e-mail (not available yet) and a draft without lines
// are errs.Invalid; anything but a draft errs.Conflict naming its state.
func (s *Service) Send(ctx context.Context, id uuid.UUID, ch Channel, ifVersion *int64) (Sent, error) {
	if err := checkChannel(ch); err != nil {
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
		if out, err = s.deliver(q, ch); err != nil {
			return err
		}
		q = out.Quote
		q.SentAt, q.SentBy, q.SentChannel = &q.StatusChangedAt, &p.UserID, string(ch)
		if err := s.store.SaveQuote(ctx, q); err != nil {
			return err
		}
		if err := s.advanceOpportunity(ctx, q.OpportunityID); err != nil {
			return err
		}
		out.Quote, err = s.store.Quote(ctx, id)
		return err
	})
	return out, err
}

func checkChannel(ch Channel) error {
	switch ch {
	case ChannelLink, ChannelDirect, ChannelDownload:
		return nil
	case ChannelEmail:
		return errs.Field("channel", "sending by e-mail is not available yet: use link, direct or download")
	}
	return errs.Field("channel", "must be one of: link, direct, download, email")
}

// deliver makes what the channel hands out: a token and its page, or the
// PDF's address.
func (s *Service) deliver(q Quote, ch Channel) (Sent, error) {
	base := strings.TrimRight(s.publicURL, "/")
	if ch == ChannelDownload {
		return Sent{Quote: q, PDFURL: base + "/api/v1/quotes/" + q.ID.String() + "/pdf"}, nil
	}
	token, hash, err := NewToken()
	if err != nil {
		return Sent{}, err
	}
	q.TokenHash = hash
	return Sent{Quote: q, PublicURL: base + "/q/" + token}, nil
}

// advanceOpportunity moves the opportunity to its quote-sent phase, if its
// pipeline names one.
func (s *Service) advanceOpportunity(ctx context.Context, opportunityID uuid.UUID) error {
	src, err := s.opps.QuoteSource(ctx, opportunityID)
	if err != nil || src.QuoteSentPhaseID == nil || !src.Open {
		return err
	}
	return s.opps.MoveToPhase(ctx, opportunityID, *src.QuoteSentPhaseID)
}

// NewToken returns a customer link token (256 random bits, URL-safe) and
// the SHA-256 hash that storage keeps in its place.
func NewToken() (token string, hash []byte, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, fmt.Errorf("quote token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken is the stored form of a link token.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}
