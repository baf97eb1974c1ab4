package ical

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
)

func stockholm(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatalf("load Europe/Stockholm: %v", err)
	}
	return loc
}

// parse reads a feed back with an independent iCalendar parser and returns
// its events by UID.
func parse(t *testing.T, feed []byte) (*ics.Calendar, map[string]*ics.VEvent) {
	t.Helper()
	cal, err := ics.ParseCalendar(bytes.NewReader(feed))
	if err != nil {
		t.Fatalf("parse feed: %v\n%s", err, feed)
	}
	byUID := map[string]*ics.VEvent{}
	for _, ev := range cal.Events() {
		byUID[ev.Id()] = ev
	}
	return cal, byUID
}

func value(ev *ics.VEvent, p ics.ComponentProperty) string {
	if prop := ev.GetProperty(p); prop != nil {
		return prop.Value
	}
	return ""
}

func TestFeedRoundTrip(t *testing.T) {
	sthlm := stockholm(t)
	created := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	modified := time.Date(2026, 11, 20, 14, 5, 9, 0, time.UTC)
	longText := strings.Repeat("Offert för kontorsmöbler, åtta skrivbord; leverans i vecka 49.\n", 8)
	events := []Event{
		{
			UID: "appointment-1@crm", Summary: "Möte med Åsa Öberg, Ängelholms Trä AB",
			Start:       time.Date(2026, 12, 1, 9, 30, 0, 0, sthlm), // winter: UTC+1
			End:         time.Date(2026, 12, 1, 10, 15, 0, 0, sthlm),
			Description: longText, Location: `Storgatan 1, 262 31 Ängelholm; rum "Ek" \ plan 2`,
			Organizer: "Sälj Säljsson <salj@example.com>",
			Attendees: []string{"Åsa Öberg <asa@example.se>", "bo@example.se"},
			Created:   created, Modified: modified, Sequence: 3,
		},
		{
			UID: "appointment-2@crm", Summary: "Sommarlunch",
			Start: time.Date(2026, 7, 1, 12, 0, 0, 0, sthlm), // summer: UTC+2
			End:   time.Date(2026, 7, 1, 13, 0, 0, 0, sthlm),
		},
		{
			UID: "task-9@crm", Summary: "Ring kunden", AllDay: true,
			// Midnight in Stockholm is 23:00 UTC the day before: the day must
			// still be 1 December.
			Start: time.Date(2026, 12, 1, 0, 0, 0, 0, sthlm),
		},
	}
	feed := Feed("Säljkalender, Anna", sthlm, events)
	cal, got := parse(t, feed)

	if n := len(cal.Events()); n != len(events) {
		t.Fatalf("got %d events, want %d", n, len(events))
	}
	if name := calProp(cal, ics.PropertyXWRCalName); name != "Säljkalender, Anna" {
		t.Errorf("X-WR-CALNAME = %q, want %q", name, "Säljkalender, Anna")
	}
	for _, want := range events {
		ev := got[want.UID]
		if ev == nil {
			t.Fatalf("event %s missing from feed", want.UID)
		}
		checkText(t, ev, want)
		checkTimes(t, ev, want, sthlm)
		checkPeople(t, ev, want)
		checkStamps(t, ev, want)
	}
}

func calProp(cal *ics.Calendar, p ics.Property) string {
	for _, cp := range cal.CalendarProperties {
		if cp.IANAToken == string(p) {
			return cp.Value
		}
	}
	return ""
}

func checkText(t *testing.T, ev *ics.VEvent, want Event) {
	t.Helper()
	for _, c := range []struct {
		prop ics.ComponentProperty
		want string
	}{
		{ics.ComponentPropertySummary, want.Summary},
		{ics.ComponentPropertyDescription, want.Description},
		{ics.ComponentPropertyLocation, want.Location},
	} {
		if got := value(ev, c.prop); got != c.want {
			t.Errorf("%s %s = %q, want %q", want.UID, c.prop, got, c.want)
		}
	}
}

