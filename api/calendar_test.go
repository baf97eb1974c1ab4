package api_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/acme/crm/internal/testenv"
)

type calendarJSON struct {
	UserID string `json:"user_id"`
	Data   []struct {
		Type     string  `json:"type"`
		ID       string  `json:"id"`
		StartsAt string  `json:"starts_at"`
		EndsAt   *string `json:"ends_at"`
		Title    string  `json:"title"`
	} `json:"data"`
}

func calendarPath(from, to time.Time, user string) string {
	q := url.Values{"from": {from.Format(time.RFC3339Nano)}, "to": {to.Format(time.RFC3339Nano)}}
	if user != "" {
		q.Set("user_id", user)
	}
	return "/api/v1/calendar?" + q.Encode()
}

// calendarIDs returns the ids in a user's calendar for [from, to), in order.
func calendarIDs(t *testing.T, env *testenv.Env, a testenv.Account, from, to time.Time, user string) []string {
	t.Helper()
	res := env.Do(testenv.Request{Method: "GET", Path: calendarPath(from, to, user), Token: a.Token})
	if res.Status != http.StatusOK {
		t.Fatalf("calendar: got %s, want 200", res)
	}
	var c calendarJSON
	res.Decode(t, &c)
	ids := []string{}
	for _, e := range c.Data {
		ids = append(ids, e.ID)
	}
	return ids
}

// TestCalendarRanges: appointments overlapping [from, to) (an edge touching
// the range is outside), tasks due in it, merged by time; attendees see the
// appointment, others do not; done tasks are left out.
func TestCalendarRanges(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	attendee, outsider := env.Member(a), env.Member(a)
	ten := time.Date(2027, 2, 1, 10, 0, 0, 0, time.UTC)
	ap := createAppointment(t, env, a, map[string]any{"title": "Meeting", "starts_at": ten, "ends_at": ten.Add(time.Hour),
		"attendee_ids": []string{attendee.UserID}})
	early := createTask(t, env, a, map[string]any{"title": "Prepare", "due_at": ten.Add(-30 * time.Minute)})
	atTen := createTask(t, env, a, map[string]any{"title": "Send agenda", "due_at": ten})
	done := createTask(t, env, a, map[string]any{"title": "Done already", "due_at": ten.Add(10 * time.Minute)})
	if res := env.Do(testenv.Request{Method: "PATCH", Path: "/api/v1/tasks/" + done.ID, Token: a.Token, Body: map[string]any{"status": "done"}}); res.Status != 200 {
		t.Fatalf("complete task: got %s", res)
	}
	us := time.Microsecond
	tests := []struct {
		name     string
		who      testenv.Account
		from, to time.Time
		user     string
		want     []string
	}{
		{"whole day, merged by time", a, ten.Add(-10 * time.Hour), ten.Add(10 * time.Hour), "", []string{early.ID, ap.ID, atTen.ID}},
		{"range ends at the start", a, ten.Add(-time.Hour), ten, "", []string{early.ID}},
		{"range ends just after the start", a, ten.Add(-20 * time.Minute), ten.Add(us), "me", []string{ap.ID, atTen.ID}},
		{"range starts at the end", a, ten.Add(time.Hour), ten.Add(2 * time.Hour), "", []string{}},
		{"range starts just before the end", a, ten.Add(time.Hour - us), ten.Add(2 * time.Hour), "", []string{ap.ID}},
		{"range inside the appointment", a, ten.Add(time.Minute), ten.Add(2 * time.Minute), "", []string{ap.ID}},
		{"attendee", attendee, ten, ten.Add(time.Hour), "", []string{ap.ID}},
		{"outsider", outsider, ten, ten.Add(time.Hour), "", []string{}},
		{"a colleague's calendar", outsider, ten, ten.Add(time.Hour), a.UserID, []string{ap.ID, atTen.ID}},
	}
	for _, tt := range tests {
		got := calendarIDs(t, env, tt.who, tt.from, tt.to, tt.user)
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestCalendarErrors: the range and the user are checked; another
// workspace's user is the same 422 as a missing one.
func TestCalendarErrors(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a, b := env.Signup(), env.Signup()
	now := time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name, path, fields string
	}{
		{"no range", "/api/v1/calendar", "from,to"},
		{"bad from", "/api/v1/calendar?from=monday&to=2027-02-02T00:00:00Z", "from"},
		{"to before from", calendarPath(now, now.Add(-time.Hour), ""), "to"},
		{"empty range", calendarPath(now, now, ""), "to"},
		{"over 366 days", calendarPath(now, now.AddDate(0, 0, 367), ""), "to"},
		{"bad user", calendarPath(now, now.Add(time.Hour), "nobody"), "user_id"},
		{"missing user", calendarPath(now, now.Add(time.Hour), newID()), "user_id"},
		{"other workspace's user", calendarPath(now, now.Add(time.Hour), b.UserID), "user_id"},
	}
	for _, tt := range tests {
		res := env.Do(testenv.Request{Method: "GET", Path: tt.path, Token: a.Token})
		if res.Status != 422 || problemOf(t, res).fields() != tt.fields {
			t.Errorf("%s: got %s, want 422 on %s", tt.name, res, tt.fields)
		}
	}
}

// TestCalendarIsolation: B never sees A's appointments, not even when A
// invites nobody and B asks for the same range.
func TestCalendarIsolation(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a, b := env.Signup(), env.Signup()
	ten := time.Date(2027, 2, 1, 10, 0, 0, 0, time.UTC)
	createAppointment(t, env, a, map[string]any{"title": "A only", "starts_at": ten, "ends_at": ten.Add(time.Hour)})
	if got := calendarIDs(t, env, b, ten.Add(-time.Hour), ten.Add(2*time.Hour), ""); len(got) != 0 {
		t.Errorf("B's calendar: got %v, want nothing", got)
	}
}

func stockholm(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatalf("load Europe/Stockholm: %v", err)
	}
	return loc
}

