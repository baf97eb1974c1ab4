package invoicing

import (
	"github.com/google/uuid"

	"github.com/acme/crm/internal/events"
)

// EventDefinitions documents the invoice events with examples of their
// payloads.
func EventDefinitions() []events.Definition {
	issued := InvoiceEventPayload{InvoiceID: uuid.MustParse("0190d0c4-5e2a-7cc0-8000-000000000101"), Number: "2026-0007",
		Kind: KindInvoice, Status: StatusIssued, Customer: "Nordic Widgets AB", Total: 15625000, AmountDue: 15625000,
		Currency: "SEK", IssueDate: "2026-03-10", DueDate: "2026-04-09", OCR: "2026000703"}
	with := func(edit func(p *InvoiceEventPayload)) InvoiceEventPayload {
		p := issued
		edit(&p)
		return p
	}
	email := uuid.MustParse("0190d0c4-5e2a-7cc0-8000-000000000102")
	credit := uuid.MustParse("0190d0c4-5e2a-7cc0-8000-000000000103")
	creditTotal := int64(-15625000)
	return []events.Definition{
		{Type: events.InvoiceIssued, Description: "An invoice or credit note was issued (numbered and frozen).", Example: issued},
		{Type: events.InvoiceSent, Description: "An issued invoice was e-mailed to the customer.",
			Example: with(func(p *InvoiceEventPayload) { p.EmailID = &email })},
		{Type: events.InvoicePaid, Description: "A payment was recorded (status partially_paid or paid).",
			Example: with(func(p *InvoiceEventPayload) { p.Status, p.Paid, p.AmountDue = StatusPaid, p.Total, 0 })},
		{Type: events.InvoiceCredited, Description: "A credit note credited the invoice.",
			Example: with(func(p *InvoiceEventPayload) {
				p.Status, p.CreditNoteID, p.CreditNoteNumber, p.CreditNoteTotal = StatusCredited, &credit, "2026-0008", &creditTotal
			})},
		{Type: events.InvoiceOverdue, Description: "An issued invoice passed its due date unpaid.", Example: issued},
	}
}
