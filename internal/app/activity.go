package app

import (
	"github.com/acme/crm/internal/activity"
	"github.com/acme/crm/internal/blob"
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
	if cfg.BlobDir != "" {
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
