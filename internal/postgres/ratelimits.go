package postgres

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math"
	"time"
)

// RateLimits counts attempts per key in fixed windows in PostgreSQL
// (ratelimit.Counter), so that every replica of the API sees the same
// counts. The database's clock decides when a window ends, so replicas
// whose clocks differ still agree.
type RateLimits struct{ db *DB }

// NewRateLimits returns the counter store.
func NewRateLimits(db *DB) *RateLimits { return &RateLimits{db: db} }

// Hit counts one attempt at key in its current window of period (a new one
// when the last has ended) and returns the attempts in it so far and the
// time until it ends. One statement: concurrent hits on any replica are
// serialised by the row lock of the upsert.
func (r *RateLimits) Hit(ctx context.Context, key string, period time.Duration) (int, time.Duration, error) {
	return r.Add(ctx, key, 1, period)
}

// Add implements ratelimit.Counter: n attempts at once (n may be 0, to read
// the window).
func (r *RateLimits) Add(ctx context.Context, key string, n int, period time.Duration) (int, time.Duration, error) {
	var hits int
	var left float64
	err := r.db.pool.QueryRow(ctx, `INSERT INTO rate_limits AS r (key, hits, expires_at)
		VALUES ($1, $3, now() + make_interval(secs => $2))
		ON CONFLICT (key) DO UPDATE SET
			hits       = CASE WHEN r.expires_at <= now() THEN EXCLUDED.hits ELSE r.hits + EXCLUDED.hits END,
			expires_at = CASE WHEN r.expires_at <= now() THEN EXCLUDED.expires_at ELSE r.expires_at END
		RETURNING hits, extract(epoch FROM expires_at - now())::float8`,
		limitKey(key), period.Seconds(), n).Scan(&hits, &left)
	if err != nil {
		return 0, 0, fmt.Errorf("count attempt: %w", translate(err))
	}
	return hits, time.Duration(math.Ceil(left*1000)) * time.Millisecond, nil
}

// Forget ends key's window (after a successful log-in).
func (r *RateLimits) Forget(ctx context.Context, key string) error {
	if _, err := r.db.pool.Exec(ctx, `DELETE FROM rate_limits WHERE key = $1`, limitKey(key)); err != nil {
		return fmt.Errorf("forget attempts: %w", translate(err))
	}
	return nil
}

// Sweep deletes ended windows and returns how many.
func (r *RateLimits) Sweep(ctx context.Context) (int64, error) {
	tag, err := r.db.pool.Exec(ctx, `DELETE FROM rate_limits WHERE expires_at < now()`)
	if err != nil {
		return 0, fmt.Errorf("sweep rate limits: %w", translate(err))
	}
	return tag.RowsAffected(), nil
}

func limitKey(key string) []byte {
	h := sha256.Sum256([]byte(key))
	return h[:]
}
