package quoting

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/audit"
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
			out[i] = SnapshotLine{Name: strings.TrimSpace(in.Name), Unit: strings.TrimSpace(in.Unit),
				Description: in.Description, Quantity: in.Quantity, UnitPrice: in.UnitPrice,
				Discount: in.Discount, VATRate: in.VATRate}
			if in.ProductID != nil {
				out[i].ProductID = *in.ProductID
			}
		}
		var err error
		q.Snapshot.Lines, err = s.withCodes(ctx, out, true)
		return err
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
		if err := s.newLink(&next); err != nil {
			return err
		}
		if err := s.store.CreateQuote(ctx, next); err != nil {
			return err
		}
		return s.record(ctx, old, audit.Revise, map[string]any{"new_quote_id": next.ID, "new_revision": next.QuoteVersion})
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
		if q.SentAt != nil { // a draft never reached the customer: nothing to attest
			if err := s.record(ctx, q, audit.Withdraw, map[string]any{}); err != nil {
				return err
			}
		}
		out, err = s.Quote(ctx, id)
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
