package sales

import (
	"context"
	"slices"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/events"
)

// Lines returns an opportunity's lines in order with their totals.
func (s *Service) Lines(ctx context.Context, opportunityID uuid.UUID) (LineSet, error) {
	o, err := s.store.Opportunity(ctx, opportunityID)
	if err != nil {
		return LineSet{}, err
	}
	lines, err := s.store.Lines(ctx, opportunityID)
	if err != nil {
		return LineSet{}, err
	}
	t, err := ComputeTotals(lines, o.OfferDiscount, o.Currency)
	return LineSet{Lines: lines, Totals: t}, err
}

// Line returns one line of an opportunity (errs.NotFound when either is
// missing).
func (s *Service) Line(ctx context.Context, opportunityID, id uuid.UUID) (Line, error) {
	return s.store.Line(ctx, opportunityID, id)
}

// AddLine adds a line to an open opportunity (errs.Conflict when closed).
// A product must be active and priced in the opportunity's currency
// (errs.Invalid on product_id). The opportunity's estimated amount becomes
// the lines' net total in the same transaction.
func (s *Service) AddLine(ctx context.Context, opportunityID uuid.UUID, in NewLine) (Line, error) {
	var out Line
	err := s.changeLines(ctx, opportunityID, func(ctx context.Context, o Opportunity, lines []Line) error {
		now := s.now()
		l := Line{ID: newID(), OpportunityID: o.ID, Description: in.Description, Quantity: in.Quantity,
			Discount: in.Discount, Position: nextPosition(lines), Version: 1, CreatedAt: now, UpdatedAt: now}
		given := LinePatch{Name: in.Name, Unit: in.Unit, UnitPrice: in.UnitPrice, VATRate: in.VATRate, Position: in.Position}
		if in.ProductID != nil {
			if err := s.copyProduct(ctx, o, *in.ProductID, &l, given); err != nil {
				return err
			}
		} else if err := freeLineFields(in); err != nil {
			return err
		}
		given.apply(&l)
		if err := l.validate(); err != nil {
			return err
		}
		out = l
		return s.store.CreateLine(ctx, l)
	})
	return out, err
}

// freeLineFields requires what a line without a product cannot copy.
func freeLineFields(in NewLine) error {
	var fe []errs.FieldError
	if in.Name == nil {
		fe = append(fe, errs.FieldError{Field: "name", Message: "is required for a line without product_id"})
	}
	if in.UnitPrice == nil {
		fe = append(fe, errs.FieldError{Field: "unit_price", Message: "is required for a line without product_id"})
	}
	if in.VATRate == nil {
		fe = append(fe, errs.FieldError{Field: "vat_rate", Message: "is required for a line without product_id"})
	}
	return errs.Fields("invalid product line", fe...)
}

func nextPosition(lines []Line) int {
	next := 0
	for _, l := range lines {
		next = max(next, l.Position+1)
	}
	return next
}

// UpdateLine changes a line of an open opportunity. ifVersion, when given,
// must be the line's version (errs.PreconditionFailed otherwise): two
// concurrent edits never both succeed on the same version.
func (s *Service) UpdateLine(ctx context.Context, opportunityID, id uuid.UUID, patch LinePatch, ifVersion *int64) (Line, error) {
	var out Line
	err := s.changeLines(ctx, opportunityID, func(ctx context.Context, o Opportunity, lines []Line) error {
		l, err := findLine(lines, id, ifVersion)
		if err != nil {
			return err
		}
		if patch.ProductID.Set && patch.ProductID.Value == nil {
			l.ProductID = nil
		} else if patch.ProductID.Set && (l.ProductID == nil || *l.ProductID != *patch.ProductID.Value) {
			if err := s.copyProduct(ctx, o, *patch.ProductID.Value, &l, patch); err != nil {
				return err
			}
		}
		patch.apply(&l)
		if err := l.validate(); err != nil {
			return err
		}
		l.UpdatedAt = s.now()
		if err := s.store.SaveLine(ctx, l); err != nil {
			return err
		}
		out, err = s.store.Line(ctx, opportunityID, id)
		return err
	})
	return out, err
}

// DeleteLine removes a line of an open opportunity. Removing the last line
// leaves the estimated amount as it was, and editable by hand again.
func (s *Service) DeleteLine(ctx context.Context, opportunityID, id uuid.UUID, ifVersion *int64) error {
	return s.changeLines(ctx, opportunityID, func(ctx context.Context, _ Opportunity, lines []Line) error {
		if _, err := findLine(lines, id, ifVersion); err != nil {
			return err
		}
		return s.store.DeleteLine(ctx, opportunityID, id)
	})
}

// ReorderLines puts the lines in the order of ids, which must name every
// line of the opportunity exactly once (errs.Invalid on line_ids otherwise).
func (s *Service) ReorderLines(ctx context.Context, opportunityID uuid.UUID, ids []uuid.UUID) (LineSet, error) {
	var out LineSet
	err := s.changeLines(ctx, opportunityID, func(ctx context.Context, _ Opportunity, lines []Line) error {
		if !sameLines(lines, ids) {
			return errs.Field("line_ids", "must list every line of the opportunity exactly once")
		}
		return s.store.SetLinePositions(ctx, opportunityID, ids, s.now())
	})
	if err != nil {
		return LineSet{}, err
	}
	out, err = s.Lines(ctx, opportunityID)
	return out, err
}

