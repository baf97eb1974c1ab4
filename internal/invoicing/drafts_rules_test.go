package invoicing

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
)

// ledger holds one invoice and records what the draft rules store; the
// other Store methods are not used here (the nil embedded Store panics).
type ledger struct {
	Store
	inv     Invoice
	saved   *Invoice
	deleted bool
}

func (l *ledger) WithTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return fn(ctx)
}
func (l *ledger) LockInvoice(context.Context, uuid.UUID) (Invoice, error) { return l.inv, nil }
func (l *ledger) Invoice(context.Context, uuid.UUID) (Invoice, error) {
	if l.saved != nil {
		return *l.saved, nil
	}
	return l.inv, nil
}
func (l *ledger) SaveInvoice(_ context.Context, inv Invoice, _ *int64) error {
	l.saved = &inv
	return nil
}
func (l *ledger) DeleteInvoice(context.Context, uuid.UUID, *int64) error {
	l.deleted = true
	return nil
}

// sellers knows one template.
type sellers struct {
	Parties
	known uuid.UUID
}

func (s sellers) Seller(_ context.Context, id *uuid.UUID) (Seller, error) {
	if id != nil && *id != s.known {
		return Seller{}, errs.NotFoundf("no template")
	}
	return Seller{TemplateID: s.known}, nil
}

func TestOnlyDraftsChange(t *testing.T) {
	tpl := uuid.New()
	draft := Invoice{ID: uuid.New(), Status: StatusDraft, Version: 4, Language: "en", BuyerReference: "PO 1"}
	tests := []struct {
		name      string
		inv       Invoice
		patch     Patch
		ifVersion *int64
		code      errs.Code
		field     string
	}{
		{"texts and language", draft, Patch{BuyerReference: ptr("  PO 2 "), Note: ptr(" thanks "), Language: ptr("sv")}, ptr(int64(4)), "", ""},
		{"another template", draft, Patch{Template: &TemplateRef{ID: &tpl}}, nil, "", ""},
		{"an unknown template", draft, Patch{Template: &TemplateRef{ID: ptr(uuid.New())}}, nil, errs.Invalid, "template_id"},
		{"German", draft, Patch{Language: ptr("de")}, nil, errs.Invalid, "language"},
		{"a two-line reference", draft, Patch{BuyerReference: ptr("a\nb")}, nil, errs.Invalid, "buyer_reference"},
		{"a stale version", draft, Patch{}, ptr(int64(3)), errs.PreconditionFailed, ""},
		{"an issued invoice", Invoice{Status: StatusIssued, Number: "2026-1"}, Patch{Note: ptr("x")}, nil, errs.Conflict, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := &ledger{inv: tt.inv}
			s := NewService(l, Deps{Parties: sellers{known: tpl}, Now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 678, time.UTC) }})
			got, err := s.Update(context.Background(), tt.inv.ID, tt.patch, tt.ifVersion)
			switch {
			case tt.field != "":
				if f := fieldsOf(t, err); !slices.Equal(f, []string{tt.field}) {
					t.Fatalf("got fields %v, want %s", f, tt.field)
				}
			case tt.code != "":
				if !errs.Is(err, tt.code) {
					t.Fatalf("got %v, want %s", err, tt.code)
				}
			case err != nil:
				t.Fatal(err)
			}
			if tt.code != "" {
				if l.saved != nil {
					t.Error("a refused change was saved")
				}
				return
			}
			if !got.UpdatedAt.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) {
				t.Errorf("got updated at %s", got.UpdatedAt)
			}
			if tt.patch.Language != nil && (got.BuyerReference != "PO 2" || got.Note != "thanks" || got.Language != "sv") {
				t.Errorf("got %q, %q, %q", got.BuyerReference, got.Note, got.Language)
			}
			if tt.patch.Template != nil && *got.TemplateID != tpl {
				t.Errorf("got template %v", got.TemplateID)
			}
		})
	}
}

func TestOnlyDraftsAreDeleted(t *testing.T) {
	tests := []struct {
		inv       Invoice
		ifVersion *int64
		code      errs.Code
	}{
		{Invoice{Status: StatusDraft, Version: 2}, ptr(int64(2)), ""},
		{Invoice{Status: StatusDraft, Version: 2}, ptr(int64(1)), errs.PreconditionFailed},
		{Invoice{Status: StatusIssued, Version: 2}, nil, errs.Conflict},
		{Invoice{Status: StatusPaid, Version: 2}, nil, errs.Conflict},
	}
	for _, tt := range tests {
		l := &ledger{inv: tt.inv}
		err := NewService(l, Deps{}).Delete(context.Background(), uuid.New(), tt.ifVersion)
		if tt.code == "" && (err != nil || !l.deleted) || tt.code != "" && (!errs.Is(err, tt.code) || l.deleted) {
			t.Errorf("%s: got %v, deleted %v, want %q", tt.inv.Status, err, l.deleted, tt.code)
		}
	}
	if _, err := NewService(nil, Deps{}).Create(context.Background(), uuid.New(), NewInvoice{Note: ptr("\x00")}); fieldsOf(t, err)[0] != "note" {
		t.Errorf("create with a bad note: got %v", err)
	}
}
