package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/acme/crm/internal/testenv"
)

type appointmentJSON struct {
	ID            string   `json:"id"`
	Title         string   `json:"title"`
	StartsAt      string   `json:"starts_at"`
	EndsAt        string   `json:"ends_at"`
	AllDay        bool     `json:"all_day"`
	OrganizerID   string   `json:"organizer_id"`
	AttendeeIDs   []string `json:"attendee_ids"`
	PersonIDs     []string `json:"person_ids"`
	OpportunityID *string  `json:"opportunity_id"`
	CreatedBy     string   `json:"created_by"`
	Version       int64    `json:"version"`
}

// appointmentBody is a valid one-hour appointment starting at start, with
// extra fields merged in.
func appointmentBody(start time.Time, extra map[string]any) map[string]any {
	b := map[string]any{"title": "Demo " + newID(), "starts_at": start.Format(time.RFC3339Nano),
		"ends_at": start.Add(time.Hour).Format(time.RFC3339Nano)}
	for k, v := range extra {
		b[k] = v
	}
	return b
}

func createAppointment(t *testing.T, env *testenv.Env, a testenv.Account, body map[string]any) appointmentJSON {
	t.Helper()
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/appointments", Token: a.Token, Body: body})
	if res.Status != http.StatusCreated {
		t.Fatalf("create appointment %v: got %s, want 201", body, res)
	}
	var ap appointmentJSON
	res.Decode(t, &ap)
	return ap
}

// TestAppointments: creation rules, references only within the workspace
// (another workspace's id is the same 422 as a missing one), scheduling
// for a colleague, If-Match on change and delete.
func TestAppointments(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	admin, other := env.Signup(), env.Signup()
	colleague := env.Member(admin)
	person := postPerson(t, env, admin.Token, map[string]any{"first_name": "Karin", "last_name": "Lindqvist"})["id"].(string)
	foreignPerson := postPerson(t, env, other.Token, map[string]any{"first_name": "Olle", "last_name": "Berg"})["id"].(string)
	opp := newOpportunity(t, env, admin, nil).ID
	foreignOpp := newOpportunity(t, env, other, nil).ID
	start := time.Date(2027, 3, 2, 9, 0, 0, 0, time.UTC)

	ap := createAppointment(t, env, admin, appointmentBody(start, map[string]any{"organizer_id": colleague.UserID,
		"attendee_ids": []string{admin.UserID, admin.UserID}, "person_ids": []string{person}, "opportunity_id": opp,
		"location": " Kungsgatan 1 "}))
	if ap.OrganizerID != colleague.UserID || ap.CreatedBy != admin.UserID || len(ap.AttendeeIDs) != 1 ||
		len(ap.PersonIDs) != 1 || ap.OpportunityID == nil || *ap.OpportunityID != opp || ap.Version != 1 {
		t.Fatalf("got %+v, want organized by the colleague, made by the admin, one attendee, one person, the opportunity", ap)
	}
	if mine := createAppointment(t, env, colleague, appointmentBody(start, nil)); mine.OrganizerID != colleague.UserID {
		t.Errorf("default organizer: got %s, want the caller %s", mine.OrganizerID, colleague.UserID)
	}
	path := "/api/v1/appointments/" + ap.ID
	body := func(extra map[string]any) map[string]any { return appointmentBody(start, extra) }
	tests := []struct {
		name   string
		method string
		path   string
		body   any
		header map[string]string
		want   int
		fields string
	}{
		{"no title", "POST", "/api/v1/appointments", body(map[string]any{"title": " "}), nil, 422, "title"},
		{"ends before start", "POST", "/api/v1/appointments", body(map[string]any{"ends_at": start.Add(-time.Minute)}), nil, 422, "ends_at"},
		{"ends at start", "POST", "/api/v1/appointments", body(map[string]any{"ends_at": start}), nil, 422, "ends_at"},
		{"missing organizer", "POST", "/api/v1/appointments", body(map[string]any{"organizer_id": newID()}), nil, 422, "organizer_id"},
		{"other workspace's organizer", "POST", "/api/v1/appointments", body(map[string]any{"organizer_id": other.UserID}), nil, 422, "organizer_id"},
		{"missing attendee", "POST", "/api/v1/appointments", body(map[string]any{"attendee_ids": []string{newID()}}), nil, 422, "attendee_ids"},
		{"other workspace's attendee", "POST", "/api/v1/appointments", body(map[string]any{"attendee_ids": []string{other.UserID}}), nil, 422, "attendee_ids"},
		{"missing person", "POST", "/api/v1/appointments", body(map[string]any{"person_ids": []string{newID()}}), nil, 422, "person_ids"},
		{"other workspace's person", "POST", "/api/v1/appointments", body(map[string]any{"person_ids": []string{foreignPerson}}), nil, 422, "person_ids"},
		{"missing opportunity", "POST", "/api/v1/appointments", body(map[string]any{"opportunity_id": newID()}), nil, 422, "opportunity_id"},
		{"other workspace's opportunity", "POST", "/api/v1/appointments", body(map[string]any{"opportunity_id": foreignOpp}), nil, 422, "opportunity_id"},
		{"get", "GET", path, nil, nil, 200, ""},
		{"get missing", "GET", "/api/v1/appointments/" + newID(), nil, nil, 404, ""},
		{"patch ends before start", "PATCH", path, map[string]any{"ends_at": start.Add(-time.Hour)}, nil, 422, "ends_at"},
		{"patch other workspace's attendee", "PATCH", path, map[string]any{"attendee_ids": []string{other.UserID}}, nil, 422, "attendee_ids"},
		{"patch stale", "PATCH", path, map[string]any{"title": "x"}, map[string]string{"If-Match": `"7"`}, 412, ""},
		{"patch", "PATCH", path, map[string]any{"title": "Moved", "attendee_ids": []string{}, "opportunity_id": nil}, map[string]string{"If-Match": `"1"`}, 200, ""},
		{"patch missing", "PATCH", "/api/v1/appointments/" + newID(), map[string]any{"title": "x"}, nil, 404, ""},
		{"delete stale", "DELETE", path, nil, map[string]string{"If-Match": `"1"`}, 412, ""},
		{"delete", "DELETE", path, nil, map[string]string{"If-Match": `"2"`}, 204, ""},
		{"deleted", "GET", path, nil, nil, 404, ""},
		{"delete missing", "DELETE", path, nil, nil, 404, ""},
	}
	for _, tt := range tests {
		res := env.Do(testenv.Request{Method: tt.method, Path: tt.path, Token: admin.Token, Body: tt.body, Header: tt.header})
		if res.Status != tt.want {
			t.Errorf("%s: got %s, want %d", tt.name, res, tt.want)
			continue
		}
		if tt.fields != "" && problemOf(t, res).fields() != tt.fields {
			t.Errorf("%s: got fields %q, want %q", tt.name, problemOf(t, res).fields(), tt.fields)
		}
		if tt.name == "patch" {
			var got appointmentJSON
			res.Decode(t, &got)
			if got.Title != "Moved" || len(got.AttendeeIDs) != 0 || len(got.PersonIDs) != 1 || got.OpportunityID != nil || got.Version != 2 {
				t.Errorf("patch: got %+v, want the new title, no attendees, the person kept, no opportunity, version 2", got)
			}
		}
	}
}

