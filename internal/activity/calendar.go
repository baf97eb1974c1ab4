package activity

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/tenant"
)

// MaxCalendarRange is the longest range one calendar request may span.
const MaxCalendarRange = 366 * 24 * time.Hour

// The feed shows the last 90 days and the next year.
const (
	feedPast   = 90 * 24 * time.Hour
	feedFuture = 366 * 24 * time.Hour
)

// CalendarEntry is an appointment or an open task due in a calendar range.
// Exactly one of Appointment and Task is set.
type CalendarEntry struct {
	Start       time.Time
	Appointment *Appointment
	Task        *Task
}

// FeedStore keeps the hashed secret of each user's calendar feed.
type FeedStore interface {
	// SetFeed stores the hash as the user's only feed, replacing any other.
	SetFeed(ctx context.Context, user uuid.UUID, hash []byte, at time.Time) error
	// FeedOwner finds the workspace and user of a hash across workspaces
	// (the context is a system one); errs.NotFound when none has it.
	FeedOwner(ctx context.Context, hash []byte) (workspace, user uuid.UUID, err error)
}

// Calendar returns the user's appointments (as organizer or attendee)
// overlapping [from, to) and their open tasks due in it, by start time, then
// appointments before tasks, then id. A nil user means the caller; another
// user must be of the workspace (Invalid naming user_id otherwise).
func (s *Appointments) Calendar(ctx context.Context, user *uuid.UUID, from, to time.Time) ([]CalendarEntry, error) {
	p, err := identity.Caller(ctx)
	if err != nil {
		return nil, err
	}
	if !to.After(from) || to.Sub(from) > MaxCalendarRange {
		return nil, errs.Field("to", "must be after from and at most 366 days later")
	}
	id := p.UserID
	if user != nil && *user != p.UserID {
		if _, err := s.directory.User(ctx, *user); errs.Is(err, errs.NotFound) {
			return nil, errs.Field("user_id", "no such user")
		} else if err != nil {
			return nil, err
		}
		id = *user
	}
	return s.entries(ctx, id, from, to)
}

func (s *Appointments) entries(ctx context.Context, user uuid.UUID, from, to time.Time) ([]CalendarEntry, error) {
	appts, err := s.store.UserAppointments(ctx, user, from, to)
	if err != nil {
		return nil, err
	}
	tasks, err := s.store.DueTasks(ctx, user, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]CalendarEntry, 0, len(appts)+len(tasks))
	for i := range appts {
		out = append(out, CalendarEntry{Start: appts[i].StartsAt, Appointment: &appts[i]})
	}
	for i := range tasks {
		out = append(out, CalendarEntry{Start: *tasks[i].DueAt, Task: &tasks[i]})
	}
	slices.SortStableFunc(out, func(a, b CalendarEntry) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.kind(), b.kind()), strings.Compare(a.id().String(), b.id().String()))
	})
	return out, nil
}

func (e CalendarEntry) kind() int {
	if e.Task != nil {
		return 1
	}
	return 0
}

func (e CalendarEntry) id() uuid.UUID {
	if e.Task != nil {
		return e.Task.ID
	}
	return e.Appointment.ID
}

// NewFeed creates the caller's secret feed token (256 random bits) and
// revokes any earlier one. Only its hash is stored: the token is shown once.
func (s *Appointments) NewFeed(ctx context.Context) (string, error) {
	p, err := identity.Caller(ctx)
	if err != nil {
		return "", err
	}
	token := base64.RawURLEncoding.EncodeToString(randomBytes(32))
	if err := s.feeds.SetFeed(ctx, p.UserID, hashFeedToken(token), exactTime(s.now())); err != nil {
		return "", err
	}
	return token, nil
}

// Feed renders the iCalendar feed of a token's user without a login: their
// appointments and open tasks from 90 days ago to a year ahead, times in
// UTC. NotFound for an unknown or revoked token.
func (s *Appointments) Feed(ctx context.Context, token string) ([]byte, error) {
	ws, user, err := s.feeds.FeedOwner(tenant.System(ctx), hashFeedToken(token))
	if err != nil {
		return nil, err
	}
	ctx = tenant.With(ctx, ws)
	now := s.now()
	entries, err := s.entries(ctx, user, now.Add(-feedPast), now.Add(feedFuture))
	if err != nil {
		return nil, err
	}
	return s.calendars.Feed(entries), nil
}

func hashFeedToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return b
}
