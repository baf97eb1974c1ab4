package audit

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/events"
)

func record(seq int64, data string) Record {
	return Record{WorkspaceID: uuid.MustParse("00000000-0000-0000-0000-000000000001"), Seq: seq,
		ID: uuid.MustParse("00000000-0000-0000-0000-00000000000a"), QuoteID: uuid.MustParse("00000000-0000-0000-0000-00000000000b"),
		OpportunityID: uuid.MustParse("00000000-0000-0000-0000-00000000000c"), Action: Sign,
		Actor:      events.Customer("Åsa Öberg", "asa@example.com"),
		OccurredAt: time.Date(2026, 12, 1, 10, 30, 0, 123_000_000, time.UTC), Data: json.RawMessage(data)}
}

// The hashed form does not depend on how storage orders a JSON object.
func TestCanonicalIgnoresKeyOrderAndSpace(t *testing.T) {
	a, err := record(1, `{"b": 1, "a": {"y": "x", "x": [1, 2.50]}}`).Canonical()
	if err != nil {
		t.Fatal(err)
	}
	b, err := record(1, `{"a":{"x":[1,2.50],"y":"x"},"b":1}`).Canonical()
	if err != nil {
		t.Fatal(err)
	}
	if string(a) != string(b) {
		t.Errorf("canonical forms differ:\n%s\n%s", a, b)
	}
	want := `{"seq":1,"id":"00000000-0000-0000-0000-00000000000a","workspace_id":"00000000-0000-0000-0000-000000000001",` +
		`"quote_id":"00000000-0000-0000-0000-00000000000b","opportunity_id":"00000000-0000-0000-0000-00000000000c",` +
		`"action":"sign","actor_kind":"customer","actor_id":"","actor_name":"Åsa Öberg","actor_email":"asa@example.com",` +
		`"occurred_at":"2026-12-01T10:30:00.123Z","data":{"a":{"x":[1,2.50],"y":"x"},"b":1}}`
	if string(a) != want {
		t.Errorf("got  %s\nwant %s", a, want)
	}
}

// chain builds n linked records as storage would hand them to Verify.
func chain(t *testing.T, n int) []Linked {
	t.Helper()
	var out []Linked
	var prev []byte
	for i := 1; i <= n; i++ {
		r := record(int64(i), `{"n":`+string(rune('0'+i))+`}`)
		r.PrevHash = prev
		h, err := ChainHash(prev, r)
		if err != nil {
			t.Fatal(err)
		}
		r.Hash, prev = h, h
		out = append(out, Linked{Record: r})
	}
	for i := range out {
		if i > 0 {
			out[i].PrevStored = out[i-1].Hash
		}
		if i < len(out)-1 {
			out[i].NextPrev, out[i].HasNext = out[i+1].PrevHash, true
		}
	}
	return out
}

func TestVerify(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(rs []Linked)
		want   bool
	}{
		{"intact", func([]Linked) {}, true},
		{"data changed", func(rs []Linked) { rs[1].Data = json.RawMessage(`{"n":9}`) }, false},
		{"actor changed", func(rs []Linked) { rs[0].Actor.Name = "Someone else" }, false},
		{"time changed", func(rs []Linked) { rs[2].OccurredAt = rs[2].OccurredAt.Add(time.Millisecond) }, false},
		{"hash recomputed after a change", func(rs []Linked) {
			rs[1].Data = json.RawMessage(`{"n":9}`)
			rs[1].Hash, _ = ChainHash(rs[1].PrevHash, rs[1].Record)
		}, false},
		{"neighbour replaced", func(rs []Linked) { rs[1].PrevStored = []byte("other") }, false},
		{"first record given a predecessor", func(rs []Linked) { rs[0].PrevHash = []byte("x") }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := chain(t, 3)
			tt.tamper(rs)
			if got := Verify(rs); got != tt.want {
				t.Errorf("Verify = %v, want %v", got, tt.want)
			}
		})
	}
}
