package app

import (
	"time"

	"github.com/acme/crm/internal/activity"
	"github.com/acme/crm/internal/blob"
	"github.com/acme/crm/internal/ical"
	"github.com/acme/crm/internal/postgres"
)

// activityServices are the activity services beyond tasks: attachments,
// appointments and the calendar, e-mail and the timeline.
type activityServices struct {
	attachments *activity.Attachments
	timeline    *activity.Timeline
	blobs       blob.Store
}

// newActivity builds the activity services on db.
func newActivity(cfg Config, db *postgres.DB) (activityServices, error) {
	var blobs blob.Store = blob.NewMemory()
	if cfg.BlobsInDatabase {
		blobs = postgres.NewBlobs(db)
	} else if cfg.BlobDir != "" {
		disk, err := blob.NewDisk(cfg.BlobDir)
		if err != nil {
			return activityServices{}, err
		}
		blobs = disk
	}
	store := postgres.NewActivity(db)
	return activityServices{
		attachments: activity.NewAttachments(store, blobs, cfg.Now),
		timeline:    activity.NewTimeline(store),
		blobs:       blobs,
	}, nil
}

// icalFeed writes calendar entries as iCalendar, times in UTC.
type icalFeed struct{}

func (icalFeed) Feed(entries []activity.CalendarEntry) []byte {
	events := make([]ical.Event, len(entries))
	for i, e := range entries {
		events[i] = feedEvent(e)
	}
	return ical.Feed("CRM", time.UTC, events)
}

// feedEvent turns an entry into an event with a stable UID. A task due at
// midnight UTC is an all-day event on that day; others last 15 minutes.
func feedEvent(e activity.CalendarEntry) ical.Event {
	if a := e.Appointment; a != nil {
		return ical.Event{UID: "appointment-" + a.ID.String() + "@crm", Start: a.StartsAt, End: a.EndsAt, AllDay: a.AllDay,
			Summary: a.Title, Description: a.Description, Location: a.Location,
			Created: a.CreatedAt, Modified: a.UpdatedAt, Sequence: int(a.Version - 1)}
	}
	t := e.Task
	due := t.DueAt.UTC()
	ev := ical.Event{UID: "task-" + t.ID.String() + "@crm", Start: due, End: due.Add(15 * time.Minute),
		Summary: t.Title, Description: t.Description, Created: t.CreatedAt, Modified: t.UpdatedAt}
	if due.Equal(due.Truncate(24 * time.Hour)) {
		ev.AllDay, ev.End = true, due.AddDate(0, 0, 1)
	}
	return ev
}
