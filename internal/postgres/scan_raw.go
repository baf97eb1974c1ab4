package postgres

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// A list of opportunities reads each row's binary values itself when pgx
// received them in the binary format with the expected types (it does in
// every query exec mode but the simple protocol): pgx's Scan plans, checks
// and converts every one of thirty columns per row, which was most of a
// list's scanning. The values come out as pgx's Scan gives them (times in
// the local zone, as time.Unix makes them); opportunityScan.scan falls
// back to Scan otherwise, and scan_raw_test.go holds the two to the same
// result.

// rawRows are pgx rows, whose values can be read undecoded.
type rawRows interface {
	FieldDescriptions() []pgconn.FieldDescription
	RawValues() [][]byte
}

// rawKind is what a column is read as.
type rawKind uint8

const (
	rawUUID rawKind = iota
	rawText
	rawInt
	rawDate
	rawTime
)

// opportunityKinds are the kinds of opportunityColumns, in order.
var opportunityKinds = []rawKind{rawUUID, rawText, rawUUID, rawUUID, rawUUID, rawUUID, rawUUID, rawUUID,
	rawInt, rawInt, rawInt, rawText, rawInt, rawDate, rawUUID, rawText, rawText, rawTime, rawText, rawUUID,
	rawInt, rawInt, rawInt, rawText, rawInt, rawInt, rawText, rawInt, rawTime, rawTime}

// rawReadable reports whether fields are values of kinds in the binary
// format (text in either: both are its bytes).
func rawReadable(fields []pgconn.FieldDescription, kinds []rawKind) bool {
	if len(fields) != len(kinds) {
		return false
	}
	for i, f := range fields {
		// pgx asks for text columns in the text format: the same bytes.
		if f.Format != pgtype.BinaryFormatCode && kinds[i] != rawText {
			return false
		}
		var ok bool
		switch kinds[i] {
		case rawUUID:
			ok = f.DataTypeOID == pgtype.UUIDOID
		case rawText:
			ok = f.DataTypeOID == pgtype.TextOID || f.DataTypeOID == pgtype.VarcharOID || f.DataTypeOID == pgtype.BPCharOID
		case rawInt:
			ok = f.DataTypeOID == pgtype.Int2OID || f.DataTypeOID == pgtype.Int4OID || f.DataTypeOID == pgtype.Int8OID
		case rawDate:
			ok = f.DataTypeOID == pgtype.DateOID
		case rawTime:
			ok = f.DataTypeOID == pgtype.TimestamptzOID
		}
		if !ok {
			return false
		}
	}
	return true
}

var errRawNull = errors.New("cannot scan NULL into a non-null field")

// rawValues reads binary values; each method leaves the first error in err
// and nil or zero after it.
type rawValues struct {
	v   [][]byte
	err error
}

func (r *rawValues) fail(i int, err error) {
	if r.err == nil {
		r.err = fmt.Errorf("column %d: %w", i, err)
	}
}

func (r *rawValues) uuid(i int) uuid.UUID {
	if len(r.v[i]) != 16 {
		r.fail(i, errRawNull)
		return uuid.UUID{}
	}
	return uuid.UUID(r.v[i])
}

func (r *rawValues) nullUUID(i int) *uuid.UUID {
	if r.v[i] == nil {
		return nil
	}
	id := r.uuid(i)
	return &id
}

func (r *rawValues) text(i int) string {
	if r.v[i] == nil {
		r.fail(i, errRawNull)
	}
	return string(r.v[i])
}

func (r *rawValues) nullText(i int) *string {
	if r.v[i] == nil {
		return nil
	}
	s := string(r.v[i])
	return &s
}

func (r *rawValues) int(i int) int64 {
	b := r.v[i]
	switch len(b) {
	case 2:
		return int64(int16(binary.BigEndian.Uint16(b)))
	case 4:
		return int64(int32(binary.BigEndian.Uint32(b)))
	case 8:
		return int64(binary.BigEndian.Uint64(b))
	}
	if b == nil {
		r.fail(i, errRawNull)
	} else {
		r.fail(i, fmt.Errorf("integer of %d bytes", len(b)))
	}
	return 0
}

// nullInt reads a nullable integer column; ok is false for NULL.
func (r *rawValues) nullInt(i int) (n int64, ok bool) {
	if r.v[i] == nil {
		return 0, false
	}
	return r.int(i), true
}

// microsecFromUnixEpochToY2K is PostgreSQL's epoch in Unix microseconds.
const microsecFromUnixEpochToY2K = 946684800 * 1000000

func (r *rawValues) time(i int) time.Time {
	b := r.v[i]
	if len(b) != 8 {
		r.fail(i, errRawNull)
		return time.Time{}
	}
	us := int64(binary.BigEndian.Uint64(b))
	if us == math.MaxInt64 || us == math.MinInt64 {
		r.fail(i, errors.New("cannot scan an infinite timestamp into time.Time"))
		return time.Time{}
	}
	us += microsecFromUnixEpochToY2K
	return time.Unix(us/1000000, (us%1000000)*1000)
}

func (r *rawValues) nullTime(i int) *time.Time {
	if r.v[i] == nil {
		return nil
	}
	t := r.time(i)
	return &t
}

// nullDate reads a nullable date as dateOf returns it: midnight UTC.
func (r *rawValues) nullDate(i int) *time.Time {
	b := r.v[i]
	if b == nil {
		return nil
	}
	if len(b) != 4 {
		r.fail(i, fmt.Errorf("date of %d bytes", len(b)))
		return nil
	}
	days := int32(binary.BigEndian.Uint32(b))
	if days == math.MaxInt32 || days == math.MinInt32 {
		r.fail(i, errors.New("cannot scan an infinite date into time.Time"))
		return nil
	}
	d := time.Date(2000, 1, int(1+days), 0, 0, 0, 0, time.UTC)
	return &d
}
