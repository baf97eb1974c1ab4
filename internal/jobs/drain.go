package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Drain works every due job of a registered kind now, in the calling
// goroutine, until none is left (jobs that jobs enqueue included) and
// returns how many ran. It is how tests run background work without
// starting the River client and waiting for it: the same functions run,
// with the same attempt bookkeeping (a failure is retried by a later Drain
// once its delay has passed, and discarded after the last attempt). Do not
// use it on a queue that is started.
func (q *Queue) Drain(ctx context.Context) (int, error) {
	total := 0
	for round := 0; round < 20; round++ {
		n, err := q.drainRound(ctx)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
	return total, fmt.Errorf("drain: jobs keep enqueuing jobs after %d rounds", total)
}

type claimed struct {
	id          int64
	kind        string
	args        []byte
	attempt     int
	maxAttempts int
}

// drainRound claims the due jobs of this round one at a time (so that
// concurrent Drains share them) and works each once.
func (q *Queue) drainRound(ctx context.Context) (int, error) {
	n := 0
	for {
		j, ok, err := q.claim(ctx)
		if err != nil || !ok {
			return n, err
		}
		n++
		run := q.kinds[j.kind]
		workErr := run(ctx, j.args, Attempt{N: j.attempt, Max: j.maxAttempts})
		if err := q.finish(ctx, j, workErr); err != nil {
			return n, err
		}
	}
}

// claim marks one due job of a registered kind running, as River would.
// Jobs that failed in this drain stay retryable until their delay passes.
func (q *Queue) claim(ctx context.Context) (claimed, bool, error) {
	kinds := make([]string, 0, len(q.kinds))
	for k := range q.kinds {
		kinds = append(kinds, k)
	}
	kindsJSON, _ := json.Marshal(kinds)
	var j claimed
	err := q.db.QueryRowContext(ctx, `
		UPDATE river_job SET state = 'running', attempt = attempt + 1, attempted_at = now()
		WHERE id = (SELECT id FROM river_job
			WHERE state IN ('available', 'retryable') AND scheduled_at <= now()
			  AND kind IN (SELECT jsonb_array_elements_text($1::jsonb))
			ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
		RETURNING id, kind, args, attempt, max_attempts`, string(kindsJSON)).
		Scan(&j.id, &j.kind, &j.args, &j.attempt, &j.maxAttempts)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return claimed{}, false, nil
		}
		return claimed{}, false, fmt.Errorf("drain: claim: %w", err)
	}
	return j, true, nil
}

// finish records a job's outcome: completed, retryable after the retry
// delay, or discarded after its last attempt.
func (q *Queue) finish(ctx context.Context, j claimed, workErr error) error {
	var err error
	switch {
	case workErr == nil:
		_, err = q.db.ExecContext(ctx, `UPDATE river_job SET state = 'completed', finalized_at = now() WHERE id = $1`, j.id)
	case j.attempt >= j.maxAttempts:
		_, err = q.db.ExecContext(ctx, `UPDATE river_job SET state = 'discarded', finalized_at = now(),
			errors = array_append(errors, $2::jsonb) WHERE id = $1`, j.id, errorJSON(j.attempt, workErr))
	default:
		delay := time.Duration(j.attempt*j.attempt*j.attempt*j.attempt) * time.Second
		if q.retry != nil {
			delay = q.retry(j.attempt)
		}
		_, err = q.db.ExecContext(ctx, `UPDATE river_job SET state = 'retryable', scheduled_at = now() + $2 * interval '1 microsecond',
			errors = array_append(errors, $3::jsonb) WHERE id = $1`, j.id, delay.Microseconds(), errorJSON(j.attempt, workErr))
	}
	if err != nil {
		return fmt.Errorf("drain: finish job %d: %w", j.id, err)
	}
	return nil
}

func errorJSON(attempt int, err error) string {
	b, _ := json.Marshal(map[string]any{"attempt": attempt, "at": time.Now().UTC(), "error": err.Error()})
	return string(b)
}
