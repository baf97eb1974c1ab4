package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// SeedBenchTimeline gives the workspace's opportunity at position
// total/2 by id (the one the load test reads) a history of n timeline
// events, with COPY: notes (40 %), phase changes through its pipeline
// (20 %), follow-up tasks (30 %) and their completions (10 %), spread from
// its creation to now and written by the workspace's users. It returns that
// opportunity's id and how many events it added: none when the opportunity
// already has notes (an earlier run seeded it).
func SeedBenchTimeline(ctx context.Context, db *DB, workspaceID uuid.UUID, total, n int) (uuid.UUID, int, error) {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return uuid.Nil, 0, err
	}
	defer conn.Release()
	opp := seedTimelineOpp{ws: workspaceID}
	err = conn.QueryRow(ctx, `SELECT id, owner_id, pipeline_id, created_at FROM opportunities WHERE workspace_id = $1
		ORDER BY id OFFSET $2 LIMIT 1`, workspaceID, total/2).Scan(&opp.id, &opp.owner, &opp.pipeline, &opp.created)
	if err != nil {
		return uuid.Nil, 0, fmt.Errorf("timeline opportunity: %w", err)
	}
	var notes int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM notes WHERE workspace_id = $1 AND opportunity_id = $2`,
		workspaceID, opp.id).Scan(&notes); err != nil {
		return uuid.Nil, 0, err
	}
	if notes > 0 {
		return opp.id, 0, nil
	}
	ref, err := loadSeedRefs(ctx, conn.Conn(), workspaceID)
	if err != nil {
		return uuid.Nil, 0, err
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return uuid.Nil, 0, err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // rolled back only when not committed
	if err := copyTimeline(ctx, tx, timelinePlan(opp, ref, n)); err != nil {
		return uuid.Nil, 0, err
	}
	if err := tx.Commit(ctx); err != nil {
		return uuid.Nil, 0, err
	}
	return opp.id, n, nil
}

type seedTimelineOpp struct {
	ws, id, owner, pipeline uuid.UUID
	created                 time.Time
}

// seedTimeline is the rows of one opportunity's history, per table.
type seedTimeline struct {
	notes, tasks, taskEvents, phaseChanges [][]any
}

// timelinePlan lays out n events evenly from the opportunity's creation to
// now, in a repeating pattern of ten: four notes, two phase changes, three
// new tasks and the completion of the oldest open one.
func timelinePlan(o seedTimelineOpp, ref seedRefs, n int) seedTimeline {
	var t seedTimeline
	now := time.Now().UTC()
	step := now.Sub(o.created) / time.Duration(n+1)
	var phases []seedPhase
	for _, p := range ref.phases {
		if p.pipeline == o.pipeline && p.kind == "open" {
			phases = append(phases, p)
		}
	}
	var open []int // indexes in t.tasks of open tasks, oldest first
	phase := 0
	for i := range n {
		at := o.created.Add(step * time.Duration(i+1))
		user := ref.users[i%len(ref.users)]
		id := uuid.Must(uuid.NewV7())
		switch k := i % 10; {
		case k < 4 || (k < 6 && len(phases) < 2) || (k == 9 && len(open) == 0):
			t.notes = append(t.notes, []any{id, o.ws, o.id, user,
				fmt.Sprintf("Call %d with the customer: went through the offer, the timeline and who signs. Next step agreed.", i+1),
				int64(1), at, at})
		case k < 6:
			from, to := phases[phase%len(phases)], phases[(phase+1)%len(phases)]
			phase++
			t.phaseChanges = append(t.phaseChanges, []any{id, o.ws, o.id, from.id, from.name, to.id, to.name,
				int32(from.prob), int32(to.prob), o.owner, at, "user", ""})
		case k < 9:
			due := at.Add(72 * time.Hour)
			open = append(open, len(t.tasks))
			t.tasks = append(t.tasks, []any{id, o.ws, fmt.Sprintf("Follow up %d", i+1), "", due, o.owner,
				o.id, "open", nil, user, int64(1), at, at})
			t.taskEvents = append(t.taskEvents, []any{uuid.Must(uuid.NewV7()), o.ws, id, "created", user, at})
		default:
			task := t.tasks[open[0]]
			open = open[1:]
			task[7], task[8], task[12] = "done", at, at
			t.taskEvents = append(t.taskEvents, []any{id, o.ws, task[0], "completed", o.owner, at})
		}
	}
	return t
}

// copyTimeline writes the history; tasks before their events.
func copyTimeline(ctx context.Context, tx pgx.Tx, t seedTimeline) error {
	for _, c := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"notes", []string{"id", "workspace_id", "opportunity_id", "author_id", "body", "version", "created_at", "updated_at"}, t.notes},
		{"phase_changes", []string{"id", "workspace_id", "opportunity_id", "from_phase_id", "from_phase_name", "to_phase_id",
			"to_phase_name", "from_probability", "to_probability", "changed_by", "changed_at", "actor_kind", "actor_name"}, t.phaseChanges},
		{"tasks", []string{"id", "workspace_id", "title", "description", "due_at", "assignee_id", "opportunity_id", "status",
			"completed_at", "created_by", "version", "created_at", "updated_at"}, t.tasks},
		{"task_events", []string{"id", "workspace_id", "task_id", "kind", "actor_id", "at"}, t.taskEvents},
	} {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{c.table}, c.cols, pgx.CopyFromRows(c.rows)); err != nil {
			return fmt.Errorf("copy %s: %w", c.table, err)
		}
	}
	return nil
}
