package invoicing

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/page"
)

// NewInvoice asks for a draft. A nil Source takes the signed quote when the
// opportunity has one, else its lines; no Lines invoices what remains of
// every line.
type NewInvoice struct {
	Source         *Source
	Lines          []LineRequest
	AllowOver      bool
	TemplateID     *uuid.UUID
	BuyerReference *string
	Note           *string
}

// Create makes a draft invoice of a won opportunity (without a number: the
// number is taken at issue). An opportunity that is not won, a source it
// lacks, bad lines and over-invoicing without AllowOver are errs.Invalid
// naming the rule; a missing opportunity errs.NotFound.
func (s *Service) Create(ctx context.Context, opportunityID uuid.UUID, in NewInvoice) (Invoice, error) {
	if err := checkTexts(in.BuyerReference, in.Note); err != nil {
		return Invoice{}, err
	}
	var out Invoice
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		if err := s.store.LockOpportunity(ctx, opportunityID); err != nil {
			return err
		}
		o, err := s.opps.InvoiceSource(ctx, opportunityID)
		if err != nil {
			return err
		}
		b, err := basisOf(o, in.Source)
		if err != nil {
			return err
		}
		done, err := s.store.Invoiced(ctx, o.ID, b.Source, uuid.Nil)
		if err != nil {
			return err
		}
		lines, err := PickLines(b, done, in.Lines, in.AllowOver)
		if err != nil {
			return err
		}
		tmpl := in.TemplateID
		if tmpl == nil {
			tmpl = b.TemplateID
		}
		seller, err := s.seller(ctx, tmpl)
		if err != nil {
			return err
		}
		now := s.timestamp()
		inv := Invoice{ID: newID(), OpportunityID: o.ID, Kind: KindInvoice, Status: StatusDraft, Source: b.Source,
			QuoteID: b.QuoteID, TemplateID: &seller.TemplateID, Language: language(b.Language, seller.Language),
			Currency: b.Currency, OfferDiscount: b.OfferDiscount, BuyerReference: deref(in.BuyerReference, o.Title),
			Note: deref(in.Note, ""), Lines: lines, CreatedBy: events.UserID(ctx), Version: 1, CreatedAt: now, UpdatedAt: now}
		if inv.Totals, err = Compute(inv.Kind, inv.Lines, inv.OfferDiscount, inv.Currency, nil); err != nil {
			return err
		}
		if err := s.store.CreateInvoice(ctx, inv); err != nil {
			return err
		}
		out, err = s.store.Invoice(ctx, inv.ID)
		return err
	})
	return out, err
}

// basisOf picks what the draft invoices, checking that the opportunity is
// won (the rule "only won business is invoiced").
func basisOf(o Opportunity, want *Source) (Basis, error) {
	if o.Status != "won" {
		return Basis{}, errs.Invalidf("only won opportunities are invoiced: this one is %s", o.Status)
	}
	src := SourceLines
	if o.Signed != nil {
		src = SourceQuote
	}
	if want != nil {
		src = *want
	}
	switch src {
	case SourceQuote:
		if o.Signed == nil {
			return Basis{}, errs.Field("source", "the opportunity has no signed quote: invoice its lines")
		}
		return *o.Signed, nil
	case SourceLines:
		if len(o.Lines.Lines) == 0 {
			return Basis{}, errs.Field("lines", "the opportunity has no product lines to invoice")
		}
		return o.Lines, nil
	}
	return Basis{}, errs.Field("source", "must be one of: lines, quote")
}

// seller reads a template's profile; an unknown template is errs.Invalid.
func (s *Service) seller(ctx context.Context, id *uuid.UUID) (Seller, error) {
	sel, err := s.parties.Seller(ctx, id)
	if errs.Is(err, errs.NotFound) {
		return Seller{}, errs.Field("template_id", "no such quote template")
	}
	return sel, err
}

func language(want, fallback string) string {
	for _, l := range []string{want, fallback} {
		if l == "sv" || l == "en" {
			return l
		}
	}
	return "en"
}

func deref(p *string, def string) string {
	if p == nil {
		return strings.TrimSpace(def)
	}
	return strings.TrimSpace(*p)
}

// checkTexts limits the buyer reference (one line, BT-10) and the note.
func checkTexts(ref, note *string) error {
	var fe []errs.FieldError
	if ref != nil && (utf8.RuneCountInString(*ref) > 200 || strings.ContainsAny(*ref, "\r\n\x00")) {
		fe = append(fe, errs.FieldError{Field: "buyer_reference", Message: "must be one line of at most 200 characters"})
	}
	if note != nil && (utf8.RuneCountInString(*note) > 2000 || strings.ContainsRune(*note, 0)) {
		fe = append(fe, errs.FieldError{Field: "note", Message: "must be at most 2000 characters"})
	}
	return errs.Fields("invalid invoice", fe...)
}

// Invoice returns one invoice or credit note with its payments.
func (s *Service) Invoice(ctx context.Context, id uuid.UUID) (Invoice, error) {
	return s.store.Invoice(ctx, id)
}

