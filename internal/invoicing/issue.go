package invoicing

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/events"
)

// DefaultPaymentTermsDays applies when neither the organization nor the
// workspace says otherwise.
const DefaultPaymentTermsDays = 30

// IssueInput says how to issue; a nil IssueDate is today in the
// workspace's time zone.
type IssueInput struct {
	IssueDate *time.Time
}

// Issue gives a draft its number (the next of the workspace's series for
// the issue date's year, in the workspace's number format), its OCR
// reference, issue date, due date (issue date plus the organization's
// payment terms, else the workspace's, else 30 days) and the frozen
// snapshot of seller, buyer and payment details, and publishes
// invoice.issued, all in one transaction. From then on the invoice never
// changes. A draft without lines is errs.Invalid; anything but a draft
// errs.Conflict.
func (s *Service) Issue(ctx context.Context, id uuid.UUID, in IssueInput, ifVersion *int64) (Invoice, error) {
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
			return errs.Conflictf("invoice %s is %s already: an invoice is issued once", inv.Number, inv.Status)
		}
		if len(inv.Lines) == 0 {
			return errs.Field("lines", "an invoice needs at least one line before it is issued")
		}
		set, err := s.parties.Settings(ctx)
		if err != nil {
			return err
		}
		issueDate := Today(s.now(), set.TimeZone)
		if in.IssueDate != nil {
			d := dateOnly(*in.IssueDate)
			if d.After(issueDate) {
				return errs.Field("issue_date", "must not be after today ("+date(issueDate)+" in the workspace's time zone)")
			}
			issueDate = d
		}
		o, err := s.opps.InvoiceSource(ctx, inv.OpportunityID)
		if err != nil {
			return err
		}
		snap, terms, err := s.freeze(ctx, inv, o, set)
		if err != nil {
			return err
		}
		if err := s.number(ctx, &inv, issueDate, set); err != nil {
			return err
		}
		snap.PaymentInfo.OCR, snap.PaymentInfo.TermsDays = inv.OCR, terms
		due := issueDate.AddDate(0, 0, terms)
		now := s.timestamp()
		inv.Status, inv.IssueDate, inv.DueDate, inv.PaymentTermsDays = StatusIssued, &issueDate, &due, &terms
		inv.Snapshot, inv.IssuedAt, inv.IssuedBy, inv.UpdatedAt = &snap, &now, events.UserID(ctx), now
		if err := s.store.SaveInvoice(ctx, inv, nil); err != nil {
			return err
		}
		if err := s.publish(ctx, events.InvoiceIssued, inv, nil); err != nil {
			return err
		}
		out, err = s.store.Invoice(ctx, id)
		return err
	})
	return out, err
}

// number takes the next number of the issue year's series.
func (s *Service) number(ctx context.Context, inv *Invoice, issueDate time.Time, set Settings) error {
	year := issueDate.Year()
	seq, err := s.store.NextInvoiceNumber(ctx, year)
	if err != nil {
		return err
	}
	ocr, err := OCR(year, seq)
	if err != nil {
		return err
	}
	inv.Number, inv.Year, inv.Seq, inv.OCR = FormatNumber(set.NumberFormat, year, seq), year, seq, ocr
	return nil
}

// freeze reads seller, buyer, contact and salesperson as they are now, and
// the payment terms that apply.
func (s *Service) freeze(ctx context.Context, inv Invoice, o Opportunity, set Settings) (Snapshot, int, error) {
	seller, err := s.seller(ctx, inv.TemplateID)
	if err != nil {
		return Snapshot{}, 0, err
	}
	buyer, orgTerms, err := s.parties.Buyer(ctx, o.OrganizationID, o.PersonID)
	if err != nil {
		return Snapshot{}, 0, err
	}
	snap := Snapshot{Seller: seller.Party, Buyer: buyer, PaymentInfo: seller.Payment, Footer: seller.Footer,
		LogoMIME: seller.LogoMIME, Opportunity: o.Title}
	if len(seller.Logo) > 0 {
		if snap.Logo, err = s.files.Put(ctx, seller.Logo); err != nil {
			return Snapshot{}, 0, err
		}
	}
	if o.ContactPersonID != nil {
		if snap.Contact, snap.Buyer.Email, err = s.contact(ctx, *o.ContactPersonID, snap.Buyer.Email); err != nil {
			return Snapshot{}, 0, err
		}
	}
	if snap.Salesperson, err = s.parties.User(ctx, o.OwnerID); err != nil && !errs.Is(err, errs.NotFound) {
		return Snapshot{}, 0, err
	}
	terms := set.PaymentTermsDays
	if orgTerms != nil {
		terms = *orgTerms
	}
	return snap, terms, nil
}

