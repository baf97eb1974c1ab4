// Package quoting holds the rules of quotes as plain code: the state machine
// of a quote version, the snapshot a version freezes, the changes between
// two versions, quote numbers, e-mail placeholders, and the default texts and
// document labels in English and Swedish. It knows no database and no HTTP;
// services wrap these rules with persistence.
package quoting

import (
	"time"

	"github.com/acme/crm/internal/errs"
)

// Status is the state of one quote version.
//
//	draft ──send──▶ sent ──view──▶ viewed ──view──▶ viewed (no-op)
//	sent, viewed ──sign──▶ signed | ──request_change──▶ change_requested | ──reject──▶ rejected
//	sent, viewed ──expire──▶ expired
//	sent, viewed, change_requested, rejected, expired ──revise──▶ superseded
//	draft, sent, viewed, change_requested ──withdraw──▶ withdrawn
//
// Signed, withdrawn and superseded are terminal. Rejected and expired accept
// only revise (see Transition).
type Status string

// The nine states of a quote version.
const (
	StatusDraft           Status = "draft"
	StatusSent            Status = "sent"
	StatusViewed          Status = "viewed"
	StatusSigned          Status = "signed"
	StatusChangeRequested Status = "change_requested"
	StatusRejected        Status = "rejected"
	StatusExpired         Status = "expired"
	StatusWithdrawn       Status = "withdrawn"
	StatusSuperseded      Status = "superseded"
)

// Statuses lists every status, in lifecycle order.
func Statuses() []Status {
	return []Status{StatusDraft, StatusSent, StatusViewed, StatusSigned, StatusChangeRequested,
		StatusRejected, StatusExpired, StatusWithdrawn, StatusSuperseded}
}

// Valid reports whether s is one of the nine statuses.
func (s Status) Valid() bool {
	_, ok := transitions[s]
	return ok
}

// Editable reports whether a version in s may still be edited in place. Only
// drafts may: anything the customer may have seen is revised instead.
func (s Status) Editable() bool { return s == StatusDraft }

// AwaitsCustomer reports whether a version in s is out with the customer and
// still open to sign, request a change or reject (subject to its validity
// date; see CanCustomerAct). The expiry job looks for these.
func (s Status) AwaitsCustomer() bool { return s == StatusSent || s == StatusViewed }

// Action is something that happens to a quote version, by the salesperson
// (send, withdraw, revise), the customer (view, sign, request_change, reject)
// or the clock (expire).
type Action string

// The actions on a quote version.
const (
	ActionSend          Action = "send"
	ActionView          Action = "view"
	ActionSign          Action = "sign"
	ActionRequestChange Action = "request_change"
	ActionReject        Action = "reject"
	ActionExpire        Action = "expire"
	ActionWithdraw      Action = "withdraw"
	// ActionRevise is applied to the version being revised: it becomes
	// superseded while a new draft version of the same number is created.
	ActionRevise Action = "revise"
)

// Actions lists every action.
func Actions() []Action {
	return []Action{ActionSend, ActionView, ActionSign, ActionRequestChange, ActionReject,
		ActionExpire, ActionWithdraw, ActionRevise}
}

// verbs phrase actions for error messages shown to users.
var verbs = map[Action]string{
	ActionSend: "send", ActionView: "view", ActionSign: "sign",
	ActionRequestChange: "request a change", ActionReject: "reject", ActionExpire: "expire",
	ActionWithdraw: "withdraw", ActionRevise: "revise",
}

// Valid reports whether a is one of the known actions.
func (a Action) Valid() bool {
	_, ok := verbs[a]
	return ok
}

