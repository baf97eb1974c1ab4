package activity

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/page"
	"github.com/acme/crm/internal/patch"
)

// EventAppointment is the timeline kind of an appointment about an
// opportunity, dated when it was made.
const EventAppointment = "appointment"

// Appointment is a meeting of a workspace's users (organizer and attendees)
// with customer contacts (persons), optionally about an opportunity.
type Appointment struct {
	ID          uuid.UUID
	Title       string
	Description string
	Location    string
	// StartsAt and EndsAt are instants with EndsAt after StartsAt. An
	// all-day appointment runs from midnight UTC of its first day to
	// midnight UTC after its last day.
	StartsAt, EndsAt time.Time
	AllDay           bool
	OrganizerID      uuid.UUID
	AttendeeIDs      []uuid.UUID
	PersonIDs        []uuid.UUID
	OpportunityID    *uuid.UUID
	CreatedBy        uuid.UUID
	Version          int64
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// NewAppointment is the input of CreateAppointment; a nil OrganizerID
// means the caller.
type NewAppointment struct {
	Title, Description, Location string
	StartsAt, EndsAt             time.Time
	AllDay                       bool
	OrganizerID                  *uuid.UUID
	AttendeeIDs, PersonIDs       []uuid.UUID
	OpportunityID                *uuid.UUID
}

// AppointmentPatch changes an appointment: nil fields stay; non-nil lists
// replace the attendees or persons; OpportunityID set to nil unlinks it.
type AppointmentPatch struct {
	Title, Description, Location *string
	StartsAt, EndsAt             *time.Time
	AllDay                       *bool
	OrganizerID                  *uuid.UUID
	AttendeeIDs, PersonIDs       *[]uuid.UUID
	OpportunityID                patch.Field[uuid.UUID]
}

// AppointmentStore persists appointments, scoped to the context's
// workspace. Missing rows are errs.NotFound; a reference to a missing (or
// another workspace's) user, person or opportunity is errs.Invalid naming
// the field (organizer_id, attendee_ids, person_ids, opportunity_id).
type AppointmentStore interface {
	WithTx(ctx context.Context, fn func(ctx context.Context) error) error
	CreateAppointment(ctx context.Context, a Appointment) error
	Appointment(ctx context.Context, id uuid.UUID) (Appointment, error)
	// AppointmentsByID reads the appointments of ids with their
	// participants in a fixed number of queries, in no particular order:
	// missing ids are skipped.
	AppointmentsByID(ctx context.Context, ids []uuid.UUID) ([]Appointment, error)
	// SaveAppointment writes every changeable field and the lists if the
	// version is still ifVersion (any when nil), bumps it and returns the
	// stored appointment.
	SaveAppointment(ctx context.Context, a Appointment, ifVersion *int64) (Appointment, error)
	DeleteAppointment(ctx context.Context, id uuid.UUID, ifVersion *int64) error
	// ListAppointments lists appointments matching f, paginated.
	ListAppointments(ctx context.Context, f AppointmentFilter, req page.Request) (page.Page[Appointment], error)
	// UserAppointments lists the appointments that user organizes or
	// attends and that overlap [from, to), by start time then id.
	UserAppointments(ctx context.Context, user uuid.UUID, from, to time.Time) ([]Appointment, error)
	// DueTasks lists the user's open tasks due in [from, to), by due time.
	DueTasks(ctx context.Context, user uuid.UUID, from, to time.Time) ([]Task, error)
}

// Appointments implements appointments, the calendar and its feed.
type Appointments struct {
	store     AppointmentStore
	feeds     FeedStore
	directory Directory
	calendars CalendarRenderer
	now       func() time.Time
}

// CalendarRenderer writes calendar entries as an iCalendar feed
// (internal/ical fulfils it, wired in internal/app).
type CalendarRenderer interface {
	Feed(entries []CalendarEntry) []byte
}

// NewAppointments returns the appointments service; now defaults to
// time.Now in UTC.
func NewAppointments(store AppointmentStore, feeds FeedStore, directory Directory, calendars CalendarRenderer, now func() time.Time) *Appointments {
	return &Appointments{store: store, feeds: feeds, directory: directory, calendars: calendars, now: clock(now)}
}

// Create makes an appointment; the organizer defaults to the caller, who may
// schedule for a colleague. Invalid naming the field when a rule is broken.
func (s *Appointments) Create(ctx context.Context, in NewAppointment) (Appointment, error) {
	p, err := identity.Caller(ctx)
	if err != nil {
		return Appointment{}, err
	}
	now := exactTime(s.now())
	a := Appointment{ID: newID(), Title: in.Title, Description: in.Description, Location: in.Location,
		StartsAt: in.StartsAt, EndsAt: in.EndsAt, AllDay: in.AllDay, OrganizerID: p.UserID,
		AttendeeIDs: in.AttendeeIDs, PersonIDs: in.PersonIDs, OpportunityID: in.OpportunityID,
		CreatedBy: p.UserID, Version: 1, CreatedAt: now, UpdatedAt: now}
	if in.OrganizerID != nil {
		a.OrganizerID = *in.OrganizerID
	}
	if a, err = checkAppointment(a); err != nil {
		return Appointment{}, err
	}
	if err := s.checkUser(ctx, a.OrganizerID, "organizer_id"); err != nil {
		return Appointment{}, err
	}
	return a, s.store.CreateAppointment(ctx, a)
}

// Appointment returns one appointment.
func (s *Appointments) Appointment(ctx context.Context, id uuid.UUID) (Appointment, error) {
	return s.store.Appointment(ctx, id)
}

// AppointmentsByID returns the appointments of ids, each as Appointment
// returns it, in no particular order; missing ids are skipped.
func (s *Appointments) AppointmentsByID(ctx context.Context, ids []uuid.UUID) ([]Appointment, error) {
	return s.store.AppointmentsByID(ctx, ids)
}

// Update applies a patch; PreconditionFailed when ifVersion is stale or,
// without one, when someone else changed the appointment meanwhile.
func (s *Appointments) Update(ctx context.Context, id uuid.UUID, p AppointmentPatch, ifVersion *int64) (Appointment, error) {
	var out Appointment
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		a, err := s.store.Appointment(ctx, id)
		if err != nil {
			return err
		}
		if p.OrganizerID != nil && *p.OrganizerID != a.OrganizerID {
			if err := s.checkUser(ctx, *p.OrganizerID, "organizer_id"); err != nil {
				return err
			}
		}
		if a, err = checkAppointment(p.apply(a)); err != nil {
			return err
		}
		a.UpdatedAt = exactTime(s.now())
		if ifVersion == nil {
			// The version read above: a change in between is refused
			// rather than silently overwritten.
			ifVersion = &a.Version
		}
		out, err = s.store.SaveAppointment(ctx, a, ifVersion)
		return err
	})
	return out, err
}

