package invoicing

import (
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/money"
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
	inv := exampleInvoice()
	sent, paid, credited := inv, inv, inv
	sentAt := inv.IssuedAt.Add(time.Minute)
	sent.SentAt, sent.Version = &sentAt, 3
	paid.Status, paid.Paid, paid.Version = StatusPaid, inv.Totals.Total, 4
	paid.Payments = []Payment{{ID: uuid.MustParse("0190d0c4-5e2a-7cc0-8000-000000000104"), InvoiceID: inv.ID,
		Amount: inv.Totals.Total, Date: time.Date(2026, 4, 2, 0, 0, 0, 0, time.UTC), Method: MethodBankTransfer,
		Reference: "2026000703", CreatedBy: inv.CreatedBy, CreatedAt: time.Date(2026, 4, 2, 8, 0, 0, 0, time.UTC)}}
	credited.Status, credited.Credited, credited.Version = StatusCredited, inv.Totals.Total, 4
	return []events.Definition{
		{Type: events.InvoiceIssued, Description: "An invoice or credit note was issued (numbered and frozen); a credit note names the invoice it credits in credits_id.",
			Example: issued, Subject: inv},
		{Type: events.InvoiceSent, Description: "An issued invoice was e-mailed to the customer (the e-mail is on the opportunity's timeline).",
			Example: with(func(p *InvoiceEventPayload) { p.EmailID = &email }), Subject: sent},
		{Type: events.InvoicePaid, Description: "A payment was recorded (status partially_paid or paid); payments lists them.",
			Example: with(func(p *InvoiceEventPayload) { p.Status, p.Paid, p.AmountDue = StatusPaid, p.Total, 0 }), Subject: paid},
		{Type: events.InvoiceCredited, Description: "A credit note credited the invoice (the credit note's own invoice.issued comes first).",
			Example: with(func(p *InvoiceEventPayload) {
				p.Status, p.CreditNoteID, p.CreditNoteNumber, p.CreditNoteTotal = StatusCredited, &credit, "2026-0008", &creditTotal
			}), Subject: credited},
		{Type: events.InvoiceOverdue, Description: "An issued invoice passed its due date unpaid.", Example: issued, Subject: inv},
	}
}

// exampleInvoice is an issued invoice of one line, for the documentation.
func exampleInvoice() Invoice {
	seats, _ := money.QuantityFromThousandths(40_000)
	lines := []Line{{ID: uuid.MustParse("0190d0c4-5e2a-7cc0-8000-000000000105"), SourceLineID: uuid.MustParse("0190d0c4-5e2a-7cc0-8000-0000000000f3"),
		Code: "LIC-100", Name: "CRM seat licence", Unit: "seat", Quantity: seats, UnitPrice: 312500, VATRate: 2500}}
	totals, err := Compute(KindInvoice, lines, 0, "SEK", nil)
	if err != nil {
		panic("example invoice: " + err.Error())
	}
	issueDate, dueDate := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 9, 0, 0, 0, 0, time.UTC)
	issuedAt, user, terms := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC), uuid.MustParse("0190d0c4-5e2a-7cc0-8000-0000000000b1"), 30
	quote := uuid.MustParse("0190d0c4-5e2a-7cc0-8000-0000000000f1")
	return Invoice{ID: uuid.MustParse("0190d0c4-5e2a-7cc0-8000-000000000101"), OpportunityID: uuid.MustParse("0190d0c4-5e2a-7cc0-8000-0000000000a1"),
		Kind: KindInvoice, Status: StatusIssued, Source: SourceQuote, QuoteID: &quote, Number: "2026-0007", Year: 2026, Seq: 7,
		OCR: "2026000703", Language: "en", Currency: "SEK", Lines: lines, Totals: totals, PaymentTermsDays: &terms,
		IssueDate: &issueDate, DueDate: &dueDate, IssuedAt: &issuedAt, IssuedBy: &user, CreatedBy: &user, Version: 2,
		CreatedAt: issuedAt.Add(-time.Hour), UpdatedAt: issuedAt,
		Snapshot: &Snapshot{Seller: Party{Name: "Seller AB", OrganizationNumber: "559900-1122", Country: "SE"},
			Buyer:   Party{Name: "Nordic Widgets AB", Address: []string{"Storgatan 1"}, PostalCode: "111 22", City: "Stockholm", Country: "SE"},
			Contact: "Åsa Ström", Salesperson: "Erik Lind",
			PaymentInfo: PaymentInfo{BankAccount: "Bankgiro 123-4567", OCR: "2026000703", TermsDays: 30}}}
}
