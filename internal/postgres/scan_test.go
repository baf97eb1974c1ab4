package postgres

import (
	"testing"

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
