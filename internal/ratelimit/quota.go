package ratelimit

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Quota counts requests per key in fixed windows of Period, each key with
// the limit its caller passes (an API key's own, or the default), in a
// Counter every replica shares.
//
// It does not write the shared count on every request: each replica counts
// locally and adds its count to the shared one at most once per SyncEvery
// per key, reading back what the other replicas added. Once a key's count
// reaches half its limit, every request is added at once, so the limit
// itself is exact; below half, the remaining count a replica reports can
// miss up to SyncEvery of the other replicas' requests. Requests counted
// locally and not yet added when a key falls silent are added with its next
// request, or lost when the window ends first.
type Quota struct {
	Name      string // namespaces the keys, like Shared's
	Period    time.Duration
	SyncEvery time.Duration
	counter   Counter
	log       *slog.Logger
	now       func() time.Time

	mu    sync.Mutex
	keys  map[string]*quotaKey
	swept time.Time
}

// quotaKey is a replica's view of one key's window.
type quotaKey struct {
	shared  int       // the shared count at the last sync, this replica's included
	pending int       // counted here since then
	ends    time.Time // when the window ends
	synced  time.Time
}

// NewQuota returns the quota name of windows of period, counted in c and
// synced at most once a second per key.
func NewQuota(c Counter, name string, period time.Duration, log *slog.Logger) *Quota {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Quota{Name: name, Period: period, SyncEvery: time.Second, counter: c, log: log, now: time.Now,
		keys: map[string]*quotaKey{}}
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
	now := q.now()
	q.mu.Lock()
	q.sweep(now)
	k := q.keys[key]
	if k == nil {
		k = &quotaKey{}
		q.keys[key] = k
	}
	if !now.Before(k.ends) && k.pending == 0 {
		k.shared = 0
	}
	k.pending++
	hits, sync := k.shared+k.pending, now.Sub(k.synced) >= q.SyncEvery || !now.Before(k.ends) || 2*(k.shared+k.pending) >= limit
	var n int
	if sync {
		n, k.pending = k.pending, 0
	}
	ends := k.ends
	q.mu.Unlock()
	if sync {
		shared, left, err := q.counter.Add(ctx, q.Name+"\x00"+key, n, q.Period)
		q.mu.Lock()
		if err != nil {
			k.pending += n // counted with the next sync
			q.mu.Unlock()
			q.log.WarnContext(ctx, "request quota unavailable, not limiting", "err", err)
			return Decision{}, err
		}
		k.shared, k.synced, k.ends = shared, now, now.Add(left)
		hits, ends = shared+k.pending, k.ends
		q.mu.Unlock()
	}
	return Decision{Limit: limit, Remaining: max(limit-hits, 0), Reset: max(ends.Sub(now), 0), Allowed: hits <= limit}, nil
}

// sweep forgets the keys whose windows ended long ago, once per period.
func (q *Quota) sweep(now time.Time) {
	if now.Sub(q.swept) < q.Period {
		return
	}
	q.swept = now
	for key, k := range q.keys {
		if k.pending == 0 && now.Sub(k.ends) > q.Period {
			delete(q.keys, key)
		}
	}
}
