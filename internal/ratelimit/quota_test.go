package ratelimit

import (
	"context"
	"sync"
	"testing"
	"time"
)

// memCounter is a Counter in memory that every Quota of a test shares, as
// replicas share the database's; it counts the calls made to it.
type memCounter struct {
	mu    sync.Mutex
	hits  map[string]int
	calls int
}

func (m *memCounter) Hit(ctx context.Context, key string, period time.Duration) (int, time.Duration, error) {
	return m.Add(ctx, key, 1, period)
}

func (m *memCounter) Add(_ context.Context, key string, n int, _ time.Duration) (int, time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.hits == nil {
		m.hits = map[string]int{}
	}
	m.calls++
	m.hits[key] += n
	return m.hits[key], 30 * time.Second, nil
}

func (m *memCounter) Forget(context.Context, string) error { return nil }

func replica(c Counter, clock *time.Time) *Quota {
	q := NewQuota(c, "api", time.Minute, nil)
	q.now = func() time.Time { return *clock }
	return q
}

// Far below the limit, a replica writes the shared count once per second
// per key, not once per request, and still reports the remaining count.
func TestQuotaSyncsOncePerSecondBelowHalf(t *testing.T) {
	c, clock := &memCounter{}, time.Unix(1_000_000, 0)
	q := replica(c, &clock)
	for i := 1; i <= 100; i++ {
		d, err := q.Take(context.Background(), "user:1", 1000)
		if err != nil || !d.Allowed || d.Remaining != 1000-i {
			t.Fatalf("request %d: got %+v, %v; want allowed with %d remaining", i, d, err, 1000-i)
		}
	}
	if c.calls != 1 {
		t.Errorf("100 requests within a second: %d writes to the shared count, want 1", c.calls)
	}
	clock = clock.Add(time.Second)
	if _, err := q.Take(context.Background(), "user:1", 1000); err != nil || c.calls != 2 || c.hits["api\x00user:1"] != 101 {
		t.Errorf("a second later: %d writes and a shared count of %d, want 2 and 101", c.calls, c.hits["api\x00user:1"])
	}
}

// From half the limit on, every request is counted in the shared count at
// once, so two replicas together allow exactly the limit.
func TestQuotaIsExactAcrossReplicasNearTheLimit(t *testing.T) {
	c, clock := &memCounter{}, time.Unix(1_000_000, 0)
	a, b := replica(c, &clock), replica(c, &clock)
	allowed := 0
	for i := range 10 {
		q := a
		if i%2 == 1 {
			q = b
		}
		d, err := q.Take(context.Background(), "key:1", 6)
		if err != nil {
			t.Fatal(err)
		}
		if d.Allowed {
			allowed++
		}
	}
	if allowed != 6 {
		t.Errorf("10 requests over two replicas with a limit of 6: %d allowed, want 6", allowed)
	}
}

// A replica sees the other replicas' requests at its next sync.
func TestQuotaSeesOtherReplicasAtTheNextSync(t *testing.T) {
	c, clock := &memCounter{}, time.Unix(1_000_000, 0)
	a, b := replica(c, &clock), replica(c, &clock)
	for range 50 {
		if _, err := b.Take(context.Background(), "user:1", 1000); err != nil {
			t.Fatal(err)
		}
	}
	clock = clock.Add(time.Second)
	if _, err := b.Take(context.Background(), "user:1", 1000); err != nil { // b adds its 50
		t.Fatal(err)
	}
	d, err := a.Take(context.Background(), "user:1", 1000)
	if err != nil || d.Remaining != 1000-52 {
		t.Errorf("first request on a after b's 51: got %+v, %v; want %d remaining", d, err, 1000-52)
	}
}
