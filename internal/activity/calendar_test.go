package activity

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/mail"
	"github.com/acme/crm/internal/patch"
	"github.com/acme/crm/internal/tenant"
)

// diary answers a user's appointments and due tasks from memory and
// records the appointments stored and feeds set; the other store methods
// are not used here (the nil embedded store panics on them).
type diary struct {
	AppointmentStore
	appts  []Appointment
	tasks  []Task
	saved  *Appointment
	feeds  map[string]uuid.UUID // hash → user
	asked  []time.Time
	stored *Appointment
}

func (d *diary) WithTx(ctx context.Context, fn func(ctx context.Context) error) error { return fn(ctx) }
func (d *diary) UserAppointments(_ context.Context, _ uuid.UUID, from, to time.Time) ([]Appointment, error) {
	d.asked = []time.Time{from, to}
	return slices.Clone(d.appts), nil
}
func (d *diary) DueTasks(context.Context, uuid.UUID, time.Time, time.Time) ([]Task, error) {
	return slices.Clone(d.tasks), nil
}
func (d *diary) Appointment(_ context.Context, id uuid.UUID) (Appointment, error) {
	for _, a := range d.appts {
		if a.ID == id {
			return a, nil
		}
	}
	return Appointment{}, errs.NotFoundf("no appointment")
}
func (d *diary) SaveAppointment(_ context.Context, a Appointment, ifVersion *int64) (Appointment, error) {
	if *ifVersion != a.Version {
		return Appointment{}, errs.New(errs.PreconditionFailed, "stale")
	}
	d.saved = &a
	return a, nil
}
func (d *diary) CreateAppointment(_ context.Context, a Appointment) error { d.stored = &a; return nil }
func (d *diary) SetFeed(_ context.Context, user uuid.UUID, hash []byte, _ time.Time) error {
	d.feeds = map[string]uuid.UUID{string(hash): user}
	return nil
}
func (d *diary) FeedOwner(_ context.Context, hash []byte) (uuid.UUID, uuid.UUID, error) {
	u, ok := d.feeds[string(hash)]
	if !ok {
		return uuid.Nil, uuid.Nil, errs.NotFoundf("no feed")
	}
	return uuid.New(), u, nil
}

type people map[uuid.UUID]identity.User

func (p people) User(_ context.Context, id uuid.UUID) (identity.User, error) {
	u, ok := p[id]
	if !ok {
		return identity.User{}, errs.NotFoundf("no user")
	}
	return u, nil
}

// listing renders entries as the ids in order.
type listing struct{}

func (listing) Feed(entries []CalendarEntry) []byte {
	var ids []string
	for _, e := range entries {
		ids = append(ids, e.id().String())
	}
	return []byte(strings.Join(ids, ","))
}

var noon = time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)

func TestCalendarOrdersByStartThenAppointmentsFirst(t *testing.T) {
	me, colleague := uuid.New(), uuid.New()
	ids := []uuid.UUID{uuid.New(), uuid.New(), uuid.New(), uuid.New()}
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
	at := func(h int) time.Time { return noon.Add(time.Duration(h) * time.Hour) }
	d := &diary{
		appts: []Appointment{{ID: ids[3], StartsAt: at(2)}, {ID: ids[1], StartsAt: at(1)}, {ID: ids[0], StartsAt: at(1)}},
		tasks: []Task{{ID: ids[2], DueAt: ptr(at(1))}, {ID: ids[0], DueAt: ptr(at(0))}},
	}
	s := NewAppointments(d, d, people{me: {ID: me, Active: true}, colleague: {ID: colleague}}, listing{}, func() time.Time { return noon })
	ctx := identity.WithPrincipal(context.Background(), identity.Principal{UserID: me})

	got, err := s.Calendar(ctx, nil, noon, noon.AddDate(0, 0, 7))
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, e := range got {
		kind := "appointment"
		if e.Task != nil {
			kind = "task"
		}
		order = append(order, kind+" "+e.id().String()[:4]+" "+e.Start.Format("15"))
	}
	want := []string{"task " + ids[0].String()[:4] + " 12", "appointment " + ids[0].String()[:4] + " 13",
		"appointment " + ids[1].String()[:4] + " 13", "task " + ids[2].String()[:4] + " 13", "appointment " + ids[3].String()[:4] + " 14"}
	if !slices.Equal(order, want) {
		t.Errorf("got  %v\nwant %v", order, want)
	}

	if _, err := s.Calendar(ctx, &colleague, noon, noon.Add(time.Hour)); err != nil {
		t.Errorf("a colleague's calendar: got %v", err)
	}
	tests := []struct {
		name     string
		user     *uuid.UUID
		from, to time.Time
		field    string
	}{
		{"empty range", nil, noon, noon, "to"},
		{"backwards", nil, noon, noon.Add(-time.Hour), "to"},
		{"366 days", nil, noon, noon.Add(MaxCalendarRange), ""},
		{"over 366 days", nil, noon, noon.Add(MaxCalendarRange + time.Second), "to"},
		{"unknown user", ptr(uuid.New()), noon, noon.Add(time.Hour), "user_id"},
		{"myself by id", &me, noon, noon.Add(time.Hour), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Calendar(ctx, tt.user, tt.from, tt.to)
			wantFieldsOf(t, err, tt.field)
		})
	}
	if _, err := s.Calendar(context.Background(), nil, noon, noon.Add(time.Hour)); !errs.Is(err, errs.Unauthorized) {
		t.Errorf("without a caller: got %v", err)
	}
}

