package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// SeedBenchOpportunities grows the workspace's opportunities to total rows
// for load tests, with COPY: organizations (one per ten opportunities),
// phases spread over the workspace's pipelines (about a third closed),
// owners over its users, amounts, currencies, sources and expected order
// dates (a fifth without) spread as a real sales team's would be, and one
// quote for every 20 opportunities added (see copyQuotes; link makes their
// customer links, nil leaves them without). The board and forecast totals
// are rebuilt once at the end. It returns how many opportunities it added.
// Seeded opportunities have no phase history or follow-up tasks (see
// SeedBenchTimeline for one that has).
func SeedBenchOpportunities(ctx context.Context, db *DB, workspaceID uuid.UUID, total int, link QuoteLink) (int, error) {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Release()
	var have int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM opportunities WHERE workspace_id = $1`, workspaceID).Scan(&have); err != nil {
		return 0, fmt.Errorf("count opportunities: %w", err)
	}
	add := total - have
	if add <= 0 {
		return 0, nil
	}
	ref, err := loadSeedRefs(ctx, conn.Conn(), workspaceID)
	if err != nil {
		return 0, err
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // rolled back only when not committed
	// The board, forecast and outcome totals are rebuilt once below instead
	// of row by row.
	// Load-test rows stay out of the change feed (mobile sync) too.
	if _, err := tx.Exec(ctx, `ALTER TABLE opportunities DISABLE TRIGGER opportunities_board_totals;
		ALTER TABLE opportunities DISABLE TRIGGER opportunities_forecast_totals;
		ALTER TABLE opportunities DISABLE TRIGGER opportunities_outcome_totals;
		ALTER TABLE opportunities DISABLE TRIGGER opportunities_changes_write;
		ALTER TABLE organizations DISABLE TRIGGER organizations_changes_write;
		ALTER TABLE quotes DISABLE TRIGGER quotes_changes_write`); err != nil {
		return 0, err
	}
	orgs, err := copyOrganizations(ctx, tx, workspaceID, (add+9)/10, have)
	if err != nil {
		return 0, err
	}
	quoted, err := copyOpportunities(ctx, tx, workspaceID, ref, orgs, add, have)
	if err != nil {
		return 0, err
	}
	if err := copyQuotes(ctx, tx, workspaceID, quoted, link, have); err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `ALTER TABLE opportunities ENABLE TRIGGER opportunities_board_totals;
		ALTER TABLE opportunities ENABLE TRIGGER opportunities_forecast_totals;
		ALTER TABLE opportunities ENABLE TRIGGER opportunities_outcome_totals;
		ALTER TABLE opportunities ENABLE TRIGGER opportunities_changes_write;
		ALTER TABLE organizations ENABLE TRIGGER organizations_changes_write;
		ALTER TABLE quotes ENABLE TRIGGER quotes_changes_write`); err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `SELECT board_totals_rebuild($1), forecast_totals_rebuild($1), outcome_totals_rebuild($1)`, workspaceID); err != nil {
		return 0, err
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, err
	}
	_, err = conn.Exec(ctx, `ANALYZE opportunities; ANALYZE organizations; ANALYZE quotes; ANALYZE board_totals; ANALYZE forecast_totals; ANALYZE forecast_month_totals; ANALYZE closed_totals; ANALYZE created_totals; ANALYZE created_month_totals`)
	return add, err
}

type seedPhase struct {
	id, pipeline uuid.UUID
	prob         int
	kind, name   string
}

type seedRefs struct {
	phases  []seedPhase
	users   []uuid.UUID
	sources []uuid.UUID
}

func loadSeedRefs(ctx context.Context, conn *pgx.Conn, ws uuid.UUID) (seedRefs, error) {
	var r seedRefs
	rows, err := conn.Query(ctx, `SELECT id, pipeline_id, probability, kind, name FROM phases WHERE workspace_id = $1 ORDER BY position`, ws)
	if err != nil {
		return r, err
	}
	for rows.Next() {
		var p seedPhase
		if err := rows.Scan(&p.id, &p.pipeline, &p.prob, &p.kind, &p.name); err != nil {
			return r, err
		}
		r.phases = append(r.phases, p)
	}
	if err := rows.Err(); err != nil {
		return r, err
	}
	for q, dst := range map[string]*[]uuid.UUID{
		`SELECT id FROM users WHERE workspace_id = $1 AND active`: &r.users,
		`SELECT id FROM sources WHERE workspace_id = $1`:          &r.sources,
	} {
		rows, err := conn.Query(ctx, q, ws)
		if err != nil {
			return r, err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
		if err != nil {
			return r, err
		}
		*dst = ids
	}
	if len(r.phases) == 0 || len(r.users) == 0 {
		return r, fmt.Errorf("the workspace has no phases or users to seed with")
	}
	return r, nil
}

func copyOrganizations(ctx context.Context, tx pgx.Tx, ws uuid.UUID, n, offset int) ([]uuid.UUID, error) {
	ids := make([]uuid.UUID, n)
	now := time.Now().UTC()
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"organizations"},
		[]string{"id", "workspace_id", "name", "version", "created_at", "updated_at"},
		pgx.CopyFromSlice(n, func(i int) ([]any, error) {
			ids[i] = uuid.Must(uuid.NewV7())
			return []any{ids[i], ws, fmt.Sprintf("Bench Company %d AB", offset/10+i), int64(1), now, now}, nil
		}))
	if err != nil {
		return nil, fmt.Errorf("copy organizations: %w", err)
	}
	return ids, nil
}

// copyOpportunities writes n opportunities and returns every
// benchQuoteEvery-th of them, to be quoted.
func copyOpportunities(ctx context.Context, tx pgx.Tx, ws uuid.UUID, ref seedRefs, orgs []uuid.UUID, n, offset int) ([]seedQuoted, error) {
	quoted := make([]seedQuoted, 0, n/benchQuoteEvery)
	rnd := rand.New(rand.NewPCG(uint64(offset), 42))
	now := time.Now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	cols := []string{"id", "workspace_id", "title", "organization_id", "owner_id", "pipeline_id", "phase_id",
		"probability", "estimated_amount", "currency", "expected_order_date", "source_id", "description",
		"status", "closed_at", "created_by", "version", "created_at", "updated_at"}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"opportunities"}, cols, pgx.CopyFromSlice(n, func(i int) ([]any, error) {
		ph := ref.phases[rnd.IntN(len(ref.phases))]
		owner := ref.users[rnd.IntN(len(ref.users))]
		created := now.Add(-time.Duration(rnd.IntN(730*24)) * time.Hour)
		status, closed := ph.kind, any(nil)
		if ph.kind == "open" {
			status = "open"
		} else {
			closed = created.Add(time.Duration(rnd.IntN(60*24)) * time.Hour)
		}
		var expected, source any
		if rnd.IntN(5) > 0 {
			expected = today.AddDate(0, 0, rnd.IntN(730)-60)
		}
		if len(ref.sources) > 0 && rnd.IntN(4) > 0 {
			source = ref.sources[rnd.IntN(len(ref.sources))]
		}
		currency := "SEK"
		if rnd.IntN(10) == 0 {
			currency = "EUR"
		}
		id := uuid.Must(uuid.NewV7())
		if (offset+i)%benchQuoteEvery == benchQuoteEvery-1 {
			quoted = append(quoted, seedQuoted{id: id, owner: owner, customer: fmt.Sprintf("Bench Company %d AB", offset/10+i/10),
				currency: currency, status: status, created: created})
		}
		return []any{id, ws, fmt.Sprintf("Bench deal %d", offset+i), orgs[i/10], owner,
			ph.pipeline, ph.id, int32(ph.prob), int64(1000 + rnd.IntN(10_000_000)), currency, expected, source, "",
			status, closed, owner, int64(1), created, created}, nil
	}))
	if err != nil {
		return nil, fmt.Errorf("copy opportunities: %w", err)
	}
	return quoted, nil
}

// BenchAccount returns the workspace and user id of the account with the
// e-mail address (for the bench seeding command).
func BenchAccount(ctx context.Context, db *DB, email string) (workspaceID, userID uuid.UUID, err error) {
	err = db.pool.QueryRow(ctx, `SELECT workspace_id, id FROM users WHERE lower(email) = lower($1)`, email).
		Scan(&workspaceID, &userID)
	if err != nil {
		return uuid.Nil, uuid.Nil, fmt.Errorf("bench account %s: %w", email, err)
	}
	return workspaceID, userID, nil
}