func sameLines(lines []Line, ids []uuid.UUID) bool {
	if len(lines) != len(ids) {
		return false
	}
	have := make([]uuid.UUID, len(lines))
	for i, l := range lines {
		have[i] = l.ID
	}
	want := slices.Clone(ids)
	cmp := func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) }
	slices.SortFunc(have, cmp)
	slices.SortFunc(want, cmp)
	return slices.Equal(have, want)
}

func findLine(lines []Line, id uuid.UUID, ifVersion *int64) (Line, error) {
	for _, l := range lines {
		if l.ID != id {
			continue
		}
		if ifVersion != nil && *ifVersion != l.Version {
			return Line{}, stale("line", l.Version)
		}
		return l, nil
	}
	return Line{}, errs.NotFoundf("not found")
}

// changeLines runs fn in a transaction that locks the opportunity, so line
// changes of one opportunity are serialised and none is lost. It refuses
// closed opportunities, then recomputes the totals over all lines and, when
// lines remain, writes their net total as the estimated amount; the
// opportunity's version moves on with every line change.
func (s *Service) changeLines(ctx context.Context, opportunityID uuid.UUID, fn func(ctx context.Context, o Opportunity, lines []Line) error) error {
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		o, err := s.store.LockOpportunity(ctx, opportunityID)
		if err != nil {
			return err
		}
		if o.Status != StatusOpen {
			return errs.Conflictf("the opportunity is %s: the lines of a closed opportunity cannot change (reopen it first)", o.Status)
		}
		before := payloadOf(o)
		lines, err := s.store.Lines(ctx, opportunityID)
		if err != nil {
			return err
		}
		if err := fn(ctx, o, lines); err != nil {
			return err
		}
		if lines, err = s.store.Lines(ctx, opportunityID); err != nil {
			return err
		}
		if err := followLines(&o, lines); err != nil {
			return err
		}
		o.UpdatedAt = s.now()
		if err := s.store.SaveOpportunity(ctx, o); err != nil {
			return err
		}
		// A line change that moves the amount is an update of the
		// opportunity for webhooks and the change feed alike.
		o.Version++
		after := payloadOf(o)
		if after.Previous = changed(before, after); len(after.Previous) == 0 {
			return nil
		}
		return s.publishOpportunity(ctx, events.OpportunityUpdated, o, after)
	})
}

// followLines keeps the opportunity's totals and line count in step with
// its lines and sets the estimated amount to their net total; without
// lines the totals are gone and the amount stays as it was.
func followLines(o *Opportunity, lines []Line) error {
	o.LineCount = len(lines)
	if len(lines) == 0 {
		o.Totals = nil
		return nil
	}
	t, err := ComputeTotals(lines, o.OfferDiscount, o.Currency)
	if err != nil {
		return err
	}
	t.LineNets = nil // kept on the lines, not on the opportunity
	o.EstimatedAmount, o.Totals = t.Net, &t
	return nil
}

// applyLineRules applies the line rules to an opportunity patch: the amount
// follows the lines while there are any, so setting it by hand is refused;
// the currency cannot change under priced lines; the offer discount
// recomputes the amount, and cannot change on a closed opportunity's lines.
func applyLineRules(o *Opportunity, before Opportunity, p OpportunityPatch, lines []Line) error {
	if p.OfferDiscount != nil {
		if err := p.OfferDiscount.Validate("offer_discount"); err != nil {
			return err
		}
		o.OfferDiscount = *p.OfferDiscount
	}
	if len(lines) == 0 {
		return nil
	}
	if p.EstimatedAmount != nil && *p.EstimatedAmount != before.EstimatedAmount {
		return errs.Field("estimated_amount", "the opportunity has product lines, so its amount is their net total: change the lines, or remove them all to set the amount by hand")
	}
	if o.Currency != before.Currency {
		return errs.Field("currency", "the opportunity has product lines priced in "+before.Currency+": remove them before changing the currency")
	}
	if o.OfferDiscount != before.OfferDiscount && before.Status != StatusOpen {
		return errs.Conflictf("the opportunity is %s: the offer discount of its lines cannot change (reopen it first)", before.Status)
	}
	return followLines(o, lines)
}

// withTotals fills the totals of opportunities whose lines predate the
// stored totals (line_count set, totals not yet): their lines are read in
// one query. Opportunities written since carry their totals and cost
// nothing here.
func (s *Service) withTotals(ctx context.Context, opps []Opportunity) error {
	var ids []uuid.UUID
	for _, o := range opps {
		if o.LineCount > 0 && o.Totals == nil {
			ids = append(ids, o.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	byOpp, err := s.store.LinesOf(ctx, ids)
	if err != nil {
		return err
	}
	for i := range opps {
		if lines := byOpp[opps[i].ID]; len(lines) > 0 && opps[i].Totals == nil {
			t, err := ComputeTotals(lines, opps[i].OfferDiscount, opps[i].Currency)
			if err != nil {
				return err
			}
			t.LineNets = nil
			opps[i].Totals = &t
		}
	}
	return nil
}
