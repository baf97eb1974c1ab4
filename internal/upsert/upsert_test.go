package upsert

import (
	"context"
	"strings"
	"testing"

	"github.com/acme/crm/internal/errs"
)

func TestCheckExternalID(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"ERP-10042", true},
		{"a/b c ä 漢", true},
		{strings.Repeat("é", 255), true},
		{"", false},
		{strings.Repeat("x", 256), false},
		{"a\x00b", false},
		{"line\nbreak", false},
		{"\xff", false},
	}
	for _, tt := range tests {
		err := CheckExternalID("external_id", tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("CheckExternalID(%q): got %v, want ok %v", tt.in, err, tt.ok)
		}
		if err != nil && !errs.Is(err, errs.Invalid) {
			t.Errorf("CheckExternalID(%q): got %v, want errs.Invalid", tt.in, err)
		}
	}
}

// fakeTx runs everything directly; a savepoint only counts itself.
type fakeTx struct{ savepoints int }

func (f *fakeTx) WithTx(ctx context.Context, fn func(context.Context) error) error { return fn(ctx) }
func (f *fakeTx) Savepoint(ctx context.Context, fn func(context.Context) error) error {
	f.savepoints++
	return fn(ctx)
}

func taken() error {
	e := errs.New(errs.Conflict, "taken")
	e.Fields = []errs.FieldError{{Field: "external_id", Message: "taken"}}
	return e
}

// TestDoRetriesALostRace: a create that loses to a concurrent one finds the
// winner's record and updates it; a second loss is returned.
func TestDoRetriesALostRace(t *testing.T) {
	finds := 0
	out, created, err := Do(context.Background(), &fakeTx{}, Ops[string]{
		Find: func(context.Context) (string, bool, error) {
			finds++
			return "winner", finds > 1, nil
		},
		Create: func(context.Context) (string, error) { return "", taken() },
		Update: func(_ context.Context, cur string) (string, error) { return cur + " updated", nil },
	})
	if err != nil || created || out != "winner updated" || finds != 2 {
		t.Errorf("got %q, created %v, %v after %d finds; want the winner updated after 2 finds", out, created, err, finds)
	}
	_, _, err = Do(context.Background(), &fakeTx{}, Ops[string]{
		Find:   func(context.Context) (string, bool, error) { return "", false, nil },
		Create: func(context.Context) (string, error) { return "", taken() },
	})
	if !Taken(err) {
		t.Errorf("two lost races: got %v, want the conflict", err)
	}
}

// TestBatchNamesEveryBadItem: invalid items are all listed as
// items[i].field; another error stops the batch naming its item.
func TestBatchNamesEveryBadItem(t *testing.T) {
	tx := &fakeTx{}
	_, err := Batch(context.Background(), tx, 4, func(_ context.Context, i int) (int, bool, error) {
		switch i {
		case 1:
			return 0, false, errs.Field("name", "is required")
		case 3:
			return 0, false, errs.Invalidf("no fields")
		}
		return i, true, nil
	})
	e, ok := errs.As(err)
	if !ok || e.Code != errs.Invalid || len(e.Fields) != 2 || e.Fields[0].Field != "items[1].name" || e.Fields[1].Field != "items[3]" {
		t.Fatalf("got %v, want items[1].name and items[3]", err)
	}
	if tx.savepoints != 4 {
		t.Errorf("got %d savepoints, want one per item", tx.savepoints)
	}
	_, err = Batch(context.Background(), &fakeTx{}, 3, func(_ context.Context, i int) (int, bool, error) {
		if i == 1 {
			return 0, false, errs.Conflictf("code taken")
		}
		return i, true, nil
	})
	if !errs.Is(err, errs.Conflict) || !strings.Contains(err.Error(), "items[1]") {
		t.Errorf("got %v, want a conflict naming items[1]", err)
	}
	for _, n := range []int{0, MaxBatch + 1} {
		if _, err := Batch(context.Background(), &fakeTx{}, n, func(context.Context, int) (int, bool, error) { return 0, true, nil }); !errs.Is(err, errs.Invalid) {
			t.Errorf("%d items: got %v, want errs.Invalid", n, err)
		}
	}
	res, err := Batch(context.Background(), &fakeTx{}, 2, func(_ context.Context, i int) (int, bool, error) { return i * 10, i == 0, nil })
	if err != nil || len(res) != 2 || res[1].Value != 10 || !res[0].Created || res[1].Created {
		t.Errorf("got %v, %v; want the results in order", res, err)
	}
}