func checkTimes(t *testing.T, ev *ics.VEvent, want Event, tz *time.Location) {
	t.Helper()
	if want.AllDay {
		start, err := ev.GetAllDayStartAt()
		if err != nil {
			t.Fatalf("%s all-day start: %v", want.UID, err)
		}
		end, err := ev.GetAllDayEndAt()
		if err != nil {
			t.Fatalf("%s all-day end: %v", want.UID, err)
		}
		wy, wm, wd := want.Start.In(tz).Date()
		if y, m, d := start.Date(); y != wy || m != wm || d != wd {
			t.Errorf("%s start day = %d-%d-%d, want %d-%d-%d", want.UID, y, m, d, wy, wm, wd)
		}
		if days := end.Sub(start).Hours() / 24; days != 1 {
			t.Errorf("%s lasts %v days, want 1 (exclusive DTEND the next day)", want.UID, days)
		}
		return
	}
	start, err := ev.GetStartAt()
	if err != nil {
		t.Fatalf("%s start: %v", want.UID, err)
	}
	end, err := ev.GetEndAt()
	if err != nil {
		t.Fatalf("%s end: %v", want.UID, err)
	}
	if !start.Equal(want.Start) || !end.Equal(want.End) {
		t.Errorf("%s got %v – %v, want %v – %v", want.UID, start, end, want.Start, want.End)
	}
}

func checkPeople(t *testing.T, ev *ics.VEvent, want Event) {
	t.Helper()
	if want.Organizer != "" {
		org := ev.GetProperty(ics.ComponentPropertyOrganizer)
		name, email := splitAddress(want.Organizer)
		if org == nil || org.Value != "mailto:"+email || first(org.ICalParameters["CN"]) != name {
			t.Errorf("%s organizer = %+v, want CN %q mailto:%s", want.UID, org, name, email)
		}
	}
	atts := ev.Attendees()
	if len(atts) != len(want.Attendees) {
		t.Fatalf("%s has %d attendees, want %d", want.UID, len(atts), len(want.Attendees))
	}
	for i, a := range atts {
		name, email := splitAddress(want.Attendees[i])
		if a.Email() != email || first(a.ICalParameters["CN"]) != name {
			t.Errorf("%s attendee %d = %q CN %q, want %q CN %q",
				want.UID, i, a.Email(), a.ICalParameters["CN"], email, name)
		}
	}
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func checkStamps(t *testing.T, ev *ics.VEvent, want Event) {
	t.Helper()
	for _, c := range []struct {
		prop ics.ComponentProperty
		want time.Time
	}{
		{ics.ComponentPropertyDtstamp, stamp(want)},
		{ics.ComponentPropertyCreated, want.Created},
		{ics.ComponentPropertyLastModified, want.Modified},
	} {
		raw := value(ev, c.prop)
		if c.want.IsZero() {
			if raw != "" {
				t.Errorf("%s %s = %q, want none", want.UID, c.prop, raw)
			}
			continue
		}
		if got, err := time.Parse(utcFormat, raw); err != nil || !got.Equal(c.want) {
			t.Errorf("%s %s = %q, want %v", want.UID, c.prop, raw, c.want.UTC())
		}
	}
	wantSeq := ""
	if want.Sequence > 0 {
		wantSeq = "3"
	}
	if got := value(ev, ics.ComponentPropertySequence); got != wantSeq {
		t.Errorf("%s SEQUENCE = %q, want %q", want.UID, got, wantSeq)
	}
}

// TestFeedExact pins the wire format of a small feed: property order, UTC
// and DATE forms, escaping and CRLF endings.
func TestFeedExact(t *testing.T) {
	sthlm := stockholm(t)
	feed := Feed("Anna", sthlm, []Event{
		{
			UID: "a1@crm", Summary: "Demo, del 1; Åre\nrad 2",
			Start:   time.Date(2026, 12, 1, 9, 30, 0, 0, sthlm),
			End:     time.Date(2026, 12, 1, 10, 0, 0, 0, sthlm),
			Created: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC),
		},
		{UID: "t1@crm", Summary: "Uppgift", AllDay: true, Start: time.Date(2026, 12, 1, 0, 0, 0, 0, sthlm)},
	})
	want := strings.Join([]string{
		"BEGIN:VCALENDAR",
		"VERSION:2.0",
		"PRODID:-//Acme//CRM//EN",
		"CALSCALE:GREGORIAN",
		"NAME:Anna",
		"X-WR-CALNAME:Anna",
		"X-WR-TIMEZONE:Europe/Stockholm",
		"REFRESH-INTERVAL;VALUE=DURATION:PT1H",
		"X-PUBLISHED-TTL:PT1H",
		"BEGIN:VEVENT",
		"UID:a1@crm",
		"DTSTAMP:20261101T120000Z",
		"DTSTART:20261201T083000Z",
		"DTEND:20261201T090000Z",
		`SUMMARY:Demo\, del 1\; Åre\nrad 2`,
		"CREATED:20261101T120000Z",
		"END:VEVENT",
		"BEGIN:VEVENT",
		"UID:t1@crm",
		"DTSTAMP:20261130T230000Z",
		"DTSTART;VALUE=DATE:20261201",
		"DTEND;VALUE=DATE:20261202",
		"SUMMARY:Uppgift",
		"END:VEVENT",
		"END:VCALENDAR",
		"",
	}, "\r\n")
	if string(feed) != want {
		t.Errorf("got\n%s\nwant\n%s", feed, want)
	}
}

