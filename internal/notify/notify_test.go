package notify

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/page"
)

// inbox records the notifications and mails React hands over; created
// says what Create answers (false: the user already has this event's).
type inbox struct {
	created bool
	notes   []Notification
	mails   []Mail
}

func (b *inbox) WithTx(ctx context.Context, fn func(ctx context.Context) error) error { return fn(ctx) }
func (b *inbox) Create(_ context.Context, n Notification) (bool, error) {
	b.notes = append(b.notes, n)
	return b.created, nil
}
func (b *inbox) Notify(_ context.Context, m Mail) error { b.mails = append(b.mails, m); return nil }
func (b *inbox) List(context.Context, uuid.UUID, bool, page.Request) (page.Page[Notification], error) {
	panic("not used")
}
func (b *inbox) MarkRead(context.Context, uuid.UUID, uuid.UUID, time.Time) (Notification, error) {
	panic("not used")
}
func (b *inbox) MarkAllRead(context.Context, uuid.UUID, time.Time) (int, error) { panic("not used") }
func (b *inbox) UnreadCount(context.Context, uuid.UUID) (int, error)            { panic("not used") }

type directory struct {
	owner    identity.User
	ownerErr error
	userErr  error
}

func (d directory) Owner(context.Context, uuid.UUID) (uuid.UUID, string, error) {
	return d.owner.ID, "Big deal", d.ownerErr
}
func (d directory) User(context.Context, uuid.UUID) (identity.User, error) { return d.owner, d.userErr }

func TestOwnerIsNotifiedOnceAndMailedIfTheyWantIt(t *testing.T) {
	opp, quote := uuid.New(), uuid.New()
	owner := identity.User{ID: uuid.New(), Email: "sam@acme.example", Active: true, EmailNotifications: true, Language: "en"}
	payload, _ := json.Marshal(map[string]any{"quote_id": quote, "number": "2026-0001", "total": 100, "currency": "EUR"})
	signed := events.Event{ID: uuid.New(), Type: events.QuoteSigned, OpportunityID: &opp, Payload: payload}
	quiet, inactive := owner, owner
	quiet.EmailNotifications, inactive.Active = false, false
	tests := []struct {
		name    string
		owner   identity.User
		created bool
		link    string
		notes   int
		mails   int
	}{
		{"new, wants mail", owner, true, "", 1, 1},
		{"new, with a link", owner, true, "https://app.example/o/1", 1, 1},
		{"already notified (a retry)", owner, false, "", 1, 0},
		{"does not want mail", quiet, true, "", 1, 0},
		{"inactive", inactive, true, "", 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &inbox{created: tt.created}
			d := directory{owner: tt.owner}
			s := NewService(b, Deps{Users: d, Owners: d, Mailer: b, AppURL: func(uuid.UUID) string { return tt.link },
				Now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 6789, time.UTC) }})
			if err := s.React(context.Background(), signed); err != nil {
				t.Fatal(err)
			}
			if len(b.notes) != tt.notes || len(b.mails) != tt.mails {
				t.Fatalf("got %d notifications and %d mails, want %d and %d", len(b.notes), len(b.mails), tt.notes, tt.mails)
			}
			n := b.notes[0]
			if n.UserID != owner.ID || n.EventID != signed.ID || n.Type != events.QuoteSigned || *n.QuoteID != quote ||
				*n.OpportunityID != opp || n.Title != "Quote 2026-0001 signed" || !n.CreatedAt.Equal(time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)) {
				t.Errorf("got %+v", n)
			}
			if tt.mails == 0 {
				return
			}
			m := b.mails[0]
			wantBody := n.Body
			if tt.link != "" {
				wantBody += "\n\n" + tt.link
			}
			if m.To != owner.Email || m.Subject != n.Title || m.Body != wantBody || m.UserID != owner.ID {
				t.Errorf("got mail %+v, want body %q", m, wantBody)
			}
		})
	}
}

func TestReactSkipsOrFails(t *testing.T) {
	opp := uuid.New()
	owner := identity.User{ID: uuid.New(), Active: true}
	tests := []struct {
		name    string
		e       events.Event
		d       directory
		wantErr string
	}{
		{"no opportunity", events.Event{Type: events.QuoteSigned}, directory{}, ""},
		{"the opportunity is gone", events.Event{OpportunityID: &opp}, directory{ownerErr: errs.NotFoundf("gone")}, ""},
		{"bad payload", events.Event{OpportunityID: &opp, Payload: json.RawMessage("[")}, directory{}, "decode"},
		{"owner lookup fails", events.Event{OpportunityID: &opp}, directory{ownerErr: errors.New("db down")}, "db down"},
		{"user lookup fails", events.Event{OpportunityID: &opp}, directory{owner: owner, userErr: errors.New("db down")}, "load owner"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &inbox{created: true}
			err := NewService(b, Deps{Users: tt.d, Owners: tt.d, Mailer: b}).React(context.Background(), tt.e)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("got %v, want %q", err, tt.wantErr)
			}
			if len(b.notes) != 0 {
				t.Errorf("got %d notifications, want none", len(b.notes))
			}
		})
	}
}

func TestNotifyHandlesTheCustomersAnswersAndExpiry(t *testing.T) {
	s := NewService(nil, Deps{})
	for _, typ := range events.Types() {
		want := typ == events.QuoteViewed || typ == events.QuoteSigned || typ == events.QuoteChangeRequested ||
			typ == events.QuoteRejected || typ == events.QuoteExpired
		if got := s.Handles(typ); got != want {
			t.Errorf("%s: got %v, want %v", typ, got, want)
		}
	}
	if s.Name() != "notify" {
		t.Errorf("got name %q", s.Name())
	}
}

func TestNotificationsNeedACaller(t *testing.T) {
	s := NewService(nil, Deps{}) // a nil store panics if it is read
	ctx := context.Background()
	_, err := s.List(ctx, false, page.Request{})
	if !errs.Is(err, errs.Unauthorized) {
		t.Errorf("List: got %v", err)
	}
	_, err = s.MarkRead(ctx, uuid.New())
	if !errs.Is(err, errs.Unauthorized) {
		t.Errorf("MarkRead: got %v", err)
	}
	_, err = s.MarkAllRead(ctx)
	if !errs.Is(err, errs.Unauthorized) {
		t.Errorf("MarkAllRead: got %v", err)
	}
	_, err = s.UnreadCount(ctx)
	if !errs.Is(err, errs.Unauthorized) {
		t.Errorf("UnreadCount: got %v", err)
	}
}
