package ratelimit

import (
	"context"
	"log/slog"
	"time"
)

// Counter keeps attempt counts where every replica sees them
// (postgres.RateLimits).
type Counter interface {
	// Hit counts one attempt at key in its current window of period (a
	// new window when the last has ended) and returns the attempts in
	// that window so far and the time until it ends.
	Hit(ctx context.Context, key string, period time.Duration) (hits int, left time.Duration, err error)
	// Add counts n attempts at once, like Hit.
	Add(ctx context.Context, key string, n int, period time.Duration) (hits int, left time.Duration, err error)
	// Forget ends key's window.
	Forget(ctx context.Context, key string) error
}

// Decider is what a Counter may add to decide an attempt by itself with a
// smoother rule than fixed windows (rediscount: GCRA, which lets Max
// attempts through at once and then one every Period/Max, so no burst of
// 2 × Max straddles a window's end). Reset must then forget its state too.
type Decider interface {
	Allow(ctx context.Context, key string, max int, period time.Duration) (ok bool, retryAfter time.Duration, err error)
}

// Shared allows Max attempts per key in each Period, counted in a Counter
// shared by all replicas: N replicas together allow Max, not N × Max.
// When the counter fails (database unreachable), it counts in memory
// instead, so a limit still holds per replica and log-in is not refused
// for the counter's sake.
type Shared struct {
	Name    string // namespaces the keys: limiters of other names never share a count
	Max     int
	Period  time.Duration
	counter Counter
	local   *Window
	log     *slog.Logger
	// Timeout bounds each call to the counter: Allow has no context of its
	// own (identity.Limiter), so it must not wait long.
	Timeout time.Duration
}

// NewShared returns the limiter name of max attempts per period and key,
// counted in c.
func NewShared(c Counter, name string, max int, period time.Duration, log *slog.Logger) *Shared {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Shared{Name: name, Max: max, Period: period, counter: c, local: New(max, period), log: log, Timeout: 2 * time.Second}
}

// Allow counts an attempt for key and reports whether it is within the
// limit; when it is not, retryAfter says when the window ends.
func (s *Shared) Allow(key string) (bool, time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), s.Timeout)
	defer cancel()
	if l, ok := s.counter.(Decider); ok {
		allowed, wait, err := l.Allow(ctx, s.Name+"\x00"+key, s.Max, s.Period)
		if err != nil {
			s.log.Warn("shared rate limit unavailable, counting in memory", "err", err)
			return s.local.Allow(key)
		}
		if !allowed {
			return false, max(wait, time.Second)
		}
		return true, 0
	}
	hits, left, err := s.counter.Hit(ctx, s.Name+"\x00"+key, s.Period)
	if err != nil {
		s.log.Warn("shared rate limit unavailable, counting in memory", "err", err)
		return s.local.Allow(key)
	}
	if hits > s.Max {
		return false, max(left, time.Second)
	}
	return true, 0
}

// Reset forgets key's attempts (after a successful log-in).
func (s *Shared) Reset(key string) {
	s.local.Reset(key)
	ctx, cancel := context.WithTimeout(context.Background(), s.Timeout)
	defer cancel()
	if err := s.counter.Forget(ctx, s.Name+"\x00"+key); err != nil {
		s.log.Warn("shared rate limit: forget attempts", "err", err)
	}
}
