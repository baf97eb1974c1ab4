// Package ratelimit counts attempts per key in fixed windows: Shared keeps
// the counts in a store every replica of the API sees (PostgreSQL), so that
// a limit holds however many replicas serve the requests; Window counts in
// this process's memory (tests, and Shared's fallback when its store fails).
package ratelimit

import (
	"sync"
	"time"
)

// Window allows Max attempts per key in each Period.
type Window struct {
	Max    int
	Period time.Duration
	now    func() time.Time

	mu      sync.Mutex
	entries map[string]*entry
	swept   time.Time
}

type entry struct {
	start time.Time
	count int
}

// New returns a limiter of max attempts per period and key.
func New(max int, period time.Duration) *Window {
	return &Window{Max: max, Period: period, now: time.Now, entries: map[string]*entry{}}
}

// Allow counts an attempt for key and reports whether it is within the
// limit; when it is not, retryAfter says when the window ends.
func (w *Window) Allow(key string) (bool, time.Duration) {
	now := w.now()
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sweep(now)
	e := w.entries[key]
	if e == nil || now.Sub(e.start) >= w.Period {
		e = &entry{start: now}
		w.entries[key] = e
	}
	e.count++
	if e.count > w.Max {
		return false, e.start.Add(w.Period).Sub(now)
	}
	return true, 0
}

// Reset forgets key's attempts (after a successful log-in).
func (w *Window) Reset(key string) {
	w.mu.Lock()
	delete(w.entries, key)
	w.mu.Unlock()
}

// sweep drops expired windows once per period so memory stays bounded.
func (w *Window) sweep(now time.Time) {
	if now.Sub(w.swept) < w.Period {
		return
	}
	w.swept = now
	for k, e := range w.entries {
		if now.Sub(e.start) >= w.Period {
			delete(w.entries, k)
		}
	}
}

// Limiter allows or refuses an attempt at a key (identity.Limiter).
type Limiter interface {
	Allow(key string) (ok bool, retryAfter time.Duration)
	Reset(key string)
}

// Multi applies a limiter per key prefix ("ip:", "acct:"...), falling back
// to a default.
type Multi struct {
	ByPrefix map[string]Limiter
	Default  Limiter
}

// Allow implements identity.Limiter.
func (m Multi) Allow(key string) (bool, time.Duration) { return m.pick(key).Allow(key) }

// Reset implements identity.Limiter.
func (m Multi) Reset(key string) { m.pick(key).Reset(key) }

func (m Multi) pick(key string) Limiter {
	for p, w := range m.ByPrefix {
		if len(key) >= len(p) && key[:len(p)] == p {
			return w
		}
	}
	return m.Default
}
