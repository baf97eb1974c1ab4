package quoting

import (
	"strings"
	"testing"
	"time"

	"github.com/acme/crm/internal/errs"
)

// TestTransitionEveryPair checks all 9 × 8 (status, action) pairs against a
// matrix written out by hand; "-" marks a refused transition.
func TestTransitionEveryPair(t *testing.T) {
	const x = Status("-")
	cols := []Action{ActionSend, ActionView, ActionSign, ActionRequestChange, ActionReject,
		ActionExpire, ActionWithdraw, ActionRevise}
	matrix := map[Status][8]Status{
		//                      send        view          sign          request_change         reject          expire         withdraw         revise
		StatusDraft:           {StatusSent, x, x, x, x, x, StatusWithdrawn, x},
		StatusSent:            {x, StatusViewed, StatusSigned, StatusChangeRequested, StatusRejected, StatusExpired, StatusWithdrawn, StatusSuperseded},
		StatusViewed:          {x, StatusViewed, StatusSigned, StatusChangeRequested, StatusRejected, StatusExpired, StatusWithdrawn, StatusSuperseded},
		StatusChangeRequested: {x, x, x, x, x, x, StatusWithdrawn, StatusSuperseded},
		StatusRejected:        {x, x, x, x, x, x, x, StatusSuperseded},
		StatusExpired:         {x, x, x, x, x, x, x, StatusSuperseded},
		StatusSigned:          {x, x, x, x, x, x, x, x},
		StatusWithdrawn:       {x, x, x, x, x, x, x, x},
		StatusSuperseded:      {x, x, x, x, x, x, x, x},
	}
	if len(matrix) != len(Statuses()) || len(cols) != len(Actions()) {
		t.Fatalf("matrix covers %d statuses and %d actions, want %d and %d",
			len(matrix), len(cols), len(Statuses()), len(Actions()))
	}
	for _, from := range Statuses() {
		row, ok := matrix[from]
		if !ok {
			t.Fatalf("status %s missing from the matrix", from)
		}
		for i, a := range cols {
			t.Run(string(from)+"/"+string(a), func(t *testing.T) {
				checkTransition(t, from, a, row[i], x)
			})
		}
	}
}

// checkTransition fails unless Transition(from, a) gives want, or refuses
// with a 409 naming from when want is refused.
func checkTransition(t *testing.T, from Status, a Action, want, refused Status) {
	t.Helper()
	got, err := Transition(from, a)
	if allowed := Allowed(from, a); allowed != (want != refused) {
		t.Errorf("Allowed(%s, %s) = %v, want %v", from, a, allowed, want != refused)
	}
	if want != refused {
		if err != nil || got != want {
			t.Errorf("got %q, %v; want %q, nil", got, err, want)
		}
		return
	}
	if !errs.Is(err, errs.Conflict) {
		t.Fatalf("got %q, %v; want a conflict error", got, err)
	}
	if prefix := "quote is " + string(from) + ": cannot "; !strings.HasPrefix(errMessage(err), prefix) {
		t.Errorf("got message %q, want it to start with %q", errMessage(err), prefix)
	}
}

func errMessage(err error) string {
	if e, ok := errs.As(err); ok {
		return e.Message
	}
	return err.Error()
}

func TestTransitionMessages(t *testing.T) {
	tests := []struct {
		from Status
		a    Action
		want string
	}{
		{StatusSigned, ActionRevise, "quote is signed: cannot revise"},
		{StatusDraft, ActionRequestChange, "quote is draft: cannot request a change"},
		{StatusChangeRequested, ActionSign, "quote is change_requested: cannot sign"},
	}
	for _, tt := range tests {
		_, err := Transition(tt.from, tt.a)
		if got := errMessage(err); got != tt.want {
			t.Errorf("Transition(%s, %s): got %q, want %q", tt.from, tt.a, got, tt.want)
		}
	}
}

func TestTransitionUnknown(t *testing.T) {
	tests := []struct {
		from Status
		a    Action
	}{
		{"paid", ActionSend},
		{"", ActionSend},
		{StatusDraft, "delete"},
	}
	for _, tt := range tests {
		if _, err := Transition(tt.from, tt.a); !errs.Is(err, errs.Invalid) {
			t.Errorf("Transition(%q, %q): got %v, want an invalid error", tt.from, tt.a, err)
		}
	}
}

