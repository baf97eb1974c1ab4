package ratelimit

import (
	"context"
	"log/slog"
	"time"
)

// Quota counts requests per key in fixed windows of Period, each key with
// the limit its caller passes (an API key's own, or the default), in a
// Counter every replica shares: one upsert per request, nothing else.
type Quota struct {
	Name    string // namespaces the keys, like Shared's
	Period  time.Duration
	counter Counter
	log     *slog.Logger
}

// NewQuota returns the quota name of windows of period, counted in c.
func NewQuota(c Counter, name string, period time.Duration, log *slog.Logger) *Quota {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Quota{Name: name, Period: period, counter: c, log: log}
}

// Decision is the state of a key's window after one request.
type Decision struct {
	Limit     int           // requests allowed per window
	Remaining int           // requests left in this window
	Reset     time.Duration // until the window ends
	Allowed   bool          // false: this request is past the limit
}

// Take counts one request at key against limit. An error means the count
// could not be made (database unreachable); callers let the request through
// then, since a limiter must not turn a database hiccup into refusals.
func (q *Quota) Take(ctx context.Context, key string, limit int) (Decision, error) {
	hits, left, err := q.counter.Hit(ctx, q.Name+"\x00"+key, q.Period)
	if err != nil {
		q.log.WarnContext(ctx, "request quota unavailable, not limiting", "err", err)
		return Decision{}, err
	}
	return Decision{Limit: limit, Remaining: max(limit-hits, 0), Reset: max(left, 0), Allowed: hits <= limit}, nil
}