func TestAllDayRange(t *testing.T) {
	sthlm := stockholm(t)
	day := func(d int, h int) time.Time { return time.Date(2026, 12, d, h, 0, 0, 0, sthlm) }
	tests := []struct {
		name           string
		start, end     time.Time
		wantDTStartDay int
		wantDTEndDay   int
	}{
		{"no end", day(1, 0), time.Time{}, 1, 2},
		{"end equals start", day(1, 0), day(1, 0), 1, 2},
		{"exclusive next midnight", day(1, 0), day(2, 0), 1, 2},
		{"inclusive end of day", day(1, 0), day(1, 23), 1, 2},
		{"three days exclusive", day(1, 0), day(4, 0), 1, 4},
		{"three days inclusive", day(1, 0), day(3, 12), 1, 4},
		{"end before start", day(3, 0), day(1, 0), 3, 4},
		{"start as UTC instant", day(5, 0).UTC(), time.Time{}, 5, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first, next := allDayRange(sthlm, tt.start, tt.end)
			if first.Day() != tt.wantDTStartDay || next.Day() != tt.wantDTEndDay {
				t.Errorf("got %s – %s, want days %d – %d",
					first.Format(dateFormat), next.Format(dateFormat), tt.wantDTStartDay, tt.wantDTEndDay)
			}
		})
	}
}

func TestFeedLinesAreFoldedAndCRLF(t *testing.T) {
	feed := Feed("Kalender", time.UTC, []Event{{
		UID: "x@crm", Summary: strings.Repeat("Å", 200),
		Description: strings.Repeat("Lång beskrivning, med komma; och ny rad\n", 20),
		Start:       time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC),
	}})
	if !bytes.HasSuffix(feed, []byte("\r\n")) {
		t.Fatalf("feed does not end with CRLF")
	}
	for i, line := range strings.Split(strings.TrimSuffix(string(feed), "\r\n"), "\r\n") {
		if strings.ContainsAny(line, "\r\n") {
			t.Errorf("line %d = %q holds a bare CR or LF", i, line)
		}
		checkPhysicalLine(t, line)
	}
}

func TestFeedEmptyAndDefaults(t *testing.T) {
	cal, _ := parse(t, Feed("", nil, nil))
	if n := len(cal.Events()); n != 0 {
		t.Errorf("got %d events, want 0", n)
	}
	if tz := calProp(cal, ics.PropertyXWRTimezone); tz != "UTC" {
		t.Errorf("X-WR-TIMEZONE = %q, want UTC for a nil zone", tz)
	}

	ev := Event{Summary: "Utan UID", Start: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	_, byUID := parse(t, Feed("", nil, []Event{ev}))
	if _, ok := byUID[uid(ev)]; !ok || !strings.HasSuffix(uid(ev), "@crm") {
		t.Errorf("got UIDs %v, want a derived UID %q", byUID, uid(ev))
	}
	if a, b := uid(ev), uid(ev); a != b {
		t.Errorf("derived UID not stable: got %q then %q", a, b)
	}
}
