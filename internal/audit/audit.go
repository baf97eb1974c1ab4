// Package audit keeps the evidence log of quotes: an append-only list of
// records per workspace, each chained to the one before by
// hash = SHA-256(previous hash ‖ canonical JSON of the record), so that a
// record changed or removed afterwards breaks the chain and Verify says so.
// Storage adds a trigger that refuses UPDATE and DELETE; the chain is what
// proves that nobody got around it.
package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/tenant"
)

// Action is what a record attests.
type Action string

// The actions recorded: the customer's and the salesperson's.
const (
	View          Action = "view"
	Sign          Action = "sign"
	RequestChange Action = "request_change"
	Reject        Action = "reject"
	Send          Action = "send"
	Revise        Action = "revise"
	Withdraw      Action = "withdraw"
	Expire        Action = "expire"
)

// Record is one entry of the log. Seq, PrevHash and Hash are set by Append.
type Record struct {
	WorkspaceID   uuid.UUID
	Seq           int64
	ID            uuid.UUID
	QuoteID       uuid.UUID
	OpportunityID uuid.UUID
	Action        Action
	Actor         events.Actor
	// OccurredAt is kept to the millisecond, in UTC.
	OccurredAt time.Time
	// Data is the action's evidence as a JSON object (signer, address,
	// user agent, document hash…).
	Data     json.RawMessage
	PrevHash []byte
	Hash     []byte
}

// canonicalRecord fixes the field order and formats of the hashed form.
type canonicalRecord struct {
	Seq           int64           `json:"seq"`
	ID            string          `json:"id"`
	WorkspaceID   string          `json:"workspace_id"`
	QuoteID       string          `json:"quote_id"`
	OpportunityID string          `json:"opportunity_id"`
	Action        string          `json:"action"`
	ActorKind     string          `json:"actor_kind"`
	ActorID       string          `json:"actor_id"`
	ActorName     string          `json:"actor_name"`
	ActorEmail    string          `json:"actor_email"`
	OccurredAt    string          `json:"occurred_at"`
	Data          json.RawMessage `json:"data"`
}

// Canonical returns the JSON the hash covers: fixed field order, the time
// as RFC 3339 with milliseconds in UTC, and Data re-encoded with sorted
// keys and no insignificant space, so that the same record read back from
// storage (which may reorder a JSON object's keys) gives the same bytes.
func (r Record) Canonical() ([]byte, error) {
	data, err := canonicalJSON(r.Data)
	if err != nil {
		return nil, fmt.Errorf("audit record %s: %w", r.ID, err)
	}
	c := canonicalRecord{Seq: r.Seq, ID: r.ID.String(), WorkspaceID: r.WorkspaceID.String(),
		QuoteID: r.QuoteID.String(), OpportunityID: r.OpportunityID.String(), Action: string(r.Action),
		ActorKind: string(r.Actor.Kind), ActorName: r.Actor.Name, ActorEmail: r.Actor.Email,
		OccurredAt: r.OccurredAt.UTC().Format("2006-01-02T15:04:05.000Z07:00"), Data: data}
	if r.Actor.ID != nil {
		c.ActorID = r.Actor.ID.String()
	}
	return json.Marshal(c)
}

