package notify

import (
	"fmt"
	"strings"

	"github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/money"
	"github.com/acme/crm/internal/quoting"
)

// text is a notification's title and body.
type text struct{ title, body string }

// message words what happened for a user reading lang ("en" or "sv"):
// who did what to which quote, for which customer and amount, on which
// opportunity, with the customer's comments.
func message(lang string, e events.Event, p quoting.QuoteEventPayload, opportunity string) text {
	sv := quoting.Language(lang) == quoting.LangSwedish
	who := e.Actor.Name
	if who == "" {
		who = map[bool]string{false: "The customer", true: "Kunden"}[sv]
	}
	amount := money.Format(p.Total, money.Currency(p.Currency), lang)
	subject := fmt.Sprintf("%s (%s, %s)", p.Number, p.Customer, amount)
	var t text
	switch e.Type {
	case events.QuoteViewed:
		t = pick(sv, text{"Quote " + p.Number + " opened", "The customer opened quote " + subject + "."},
			text{"Offert " + p.Number + " öppnad", "Kunden öppnade offert " + subject + "."})
	case events.QuoteSigned:
		t = pick(sv, text{"Quote " + p.Number + " signed", who + " signed quote " + subject + "."},
			text{"Offert " + p.Number + " signerad", who + " signerade offert " + subject + "."})
	case events.QuoteChangeRequested:
		t = pick(sv, text{"Change requested on quote " + p.Number, who + " asked for a change to quote " + subject + "."},
			text{"Ändring begärd i offert " + p.Number, who + " begärde en ändring i offert " + subject + "."})
	case events.QuoteRejected:
		t = pick(sv, text{"Quote " + p.Number + " declined", who + " declined quote " + subject + "."},
			text{"Offert " + p.Number + " avböjd", who + " tackade nej till offert " + subject + "."})
	case events.QuoteExpired:
		t = pick(sv, text{"Quote " + p.Number + " expired", "Quote " + subject + " expired: it was valid until " + p.ValidUntil + "."},
			text{"Offert " + p.Number + " har gått ut", "Offert " + subject + " har gått ut: den gällde till och med " + p.ValidUntil + "."})
	default:
		t = text{string(e.Type) + " " + p.Number, string(e.Type) + " " + subject}
	}
	t.body += "\n" + pick(sv, text{body: "Opportunity: " + opportunity}, text{body: "Affärsmöjlighet: " + opportunity}).body
	t.body += details(sv, p.Response)
	return t
}

func pick(sv bool, en, swedish text) text {
	if sv {
		return swedish
	}
	return en
}

// details quotes the customer's own words.
func details(sv bool, r *quoting.Response) string {
	if r == nil {
		return ""
	}
	var b strings.Builder
	label := func(en, s string) string {
		if sv {
			return s
		}
		return en
	}
	if r.Comment != "" {
		fmt.Fprintf(&b, "\n\n%s:\n%s", label("Comment", "Kommentar"), r.Comment)
	}
	for _, lc := range r.LineComments {
		fmt.Fprintf(&b, "\n- %s: %s", lc.Line, lc.Comment)
	}
	if r.Reason != "" {
		fmt.Fprintf(&b, "\n\n%s:\n%s", label("Reason", "Anledning"), r.Reason)
	}
	if r.Email != "" {
		fmt.Fprintf(&b, "\n\n%s: %s <%s>", label("From", "Från"), r.Name, r.Email)
	}
	return b.String()
}
