package quoting

import (
	"context"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/audit"
	"github.com/acme/crm/internal/events"
)

// newLink gives a new version its link (see Links).
func (s *Service) newLink(q *Quote) error {
	_, hash, sealed, err := s.links.New()
	if err != nil {
		return err
	}
	q.TokenHash, q.TokenSealed = hash, sealed
	return nil
}

// link returns q's token, giving q a new link when it has none or its
// sealed copy can no longer be opened (the server's keys rotated); the
// caller saves q.
func (s *Service) link(q *Quote) (string, error) {
	if len(q.TokenSealed) > 0 {
		if token, err := s.links.Unseal(q.TokenSealed, q.TokenHash); err == nil {
			return token, nil
		}
	}
	token, hash, sealed, err := s.links.New()
	if err != nil {
		return "", err
	}
	q.TokenHash, q.TokenSealed = hash, sealed
	return token, nil
}

// record appends an action on q to the evidence log, by the context's actor.
func (s *Service) record(ctx context.Context, q Quote, a audit.Action, data any) error {
	_, err := s.evidence.AppendJSON(ctx, audit.Record{QuoteID: q.ID, OpportunityID: q.OpportunityID, Action: a}, data)
	return err
}

// QuoteEventPayload is the payload of every quote.* event: enough for a
// notification or a webhook without reading the quote again.
type QuoteEventPayload struct {
	QuoteID    uuid.UUID `json:"quote_id"`
	Number     string    `json:"number"`
	Revision   int       `json:"revision"`
	Status     Status    `json:"status"`
	Customer   string    `json:"customer"`
	Total      int64     `json:"total"`
	Currency   string    `json:"currency"`
	ValidUntil string    `json:"valid_until"`
	Channel    string    `json:"channel,omitempty"`
	// FirstView is set on quote.viewed: true for the first view, false for
	// a later day's.
	FirstView *bool `json:"first_view,omitempty"`
	// Response is the customer's answer (signed, change requested,
	// rejected), with OpportunityMoved on a signature.
	Response *Response `json:"response,omitempty"`
}

// publish records a quote event about q.
func (s *Service) publish(ctx context.Context, t events.Type, q Quote, edit func(p *QuoteEventPayload)) error {
	p := QuoteEventPayload{QuoteID: q.ID, Number: q.Number, Revision: q.QuoteVersion, Status: q.Status,
		Customer: q.Snapshot.Customer.Name, Total: q.Snapshot.Totals.Total, Currency: string(q.Snapshot.Currency),
		ValidUntil: q.ValidUntil.Format("2006-01-02"), Channel: q.SentChannel, Response: q.Response}
	if edit != nil {
		edit(&p)
	}
	// The event carries the quote as saved in this transaction.
	saved, err := s.Quote(ctx, q.ID)
	if err != nil {
		return err
	}
	opp := q.OpportunityID
	return s.events.PublishJSON(ctx, events.Event{Type: t, SubjectType: "quote", SubjectID: q.ID, OpportunityID: &opp, Subject: saved}, p)
}

// Evidence returns a quote version's evidence records, oldest first, and
// whether the log's hash chain around them is intact.
func (s *Service) Evidence(ctx context.Context, id uuid.UUID) ([]audit.Record, bool, error) {
	if _, err := s.store.Quote(ctx, id); err != nil {
		return nil, false, err
	}
	return s.evidence.QuoteEvidence(ctx, id)
}
