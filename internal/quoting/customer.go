package quoting

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/audit"
	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/tenant"
)

// LinkState is what a customer's link leads to.
type LinkState string

// The states of a link. Open versions can be signed, have a change
// requested or be rejected; answered ones show the answer; the last three
// are gone (410).
const (
	LinkOpen      LinkState = "open"
	LinkAnswered  LinkState = "answered"
	LinkReplaced  LinkState = "replaced"
	LinkWithdrawn LinkState = "withdrawn"
	LinkExpired   LinkState = "expired"
)

// Gone reports whether the link's version can no longer be read (410).
func (s LinkState) Gone() bool { return s == LinkReplaced || s == LinkWithdrawn || s == LinkExpired }

// Visit is what a customer's link shows.
type Visit struct {
	WorkspaceID uuid.UUID
	Quote       Quote
	State       LinkState
	// Allowed lists the customer's actions: sign, request_change and
	// reject on an open version, none otherwise.
	Allowed []Action
	// NewestURL is the newest version's link when this one was replaced
	// and the newest has been sent.
	NewestURL string
	// ExpiresAt is the end of the last valid day in the workspace's time
	// zone.
	ExpiresAt time.Time
}

// customerActions are what an open version allows.
var customerActions = []Action{ActionSign, ActionRequestChange, ActionReject}

// errNoLink is the one answer to a token that opens nothing: unknown,
// malformed, or a draft's (not sent yet), so that probing learns nothing.
func errNoLink() error { return errs.NotFoundf("no quote at this link") }

// Resolve answers the workspace of a link, for callers that scope limits
// and idempotency keys before the request runs; errs.NotFound when the
// token opens nothing.
func (s *Service) Resolve(ctx context.Context, token string) (uuid.UUID, error) {
	if !WellFormedToken(token) {
		return uuid.Nil, errNoLink()
	}
	q, ws, err := s.store.QuoteByToken(ctx, HashToken(token))
	if errs.Is(err, errs.NotFound) || err == nil && q.Status == StatusDraft {
		return uuid.Nil, errNoLink()
	}
	return ws, err
}

// Open reads the version behind a link as the customer sees it, and
// records the view: the first view moves a sent version to viewed (with
// quote.viewed, which notifies the salesperson, and an evidence record);
// later views record again at most once a day. Gone versions are answered
// with their State, not an error; a token that opens nothing is
// errs.NotFound.
func (s *Service) Open(ctx context.Context, token string, c Client) (Visit, error) {
	ctx, v, err := s.visit(ctx, token, false)
	if err != nil || v.State != LinkOpen || !s.viewDue(v.Quote) {
		return v, err
	}
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		ctx, v, err = s.visit(ctx, token, true)
		if err != nil || v.State != LinkOpen || !s.viewDue(v.Quote) {
			return err
		}
		return s.recordView(ctx, &v, c)
	})
	return v, err
}

// visit resolves a token into its version and state, in a context scoped
// to the version's workspace; lock reads the version FOR UPDATE.
func (s *Service) visit(ctx context.Context, token string, lock bool) (context.Context, Visit, error) {
	if !WellFormedToken(token) {
		return ctx, Visit{}, errNoLink()
	}
	q, ws, err := s.store.QuoteByToken(ctx, HashToken(token))
	if errs.Is(err, errs.NotFound) || err == nil && q.Status == StatusDraft {
		return ctx, Visit{}, errNoLink()
	}
	if err != nil {
		return ctx, Visit{}, err
	}
	ctx = tenant.With(ctx, ws)
	if lock {
		if q, err = s.store.LockQuote(ctx, q.ID); err != nil {
			return ctx, Visit{}, err
		}
	}
	v := Visit{WorkspaceID: ws, Quote: q}
	if v.ExpiresAt, err = s.expiresAt(ctx, q); err != nil {
		return ctx, Visit{}, err
	}
	newest, err := s.store.LatestVersion(ctx, q.Number)
	if err != nil {
		return ctx, Visit{}, err
	}
	v.State = linkState(q, newest.ID == q.ID, !s.now().Before(v.ExpiresAt))
	if v.State == LinkOpen {
		v.Allowed = customerActions
	}
	if v.State == LinkReplaced && newest.SentAt != nil && newest.Status != StatusWithdrawn {
		v.NewestURL = s.links.URL(newest)
	}
	return ctx, v, nil
}

