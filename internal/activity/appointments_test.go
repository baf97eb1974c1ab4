package activity

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
)

func TestCheckAppointment(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
	u := uuid.New()
	got, err := checkAppointment(Appointment{Title: "x", StartsAt: time.Unix(0, 0), EndsAt: time.Unix(60, 0), AttendeeIDs: []uuid.UUID{u, u}})
	if err != nil || len(got.AttendeeIDs) != 1 || len(got.PersonIDs) != 0 || got.PersonIDs == nil {
		t.Errorf("got %v %v, want one attendee and an empty persons list", got.AttendeeIDs, err)
	}
}
