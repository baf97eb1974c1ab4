package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/audit"
	"github.com/acme/crm/internal/events"
)

// Audit stores the evidence log.
type Audit struct{ db *DB }

// NewAudit returns the evidence log's store.
func NewAudit(db *DB) *Audit { return &Audit{db: db} }

// WithTx implements audit.Store.
func (r *Audit) WithTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return r.db.WithTx(ctx, fn)
}

// LockHead implements audit.Store: the head row is created on first use
// and locked with the transaction.
func (r *Audit) LockHead(ctx context.Context) (int64, []byte, error) {
	ws, err := wsID(ctx)
	if err != nil {
		return 0, nil, err
	}
	conn := r.db.conn(ctx)
	if err := conn.Exec(`INSERT INTO audit_heads (workspace_id, seq, hash) VALUES (?, 0, '') ON CONFLICT DO NOTHING`, ws).Error; err != nil {
		return 0, nil, translate(err)
	}
	var head struct {
		Seq  int64
		Hash []byte
	}
	err = conn.Raw(`SELECT seq, hash FROM audit_heads WHERE workspace_id = ? FOR UPDATE`, ws).Scan(&head).Error
	if len(head.Hash) == 0 {
		head.Hash = nil
	}
	return head.Seq, head.Hash, translate(err)
}

// Append implements audit.Store.
func (r *Audit) Append(ctx context.Context, rec audit.Record) error {
	conn := r.db.conn(ctx)
	prev := rec.PrevHash
	if prev == nil {
		prev = []byte{}
	}
	err := conn.Exec(`INSERT INTO audit_log (workspace_id, seq, id, quote_id, opportunity_id, action, actor_kind,
		actor_id, actor_name, actor_email, occurred_at, data, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, rec.WorkspaceID, rec.Seq, rec.ID, rec.QuoteID,
		rec.OpportunityID, string(rec.Action), string(rec.Actor.Kind), rec.Actor.ID, rec.Actor.Name, rec.Actor.Email,
		rec.OccurredAt, []byte(rec.Data), prev, rec.Hash).Error
	if err != nil {
		return translate(err)
	}
	return translate(conn.Exec(`UPDATE audit_heads SET seq = ?, hash = ? WHERE workspace_id = ?`,
		rec.Seq, rec.Hash, rec.WorkspaceID).Error)
}

type auditRow struct {
	WorkspaceID   uuid.UUID
	Seq           int64
	ID            uuid.UUID
	QuoteID       uuid.UUID
	OpportunityID uuid.UUID
	Action        string
	ActorKind     string
	ActorID       *uuid.UUID
	ActorName     string
	ActorEmail    string
	OccurredAt    time.Time
	Data          []byte
	PrevHash      []byte
	Hash          []byte
	PrevStored    []byte
	NextPrev      []byte
	HasNext       bool
}

// QuoteRecords implements audit.Store.
func (r *Audit) QuoteRecords(ctx context.Context, quoteID uuid.UUID) ([]audit.Linked, error) {
	ws, err := wsID(ctx)
	if err != nil {
		return nil, err
	}
	var rows []auditRow
	err = r.db.conn(ctx).Raw(`SELECT a.*, p.hash AS prev_stored, n.prev_hash AS next_prev, n.seq IS NOT NULL AS has_next
		FROM audit_log a
		LEFT JOIN audit_log p ON p.workspace_id = a.workspace_id AND p.seq = a.seq - 1
		LEFT JOIN audit_log n ON n.workspace_id = a.workspace_id AND n.seq = a.seq + 1
		WHERE a.workspace_id = ? AND a.quote_id = ? ORDER BY a.seq`, ws, quoteID).Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make([]audit.Linked, len(rows))
	for i, row := range rows {
		prev := row.PrevHash
		if len(prev) == 0 {
			prev = nil
		}
		out[i] = audit.Linked{Record: audit.Record{WorkspaceID: row.WorkspaceID, Seq: row.Seq, ID: row.ID,
			QuoteID: row.QuoteID, OpportunityID: row.OpportunityID, Action: audit.Action(row.Action),
			Actor: events.Actor{Kind: events.ActorKind(row.ActorKind), ID: row.ActorID, Name: row.ActorName,
				Email: row.ActorEmail}, OccurredAt: row.OccurredAt, Data: row.Data, PrevHash: prev, Hash: row.Hash},
			PrevStored: row.PrevStored, NextPrev: row.NextPrev, HasNext: row.HasNext}
	}
	return out, nil
}
