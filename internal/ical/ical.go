// Package ical renders a personal calendar feed as an iCalendar document
// (RFC 5545) that calendar apps can subscribe to.
//
// Decisions, so that every caller and reviewer sees them in one place:
//
//   - Timed events are written in UTC (DTSTART:20261201T083000Z). That is
//     valid everywhere, needs no VTIMEZONE and cannot go wrong at daylight
//     saving changes; the app shows the time in the user's own zone. The
//     feed's zone is only a hint (X-WR-TIMEZONE) and decides which calendar
//     day an all-day event falls on.
//   - All-day events are DATE values with an exclusive DTEND, so a one-day
//     event on 1 December is DTSTART;VALUE=DATE:20261201 and
//     DTEND;VALUE=DATE:20261202.
//   - Tasks are not written as VTODO: Google Calendar and Outlook ignore
//     VTODO in subscribed feeds. Callers turn a task due in the range into an
//     Event (all-day on its due date, or timed at its due time) instead.
//   - There is no METHOD property: a feed is not an iTIP message, so DTSTAMP
//     is the time the event was last changed (RFC 5545 §3.8.7.2) and the
//     output depends only on the input, which keeps ETags stable.
package ical

import (
	"crypto/sha256"
	"encoding/hex"
	"net/mail"
	"strconv"
	"strings"
	"time"
)

// ProdID identifies the product that wrote the feed (PRODID, RFC 5545 §3.7.3).
const ProdID = "-//Acme//CRM//EN"

// refreshInterval tells clients how often to poll the feed (RFC 7986 and
// the older X-PUBLISHED-TTL that Outlook reads).
const refreshInterval = "PT1H"

// Event is one calendar entry: an appointment, or a task shown as an event.
type Event struct {
	// UID identifies the event across feed downloads; keep it stable, for
	// example "appointment-<id>@<host>". Empty UIDs are derived from the
	// other fields, which then change whenever the event is edited.
	UID string
	// Start and End are instants. For all-day events only their calendar
	// days in the feed's zone matter: the event covers the day of Start up
	// to the day holding the last instant before End, and at least one day.
	Start, End time.Time
	AllDay     bool
	Summary    string
	// Description and Location may hold any text, including line breaks.
	Description, Location string
	// Organizer and Attendees are e-mail addresses, optionally with a name:
	// "Anna Öberg <anna@example.com>".
	Organizer string
	Attendees []string
	// Created and Modified are optional; DTSTAMP is Modified, else Created,
	// else Start, so that the feed needs no clock.
	Created, Modified time.Time
	// Sequence counts significant changes (RFC 5545 §3.8.7.4).
	Sequence int
}

// Feed returns the iCalendar document for events, named name, with CRLF
// line endings and lines folded at 75 octets. tz is the zone that all-day
// events' days are taken in and that clients are told the calendar uses;
// nil means UTC. Feed never fails: values are escaped or cleaned, not
// rejected.
func Feed(name string, tz *time.Location, events []Event) []byte {
	if tz == nil {
		tz = time.UTC
	}
	var w writer
	w.line("BEGIN:VCALENDAR")
	w.line("VERSION:2.0")
	w.line("PRODID:" + ProdID)
	w.line("CALSCALE:GREGORIAN")
	if name != "" {
		w.text("NAME", name)
		w.text("X-WR-CALNAME", name)
	}
	if tzid := tz.String(); tzid != "Local" {
		w.text("X-WR-TIMEZONE", tzid)
	}
	w.line("REFRESH-INTERVAL;VALUE=DURATION:" + refreshInterval)
	w.line("X-PUBLISHED-TTL:" + refreshInterval)
	for _, e := range events {
		writeEvent(&w, tz, e)
	}
	w.line("END:VCALENDAR")
	return w.buf.Bytes()
}

func writeEvent(w *writer, tz *time.Location, e Event) {
	w.line("BEGIN:VEVENT")
	w.text("UID", uid(e))
	w.utc("DTSTAMP", stamp(e))
	writeTimes(w, tz, e)
	w.text("SUMMARY", e.Summary)
	if e.Description != "" {
		w.text("DESCRIPTION", e.Description)
	}
	if e.Location != "" {
		w.text("LOCATION", e.Location)
	}
	if e.Organizer != "" {
		w.line(calAddress("ORGANIZER", e.Organizer))
	}
	for _, a := range e.Attendees {
		w.line(calAddress("ATTENDEE", a))
	}
	if !e.Created.IsZero() {
		w.utc("CREATED", e.Created)
	}
	if !e.Modified.IsZero() {
		w.utc("LAST-MODIFIED", e.Modified)
	}
	if e.Sequence > 0 {
		w.line("SEQUENCE:" + strconv.Itoa(e.Sequence))
	}
	w.line("END:VEVENT")
}

// writeTimes writes DTSTART and DTEND. A timed event without a later End
// gets no DTEND: RFC 5545 then reads it as ending when it starts.
func writeTimes(w *writer, tz *time.Location, e Event) {
	if !e.AllDay {
		w.utc("DTSTART", e.Start)
		if e.End.After(e.Start) {
			w.utc("DTEND", e.End)
		}
		return
	}
	first, end := allDayRange(tz, e.Start, e.End)
	w.date("DTSTART", first)
	w.date("DTEND", end)
}

// allDayRange returns the first day and the exclusive end day, as midnights
// in tz, of an all-day event. End is read as exclusive (the day holding the
// instant just before it is the last day), so that both "Dec 1 00:00 to
// Dec 2 00:00" and "Dec 1 00:00 to Dec 1 23:59" give one day.
func allDayRange(tz *time.Location, start, end time.Time) (first, next time.Time) {
	first = midnight(start.In(tz))
	next = first.AddDate(0, 0, 1)
	if end.After(start) {
		if last := midnight(end.Add(-time.Nanosecond).In(tz)); !last.Before(next) {
			next = last.AddDate(0, 0, 1)
		}
	}
	return first, next
}

func midnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

func stamp(e Event) time.Time {
	switch {
	case !e.Modified.IsZero():
		return e.Modified
	case !e.Created.IsZero():
		return e.Created
	}
	return e.Start
}

// uid returns e.UID, or a stable hash of the event when it is empty, since
// UID is required and clients deduplicate on it.
func uid(e Event) string {
	if e.UID != "" {
		return e.UID
	}
	h := sha256.Sum256([]byte(e.Start.UTC().Format(time.RFC3339Nano) + "\x00" + e.Summary))
	return hex.EncodeToString(h[:16]) + "@crm"
}

// calAddress renders an ORGANIZER or ATTENDEE line from an address that may
// carry a display name, which becomes the CN parameter.
func calAddress(prop, addr string) string {
	name, email := splitAddress(addr)
	line := prop
	if name != "" {
		line += ";CN=" + paramValue(name)
	}
	return line + ":mailto:" + stripControls(email, "")
}

func splitAddress(s string) (name, email string) {
	if a, err := mail.ParseAddress(s); err == nil {
		return a.Name, a.Address
	}
	return "", strings.TrimSpace(s)
}
