package quoting

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/money"
	"github.com/acme/crm/internal/page"
	"github.com/acme/crm/internal/patch"
)

// NewQuote is a request to quote an opportunity. A nil TemplateID takes the
// default template, a nil ValidUntil today plus the template's validity.
type NewQuote struct {
	TemplateID *uuid.UUID
	ValidUntil *time.Time
}

// CreateQuote makes a draft quote of an opportunity: a new number (gap-free
// per workspace and year), version 1, and a snapshot of the customer,
// contact, lines, discount, totals, texts, company profile and salesperson
// as they are now. An opportunity without lines or a closed one is
// errs.Invalid (422); a missing one errs.NotFound; an unknown template
// errs.Invalid on template_id.
func (s *Service) CreateQuote(ctx context.Context, opportunityID uuid.UUID, in NewQuote) (Quote, error) {
	p, err := identity.Caller(ctx)
	if err != nil {
		return Quote{}, err
	}
	var q Quote
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		src, err := s.opps.QuoteSource(ctx, opportunityID)
		if err != nil {
			return err
		}
		if err := quotable(src); err != nil {
			return err
		}
		t, err := s.templateFor(ctx, in.TemplateID)
		if err != nil {
			return err
		}
		snap, err := s.snapshot(ctx, src, t)
		if err != nil {
			return err
		}
		validUntil, err := s.validUntil(in.ValidUntil, t.ValidityDays)
		if err != nil {
			return err
		}
		year := s.now().UTC().Year()
		seq, err := s.store.NextQuoteNumber(ctx, year)
		if err != nil {
			return err
		}
		now := s.timestamp()
		q = Quote{ID: newID(), OpportunityID: opportunityID, TemplateID: &t.ID, Number: FormatNumber(year, seq),
			QuoteVersion: 1, Status: StatusDraft, ValidUntil: validUntil, ContactPersonID: src.ContactPersonID,
			Snapshot: snap, StatusChangedAt: now, CreatedBy: p.UserID, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := s.newLink(&q); err != nil {
			return err
		}
		return s.store.CreateQuote(ctx, q)
	})
	return q, err
}

// quotable refuses closed opportunities and those without lines.
func quotable(src Source) error {
	if !src.Open {
		return errs.Invalidf("the opportunity is %s: closed opportunities are not quoted", src.Status)
	}
	if len(src.Lines) == 0 {
		return errs.Field("lines", "the opportunity has no product lines: add lines before making a quote")
	}
	return nil
}

// templateFor loads the named template, or the default.
func (s *Service) templateFor(ctx context.Context, id *uuid.UUID) (Template, error) {
	if id == nil {
		t, err := s.store.DefaultTemplate(ctx)
		if errs.Is(err, errs.NotFound) {
			return Template{}, errs.Field("template_id", "the workspace has no default template: name one")
		}
		return s.withLogo(ctx, t, err)
	}
	t, err := s.store.Template(ctx, *id)
	if errs.Is(err, errs.NotFound) {
		return Template{}, errs.Field("template_id", "no such quote template")
	}
	return s.withLogo(ctx, t, err)
}

func (s *Service) withLogo(ctx context.Context, t Template, err error) (Template, error) {
	if err != nil || !t.HasLogo {
		return t, err
	}
	t.Company.Logo, err = s.store.TemplateLogo(ctx, t.ID)
	return t, err
}

// validUntil checks a requested validity date (today or later) or computes
// today plus days.
func (s *Service) validUntil(want *time.Time, days int) (time.Time, error) {
	today := s.today()
	if want == nil {
		if days <= 0 {
			days = DefaultValidityDays
		}
		return today.AddDate(0, 0, days), nil
	}
	y, m, d := want.Date()
	v := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if v.Before(today) {
		return time.Time{}, errs.Field("valid_until", "must be today or later")
	}
	return v, nil
}

// snapshot freezes the opportunity and the template into a new snapshot.
func (s *Service) snapshot(ctx context.Context, src Source, t Template) (Snapshot, error) {
	cust, err := s.relations.Customer(ctx, src.OrganizationID, src.PersonID)
	if err != nil {
		return Snapshot{}, err
	}
	var contact Contact
	if src.ContactPersonID != nil {
		if contact, err = s.relations.Contact(ctx, *src.ContactPersonID); err != nil {
			return Snapshot{}, err
		}
	}
	owner, err := s.directory.User(ctx, src.OwnerID)
	if err != nil {
		return Snapshot{}, err
	}
	lines, err := s.withCodes(ctx, src.Lines, false)
	if err != nil {
		return Snapshot{}, err
	}
	return BuildSnapshot(Snapshot{Customer: cust, Contact: contact, Company: t.Company,
		Salesperson: Salesperson{Name: owner.Name, Email: owner.Email},
		Texts:       t.Texts.Texts, Language: t.Language, Currency: money.Currency(src.Currency),
		OfferDiscount: money.BasisPoints(src.OfferDiscount), Lines: lines})
}

// Quote returns one quote version.
func (s *Service) Quote(ctx context.Context, id uuid.UUID) (Quote, error) {
	q, err := s.store.Quote(ctx, id)
	return s.withURL(q), err
}

