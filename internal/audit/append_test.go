package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/tenant"
)

// memLog keeps appended records in memory: the head is the last one. It
// records what Append hands to storage; it does not model locking.
type memLog struct {
	records []Record
	fail    error
}

func (c *memLog) WithTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return fn(ctx)
}
func (c *memLog) LockHead(context.Context) (int64, []byte, error) {
	if c.fail != nil {
		return 0, nil, c.fail
	}
	if len(c.records) == 0 {
		return 0, nil, nil
	}
	h := c.records[len(c.records)-1]
	return h.Seq, h.Hash, nil
}
func (c *memLog) Append(_ context.Context, r Record) error {
	c.records = append(c.records, r)
	return nil
}
func (c *memLog) QuoteRecords(_ context.Context, quoteID uuid.UUID) ([]Linked, error) {
	var out []Linked
	for i, r := range c.records {
		if r.QuoteID != quoteID {
			continue
		}
		l := Linked{Record: r}
		if i > 0 {
			l.PrevStored = c.records[i-1].Hash
		}
		if i+1 < len(c.records) {
			l.NextPrev, l.HasNext = c.records[i+1].PrevHash, true
		}
		out = append(out, l)
	}
	return out, c.fail
}

func TestAppendChainsEachRecordOntoTheHead(t *testing.T) {
	ws, quote := uuid.New(), uuid.New()
	ctx := tenant.With(context.Background(), ws)
	now := time.Date(2026, 12, 1, 10, 30, 0, 123_456_789, time.FixedZone("CET", 3600))
	c := &memLog{}
	log := NewLog(c, func() time.Time { return now })

	first, err := log.Append(ctx, Record{QuoteID: quote, Action: Sign, Data: json.RawMessage(`{"b":1, "a":2}`)})
	if err != nil {
		t.Fatal(err)
	}
	second, err := log.AppendJSON(events.WithActor(ctx, events.Customer("Ann", "ann@example.com")),
		Record{QuoteID: quote, Action: Sign}, map[string]int{"n": 1})
	if err != nil {
		t.Fatal(err)
	}
	if first.Seq != 1 || first.PrevHash != nil || second.Seq != 2 || !bytes.Equal(second.PrevHash, first.Hash) {
		t.Errorf("got seq %d prev %x, seq %d prev %x; want 1 nil, 2 and the first's hash", first.Seq, first.PrevHash, second.Seq, second.PrevHash)
	}
	if first.WorkspaceID != ws || first.ID == uuid.Nil || first.Actor.Kind != events.ActorSystem ||
		!first.OccurredAt.Equal(time.Date(2026, 12, 1, 9, 30, 0, 123_000_000, time.UTC)) || first.OccurredAt.Location() != time.UTC {
		t.Errorf("got %+v", first)
	}
	if string(first.Data) != `{"a":2,"b":1}` || string(second.Data) != `{"n":1}` || second.Actor.Name != "Ann" {
		t.Errorf("got data %s and %s, actor %+v", first.Data, second.Data, second.Actor)
	}
	records, intact, err := log.QuoteEvidence(ctx, quote)
	if err != nil || !intact || len(records) != 2 || records[1].ID != second.ID {
		t.Errorf("got %d records, intact %v, %v", len(records), intact, err)
	}

	c.records[0].Data = json.RawMessage(`{"a":3,"b":1}`) // tampered
	if _, intact, _ := log.QuoteEvidence(ctx, quote); intact {
		t.Error("a changed record: got intact, want broken")
	}
}

func TestAppendKeepsWhatIsGiven(t *testing.T) {
	user := uuid.New()
	ctx := identity.WithPrincipal(context.Background(), identity.Principal{WorkspaceID: uuid.New(), ID: user, UserID: user})
	at := time.Date(2026, 1, 2, 3, 4, 5, 999_999_999, time.UTC)
	id := uuid.New()
	r, err := NewLog(&memLog{}, nil).Append(ctx, Record{ID: id, OccurredAt: at, Action: Sign})
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != id || !r.OccurredAt.Equal(at.Truncate(time.Millisecond)) || r.Actor.Kind != events.ActorUser || *r.Actor.ID != user {
		t.Errorf("got %+v", r)
	}
}

func TestAppendFails(t *testing.T) {
	ctx := tenant.With(context.Background(), uuid.New())
	tests := []struct {
		name string
		ctx  context.Context
		c    *memLog
		r    Record
		want string
	}{
		{"no workspace", context.Background(), &memLog{}, Record{Action: Sign}, "audit sign: no workspace"},
		{"data not JSON", ctx, &memLog{}, Record{Action: Sign, Data: json.RawMessage(`{`)}, "audit sign"},
		{"head unreadable", ctx, &memLog{fail: errors.New("db down")}, Record{Action: Sign}, "db down"},
	}
	for _, tt := range tests {
		if _, err := NewLog(tt.c, nil).Append(tt.ctx, tt.r); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %q", tt.name, err, tt.want)
		}
	}
	if _, err := NewLog(&memLog{}, nil).AppendJSON(ctx, Record{Action: Sign}, func() {}); err == nil {
		t.Error("unmarshalable data: got no error")
	}
	if _, _, err := NewLog(&memLog{fail: errors.New("db down")}, nil).QuoteEvidence(ctx, uuid.New()); err == nil {
		t.Error("unreadable evidence: got no error")
	}
}