// wantFieldsOf fails unless err is invalid on field ("" wants no error).
func wantFieldsOf(t *testing.T, err error, field string) {
	t.Helper()
	if field == "" {
		if err != nil {
			t.Fatalf("got %v, want none", err)
		}
		return
	}
	e, ok := errs.As(err)
	if !ok || e.Code != errs.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != field {
		t.Fatalf("got %v, want invalid on %s", err, field)
	}
}

func TestFeedShowsNinetyDaysBackAndAYearAhead(t *testing.T) {
	me := uuid.New()
	a := Appointment{ID: uuid.New(), StartsAt: noon}
	d := &diary{appts: []Appointment{a}}
	s := NewAppointments(d, d, people{}, listing{}, func() time.Time { return noon })
	ctx := identity.WithPrincipal(tenant.With(context.Background(), uuid.New()), identity.Principal{UserID: me})
	token, err := s.NewFeed(ctx)
	if err != nil || len(token) != 43 {
		t.Fatalf("got token %q, %v", token, err)
	}
	body, err := s.Feed(context.Background(), token)
	if err != nil || string(body) != a.ID.String() {
		t.Fatalf("got %q, %v", body, err)
	}
	if !d.asked[0].Equal(noon.Add(-90*24*time.Hour)) || !d.asked[1].Equal(noon.Add(366*24*time.Hour)) {
		t.Errorf("got range %v", d.asked)
	}
	if _, err := s.Feed(context.Background(), "other"); !errs.Is(err, errs.NotFound) {
		t.Errorf("unknown token: got %v", err)
	}
	other, _ := s.NewFeed(ctx)
	if _, err := s.Feed(context.Background(), token); other == token || !errs.Is(err, errs.NotFound) {
		t.Errorf("a replaced token: got %v", err)
	}
	if _, err := s.NewFeed(context.Background()); !errs.Is(err, errs.Unauthorized) {
		t.Errorf("without a caller: got %v", err)
	}
}