// QuotesByID returns the quote versions of ids, each as Quote returns it,
// in no particular order; missing ids are skipped.
func (s *Service) QuotesByID(ctx context.Context, ids []uuid.UUID) ([]Quote, error) {
	qs, err := s.store.QuotesByID(ctx, ids)
	for i := range qs {
		qs[i] = s.withURL(qs[i])
	}
	return qs, err
}

// Quotes lists quote versions in the order req asks for (the API defaults
// to created_at, oldest first, like every list).
func (s *Service) Quotes(ctx context.Context, f QuoteFilter, req page.Request) (page.Page[Quote], error) {
	p, err := s.store.Quotes(ctx, f, req)
	for i := range p.Items {
		p.Items[i] = s.withURL(p.Items[i])
	}
	return p, err
}

// Preview renders a version as the salesperson previews it (HTML).
func (s *Service) Preview(ctx context.Context, id uuid.UUID) ([]byte, error) {
	q, err := s.store.Quote(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.renderer.HTML(q)
}

// PDF renders a version as a PDF as it stands now (a sent version's
// customer document is the kept one; see Document).
func (s *Service) PDF(ctx context.Context, id uuid.UUID) (Quote, []byte, error) {
	q, err := s.store.Quote(ctx, id)
	if err != nil {
		return Quote{}, nil, err
	}
	pdf, err := s.renderer.PDF(q)
	return q, pdf, err
}

// withURL fills the customer's link of a sent version.
func (s *Service) withURL(q Quote) Quote {
	if q.SentAt != nil {
		q.PublicURL = s.links.URL(q)
	}
	return q
}

// QuotePatch changes a draft; nil fields stay. ContactPersonID cleared
// removes the contact.
type QuotePatch struct {
	ValidUntil      *time.Time
	IntroText       *string
	TermsText       *string
	FooterText      *string
	ContactPersonID patch.Field[uuid.UUID]
	OfferDiscount   *money.BasisPoints
}

// UpdateQuote changes a draft's validity, texts, contact or offer discount
// and recomputes its totals and its changes against the version before.
// Anything but a draft is errs.Conflict naming its status.
func (s *Service) UpdateQuote(ctx context.Context, id uuid.UUID, p QuotePatch, ifVersion *int64) (Quote, error) {
	return s.changeDraft(ctx, id, ifVersion, func(ctx context.Context, q *Quote) error {
		if p.ValidUntil != nil {
			v, err := s.validUntil(p.ValidUntil, 0)
			if err != nil {
				return err
			}
			q.ValidUntil = v
		}
		setText(&q.Snapshot.Texts.Intro, p.IntroText)
		setText(&q.Snapshot.Texts.Terms, p.TermsText)
		setText(&q.Snapshot.Texts.Footer, p.FooterText)
		if p.OfferDiscount != nil {
			if err := p.OfferDiscount.Validate("offer_discount"); err != nil {
				return err
			}
			q.Snapshot.OfferDiscount = *p.OfferDiscount
		}
		if p.ContactPersonID.Set {
			return s.setContact(ctx, q, p.ContactPersonID.Value)
		}
		return nil
	})
}

func setText(dst, v *string) {
	if v != nil {
		*dst = *v
	}
}

func (s *Service) setContact(ctx context.Context, q *Quote, id *uuid.UUID) error {
	q.ContactPersonID, q.Snapshot.Contact = id, Contact{}
	if id == nil {
		return nil
	}
	c, err := s.relations.Contact(ctx, *id)
	if errs.Is(err, errs.NotFound) {
		return errs.Field("contact_person_id", "no such person")
	}
	q.Snapshot.Contact = c
	return err
}

// changeDraft locks a draft, applies fn, rebuilds the snapshot's totals and
// the changes against the previous version, and saves it.
func (s *Service) changeDraft(ctx context.Context, id uuid.UUID, ifVersion *int64, fn func(ctx context.Context, q *Quote) error) (Quote, error) {
	var out Quote
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		q, err := s.store.LockQuote(ctx, id)
		if err != nil {
			return err
		}
		if ifVersion != nil && *ifVersion != q.Version {
			return stale(q.Version)
		}
		if !q.Status.Editable() {
			return errs.Conflictf("quote is %s: only drafts are edited (revise a sent quote instead)", q.Status)
		}
		if err := fn(ctx, &q); err != nil {
			return err
		}
		if q.Snapshot, err = BuildSnapshot(q.Snapshot); err != nil {
			return err
		}
		if err := s.diffPrevious(ctx, &q); err != nil {
			return err
		}
		q.UpdatedAt = s.timestamp()
		if err := s.store.SaveQuote(ctx, q); err != nil {
			return err
		}
		out, err = s.store.Quote(ctx, id)
		return err
	})
	return out, err
}

// diffPrevious records what q changed against its previous version.
func (s *Service) diffPrevious(ctx context.Context, q *Quote) error {
	if q.QuoteVersion <= 1 {
		return nil
	}
	prev, err := s.store.QuoteVersion(ctx, q.Number, q.QuoteVersion-1)
	if err != nil {
		return err
	}
	c := Diff(prev.Snapshot, q.Snapshot)
	q.Changes = &c
	return nil
}
