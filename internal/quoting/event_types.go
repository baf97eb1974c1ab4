package quoting

import (
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/money"
)

// EventDefinitions documents the quote events with examples of their
// payloads.
func EventDefinitions() []events.Definition {
	at := time.Date(2026, 3, 4, 14, 5, 0, 0, time.UTC)
	sent := QuoteEventPayload{QuoteID: uuid.MustParse("0190d0c4-5e2a-7cc0-8000-0000000000f1"), Number: "2026-0042",
		Revision: 1, Status: StatusSent, Customer: "Nordic Widgets AB", Total: 15625000, Currency: "SEK",
		ValidUntil: "2026-04-03", Channel: "email"}
	with := func(st Status, edit func(p *QuoteEventPayload)) QuoteEventPayload {
		p := sent
		p.Status = st
		if edit != nil {
			edit(&p)
		}
		return p
	}
	first := true
	answer := func(k ResponseKind) *Response {
		return &Response{Kind: k, Name: "Åsa Ström", Email: "asa@nordicwidgets.example", At: at, Channel: "email",
			EvidenceID: uuid.MustParse("0190d0c4-5e2a-7cc0-8000-0000000000f2")}
	}
	signed := answer(ResponseSigned)
	signed.Title, signed.OpportunityMoved = "CFO", true
	change := answer(ResponseChangeRequested)
	change.Comment = "Could you quote 45 seats instead?"
	rejected := answer(ResponseRejected)
	rejected.Reason = "We chose another supplier."
	quote := exampleQuote(at)
	as := func(st Status, r *Response) Quote {
		q := quote
		q.Status, q.Response, q.StatusChangedAt, q.UpdatedAt = st, r, at, at
		if st != StatusSent {
			viewed := at.Add(-time.Hour)
			q.ViewedAt, q.LastViewedAt, q.Version = &viewed, &viewed, 3
		}
		return q
	}
	return []events.Definition{
		{Type: events.QuoteSent, Description: "A quote was sent to the customer (by e-mail or as a link).", Example: sent, Subject: quote},
		{Type: events.QuoteViewed, Description: "The customer opened the quote's link (the first time, and on later days; viewed_at is the first view).",
			Example: with(StatusViewed, func(p *QuoteEventPayload) { p.FirstView = &first }), Subject: as(StatusViewed, nil)},
		{Type: events.QuoteSigned, Description: "The customer signed the quote; response holds the signer and the signed PDF's attachment.",
			Example: with(StatusSigned, func(p *QuoteEventPayload) { p.Response = signed }), Subject: as(StatusSigned, signed)},
		{Type: events.QuoteChangeRequested, Description: "The customer asked for changes; response holds their comments.",
			Example: with(StatusChangeRequested, func(p *QuoteEventPayload) { p.Response = change }), Subject: as(StatusChangeRequested, change)},
		{Type: events.QuoteRejected, Description: "The customer rejected the quote; response holds their reason.",
			Example: with(StatusRejected, func(p *QuoteEventPayload) { p.Response = rejected }), Subject: as(StatusRejected, rejected)},
		{Type: events.QuoteExpired, Description: "The quote passed its valid-until date unanswered.", Example: with(StatusExpired, nil),
			Subject: as(StatusExpired, nil)},
	}
}

// exampleQuote is a sent quote of one line, for the documentation.
func exampleQuote(at time.Time) Quote {
	seats, _ := money.QuantityFromThousandths(40_000)
	snap, err := BuildSnapshot(Snapshot{
		Customer: Customer{Kind: CustomerOrganization, Name: "Nordic Widgets AB", OrganizationNumber: "556677-8899",
			Address: Address{Lines: []string{"Storgatan 1"}, PostalCode: "111 22", City: "Stockholm", Country: "SE"}},
		Contact:     Contact{Name: "Åsa Ström", Email: "asa@nordicwidgets.example"},
		Salesperson: Salesperson{Name: "Erik Lind", Email: "erik@seller.example"},
		Company:     Company{Name: "Seller AB", OrganizationNumber: "559900-1122", Email: "sales@seller.example"},
		Texts:       Texts{Intro: "Thank you for your interest.", Terms: "Payment 30 days net."},
		Language:    "en", Currency: "SEK",
		Lines: []SnapshotLine{{ID: uuid.MustParse("0190d0c4-5e2a-7cc0-8000-0000000000f3"), Code: "LIC-100",
			Name: "CRM seat licence", Unit: "seat", Quantity: seats, UnitPrice: 312500, VATRate: 2500}},
	})
	if err != nil {
		panic("example quote: " + err.Error())
	}
	sentAt, seller := at.Add(-24*time.Hour), uuid.MustParse("0190d0c4-5e2a-7cc0-8000-0000000000b1")
	return Quote{ID: uuid.MustParse("0190d0c4-5e2a-7cc0-8000-0000000000f1"), OpportunityID: uuid.MustParse("0190d0c4-5e2a-7cc0-8000-0000000000a1"),
		Number: "2026-0042", QuoteVersion: 1, Status: StatusSent, ValidUntil: time.Date(2026, 4, 3, 0, 0, 0, 0, time.UTC),
		Snapshot: snap, DocumentSHA256: "9f2b5c0e4a7d3e1b6c8f0a2d4e6b8c0f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b",
		PublicURL: "https://crm.example.com/q/8ZkQ3f0v1x2Jm4nB5cD6eF7gH8iJ9kL0mN1oP2qR3sT", SentAt: &sentAt, SentBy: &seller,
		SentChannel: "email", StatusChangedAt: sentAt, CreatedBy: seller, Version: 2, CreatedAt: sentAt.Add(-time.Hour), UpdatedAt: sentAt}
}
