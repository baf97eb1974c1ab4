package postgres

import (
	"fmt"

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