// linkState is the state of a sent version: current says whether it is its
// number's newest version, lapsed whether its validity has ended.
func linkState(q Quote, current, lapsed bool) LinkState {
	switch {
	case q.Status == StatusSuperseded || !current:
		return LinkReplaced
	case q.Status == StatusWithdrawn:
		return LinkWithdrawn
	case q.Status == StatusExpired || q.Status.AwaitsCustomer() && lapsed:
		return LinkExpired
	case q.Status.AwaitsCustomer():
		return LinkOpen
	}
	return LinkAnswered
}

// expiresAt is the end of q's last valid day in its workspace's zone.
func (s *Service) expiresAt(ctx context.Context, q Quote) (time.Time, error) {
	ws, err := s.directory.Workspace(ctx)
	if err != nil {
		return time.Time{}, err
	}
	loc, err := time.LoadLocation(ws.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	y, m, d := q.ValidUntil.Date()
	return ExpiresAt(time.Date(y, m, d, 0, 0, 0, 0, loc)), nil
}

// viewDue says whether a view of q is recorded: the first one, and then one
// a day.
func (s *Service) viewDue(q Quote) bool {
	return q.Status == StatusSent || q.LastViewedAt == nil || s.now().Sub(*q.LastViewedAt) >= 24*time.Hour
}

func (s *Service) recordView(ctx context.Context, v *Visit, c Client) error {
	q := &v.Quote
	first := q.Status == StatusSent
	if err := s.transition(q, ActionView); err != nil {
		return err
	}
	now := s.timestamp()
	if first {
		q.ViewedAt = &now
	}
	q.LastViewedAt = &now
	if err := s.store.SaveQuote(ctx, *q); err != nil {
		return err
	}
	ctx = events.WithActor(ctx, events.Actor{Kind: events.ActorCustomer})
	if err := s.publish(ctx, events.QuoteViewed, *q, func(p *QuoteEventPayload) { p.FirstView = &first }); err != nil {
		return err
	}
	if err := s.record(ctx, *q, audit.View, s.clientEvidence(*q, c, map[string]any{"first_view": first})); err != nil {
		return err
	}
	saved, err := s.store.Quote(ctx, q.ID)
	v.Quote = saved
	return err
}

// clientEvidence is what every customer action records about the client.
func (s *Service) clientEvidence(q Quote, c Client, more map[string]any) map[string]any {
	m := map[string]any{"ip": c.IP, "user_agent": c.UserAgent, "channel": q.SentChannel,
		"token_id": TokenID(q.TokenHash), "number": q.Number, "revision": q.QuoteVersion}
	for k, v := range more {
		m[k] = v
	}
	return m
}

// Document returns the PDF the customer reads and signs, recording the
// view like Open. Gone versions answer their Visit and no document.
func (s *Service) Document(ctx context.Context, token string, c Client) (Visit, []byte, error) {
	v, err := s.Open(ctx, token, c)
	if err != nil || v.State.Gone() {
		return v, nil, err
	}
	pdf, err := s.files.Get(tenant.With(ctx, v.WorkspaceID), v.Quote.DocumentSHA256)
	return v, pdf, err
}

// answer runs a customer's answer on the open version behind token: it
// locks the version, checks that it may still be answered (errs.Gone for a
// replaced, withdrawn or expired one, errs.Conflict naming the state for
// one already answered), moves it by action and lets fn do the rest, in one
// transaction, as the customer named by name and email.
func (s *Service) answer(ctx context.Context, token string, a Action, name, email string,
	fn func(ctx context.Context, q *Quote, at time.Time) error) (Visit, error) {
	var v Visit
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		ctx, vis, err := s.visit(ctx, token, true)
		if err != nil {
			return err
		}
		if err := GoneError(vis); err != nil {
			return err
		}
		q := vis.Quote
		if err := s.transition(&q, a); err != nil {
			return err
		}
		ctx = events.WithActor(ctx, events.Customer(strings.TrimSpace(name), strings.TrimSpace(email)))
		if err := fn(ctx, &q, s.now().UTC().Truncate(time.Millisecond)); err != nil {
			return err
		}
		_, v, err = s.visit(ctx, token, false)
		return err
	})
	return v, err
}