func TestExpired(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	last := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	lastCET := time.Date(2026, 3, 31, 0, 0, 0, 0, cet)
	tests := []struct {
		name       string
		validUntil time.Time
		now        time.Time
		want       bool
	}{
		{"day before", last, time.Date(2026, 3, 30, 12, 0, 0, 0, time.UTC), false},
		{"start of last day", last, last, false},
		{"end of last day", last, time.Date(2026, 3, 31, 23, 59, 59, 999, time.UTC), false},
		{"next day", last, time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), true},
		{"CET quote at 23:30 UTC", lastCET, time.Date(2026, 3, 31, 23, 30, 0, 0, time.UTC), true},
		{"CET quote at 22:59 UTC", lastCET, time.Date(2026, 3, 31, 22, 59, 0, 0, time.UTC), false},
		{"time of day ignored", time.Date(2026, 3, 31, 18, 0, 0, 0, time.UTC), time.Date(2026, 3, 31, 20, 0, 0, 0, time.UTC), false},
		{"no validity date", time.Time{}, time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Expired(tt.validUntil, tt.now); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCanCustomerAct(t *testing.T) {
	validUntil := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	before := time.Date(2026, 3, 20, 10, 0, 0, 0, time.UTC)
	after := time.Date(2026, 4, 2, 10, 0, 0, 0, time.UTC)
	const ok = errs.Code("")
	tests := []struct {
		st      Status
		now     time.Time
		current bool
		want    errs.Code
		msg     string // substring of the message, when checked
	}{
		{StatusSent, before, true, ok, ""},
		{StatusViewed, before, true, ok, ""},
		{StatusSent, after, true, errs.Gone, "valid until 2026-03-31"},
		{StatusViewed, after, true, errs.Gone, "expired"},
		{StatusSent, before, false, errs.Gone, "newer version"},
		{StatusViewed, before, false, errs.Gone, "newer version"},
		{StatusSuperseded, before, false, errs.Gone, "newer version"},
		{StatusSuperseded, before, true, errs.Gone, "newer version"},
		{StatusWithdrawn, before, true, errs.Gone, "withdrawn"},
		{StatusExpired, before, true, errs.Gone, "expired"},
		{StatusExpired, after, true, errs.Gone, "expired"},
		{StatusSigned, before, true, errs.Conflict, "quote is signed"},
		{StatusSigned, after, true, errs.Conflict, "quote is signed"},
		{StatusRejected, before, true, errs.Conflict, "quote is rejected"},
		{StatusChangeRequested, before, true, errs.Conflict, "quote is change_requested"},
		{StatusChangeRequested, after, true, errs.Conflict, "quote is change_requested"},
		{StatusDraft, before, true, errs.Conflict, "quote is draft"},
		{"paid", before, true, errs.Invalid, ""},
	}
	for _, tt := range tests {
		name := string(tt.st) + "/" + tt.now.Format(time.DateOnly)
		if !tt.current {
			name += "/old"
		}
		t.Run(name, func(t *testing.T) {
			err := CanCustomerAct(tt.st, validUntil, tt.now, tt.current)
			if tt.want == ok {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				return
			}
			if !errs.Is(err, tt.want) {
				t.Fatalf("got %v, want code %s", err, tt.want)
			}
			if !strings.Contains(errMessage(err), tt.msg) {
				t.Errorf("got message %q, want it to contain %q", errMessage(err), tt.msg)
			}
		})
	}
}

// TestCanCustomerActAgreesWithTransition keeps the two rules in step: when
// the customer may act, sign, request_change and reject are all allowed.
func TestCanCustomerActAgreesWithTransition(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	validUntil := now.AddDate(0, 1, 0)
	for _, st := range Statuses() {
		err := CanCustomerAct(st, validUntil, now, true)
		for _, a := range []Action{ActionSign, ActionRequestChange, ActionReject} {
			if got, want := Allowed(st, a), err == nil; got != want {
				t.Errorf("%s: Allowed(%s) = %v, want %v (CanCustomerAct: %v)", st, a, got, want, err)
			}
		}
	}
}