func (p AppointmentPatch) apply(a Appointment) Appointment {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&a.Title, p.Title)
	set(&a.Description, p.Description)
	set(&a.Location, p.Location)
	if p.StartsAt != nil {
		a.StartsAt = *p.StartsAt
	}
	if p.EndsAt != nil {
		a.EndsAt = *p.EndsAt
	}
	if p.AllDay != nil {
		a.AllDay = *p.AllDay
	}
	if p.OrganizerID != nil {
		a.OrganizerID = *p.OrganizerID
	}
	if p.AttendeeIDs != nil {
		a.AttendeeIDs = *p.AttendeeIDs
	}
	if p.PersonIDs != nil {
		a.PersonIDs = *p.PersonIDs
	}
	if p.OpportunityID.Set {
		a.OpportunityID = p.OpportunityID.Value
	}
	return a
}

// Delete removes an appointment; PreconditionFailed when ifVersion is stale.
// AppointmentFilter narrows the appointment list; nil fields do not filter.
// UserID matches the organizer or an attendee; From and To keep the
// appointments that overlap [From, To).
type AppointmentFilter struct {
	OpportunityID *uuid.UUID
	UserID        *uuid.UUID
	From, To      *time.Time
}

// List returns the workspace's appointments matching f.
func (s *Appointments) List(ctx context.Context, f AppointmentFilter, req page.Request) (page.Page[Appointment], error) {
	if f.From != nil && f.To != nil && !f.To.After(*f.From) {
		return page.Page[Appointment]{}, errs.Field("to", "must be after from")
	}
	return s.store.ListAppointments(ctx, f, req)
}

func (s *Appointments) Delete(ctx context.Context, id uuid.UUID, ifVersion *int64) error {
	return s.store.DeleteAppointment(ctx, id, ifVersion)
}

// checkUser requires an active user of the workspace.
func (s *Appointments) checkUser(ctx context.Context, id uuid.UUID, field string) error {
	u, err := s.directory.User(ctx, id)
	if errs.Is(err, errs.NotFound) || (err == nil && !u.Active) {
		return errs.Field(field, "must be an active user of the workspace")
	}
	return err
}

// checkAppointment trims and validates the fields, normalises all-day
// times to whole UTC days and removes duplicate ids.
func checkAppointment(a Appointment) (Appointment, error) {
	var fields []errs.FieldError
	bad := func(f, m string) { fields = append(fields, errs.FieldError{Field: f, Message: m}) }
	a.Title, a.Description, a.Location = strings.TrimSpace(a.Title), strings.TrimSpace(a.Description), strings.TrimSpace(a.Location)
	if n := utf8.RuneCountInString(a.Title); n == 0 || n > 200 {
		bad("title", "must be between 1 and 200 characters")
	}
	if utf8.RuneCountInString(a.Description) > 10000 {
		bad("description", "must be at most 10000 characters")
	}
	if utf8.RuneCountInString(a.Location) > 500 {
		bad("location", "must be at most 500 characters")
	}
	if a.AllDay {
		a.StartsAt, a.EndsAt = wholeDays(a.StartsAt, a.EndsAt)
	}
	a.StartsAt, a.EndsAt = exactTime(a.StartsAt), exactTime(a.EndsAt)
	if !a.EndsAt.After(a.StartsAt) {
		bad("ends_at", "must be after starts_at")
	}
	a.AttendeeIDs, a.PersonIDs = distinct(a.AttendeeIDs), distinct(a.PersonIDs)
	return a, errs.Fields("the appointment has invalid fields", fields...)
}

// wholeDays maps an all-day range to midnight UTC of the start's calendar
// date (in the offset it was given in) and midnight after the end's date;
// an end at midnight is already exclusive, and the range is at least a day.
func wholeDays(start, end time.Time) (time.Time, time.Time) {
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	s, e := day(start), day(end)
	if !end.Equal(time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, end.Location())) {
		e = e.AddDate(0, 0, 1)
	}
	if !e.After(s) && !end.Before(start) {
		e = s.AddDate(0, 0, 1)
	}
	return s, e
}

func distinct(ids []uuid.UUID) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(ids))
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