// GoneError is the errs.Gone error saying why a version is gone, nil when
// it is not.
func GoneError(v Visit) error {
	switch v.State {
	case LinkReplaced:
		return errs.New(errs.Gone, "this quote has been replaced by a newer version")
	case LinkWithdrawn:
		return errs.New(errs.Gone, "this quote has been withdrawn")
	case LinkExpired:
		return errs.New(errs.Gone, "this quote has expired: it was valid until %s", v.Quote.ValidUntil.Format(time.DateOnly))
	}
	return nil
}

// Sign signs the open version behind token for the customer, once: in one
// transaction the version becomes signed; the evidence record (signer,
// client address and user agent, time to the millisecond, channel, consent
// text and version, document hash, the link's id) is appended to the
// evidence log; the signed PDF (the sent document plus a certificate page)
// is filed on the opportunity; the opportunity moves to its pipeline's
// quote-signed phase with the customer as the actor; quote.signed is
// published. A document hash other than the version's is errs.Conflict
// (the quote changed: reload); see answer for the other errors.
func (s *Service) Sign(ctx context.Context, token string, in SignInput, c Client) (Visit, error) {
	if err := in.Check(); err != nil {
		return Visit{}, err
	}
	return s.answer(ctx, token, ActionSign, in.Name, in.Email, func(ctx context.Context, q *Quote, at time.Time) error {
		if !strings.EqualFold(in.DocumentSHA256, q.DocumentSHA256) {
			return errs.Conflictf("the quote changed since you opened it: reload the page and read it again")
		}
		r := &Response{Kind: ResponseSigned, Name: strings.TrimSpace(in.Name), Email: strings.TrimSpace(in.Email),
			Title: strings.TrimSpace(in.Title), At: at, Channel: q.SentChannel, EvidenceID: uuid.Must(uuid.NewV7())}
		lang := q.Snapshot.Language
		cert := Certificate{EvidenceID: r.EvidenceID, SignerName: r.Name, SignerEmail: r.Email, SignerTitle: r.Title,
			SignedAt: at, IP: c.IP, UserAgent: c.UserAgent, Channel: q.SentChannel, DocumentSHA256: q.DocumentSHA256,
			ConsentText: ConsentText(lang), ConsentVersion: ConsentVersion, Signature: in.SignaturePNG}
		filed, err := s.fileSigned(ctx, *q, cert)
		if err != nil {
			return err
		}
		r.AttachmentID = &filed.AttachmentID
		if r.OpportunityMoved, err = s.moveOpportunity(ctx, q.OpportunityID,
			func(src Source) *uuid.UUID { return src.QuoteSignedPhaseID }); err != nil {
			return err
		}
		q.Response = r
		if err := s.store.SaveQuote(ctx, *q); err != nil {
			return err
		}
		if err := s.publish(ctx, events.QuoteSigned, *q, nil); err != nil {
			return err
		}
		data := s.clientEvidence(*q, c, map[string]any{
			"signer":          map[string]any{"name": r.Name, "email": r.Email, "title": r.Title},
			"signed_at":       at.Format("2006-01-02T15:04:05.000Z07:00"),
			"consent":         map[string]any{"text": cert.ConsentText, "version": ConsentVersion, "given": true},
			"document_sha256": q.DocumentSHA256, "signed_document_sha256": filed.SHA256,
			"attachment_id": filed.AttachmentID, "signature_png_sha256": sha256Hex(in.SignaturePNG)})
		_, err = s.evidence.AppendJSON(ctx, audit.Record{ID: r.EvidenceID, QuoteID: q.ID, OpportunityID: q.OpportunityID,
			Action: audit.Sign, OccurredAt: at}, data)
		return err
	})
}

