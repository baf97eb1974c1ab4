package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/acme/crm/internal/changes"
)

// Changes reads the change feed that the record_change triggers write
// (migration 00095).
type Changes struct{ db *DB }

// NewChanges returns the change feed's store.
func NewChanges(db *DB) *Changes { return &Changes{db: db} }

// Changes implements changes.Store. The xid bound is what makes the feed
// safe: a row is only returned once no transaction that started before it
// is still running, so no later-committing writer can land behind a
// position already handed out.
func (c *Changes) Changes(ctx context.Context, after changes.Position, types []changes.Type, limit int) ([]changes.Change, error) {
	ws, err := wsID(ctx)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = string(t)
	}
	rows, err := c.db.query(ctx, `SELECT xid, seq, type, record_id, deleted, changed_at FROM changes
		WHERE workspace_id = $1 AND (xid, seq) > ($2, $3)
		  AND xid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
		  AND type = ANY($4)
		ORDER BY xid, seq LIMIT $5`, ws, after.XID, after.Seq, names, limit)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []changes.Change
	for rows.Next() {
		var ch changes.Change
		var typ string
		if err := rows.Scan(&ch.Position.XID, &ch.Position.Seq, &typ, &ch.ID, &ch.Deleted, &ch.ChangedAt); err != nil {
			return nil, fmt.Errorf("scan change: %w", err)
		}
		ch.Type = changes.Type(typ)
		out = append(out, ch)
	}
	return out, translate(rows.Err())
}

// End implements changes.Store: the newest listable change, by the same
// bound as Changes (every row above it becomes listable later).
func (c *Changes) End(ctx context.Context) (changes.Position, error) {
	ws, err := wsID(ctx)
	if err != nil {
		return changes.Position{}, err
	}
	var p changes.Position
	err = c.db.one(ctx, func(r rowScanner) error { return r.Scan(&p.XID, &p.Seq) },
		`SELECT coalesce(max(xid), 0), coalesce(max(seq), 0) FROM (
			SELECT xid, seq FROM changes
			WHERE workspace_id = $1 AND xid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
			ORDER BY xid DESC, seq DESC LIMIT 1) last`, ws)
	return p, err
}

// Prune implements changes.Store.
func (c *Changes) Prune(ctx context.Context, before time.Time) (int64, error) {
	tag, err := c.db.pool.Exec(ctx, `DELETE FROM changes WHERE changed_at < $1`, before)
	if err != nil {
		return 0, translate(err)
	}
	return tag.RowsAffected(), nil
}
