package postgres

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
)

func TestUUIDDst(t *testing.T) {
	want := uuid.MustParse("01a228c7-1d3b-703e-9ebb-6a882dcbbd84")
	for _, src := range []any{want.String(), []byte(want.String())} {
		var got uuid.UUID
		if err := (uuidDst{&got}).Scan(src); err != nil || got != want {
			t.Errorf("uuidDst.Scan(%T): got %v, %v; want %v", src, got, err, want)
		}
		var p *uuid.UUID
		if err := (nullUUIDDst{&p}).Scan(src); err != nil || p == nil || *p != want {
			t.Errorf("nullUUIDDst.Scan(%T): got %v, %v; want %v", src, p, err, want)
		}
	}
	var got uuid.UUID
	if err := (uuidDst{&got}).Scan(nil); err == nil {
		t.Error("uuidDst.Scan(nil): got no error, want one")
	}
	if err := (uuidDst{&got}).ScanUUID(pgtype.UUID{Bytes: want, Valid: true}); err != nil || got != want {
		t.Errorf("uuidDst.ScanUUID: got %v, %v; want %v", got, err, want)
	}
	p := &want
	if err := (nullUUIDDst{&p}).Scan(nil); err != nil || p != nil {
		t.Errorf("nullUUIDDst.Scan(nil): got %v, %v; want nil", p, err)
	}
	p = &want
	if err := (nullUUIDDst{&p}).ScanUUID(pgtype.UUID{}); err != nil || p != nil {
		t.Errorf("nullUUIDDst.ScanUUID(NULL): got %v, %v; want nil", p, err)
	}
}

// TestNullDstSQL: the nullable destinations read what database/sql hands
// over inside a transaction, and NULL as nil.
func TestNullDstSQL(t *testing.T) {
	at := time.Date(2026, 12, 2, 11, 20, 0, 123456000, time.UTC)
	var (
		i   *int
		i64 *int64
		s   *string
		tm  *time.Time
		d   *time.Time
	)
	for _, c := range []struct {
		dst   interface{ Scan(any) error }
		src   any
		check func() bool
	}{
		{nullIntDst{&i}, int64(42), func() bool { return i != nil && *i == 42 }},
		{nullInt64Dst{&i64}, int64(-7), func() bool { return i64 != nil && *i64 == -7 }},
		{nullStringDst{&s}, "a<b", func() bool { return s != nil && *s == "a<b" }},
		{nullStringDst{&s}, []byte("bytes"), func() bool { return s != nil && *s == "bytes" }},
		{nullTimeDst{&tm}, at, func() bool { return tm != nil && tm.Equal(at) }},
		{nullDateDst{&d}, time.Date(2027, 3, 4, 0, 0, 0, 0, time.FixedZone("", 3600)),
			func() bool { return d != nil && *d == time.Date(2027, 3, 4, 0, 0, 0, 0, time.UTC) }},
		{nullIntDst{&i}, nil, func() bool { return i == nil }},
		{nullInt64Dst{&i64}, nil, func() bool { return i64 == nil }},
		{nullStringDst{&s}, nil, func() bool { return s == nil }},
		{nullTimeDst{&tm}, nil, func() bool { return tm == nil }},
		{nullDateDst{&d}, nil, func() bool { return d == nil }},
	} {
		if err := c.dst.Scan(c.src); err != nil || !c.check() {
			t.Errorf("%T.Scan(%#v): got error %v or a wrong value", c.dst, c.src, err)
		}
	}
}