// contact names the contact person; a deleted one is left out.
func (s *Service) contact(ctx context.Context, id uuid.UUID, email string) (string, string, error) {
	name, e, err := s.parties.Person(ctx, id)
	if errs.Is(err, errs.NotFound) {
		return "", email, nil
	}
	if email == "" {
		email = e
	}
	return name, email, err
}

// CreditInput asks for a credit note; no Lines credits everything not
// credited yet. Reason is printed as its note.
type CreditInput struct {
	Lines  []LineRequest
	Reason string
}

// Credit issues a credit note of an issued invoice at once: its own number
// in the same series, the original referenced, negative totals, the same
// seller and buyer as the invoice. The invoice becomes credited when every
// line is credited in full, and its amount due drops by the note's total.
// invoice.credited is published. Crediting more than was invoiced is
// errs.Invalid; crediting a draft, a credit note or a fully credited
// invoice errs.Conflict.
func (s *Service) Credit(ctx context.Context, id uuid.UUID, in CreditInput) (Invoice, error) {
	if err := checkTexts(nil, &in.Reason); err != nil {
		return Invoice{}, err
	}
	var out Invoice
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		inv, err := s.store.LockInvoice(ctx, id)
		if err != nil {
			return err
		}
		if err := Creditable(inv); err != nil {
			return err
		}
		credited, err := s.store.Credited(ctx, inv.ID)
		if err != nil {
			return err
		}
		lines, overrides, err := PickCredit(inv, credited, in.Lines)
		if err != nil {
			return err
		}
		note, err := s.creditNote(ctx, inv, lines, overrides, in.Reason)
		if err != nil {
			return err
		}
		if err := s.store.CreateInvoice(ctx, note); err != nil {
			return err
		}
		inv.Credited -= note.Totals.Total // the note's total is negative
		if FullyCredited(inv, credited, lines) {
			inv.Status = StatusCredited
		} else {
			inv.Status = PaidStatus(inv)
		}
		inv.UpdatedAt = note.CreatedAt
		if err := s.store.SaveInvoice(ctx, inv, nil); err != nil {
			return err
		}
		if err := s.publish(ctx, events.InvoiceCredited, inv, func(p *InvoiceEventPayload) {
			p.CreditNoteID, p.CreditNoteNumber, p.CreditNoteTotal = &note.ID, note.Number, &note.Totals.Total
		}); err != nil {
			return err
		}
		out, err = s.store.Invoice(ctx, note.ID)
		return err
	})
	return out, err
}

// creditNote builds the issued credit note of inv.
func (s *Service) creditNote(ctx context.Context, inv Invoice, lines []Line, overrides map[int]int64, reason string) (Invoice, error) {
	set, err := s.parties.Settings(ctx)
	if err != nil {
		return Invoice{}, err
	}
	today := Today(s.now(), set.TimeZone)
	now := s.timestamp()
	id := inv.ID
	note := Invoice{ID: newID(), OpportunityID: inv.OpportunityID, Kind: KindCreditNote, Status: StatusIssued,
		CreditsID: &id, Source: inv.Source, QuoteID: inv.QuoteID, TemplateID: inv.TemplateID, Language: inv.Language,
		Currency: inv.Currency, OfferDiscount: inv.OfferDiscount, BuyerReference: inv.BuyerReference, Note: reason,
		Lines: lines, IssueDate: &today, DueDate: &today, PaymentTermsDays: new(int), IssuedAt: &now,
		IssuedBy: events.UserID(ctx), CreatedBy: events.UserID(ctx), Version: 1, CreatedAt: now, UpdatedAt: now}
	if note.Totals, err = Compute(KindCreditNote, note.Lines, note.OfferDiscount, note.Currency, overrides); err != nil {
		return Invoice{}, err
	}
	if err := s.number(ctx, &note, today, set); err != nil {
		return Invoice{}, err
	}
	snap := *inv.Snapshot
	snap.Credits = &Reference{Number: inv.Number, IssueDate: *inv.IssueDate}
	snap.PaymentInfo.OCR, snap.PaymentInfo.TermsDays = note.OCR, 0
	note.Snapshot = &snap
	return note, nil
}

func dateOnly(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