// transitions is the whole state machine: from each status, the actions
// allowed and the status they lead to. Every pair not listed is refused.
//
// Choices worth knowing:
//   - view moves sent to viewed (the first view, which the service records and
//     notifies) and is a no-op on viewed. Elsewhere it is refused, so the
//     public page records views only of versions the customer can act on.
//   - send works only on drafts: sending the link again by another channel
//     is a mail operation, not a state change.
//   - revise is allowed from sent, viewed (a sent quote the customer opened)
//     and change_requested, as the issue asks, and also from rejected and
//     expired: following up a rejected or lapsed offer with a better or
//     later-dated one under the same number is how salespeople work, and the
//     old version's timestamps still record that it was rejected or expired.
//     Signed is never revised (a quote is signed at most once), nor is a
//     superseded version (only the current version is revised) or a
//     withdrawn one.
//   - expire applies to sent and viewed only: a draft has not been offered,
//     and a change_requested version waits for the salesperson's revision.
//   - withdraw applies to drafts and to every version still open.
var transitions = map[Status]map[Action]Status{
	StatusDraft: {ActionSend: StatusSent, ActionWithdraw: StatusWithdrawn},
	StatusSent: {
		ActionView: StatusViewed, ActionSign: StatusSigned, ActionRequestChange: StatusChangeRequested,
		ActionReject: StatusRejected, ActionExpire: StatusExpired, ActionWithdraw: StatusWithdrawn,
		ActionRevise: StatusSuperseded,
	},
	StatusViewed: {
		ActionView: StatusViewed, ActionSign: StatusSigned, ActionRequestChange: StatusChangeRequested,
		ActionReject: StatusRejected, ActionExpire: StatusExpired, ActionWithdraw: StatusWithdrawn,
		ActionRevise: StatusSuperseded,
	},
	StatusChangeRequested: {ActionWithdraw: StatusWithdrawn, ActionRevise: StatusSuperseded},
	StatusRejected:        {ActionRevise: StatusSuperseded},
	StatusExpired:         {ActionRevise: StatusSuperseded},
	StatusSigned:          {},
	StatusWithdrawn:       {},
	StatusSuperseded:      {},
}

// Transition returns the status that action a leads to from status from.
// A refused transition answers an errs.Conflict error (409) naming the
// current state, such as "quote is signed: cannot revise". An unknown status
// or action answers errs.Invalid. The result may equal from (a repeated
// view); callers compare to tell a no-op from a change.
func Transition(from Status, a Action) (Status, error) {
	next, ok := transitions[from]
	if !ok {
		return "", errs.Invalidf("unknown quote status %q", from)
	}
	if !a.Valid() {
		return "", errs.Invalidf("unknown quote action %q", a)
	}
	to, ok := next[a]
	if !ok {
		return "", errs.New(errs.Conflict, "quote is %s: cannot %s", from, verbs[a])
	}
	return to, nil
}

// Allowed reports whether Transition(from, a) succeeds, for clients that
// show only the buttons that work.
func Allowed(from Status, a Action) bool {
	_, ok := transitions[from][a]
	return ok
}

// ExpiresAt returns the instant a quote valid until the date of validUntil
// stops being valid: the start of the following day in validUntil's location.
// A quote is valid through the whole of its last day, so storage should pass
// the date at midnight in the workspace's time zone (UTC when it has none).
func ExpiresAt(validUntil time.Time) time.Time {
	y, m, d := validUntil.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, validUntil.Location())
}

// Expired reports whether a quote valid until validUntil has lapsed at now.
// A zero validUntil means no validity date and never lapses.
func Expired(validUntil, now time.Time) bool {
	return !validUntil.IsZero() && !now.Before(ExpiresAt(validUntil))
}

// CanCustomerAct reports whether the customer may sign, request a change or
// reject a version in status st, valid until validUntil, at now; current
// says whether it is the quote's latest version. It answers, in this order:
//   - errs.Gone (410) when the version is superseded or not current: a newer
//     version replaced it;
//   - errs.Gone when it is withdrawn, or expired (by status, or because a
//     sent or viewed version is past its validity date): it existed but can
//     no longer be used;
//   - errs.Conflict (409) naming the state for draft, signed,
//     change_requested and rejected: the version exists and is current, but
//     the customer has already acted on it (or it was never sent);
//   - nil for a sent or viewed, current, unexpired version.
//
// An unknown status answers errs.Invalid.
func CanCustomerAct(st Status, validUntil time.Time, now time.Time, current bool) error {
	if !st.Valid() {
		return errs.Invalidf("unknown quote status %q", st)
	}
	switch {
	case st == StatusSuperseded || !current:
		return errs.New(errs.Gone, "quote has been replaced by a newer version")
	case st == StatusWithdrawn:
		return errs.New(errs.Gone, "quote has been withdrawn")
	case st == StatusExpired || st.AwaitsCustomer() && Expired(validUntil, now):
		return expiredError(validUntil)
	case st.AwaitsCustomer():
		return nil
	}
	return errs.New(errs.Conflict, "quote is %s: cannot sign, request a change or reject", st)
}

// expiredError names the last valid day when there is one.
func expiredError(validUntil time.Time) error {
	if validUntil.IsZero() {
		return errs.New(errs.Gone, "quote has expired")
	}
	return errs.New(errs.Gone, "quote has expired: it was valid until %s", validUntil.Format(time.DateOnly))
}
