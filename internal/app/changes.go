package app

import (
	"context"
	"time"

	"github.com/acme/crm/internal/changes"
	"github.com/acme/crm/internal/jobs"
)

// pruneChangesInterval is how often the change feed drops what is past its
// retention.
const pruneChangesInterval = time.Hour

// pruneChangesArgs is the periodic prune_changes job.
type pruneChangesArgs struct{}

func (pruneChangesArgs) Kind() string { return "prune_changes" }

// registerPruneChanges makes the leader prune the change feed every hour.
func registerPruneChanges(q *jobs.Queue, feed *changes.Feed) {
	jobs.Register(q, func(ctx context.Context, _ pruneChangesArgs, _ jobs.Attempt) error {
		_, err := feed.Prune(ctx)
		return err
	})
	q.Every(pruneChangesInterval, pruneChangesArgs{})
}

// CloseStreams ends every open live stream and the change listener; the
// server calls it when it shuts down, since a stream never goes idle by
// itself.
func (a *App) CloseStreams() {
	a.closeStreams.Do(func() {
		close(a.streamsDone)
		a.listener.Close()
	})
}