// fileSigned renders the signed PDF from the sent document and files it on
// the opportunity.
func (s *Service) fileSigned(ctx context.Context, q Quote, cert Certificate) (Filed, error) {
	doc, err := s.files.Get(ctx, q.DocumentSHA256)
	if err != nil {
		return Filed{}, err
	}
	signed, err := s.renderer.SignedPDF(q, doc, cert)
	if err != nil {
		return Filed{}, err
	}
	return s.filing.File(ctx, Document{OpportunityID: q.OpportunityID, QuoteID: q.ID,
		FileName: documentName(q, "-signed"), Data: signed, Signed: true})
}

func sha256Hex(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// RequestChange records the customer's request for a change on the open
// version behind token: it becomes change_requested with the comments,
// quote.change_requested is published (the salesperson is notified) and
// the request attested. Line comments must name lines of this version.
func (s *Service) RequestChange(ctx context.Context, token string, in ChangeRequestInput, c Client) (Visit, error) {
	return s.answer(ctx, token, ActionRequestChange, in.Name, in.Email, func(ctx context.Context, q *Quote, at time.Time) error {
		if err := in.Check(q.Snapshot.Lines); err != nil {
			return err
		}
		names := map[uuid.UUID]string{}
		for _, l := range q.Snapshot.Lines {
			names[l.ID] = l.Name
		}
		lcs := make([]LineComment, len(in.LineComments))
		for i, lc := range in.LineComments {
			lcs[i] = LineComment{LineID: lc.LineID, Comment: strings.TrimSpace(lc.Comment), Line: names[lc.LineID]}
		}
		q.Response = &Response{Kind: ResponseChangeRequested, Name: strings.TrimSpace(in.Name),
			Email: strings.TrimSpace(in.Email), Comment: strings.TrimSpace(in.Comment), LineComments: lcs, At: at,
			Channel: q.SentChannel, EvidenceID: uuid.Must(uuid.NewV7())}
		return s.saveAnswer(ctx, *q, c, events.QuoteChangeRequested, audit.RequestChange,
			map[string]any{"comment": q.Response.Comment, "line_comments": lcs})
	})
}

// Reject records the customer's rejection of the open version behind
// token, with an optional reason. The opportunity stays as it is: the
// salesperson decides whether it is lost.
func (s *Service) Reject(ctx context.Context, token string, in RejectInput, c Client) (Visit, error) {
	if err := in.Check(); err != nil {
		return Visit{}, err
	}
	return s.answer(ctx, token, ActionReject, in.Name, in.Email, func(ctx context.Context, q *Quote, at time.Time) error {
		q.Response = &Response{Kind: ResponseRejected, Name: strings.TrimSpace(in.Name), Email: strings.TrimSpace(in.Email),
			Reason: strings.TrimSpace(in.Reason), At: at, Channel: q.SentChannel, EvidenceID: uuid.Must(uuid.NewV7())}
		return s.saveAnswer(ctx, *q, c, events.QuoteRejected, audit.Reject, map[string]any{"reason": q.Response.Reason})
	})
}

// saveAnswer stores an answered version, publishes its event and attests
// it with the customer's details.
func (s *Service) saveAnswer(ctx context.Context, q Quote, c Client, t events.Type, a audit.Action, more map[string]any) error {
	if err := s.store.SaveQuote(ctx, q); err != nil {
		return err
	}
	if err := s.publish(ctx, t, q, nil); err != nil {
		return err
	}
	r := q.Response
	more["customer"] = map[string]any{"name": r.Name, "email": r.Email}
	_, err := s.evidence.AppendJSON(ctx, audit.Record{ID: r.EvidenceID, QuoteID: q.ID, OpportunityID: q.OpportunityID,
		Action: a, OccurredAt: r.At}, s.clientEvidence(q, c, more))
	return err
}
