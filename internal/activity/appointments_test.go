package activity

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
)

func TestCheckAppointment(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name               string
		in                 Appointment
		wantStart, wantEnd string // RFC 3339 in UTC, when valid
		wantFields         string
	}{
		{"timed keeps the instants", Appointment{Title: "x", StartsAt: at("2026-12-01T09:30:00+01:00"), EndsAt: at("2026-12-01T10:00:00+01:00")},
			"2026-12-01T08:30:00Z", "2026-12-01T09:00:00Z", ""},
		{"end equal to start", Appointment{Title: "x", StartsAt: at("2026-12-01T09:30:00Z"), EndsAt: at("2026-12-01T09:30:00Z")}, "", "", "ends_at"},
		{"end before start", Appointment{Title: "x", StartsAt: at("2026-12-01T09:30:00Z"), EndsAt: at("2026-12-01T09:00:00Z")}, "", "", "ends_at"},
		{"blank title, long location", Appointment{Title: " ", Location: strings.Repeat("l", 501), StartsAt: at("2026-12-01T09:00:00Z"), EndsAt: at("2026-12-01T10:00:00Z")}, "", "", "title,location"},
		{"all-day, same start and end", Appointment{Title: "x", AllDay: true, StartsAt: time.Date(2026, 12, 24, 0, 0, 0, 0, cet), EndsAt: time.Date(2026, 12, 24, 0, 0, 0, 0, cet)},
			"2026-12-24T00:00:00Z", "2026-12-25T00:00:00Z", ""},
		{"all-day, end at the next midnight", Appointment{Title: "x", AllDay: true, StartsAt: time.Date(2026, 12, 24, 0, 0, 0, 0, cet), EndsAt: time.Date(2026, 12, 25, 0, 0, 0, 0, cet)},
			"2026-12-24T00:00:00Z", "2026-12-25T00:00:00Z", ""},
		{"all-day over two days", Appointment{Title: "x", AllDay: true, StartsAt: time.Date(2026, 12, 24, 8, 0, 0, 0, cet), EndsAt: time.Date(2026, 12, 25, 17, 0, 0, 0, cet)},
			"2026-12-24T00:00:00Z", "2026-12-26T00:00:00Z", ""},
		{"all-day ending the day before", Appointment{Title: "x", AllDay: true, StartsAt: time.Date(2026, 12, 24, 0, 0, 0, 0, cet), EndsAt: time.Date(2026, 12, 23, 12, 0, 0, 0, cet)},
			"", "", "ends_at"},
	}
	for _, tt := range tests {
		got, err := checkAppointment(tt.in)
		if tt.wantFields != "" {
			var fields []string
			if e, ok := errs.As(err); ok {
				for _, f := range e.Fields {
					fields = append(fields, f.Field)
				}
			}
			if strings.Join(fields, ",") != tt.wantFields {
				t.Errorf("%s: got %v, want fields %s", tt.name, err, tt.wantFields)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: got %v, want no error", tt.name, err)
			continue
		}
		if s, e := got.StartsAt.UTC().Format(time.RFC3339), got.EndsAt.UTC().Format(time.RFC3339); s != tt.wantStart || e != tt.wantEnd {
			t.Errorf("%s: got %s – %s, want %s – %s", tt.name, s, e, tt.wantStart, tt.wantEnd)
		}
	}
}

func TestCheckAppointmentDistinctIDs(t *testing.T) {
	u := uuid.New()
	got, err := checkAppointment(Appointment{Title: "x", StartsAt: time.Unix(0, 0), EndsAt: time.Unix(60, 0), AttendeeIDs: []uuid.UUID{u, u}})
	if err != nil || len(got.AttendeeIDs) != 1 || len(got.PersonIDs) != 0 || got.PersonIDs == nil {
		t.Errorf("got %v %v, want one attendee and an empty persons list", got.AttendeeIDs, err)
	}
}

func TestFeedEventTask(t *testing.T) {
	tests := []struct {
		name      string
		due       time.Time
		allDay    bool
		wantStart time.Time
		wantEnd   time.Time
	}{
		{"due at midnight UTC is all-day", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), true,
			time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)},
		{"due at a time", time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC), false,
			time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 14, 15, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		due := tt.due
		ev := feedEvent(CalendarEntry{Start: due, Task: &Task{ID: uuid.New(), Title: "Call", DueAt: &due}})
		if ev.AllDay != tt.allDay || !ev.Start.Equal(tt.wantStart) || !ev.End.Equal(tt.wantEnd) {
			t.Errorf("%s: got %v %v–%v, want %v %v–%v", tt.name, ev.AllDay, ev.Start, ev.End, tt.allDay, tt.wantStart, tt.wantEnd)
		}
	}
}
