package changes

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
)

func TestParseTypes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		err  bool
	}{
		{"", len(Types), false},
		{"opportunity", 1, false},
		{"opportunity, task,opportunity", 2, false},
		{"opportunity,unicorn", 0, true},
		{"Opportunity", 0, true},
	} {
		got, err := ParseTypes(tc.in)
		if tc.err {
			if e, ok := errs.As(err); !ok || e.Code != errs.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != "types" {
				t.Errorf("%q: got %v, want invalid on types", tc.in, err)
			}
			continue
		}
		if err != nil || len(got) != tc.want {
			t.Errorf("%q: got %v %v, want %d types", tc.in, got, err, tc.want)
		}
	}
}

type memStore []Change

func (m memStore) Changes(_ context.Context, after Position, _ []Type, limit int) ([]Change, error) {
	var out []Change
	for _, c := range m {
		if c.Position.XID > after.XID || c.Position.XID == after.XID && c.Position.Seq > after.Seq {
			out = append(out, c)
		}
	}
	return out[:min(limit, len(out))], nil
}

func (m memStore) End(context.Context) (Position, error) { return m[len(m)-1].Position, nil }

func (memStore) Prune(context.Context, time.Time) (int64, error) { return 0, nil }

func TestRead(t *testing.T) {
	a, b := uuid.New(), uuid.New()
	store := memStore{
		{Position: Position{10, 1}, Type: Organization, ID: a},
		{Position: Position{10, 2}, Type: Person, ID: b},
		{Position: Position{12, 3}, Type: Organization, ID: a},
		{Position: Position{13, 4}, Type: Person, ID: b, Deleted: true},
	}
	now := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	f := NewFeed(store, nil, func() time.Time { return now })
	p, err := f.Read(context.Background(), Position{}, now, Types, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Changes) != 2 || p.Changes[0].ID != b || p.Changes[1].Position != (Position{12, 3}) || !p.More || p.Next != (Position{12, 3}) {
		t.Errorf("got %+v, want b then a's last change, more to come, next at (12,3)", p)
	}
	p, _ = f.Read(context.Background(), p.Next, now, Types, 3)
	if len(p.Changes) != 1 || !p.Changes[0].Deleted || p.More {
		t.Errorf("second page: got %+v, want b's deletion only", p)
	}
	if _, err := f.Read(context.Background(), Position{}, now.Add(-Retention-time.Minute), Types, 3); !errs.Is(err, errs.Gone) {
		t.Errorf("a position issued past the retention: got %v, want gone", err)
	}
}