// newFeed creates the account's feed and returns its path.
func newFeed(t *testing.T, env *testenv.Env, a testenv.Account) string {
	t.Helper()
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/calendar/feed", Token: a.Token})
	if res.Status != http.StatusCreated {
		t.Fatalf("create feed: got %s, want 201", res)
	}
	var f struct{ URL string }
	res.Decode(t, &f)
	path, ok := strings.CutPrefix(f.URL, "http://crm.test")
	token := strings.TrimSuffix(strings.TrimPrefix(path, "/calendar/"), ".ics")
	if !ok || !strings.HasSuffix(path, ".ics") || len(token) < 43 {
		t.Fatalf("feed URL: got %q, want http://crm.test/calendar/<at least 256 bits>.ics", f.URL)
	}
	return path
}

// fetchFeed downloads a feed without a login and parses it with an
// independent iCalendar parser.
func fetchFeed(t *testing.T, env *testenv.Env, path string) map[string]*ics.VEvent {
	t.Helper()
	res := env.Do(testenv.Request{Method: "GET", Path: path})
	if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("feed: got %s (%s), want 200 text/calendar", res, res.Header.Get("Content-Type"))
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(res.Body))
	if err != nil {
		t.Fatalf("parse feed: %v\n%s", err, res.Body)
	}
	byUID := map[string]*ics.VEvent{}
	for _, ev := range cal.Events() {
		byUID[ev.Id()] = ev
	}
	return byUID
}

