package postgres

import (
	"context"
	"database/sql"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// rowScanner is a result set read row by row with an explicit Scan.
type rowScanner interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// query runs a read with $n placeholders on the transaction in ctx, or
// else natively on the pgx pool of the primary: no GORM and no
// database/sql in between, for the hottest single-row reads. Raw SQL is
// not tenant-scoped: the query must name the workspace itself.
func (db *DB) query(ctx context.Context, query string, args ...any) (rowScanner, error) {
	if tx, ok := db.SQLTx(ctx); ok {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, err
		}
		return sqlRows{rows}, nil
	}
	rows, err := db.pool.Query(ctx, query, nativeArgs(args)...)
	if err != nil {
		return nil, err
	}
	return pgxRows{rows}, nil
}

// nativeArgs replaces, in place, the uuid.UUID arguments of a query run
// natively on pgx by pgtype.UUID (see pgUUID), which pgx encodes without a
// detour through text: the hot reads name the workspace and a record by id.
func nativeArgs(args []any) []any {
	for i, a := range args {
		switch v := a.(type) {
		case uuid.UUID:
			args[i] = pgUUID(v)
		case *uuid.UUID:
			if v == nil {
				args[i] = pgtype.UUID{}
			} else {
				args[i] = pgUUID(*v)
			}
		}
	}
	return args
}

type sqlRows struct{ *sql.Rows }

func (r sqlRows) Close() { _ = r.Rows.Close() }

type pgxRows struct{ pgx.Rows }

func (r pgxRows) Scan(dest ...any) error { return r.Rows.Scan(dest...) }

// peekedRows are pgx rows whose first Next has been called already.
type peekedRows struct {
	pgxRows
	pending bool // more is the answer of the Next called ahead
	more    bool
}

func (r *peekedRows) Next() bool {
	if r.pending {
		r.pending = false
		return r.more
	}
	return r.pgxRows.Next()
}

// one reads the single row of query with scan; errs.NotFound when there is
// none.
func (db *DB) one(ctx context.Context, scan func(rowScanner) error, query string, args ...any) error {
	rows, err := db.query(ctx, query, args...)
	return firstRow(rows, err, scan)
}

// readOne is one for a heavy read (readQuery: a replica when there is one).
func (db *DB) readOne(ctx context.Context, scan func(rowScanner) error, query string, args ...any) error {
	rows, err := db.readQuery(ctx, query, args...)
	return firstRow(rows, err, scan)
}

func firstRow(rows rowScanner, err error, scan func(rowScanner) error) error {
	if err != nil {
		return translate(err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return translate(err)
		}
		return translate(errNoRows)
	}
	if err := scan(rows); err != nil {
		return translate(err)
	}
	return translate(rows.Err())
}