func TestAppointmentPatchChangesOnlyGivenFields(t *testing.T) {
	opp := uuid.New()
	a := Appointment{Title: "Call", Description: "d", Location: "l", StartsAt: noon, EndsAt: noon.Add(time.Hour), OrganizerID: uuid.New(),
		AttendeeIDs: []uuid.UUID{uuid.New()}, PersonIDs: []uuid.UUID{uuid.New()}, OpportunityID: &opp}
	if got := (AppointmentPatch{}).apply(a); !reflect.DeepEqual(got, a) {
		t.Fatalf("an empty patch changed the appointment: %+v", got)
	}
	org := uuid.New()
	got := AppointmentPatch{Title: ptr("Meeting"), Description: ptr(""), Location: ptr("Room 1"), StartsAt: ptr(noon.Add(time.Hour)),
		EndsAt: ptr(noon.Add(2 * time.Hour)), AllDay: ptr(true), OrganizerID: &org, AttendeeIDs: &[]uuid.UUID{},
		PersonIDs: &[]uuid.UUID{}, OpportunityID: patch.Field[uuid.UUID]{Set: true}}.apply(a)
	want := Appointment{Title: "Meeting", Location: "Room 1", StartsAt: noon.Add(time.Hour), EndsAt: noon.Add(2 * time.Hour), AllDay: true,
		OrganizerID: org, AttendeeIDs: []uuid.UUID{}, PersonIDs: []uuid.UUID{}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestAppointmentChangesCheckOrganizerAndVersion(t *testing.T) {
	me, active, inactive := uuid.New(), uuid.New(), uuid.New()
	dir := people{me: {ID: me, Active: true}, active: {ID: active, Active: true}, inactive: {ID: inactive}}
	a := Appointment{ID: uuid.New(), Title: "Call", StartsAt: noon, EndsAt: noon.Add(time.Hour), OrganizerID: me, Version: 2}
	ctx := identity.WithPrincipal(context.Background(), identity.Principal{UserID: me})
	tests := []struct {
		name      string
		patch     AppointmentPatch
		ifVersion *int64
		field     string
		code      errs.Code
	}{
		{"another active organizer", AppointmentPatch{OrganizerID: &active}, nil, "", ""},
		{"an inactive organizer", AppointmentPatch{OrganizerID: &inactive}, nil, "organizer_id", ""},
		{"an unknown organizer", AppointmentPatch{OrganizerID: ptr(uuid.New())}, nil, "organizer_id", ""},
		{"ends before it starts", AppointmentPatch{EndsAt: ptr(noon)}, nil, "ends_at", ""},
		{"the version read", AppointmentPatch{Title: ptr("x")}, ptr(int64(2)), "", ""},
		{"a stale version", AppointmentPatch{Title: ptr("x")}, ptr(int64(1)), "", errs.PreconditionFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &diary{appts: []Appointment{a}}
			_, err := NewAppointments(d, d, dir, listing{}, func() time.Time { return noon }).Update(ctx, a.ID, tt.patch, tt.ifVersion)
			switch {
			case tt.field != "":
				wantFieldsOf(t, err, tt.field)
			case tt.code != "":
				if !errs.Is(err, tt.code) {
					t.Fatalf("got %v, want %s", err, tt.code)
				}
			case err != nil || d.saved == nil || !d.saved.UpdatedAt.Equal(noon):
				t.Fatalf("got %v, saved %+v", err, d.saved)
			}
		})
	}

	d := &diary{}
	s := NewAppointments(d, d, dir, listing{}, func() time.Time { return noon })
	got, err := s.Create(ctx, NewAppointment{Title: " Call ", StartsAt: noon, EndsAt: noon.Add(time.Hour)})
	if err != nil || got.OrganizerID != me || got.Title != "Call" || d.stored == nil || got.Version != 1 {
		t.Fatalf("create: got %+v, %v", got, err)
	}
	_, err = s.Create(ctx, NewAppointment{Title: "Call", StartsAt: noon, EndsAt: noon.Add(time.Hour), OrganizerID: &inactive})
	wantFieldsOf(t, err, "organizer_id")
	_, err = s.Create(ctx, NewAppointment{StartsAt: noon, EndsAt: noon.Add(time.Hour)})
	wantFieldsOf(t, err, "title")
	if _, err := s.Create(context.Background(), NewAppointment{}); !errs.Is(err, errs.Unauthorized) {
		t.Errorf("without a caller: got %v", err)
	}
}

func TestEmailNeedsRecipientsSubjectAndBody(t *testing.T) {
	good := Email{From: mail.Address{Name: "Sam", Email: "crm@acme.example"}, ReplyTo: "sam@acme.example",
		To: []string{"ann@example.com"}, Subject: "Quote", Body: "Hello"}
	tests := []struct {
		name   string
		change func(*Email)
		want   []string
	}{
		{"complete", func(*Email) {}, nil},
		{"cc only is not enough", func(e *Email) { e.To, e.Cc = nil, []string{"bo@example.com"} }, []string{"to"}},
		{"nothing", func(e *Email) { e.To, e.Subject, e.Body = nil, "", " \n" }, []string{"to", "body", "subject"}},
		{"a bad address", func(e *Email) { e.To = []string{"ann@example.com", "nope"} }, []string{"to[1]"}},
		{"a bad cc", func(e *Email) { e.Cc = []string{"nope"} }, []string{"cc[0]"}},
		{"a line break in the subject", func(e *Email) { e.Subject = "a\r\nBcc: x@example.com" }, []string{"subject"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := good
			tt.change(&e)
			err := checkEmail(e)
			var got []string
			if e, ok := errs.As(err); ok {
				for _, f := range e.Fields {
					got = append(got, f.Field)
				}
			} else if err != nil {
				t.Fatalf("got %v", err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got fields %v, want %v", got, tt.want)
			}
		})
	}
	if (NewEmails(EmailsConfig{})).Configured() {
		t.Error("without sender and outbox: got configured")
	}
}

func TestNoteBodyIsTrimmedAndBounded(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"  Called Ann \n", "Called Ann", true},
		{" \n ", "", false},
		{strings.Repeat("ä", MaxNoteLength), strings.Repeat("ä", MaxNoteLength), true},
		{strings.Repeat("a", MaxNoteLength+1), "", false},
	}
	for _, tt := range tests {
		got, err := checkNoteBody(tt.in)
		if tt.ok != (err == nil) || got != tt.want {
			t.Errorf("checkNoteBody(%.20q): got %.20q, %v", tt.in, got, err)
		}
		if !tt.ok {
			wantFieldsOf(t, err, "body")
		}
	}
}