// TestCalendarFeed: the feed holds the user's appointments and tasks; a
// meeting made in Stockholm time keeps its instant in UTC; an all-day event
// is a DATE; B's feed has nothing of A's.
func TestCalendarFeed(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a, b := env.Signup(), env.Signup()
	sthlm := stockholm(t)
	day := time.Now().In(sthlm).AddDate(0, 0, 20)
	start := time.Date(day.Year(), day.Month(), day.Day(), 9, 30, 0, 0, sthlm)
	meeting := createAppointment(t, env, a, map[string]any{"title": "Fika, planning", "starts_at": start.Format(time.RFC3339),
		"ends_at": start.Add(90 * time.Minute).Format(time.RFC3339), "location": "Kungsgatan 1, Stockholm"})
	holiday := createAppointment(t, env, a, map[string]any{"title": "Offsite", "all_day": true,
		"starts_at": start.Format(time.RFC3339), "ends_at": start.Format(time.RFC3339)})
	task := createTask(t, env, a, map[string]any{"title": "Call Karin", "due_at": start.Add(24 * time.Hour).Format(time.RFC3339)})
	events := fetchFeed(t, env, newFeed(t, env, a))

	ev := events["appointment-"+meeting.ID+"@crm"]
	if ev == nil {
		t.Fatalf("meeting missing from the feed; got %d events", len(events))
	}
	if got := ev.GetProperty(ics.ComponentPropertyDtStart).Value; got != start.UTC().Format("20060102T150405Z") {
		t.Errorf("DTSTART: got %s, want %s (UTC)", got, start.UTC().Format("20060102T150405Z"))
	}
	if got, err := ev.GetStartAt(); err != nil || !got.Equal(start) {
		t.Errorf("start instant: got %v (%v), want %v", got, err, start)
	}
	if got, err := ev.GetEndAt(); err != nil || !got.Equal(start.Add(90*time.Minute)) {
		t.Errorf("end instant: got %v (%v), want %v", got, err, start.Add(90*time.Minute))
	}
	if got := ev.GetProperty(ics.ComponentPropertySummary).Value; got != "Fika, planning" {
		t.Errorf("SUMMARY: got %q, want the title unescaped", got)
	}
	all := events["appointment-"+holiday.ID+"@crm"]
	if all == nil {
		t.Fatal("all-day event missing from the feed")
	}
	ds, de := all.GetProperty(ics.ComponentPropertyDtStart), all.GetProperty(ics.ComponentPropertyDtEnd)
	wantDay := start.Format("20060102")
	if ds.Value != wantDay || strings.Join(ds.ICalParameters["VALUE"], "") != "DATE" ||
		de.Value != start.AddDate(0, 0, 1).Format("20060102") {
		t.Errorf("all-day: got DTSTART %s %v, DTEND %s; want DATE %s to the next day", ds.Value, ds.ICalParameters, de.Value, wantDay)
	}
	if events["task-"+task.ID+"@crm"] == nil {
		t.Error("task missing from the feed")
	}
	if bEvents := fetchFeed(t, env, newFeed(t, env, b)); len(bEvents) != 0 {
		t.Errorf("B's feed: got %d events, want none of A's", len(bEvents))
	}
}

// TestCalendarFeedTokens: regenerating revokes the old URL; unknown and
// malformed tokens are the same 404; a token is never derived from the user.
func TestCalendarFeedTokens(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	first := newFeed(t, env, a)
	second := newFeed(t, env, a)
	if first == second {
		t.Fatalf("regenerated feed: got the same URL %s", first)
	}
	unknown := env.Do(testenv.Request{Method: "GET", Path: "/calendar/" + strings.Repeat("A", 43) + ".ics"})
	tests := []struct {
		name, path string
		want       int
	}{
		{"new URL", second, 200},
		{"revoked URL", first, 404},
		{"without .ics", strings.TrimSuffix(second, ".ics"), 404},
		{"user id as token", "/calendar/" + a.UserID + ".ics", 404},
		{"empty token", "/calendar/.ics", 404},
	}
	for _, tt := range tests {
		res := env.Do(testenv.Request{Method: "GET", Path: tt.path})
		if res.Status != tt.want {
			t.Errorf("%s: got %s, want %d", tt.name, res, tt.want)
			continue
		}
		if tt.want == 404 && detail(t, res) != detail(t, unknown) {
			t.Errorf("%s: got %s, want the same answer as an unknown token: %s", tt.name, res, unknown)
		}
	}
	if res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/calendar/feed"}); res.Status != 401 {
		t.Errorf("feed without login: got %s, want 401", res)
	}
}