// Invoices lists invoices and credit notes; Filter.Overdue is judged on the
// workspace's today.
func (s *Service) Invoices(ctx context.Context, f Filter, req page.Request) (page.Page[Invoice], error) {
	today, err := s.today(ctx)
	if err != nil {
		return page.Page[Invoice]{}, err
	}
	f.Today = today
	return s.store.Invoices(ctx, f, req)
}

// Patch changes a draft; nil fields stay.
type Patch struct {
	BuyerReference *string
	Note           *string
	Language       *string
	// Template names the template whose company profile is the seller;
	// set with a nil ID, the workspace's default template.
	Template *TemplateRef
}

// TemplateRef names a template, nil for the default one.
type TemplateRef struct{ ID *uuid.UUID }

// Update changes a draft's buyer reference, note, language or template.
// Anything but a draft is errs.Conflict.
func (s *Service) Update(ctx context.Context, id uuid.UUID, p Patch, ifVersion *int64) (Invoice, error) {
	if err := checkTexts(p.BuyerReference, p.Note); err != nil {
		return Invoice{}, err
	}
	if p.Language != nil && *p.Language != "en" && *p.Language != "sv" {
		return Invoice{}, errs.Field("language", "must be one of: en, sv")
	}
	return s.changeDraft(ctx, id, ifVersion, func(ctx context.Context, inv *Invoice) error {
		if p.BuyerReference != nil {
			inv.BuyerReference = strings.TrimSpace(*p.BuyerReference)
		}
		if p.Note != nil {
			inv.Note = strings.TrimSpace(*p.Note)
		}
		if p.Language != nil {
			inv.Language = *p.Language
		}
		if p.Template != nil {
			sel, err := s.seller(ctx, p.Template.ID)
			if err != nil {
				return err
			}
			inv.TemplateID = &sel.TemplateID
		}
		return nil
	})
}

// ReplaceLines sets a draft's lines from the requested quantities of what
// was sold, under the same rules as Create (this draft's own lines do not
// count as invoiced).
func (s *Service) ReplaceLines(ctx context.Context, id uuid.UUID, req []LineRequest, allowOver bool, ifVersion *int64) (Invoice, error) {
	if len(req) == 0 {
		return Invoice{}, errs.Field("lines", "a draft needs at least one line")
	}
	return s.changeDraft(ctx, id, ifVersion, func(ctx context.Context, inv *Invoice) error {
		if err := s.store.LockOpportunity(ctx, inv.OpportunityID); err != nil {
			return err
		}
		o, err := s.opps.InvoiceSource(ctx, inv.OpportunityID)
		if err != nil {
			return err
		}
		src := inv.Source
		b, err := basisOf(o, &src)
		if err != nil {
			return err
		}
		done, err := s.store.Invoiced(ctx, o.ID, b.Source, inv.ID)
		if err != nil {
			return err
		}
		if inv.Lines, err = PickLines(b, done, req, allowOver); err != nil {
			return err
		}
		inv.Totals, err = Compute(inv.Kind, inv.Lines, inv.OfferDiscount, inv.Currency, nil)
		return err
	})
}

// changeDraft locks a draft, checks its version, applies fn and saves it.
func (s *Service) changeDraft(ctx context.Context, id uuid.UUID, ifVersion *int64, fn func(ctx context.Context, inv *Invoice) error) (Invoice, error) {
	var out Invoice
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		inv, err := s.store.LockInvoice(ctx, id)
		if err != nil {
			return err
		}
		if ifVersion != nil && *ifVersion != inv.Version {
			return stale(inv.Version)
		}
		if inv.Status != StatusDraft {
			return errs.Conflictf("invoice %s is %s: only drafts change (an issued invoice is corrected by a credit note)", inv.Number, inv.Status)
		}
		if err := fn(ctx, &inv); err != nil {
			return err
		}
		inv.UpdatedAt = s.timestamp()
		if err := s.store.SaveInvoice(ctx, inv, nil); err != nil {
			return err
		}
		out, err = s.store.Invoice(ctx, id)
		return err
	})
	return out, err
}

// Delete deletes a draft; its lines count as invoiced no more. Issued
// documents are never deleted (errs.Conflict): a credit note undoes an
// invoice.
func (s *Service) Delete(ctx context.Context, id uuid.UUID, ifVersion *int64) error {
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		inv, err := s.store.LockInvoice(ctx, id)
		if err != nil {
			return err
		}
		if ifVersion != nil && *ifVersion != inv.Version {
			return stale(inv.Version)
		}
		if inv.Status != StatusDraft {
			return errs.Conflictf("invoice %s is %s: issued invoices are never deleted, credit it instead", inv.Number, inv.Status)
		}
		return s.store.DeleteInvoice(ctx, id, nil)
	})
}

func stale(current int64) error {
	return errs.New(errs.PreconditionFailed, "the invoice changed since you read it (now version %d)", current)
}