// TestAllDayAppointment: the dates count, in the offset they were given in.
func TestAllDayAppointment(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	tests := []struct {
		name, start, end   string
		wantStart, wantEnd string
	}{
		{"one day, end at the next midnight", "2026-12-24T00:00:00+01:00", "2026-12-25T00:00:00+01:00", "2026-12-24T00:00:00Z", "2026-12-25T00:00:00Z"},
		{"one day, end inside it", "2026-12-24T00:00:00+01:00", "2026-12-24T23:00:00+01:00", "2026-12-24T00:00:00Z", "2026-12-25T00:00:00Z"},
		{"two days", "2026-12-24T08:00:00+01:00", "2026-12-25T17:00:00+01:00", "2026-12-24T00:00:00Z", "2026-12-26T00:00:00Z"},
	}
	for _, tt := range tests {
		ap := createAppointment(t, env, a, map[string]any{"title": "Holiday", "all_day": true, "starts_at": tt.start, "ends_at": tt.end})
		if ap.StartsAt != tt.wantStart || ap.EndsAt != tt.wantEnd || !ap.AllDay {
			t.Errorf("%s: got %s – %s, want %s – %s", tt.name, ap.StartsAt, ap.EndsAt, tt.wantStart, tt.wantEnd)
		}
	}
}

// TestAppointmentTimeline: an appointment about an opportunity is on its
// timeline.
func TestAppointmentTimeline(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	o := newOpportunity(t, env, a, nil)
	ap := createAppointment(t, env, a, appointmentBody(time.Now().Add(48*time.Hour), map[string]any{"opportunity_id": o.ID, "title": "Site visit"}))
	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/opportunities/" + o.ID + "/timeline", Token: a.Token})
	if res.Status != 200 || !strings.Contains(string(res.Body), `"type":"appointment"`) || !strings.Contains(string(res.Body), ap.ID) {
		t.Errorf("got %s, want an appointment event naming %s", res, ap.ID)
	}
}

func init() {
	addProbes(map[string]probe{
		"POST /api/v1/appointments": {kind: own, setup: appointmentOfA,
			body: appointmentBody(time.Date(2027, 1, 5, 9, 0, 0, 0, time.UTC), map[string]any{"title": "B's meeting"})},
		"GET /api/v1/appointments/:id":    {kind: item, setup: appointmentOfA},
		"PATCH /api/v1/appointments/:id":  {kind: item, setup: appointmentOfA, body: map[string]any{"title": "Hijacked"}, check: appointmentOfAUnchanged},
		"DELETE /api/v1/appointments/:id": {kind: item, setup: appointmentOfA, check: appointmentOfAUnchanged},
		"GET /api/v1/calendar":            {kind: list, setup: appointmentOfA},
		"POST /api/v1/calendar/feed":      {kind: own, setup: appointmentOfA},
	})
}

// appointmentOfA creates an appointment of A; its id and title must never
// reach B.
func appointmentOfA(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
	ap := createAppointment(t, env, a, appointmentBody(time.Now().Add(time.Hour), nil))
	return fixture{params: map[string]string{"id": ap.ID}, ids: []string{ap.ID, ap.Title}}
}

func appointmentOfAUnchanged(t *testing.T, env *testenv.Env, a testenv.Account, fx fixture) {
	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/appointments/" + fx.params["id"], Token: a.Token})
	var got appointmentJSON
	res.Decode(t, &got)
	if res.Status != 200 || got.Title != fx.ids[1] || got.Version != 1 {
		t.Errorf("A's appointment after B's call: got %s, want it unchanged", res)
	}
}
