package quoting

import (
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/events"
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
	return []events.Definition{
		{Type: events.QuoteSent, Description: "A quote was sent to the customer (by e-mail or as a link).", Example: sent},
		{Type: events.QuoteViewed, Description: "The customer opened the quote's link (first_view: the first time; later days' views too).",
			Example: with(StatusViewed, func(p *QuoteEventPayload) { p.FirstView = &first })},
		{Type: events.QuoteSigned, Description: "The customer signed the quote.",
			Example: with(StatusSigned, func(p *QuoteEventPayload) { p.Response = signed })},
		{Type: events.QuoteChangeRequested, Description: "The customer asked for changes.",
			Example: with(StatusChangeRequested, func(p *QuoteEventPayload) { p.Response = change })},
		{Type: events.QuoteRejected, Description: "The customer rejected the quote.",
			Example: with(StatusRejected, func(p *QuoteEventPayload) { p.Response = rejected })},
		{Type: events.QuoteExpired, Description: "The quote passed its valid-until date unanswered.", Example: with(StatusExpired, nil)},
	}
}