// canonicalJSON re-encodes a JSON value with object keys sorted (Go sorts
// map keys) and numbers kept exactly as written.
func canonicalJSON(raw json.RawMessage) (json.RawMessage, error) {
	if len(raw) == 0 {
		return json.RawMessage(`{}`), nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	return json.Marshal(v)
}

// ChainHash returns SHA-256(prev ‖ canonical JSON of r).
func ChainHash(prev []byte, r Record) ([]byte, error) {
	c, err := r.Canonical()
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	h.Write(prev)
	h.Write(c)
	return h.Sum(nil), nil
}

// Linked is a stored record with the hashes of its neighbours in the
// workspace's chain, as Verify needs them: PrevStored is the hash of record
// Seq-1 (nil for the first), NextPrev the prev_hash of record Seq+1 (nil
// when it is the last).
type Linked struct {
	Record
	PrevStored []byte
	NextPrev   []byte
	HasNext    bool
}

// Verify recomputes the records' hashes and checks each against its
// stored hash and against its neighbours in the chain. It reports false
// when any record was changed after it was written, or a record next to
// one of them was removed or replaced.
func Verify(records []Linked) bool {
	for _, r := range records {
		want, err := ChainHash(r.PrevHash, r.Record)
		if err != nil || !bytes.Equal(want, r.Hash) {
			return false
		}
		if r.Seq > 1 && !bytes.Equal(r.PrevHash, r.PrevStored) {
			return false
		}
		if r.Seq == 1 && len(r.PrevHash) != 0 {
			return false
		}
		if r.HasNext && !bytes.Equal(r.NextPrev, r.Hash) {
			return false
		}
	}
	return true
}

// Store keeps the log, in the context's workspace.
type Store interface {
	WithTx(ctx context.Context, fn func(ctx context.Context) error) error
	// LockHead returns the workspace's last sequence number and hash (0 and
	// nil for an empty log), locked until the transaction ends, so that
	// appends queue.
	LockHead(ctx context.Context) (int64, []byte, error)
	// Append stores r and makes it the head.
	Append(ctx context.Context, r Record) error
	// QuoteRecords returns a quote's records in order with their
	// neighbours' hashes.
	QuoteRecords(ctx context.Context, quoteID uuid.UUID) ([]Linked, error)
}

// Log appends to and verifies the evidence log.
type Log struct {
	store Store
	now   func() time.Time
}

// NewLog returns the log; now defaults to time.Now.
func NewLog(store Store, now func() time.Time) *Log {
	if now == nil {
		now = time.Now
	}
	return &Log{store: store, now: now}
}

// Append chains r onto the workspace's log in the context's transaction
// and returns it as stored. It fills ID, the actor (events.ActorFrom) and
// the time (now, to the millisecond) when they are zero.
func (l *Log) Append(ctx context.Context, r Record) (Record, error) {
	ws, ok := tenant.From(ctx)
	if !ok {
		return Record{}, fmt.Errorf("audit %s: no workspace in the context", r.Action)
	}
	r.WorkspaceID = ws
	if r.ID == uuid.Nil {
		r.ID = uuid.Must(uuid.NewV7())
	}
	if r.Actor.Kind == "" {
		r.Actor = events.ActorFrom(ctx)
	}
	if r.OccurredAt.IsZero() {
		r.OccurredAt = l.now()
	}
	r.OccurredAt = r.OccurredAt.UTC().Truncate(time.Millisecond)
	data, err := canonicalJSON(r.Data)
	if err != nil {
		return Record{}, fmt.Errorf("audit %s: %w", r.Action, err)
	}
	r.Data = data
	err = l.store.WithTx(ctx, func(ctx context.Context) error {
		seq, prev, err := l.store.LockHead(ctx)
		if err != nil {
			return err
		}
		r.Seq, r.PrevHash = seq+1, prev
		if r.Hash, err = ChainHash(prev, r); err != nil {
			return err
		}
		return l.store.Append(ctx, r)
	})
	return r, err
}

// AppendJSON is Append with Data marshalled from v.
func (l *Log) AppendJSON(ctx context.Context, r Record, v any) (Record, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return Record{}, fmt.Errorf("audit %s: %w", r.Action, err)
	}
	r.Data = data
	return l.Append(ctx, r)
}

// QuoteEvidence returns a quote's records in order and whether the chain
// around them is intact.
func (l *Log) QuoteEvidence(ctx context.Context, quoteID uuid.UUID) ([]Record, bool, error) {
	linked, err := l.store.QuoteRecords(ctx, quoteID)
	if err != nil {
		return nil, false, err
	}
	out := make([]Record, len(linked))
	for i, r := range linked {
		out[i] = r.Record
	}
	return out, Verify(linked), nil
}
