package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/acme/crm/internal/testenv"
)

func TestListAppointments(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	member := env.Member(a)
	o := newOpportunity(t, env, a, nil)
	day := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	createAppointment(t, env, a, appointmentBody(day, map[string]any{"title": "First"}))
	createAppointment(t, env, a, appointmentBody(day.AddDate(0, 0, 1), map[string]any{"title": "Second", "attendee_ids": []string{member.UserID}}))
	createAppointment(t, env, a, appointmentBody(day.AddDate(0, 0, 2), map[string]any{"title": "Third", "organizer_id": member.UserID, "opportunity_id": o.ID}))
	titles := func(token, query string) string {
		t.Helper()
		res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/appointments?" + query, Token: token})
		if res.Status != 200 {
			t.Fatalf("?%s: %s", query, res)
		}
		var l struct{ Data []appointmentJSON }
		res.Decode(t, &l)
		var out []string
		for _, ap := range l.Data {
			out = append(out, ap.Title)
		}
		return strings.Join(out, ", ")
	}
	for _, tc := range []struct{ token, query, want string }{
		{a.Token, "", "First, Second, Third"},
		{a.Token, "sort=-starts_at", "Third, Second, First"},
		{a.Token, "user_id=" + member.UserID, "Second, Third"},
		{member.Token, "user_id=me", "Second, Third"},
		{a.Token, "user_id=me", "First, Second"},
		{a.Token, "opportunity_id=" + o.ID, "Third"},
		// Overlap: an appointment ending exactly at from, or starting exactly at to, is outside.
		{a.Token, "from=2027-03-01T10:00:00Z&to=2027-03-02T09:00:00Z", ""},
		{a.Token, "from=2027-03-01T09:59:59Z&to=2027-03-02T09:00:01Z", "First, Second"},
	} {
		if got := titles(tc.token, tc.query); got != tc.want {
			t.Errorf("?%s: got %q, want %q", tc.query, got, tc.want)
		}
	}
	var seen []string
	for _, ap := range testenv.Pages[appointmentJSON](env, a.Token, "/api/v1/appointments?limit=1") {
		seen = append(seen, ap.Title)
	}
	if got := strings.Join(seen, ", "); got != "First, Second, Third" {
		t.Errorf("paged: got %s", got)
	}
	for _, q := range []string{"from=yesterday", "user_id=bob", "opportunity_id=1", "sort=title",
		"from=2027-03-02T00:00:00Z&to=2027-03-01T00:00:00Z"} {
		if res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/appointments?" + q, Token: a.Token}); res.Status != 422 {
			t.Errorf("?%s: got %s, want 422", q, res)
		}
	}
}

func init() {
	addProbes(map[string]probe{
		"GET /api/v1/appointments": {kind: list, setup: appointmentOfA},
	})
}
