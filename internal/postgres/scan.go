package postgres

import (
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
)

// uuidDst scans a uuid column into a uuid.UUID. pgx reads *uuid.UUID
// through its sql.Scanner (the 16 bytes rendered as text, then parsed
// back); as a pgtype.UUIDScanner the bytes are copied as they come. Being
// one pointer, it goes into an interface without an allocation. Scan is
// for database/sql (reads inside a transaction).
type uuidDst struct{ p *uuid.UUID }

func (d uuidDst) ScanUUID(v pgtype.UUID) error {
	if !v.Valid {
		return fmt.Errorf("cannot scan NULL into uuid.UUID")
	}
	*d.p = v.Bytes
	return nil
}

func (d uuidDst) Scan(src any) error {
	v, err := sqlUUID(src)
	if err != nil {
		return err
	}
	return d.ScanUUID(v)
}

// sqlUUID reads a uuid as database/sql hands it over: text, or NULL.
func sqlUUID(src any) (pgtype.UUID, error) {
	if b, ok := src.([]byte); ok {
		src = string(b)
	}
	var v pgtype.UUID
	err := v.Scan(src)
	return v, err
}

// nullUUIDDst is uuidDst for a nullable column: nil for NULL.
type nullUUIDDst struct{ p **uuid.UUID }

func (d nullUUIDDst) ScanUUID(v pgtype.UUID) error {
	if !v.Valid {
		*d.p = nil
		return nil
	}
	id := uuid.UUID(v.Bytes)
	*d.p = &id
	return nil
}

func (d nullUUIDDst) Scan(src any) error {
	v, err := sqlUUID(src)
	if err != nil {
		return err
	}
	return d.ScanUUID(v)
}

// The destinations below scan a nullable column into a pointer field
// through pgx's typed scanner interfaces, without the reflection of pgx's
// pointer-to-pointer plan: nil for NULL, else a fresh value. Scan is for
// database/sql (reads inside a transaction).

type nullIntDst struct{ p **int }

func (d nullIntDst) ScanInt64(v pgtype.Int8) error {
	if !v.Valid {
		*d.p = nil
		return nil
	}
	n := int(v.Int64)
	*d.p = &n
	return nil
}

func (d nullIntDst) Scan(src any) error {
	var v pgtype.Int8
	if err := v.Scan(src); err != nil {
		return err
	}
	return d.ScanInt64(v)
}

type nullInt64Dst struct{ p **int64 }

func (d nullInt64Dst) ScanInt64(v pgtype.Int8) error {
	if !v.Valid {
		*d.p = nil
		return nil
	}
	n := v.Int64
	*d.p = &n
	return nil
}

func (d nullInt64Dst) Scan(src any) error {
	var v pgtype.Int8
	if err := v.Scan(src); err != nil {
		return err
	}
	return d.ScanInt64(v)
}

type nullStringDst struct{ p **string }

func (d nullStringDst) ScanText(v pgtype.Text) error {
	if !v.Valid {
		*d.p = nil
		return nil
	}
	s := v.String
	*d.p = &s
	return nil
}

func (d nullStringDst) Scan(src any) error {
	var v pgtype.Text
	if err := v.Scan(src); err != nil {
		return err
	}
	return d.ScanText(v)
}

type nullTimeDst struct{ p **time.Time }

func (d nullTimeDst) ScanTimestamptz(v pgtype.Timestamptz) error {
	if !v.Valid {
		*d.p = nil
		return nil
	}
	if v.InfinityModifier != pgtype.Finite {
		return fmt.Errorf("cannot scan an infinite timestamp into time.Time")
	}
	t := v.Time
	*d.p = &t
	return nil
}

func (d nullTimeDst) Scan(src any) error {
	var v pgtype.Timestamptz
	if err := v.Scan(src); err != nil {
		return err
	}
	return d.ScanTimestamptz(v)
}

// nullDateDst scans a nullable date as dateOf returns it: midnight UTC.
type nullDateDst struct{ p **time.Time }

func (d nullDateDst) ScanDate(v pgtype.Date) error {
	if !v.Valid {
		*d.p = nil
		return nil
	}
	if v.InfinityModifier != pgtype.Finite {
		return fmt.Errorf("cannot scan an infinite date into time.Time")
	}
	*d.p = dateOf(&v.Time)
	return nil
}

func (d nullDateDst) Scan(src any) error {
	var v pgtype.Date
	if err := v.Scan(src); err != nil {
		return err
	}
	return d.ScanDate(v)
}

// pgUUID is a uuid argument that pgx encodes as it is (pgtype.UUIDValuer):
// a uuid.UUID goes through its driver.Valuer as text, after a failed try
// at the binary plan.
func pgUUID(id uuid.UUID) pgtype.UUID { return pgtype.UUID{Bytes: id, Valid: true} }
