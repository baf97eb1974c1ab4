package notify

import (
	"testing"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/quoting"
)

func TestMessageWordsEachEventInTheReadersLanguage(t *testing.T) {
	p := quoting.QuoteEventPayload{Number: "2026-0042", Customer: "Acme AB", Total: 125000, Currency: "SEK", ValidUntil: "2026-06-30"}
	ann := events.Customer("Ann Andersson", "ann@example.com")
	tests := []struct {
		lang  string
		typ   events.Type
		actor events.Actor
		title string
		body  string
	}{
		{"en", events.QuoteViewed, ann, "Quote 2026-0042 opened",
			"The customer opened quote 2026-0042 (Acme AB, SEK\u00a01,250.00).\nOpportunity: Big deal"},
		{"sv", events.QuoteViewed, ann, "Offert 2026-0042 öppnad",
			"Kunden öppnade offert 2026-0042 (Acme AB, 1\u00a0250,00\u00a0kr).\nAffärsmöjlighet: Big deal"},
		{"en", events.QuoteSigned, ann, "Quote 2026-0042 signed",
			"Ann Andersson signed quote 2026-0042 (Acme AB, SEK\u00a01,250.00).\nOpportunity: Big deal"},
		{"en", events.QuoteSigned, events.Actor{}, "Quote 2026-0042 signed",
			"The customer signed quote 2026-0042 (Acme AB, SEK\u00a01,250.00).\nOpportunity: Big deal"},
		{"sv-SE", events.QuoteSigned, events.Actor{}, "Offert 2026-0042 signerad",
			"Kunden signerade offert 2026-0042 (Acme AB, 1\u00a0250,00\u00a0kr).\nAffärsmöjlighet: Big deal"},
		{"en", events.QuoteChangeRequested, ann, "Change requested on quote 2026-0042",
			"Ann Andersson asked for a change to quote 2026-0042 (Acme AB, SEK\u00a01,250.00).\nOpportunity: Big deal"},
		{"sv", events.QuoteChangeRequested, ann, "Ändring begärd i offert 2026-0042",
			"Ann Andersson begärde en ändring i offert 2026-0042 (Acme AB, 1\u00a0250,00\u00a0kr).\nAffärsmöjlighet: Big deal"},
		{"en", events.QuoteRejected, ann, "Quote 2026-0042 declined",
			"Ann Andersson declined quote 2026-0042 (Acme AB, SEK\u00a01,250.00).\nOpportunity: Big deal"},
		{"sv", events.QuoteRejected, ann, "Offert 2026-0042 avböjd",
			"Ann Andersson tackade nej till offert 2026-0042 (Acme AB, 1\u00a0250,00\u00a0kr).\nAffärsmöjlighet: Big deal"},
		{"en", events.QuoteExpired, events.System, "Quote 2026-0042 expired",
			"Quote 2026-0042 (Acme AB, SEK\u00a01,250.00) expired: it was valid until 2026-06-30.\nOpportunity: Big deal"},
		{"sv", events.QuoteExpired, events.System, "Offert 2026-0042 har gått ut",
			"Offert 2026-0042 (Acme AB, 1\u00a0250,00\u00a0kr) har gått ut: den gällde till och med 2026-06-30.\nAffärsmöjlighet: Big deal"},
		{"en", events.QuoteSent, ann, "quote.sent 2026-0042",
			"quote.sent 2026-0042 (Acme AB, SEK\u00a01,250.00)\nOpportunity: Big deal"},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+string(tt.typ), func(t *testing.T) {
			got := message(tt.lang, events.Event{Type: tt.typ, Actor: tt.actor}, p, "Big deal")
			if got.title != tt.title || got.body != tt.body {
				t.Errorf("got\n%q\n%q\nwant\n%q\n%q", got.title, got.body, tt.title, tt.body)
			}
		})
	}
}

func TestMessageQuotesTheCustomersWords(t *testing.T) {
	r := &quoting.Response{Name: "Ann", Email: "ann@example.com", Comment: "Cheaper, please", Reason: "Too late",
		LineComments: []quoting.LineComment{{LineID: uuid.New(), Line: "Licence", Comment: "fewer"}, {Line: "Support", Comment: "none"}}}
	tests := []struct {
		sv   bool
		r    *quoting.Response
		want string
	}{
		{false, nil, ""},
		{false, &quoting.Response{}, ""},
		{false, r, "\n\nComment:\nCheaper, please\n- Licence: fewer\n- Support: none\n\nReason:\nToo late\n\nFrom: Ann <ann@example.com>"},
		{true, r, "\n\nKommentar:\nCheaper, please\n- Licence: fewer\n- Support: none\n\nAnledning:\nToo late\n\nFrån: Ann <ann@example.com>"},
	}
	for _, tt := range tests {
		if got := details(tt.sv, tt.r); got != tt.want {
			t.Errorf("sv=%v: got %q, want %q", tt.sv, got, tt.want)
		}
	}
}
