// Package notify tells salespeople what their customers did: in-app
// notifications (listed, marked read, counted in /me) and, unless the user
// turned them off, the same by e-mail through the outbox, in the user's
// language. It is a reactor of the domain events: each quote event the
// customer or the clock causes notifies the opportunity's owner once.
package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/page"
	"github.com/acme/crm/internal/quoting"
)

// Notification is one thing a user is told.
type Notification struct {
	ID            uuid.UUID
	UserID        uuid.UUID
	EventID       uuid.UUID
	Type          events.Type
	Title         string
	Body          string
	QuoteID       *uuid.UUID
	OpportunityID *uuid.UUID
	ReadAt        *time.Time
	CreatedAt     time.Time
}

// Store keeps notifications, in the context's workspace.
type Store interface {
	WithTx(ctx context.Context, fn func(ctx context.Context) error) error
	// Create stores n unless its user already has one for its event;
	// created says which.
	Create(ctx context.Context, n Notification) (created bool, err error)
	// List answers a user's notifications newest first.
	List(ctx context.Context, userID uuid.UUID, unreadOnly bool, req page.Request) (page.Page[Notification], error)
	// MarkRead marks one of the user's notifications read (errs.NotFound
	// when it is not theirs) and answers it.
	MarkRead(ctx context.Context, userID, id uuid.UUID, at time.Time) (Notification, error)
	MarkAllRead(ctx context.Context, userID uuid.UUID, at time.Time) (int, error)
	UnreadCount(ctx context.Context, userID uuid.UUID) (int, error)
}

// Users reads the recipient (identity.Service fulfils it).
type Users interface {
	User(ctx context.Context, id uuid.UUID) (identity.User, error)
}

// Owners names the owner of an opportunity, and its title.
type Owners interface {
	Owner(ctx context.Context, opportunityID uuid.UUID) (ownerID uuid.UUID, title string, err error)
}

// Mail is a notification e-mail to a user.
type Mail struct {
	UserID        uuid.UUID
	To            string
	Subject, Body string
	OpportunityID *uuid.UUID
}

// Mailer writes a notification e-mail to the outbox in the context's
// transaction (activity.Emails fulfils it).
type Mailer interface {
	Notify(ctx context.Context, m Mail) error
}

// Service implements notifications.
type Service struct {
	store  Store
	users  Users
	owners Owners
	mailer Mailer
	links  func(opportunityID uuid.UUID) string
	now    func() time.Time
}

// Deps wires the service. AppURL gives the address of an opportunity in
// the web app, for e-mails ("" leaves it out).
type Deps struct {
	Users  Users
	Owners Owners
	Mailer Mailer
	AppURL func(opportunityID uuid.UUID) string
	Now    func() time.Time
}

// NewService returns the notification service.
func NewService(store Store, d Deps) *Service {
	s := &Service{store: store, users: d.Users, owners: d.Owners, mailer: d.Mailer, links: d.AppURL, now: d.Now}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// List answers the caller's notifications, newest first.
func (s *Service) List(ctx context.Context, unreadOnly bool, req page.Request) (page.Page[Notification], error) {
	p, err := identity.Caller(ctx)
	if err != nil {
		return page.Page[Notification]{}, err
	}
	return s.store.List(ctx, p.UserID, unreadOnly, req)
}

// MarkRead marks one of the caller's notifications read; another user's is
// errs.NotFound. Marking a read one again keeps its first read time.
func (s *Service) MarkRead(ctx context.Context, id uuid.UUID) (Notification, error) {
	p, err := identity.Caller(ctx)
	if err != nil {
		return Notification{}, err
	}
	return s.store.MarkRead(ctx, p.UserID, id, s.timestamp())
}

// MarkAllRead marks all the caller's notifications read and answers how
// many were unread.
func (s *Service) MarkAllRead(ctx context.Context) (int, error) {
	p, err := identity.Caller(ctx)
	if err != nil {
		return 0, err
	}
	return s.store.MarkAllRead(ctx, p.UserID, s.timestamp())
}

// UnreadCount answers how many of the caller's notifications are unread.
func (s *Service) UnreadCount(ctx context.Context) (int, error) {
	p, err := identity.Caller(ctx)
	if err != nil {
		return 0, err
	}
	return s.store.UnreadCount(ctx, p.UserID)
}

func (s *Service) timestamp() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// notified are the events that notify the opportunity's owner.
var notified = map[events.Type]bool{
	events.QuoteViewed: true, events.QuoteSigned: true, events.QuoteChangeRequested: true,
	events.QuoteRejected: true, events.QuoteExpired: true,
}

// Name implements events.Reactor.
func (s *Service) Name() string { return "notify" }

// Handles implements events.Reactor.
func (s *Service) Handles(t events.Type) bool { return notified[t] }

// React implements events.Reactor: the opportunity's owner gets one
// notification for the event and, if they want them and are active, the
// same by e-mail, in one transaction. A retry finds the notification and
// sends nothing twice.
func (s *Service) React(ctx context.Context, e events.Event) error {
	if e.OpportunityID == nil {
		return nil
	}
	var p quoting.QuoteEventPayload
	if err := e.Decode(&p); err != nil {
		return err
	}
	ownerID, title, err := s.owners.Owner(ctx, *e.OpportunityID)
	if errs.Is(err, errs.NotFound) {
		return nil // the opportunity is gone: nobody to tell
	}
	if err != nil {
		return err
	}
	owner, err := s.users.User(ctx, ownerID)
	if err != nil {
		return fmt.Errorf("load owner %s: %w", ownerID, err)
	}
	msg := message(owner.Language, e, p, title)
	n := Notification{ID: uuid.Must(uuid.NewV7()), UserID: owner.ID, EventID: e.ID, Type: e.Type, Title: msg.title,
		Body: msg.body, QuoteID: &p.QuoteID, OpportunityID: e.OpportunityID, CreatedAt: s.timestamp()}
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		created, err := s.store.Create(ctx, n)
		if err != nil || !created || !owner.EmailNotifications || !owner.Active {
			return err
		}
		body := msg.body
		if s.links != nil {
			if link := s.links(*e.OpportunityID); link != "" {
				body += "\n\n" + link
			}
		}
		return s.mailer.Notify(ctx, Mail{UserID: owner.ID, To: owner.Email, Subject: msg.title, Body: body,
			OpportunityID: e.OpportunityID})
	})
}

// Tell gives one user a notification about an event that is not about an
// opportunity (a webhook subscription disabled), in the context's
// transaction; a second one for the same event and user is not made.
func (s *Service) Tell(ctx context.Context, userID, eventID uuid.UUID, t events.Type, title, body string) error {
	_, err := s.store.Create(ctx, Notification{ID: uuid.Must(uuid.NewV7()), UserID: userID, EventID: eventID, Type: t,
		Title: title, Body: body, CreatedAt: s.timestamp()})
	return err
}
