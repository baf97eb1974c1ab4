package postgres

import (
	"context"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
)

type countKey struct{}

// CountQueries returns a context whose queries are counted in n: every
// statement sent to PostgreSQL on its behalf, through GORM, database/sql
// or pgx, increments it. Tests use it to hold read paths to their number
// of round trips.
func CountQueries(ctx context.Context, n *atomic.Int64) context.Context {
	return context.WithValue(ctx, countKey{}, n)
}

// queryCounter is the pools' pgx tracer: one context look-up per query.
type queryCounter struct{}

func (queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	if n, ok := ctx.Value(countKey{}).(*atomic.Int64); ok {
		n.Add(1)
	}
	return ctx
}

func (queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
