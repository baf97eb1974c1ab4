package invoicing

import (
	"context"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/events"
)

// InvoiceEventPayload is the payload of every invoice.* event: enough for a
// webhook or a notification without reading the invoice again. Amounts are
// minor units of Currency.
type InvoiceEventPayload struct {
	InvoiceID uuid.UUID `json:"invoice_id"`
	Number    string    `json:"number"`
	Kind      Kind      `json:"kind"`
	Status    Status    `json:"status"`
	Customer  string    `json:"customer"`
	Total     int64     `json:"total"`
	AmountDue int64     `json:"amount_due"`
	Paid      int64     `json:"paid"`
	Currency  string    `json:"currency"`
	IssueDate string    `json:"issue_date,omitempty"`
	DueDate   string    `json:"due_date,omitempty"`
	OCR       string    `json:"ocr,omitempty"`
	// EmailID is the e-mail of invoice.sent.
	EmailID *uuid.UUID `json:"email_id,omitempty"`
	// CreditNote* name the credit note of invoice.credited.
	CreditNoteID     *uuid.UUID `json:"credit_note_id,omitempty"`
	CreditNoteNumber string     `json:"credit_note_number,omitempty"`
	CreditNoteTotal  *int64     `json:"credit_note_total,omitempty"`
}

// publish records an invoice event about inv.
func (s *Service) publish(ctx context.Context, t events.Type, inv Invoice, edit func(p *InvoiceEventPayload)) error {
	p := InvoiceEventPayload{InvoiceID: inv.ID, Number: inv.Number, Kind: inv.Kind, Status: inv.Status,
		Total: inv.Totals.Total, AmountDue: inv.AmountDue(), Paid: inv.Paid, Currency: string(inv.Currency), OCR: inv.OCR}
	if inv.Snapshot != nil {
		p.Customer = inv.Snapshot.Buyer.Name
	}
	if inv.IssueDate != nil {
		p.IssueDate = date(*inv.IssueDate)
	}
	if inv.DueDate != nil && inv.Kind == KindInvoice {
		p.DueDate = date(*inv.DueDate)
	}
	if edit != nil {
		edit(&p)
	}
	// The event carries the invoice as saved in this transaction.
	saved, err := s.store.Invoice(ctx, inv.ID)
	if err != nil {
		return err
	}
	opp := inv.OpportunityID
	return s.events.PublishJSON(ctx, events.Event{Type: t, SubjectType: "invoice", SubjectID: inv.ID, OpportunityID: &opp, Subject: saved}, p)
}
