package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/acme/crm/internal/idempotency"
)

// Idempotency stores idempotency records; records older than TTL are
// treated as absent and swept when a key is claimed again.
type Idempotency struct {
	db  *DB
	TTL time.Duration
	// Abandoned is how long an unfinished record blocks retries before it
	// is taken over (the replica that claimed it died).
	Abandoned time.Duration
}

// NewIdempotency returns the store with a 24-hour TTL.
func NewIdempotency(db *DB) *Idempotency {
	return &Idempotency{db: db, TTL: 24 * time.Hour, Abandoned: 2 * time.Minute}
}

// Begin implements idempotency.Store.
func (s *Idempotency) Begin(ctx context.Context, k idempotency.Key, hash []byte) (bool, idempotency.Response, error) {
	conn := s.db.conn(ctx)
	// Free the key if its record expired or was abandoned mid-flight.
	err := conn.Exec(`DELETE FROM idempotency_keys
		WHERE workspace_id = ? AND principal_id = ? AND key = ?
		  AND (created_at < now() - make_interval(secs => ?)
		       OR (completed_at IS NULL AND created_at < now() - make_interval(secs => ?)))`,
		k.WorkspaceID, k.PrincipalID, k.Key, s.TTL.Seconds(), s.Abandoned.Seconds()).Error
	if err != nil {
		return false, idempotency.Response{}, translate(err)
	}
	res := conn.Exec(`INSERT INTO idempotency_keys (workspace_id, principal_id, key, request_hash)
		VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, k.WorkspaceID, k.PrincipalID, k.Key, hash)
	if res.Error != nil {
		return false, idempotency.Response{}, translate(res.Error)
	}
	if res.RowsAffected == 1 {
		return true, idempotency.Response{}, nil
	}
	var row struct {
		RequestHash     []byte
		StatusCode      *int
		ResponseHeaders []byte
		ResponseBody    []byte
	}
	err = conn.Raw(`SELECT request_hash, status_code, response_headers, response_body FROM idempotency_keys
		WHERE workspace_id = ? AND principal_id = ? AND key = ?`, k.WorkspaceID, k.PrincipalID, k.Key).Scan(&row).Error
	if err != nil {
		return false, idempotency.Response{}, translate(err)
	}
	prev := idempotency.Response{RequestHash: row.RequestHash, Done: row.StatusCode != nil, Body: row.ResponseBody}
	if row.StatusCode != nil {
		prev.Status = *row.StatusCode
		_ = json.Unmarshal(row.ResponseHeaders, &prev.Header)
	}
	return false, prev, nil
}

// Complete implements idempotency.Store.
func (s *Idempotency) Complete(ctx context.Context, k idempotency.Key, r idempotency.Response) error {
	hdr, _ := json.Marshal(r.Header)
	return translate(s.db.conn(ctx).Exec(`UPDATE idempotency_keys
		SET status_code = ?, response_headers = ?, response_body = ?, completed_at = now()
		WHERE workspace_id = ? AND principal_id = ? AND key = ?`,
		r.Status, hdr, r.Body, k.WorkspaceID, k.PrincipalID, k.Key).Error)
}

// Release implements idempotency.Store.
func (s *Idempotency) Release(ctx context.Context, k idempotency.Key) error {
	return translate(s.db.conn(ctx).Exec(`DELETE FROM idempotency_keys
		WHERE workspace_id = ? AND principal_id = ? AND key = ? AND completed_at IS NULL`,
		k.WorkspaceID, k.PrincipalID, k.Key).Error)
}

// Sweep deletes expired records; run it periodically.
func (s *Idempotency) Sweep(ctx context.Context) (int64, error) {
	res := s.db.conn(ctx).Exec(`DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => ?)`, s.TTL.Seconds())
	return res.RowsAffected, translate(res.Error)
}
