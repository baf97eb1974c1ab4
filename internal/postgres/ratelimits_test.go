package postgres_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/acme/crm/internal/postgres"
	"github.com/acme/crm/internal/ratelimit"
	"github.com/acme/crm/internal/testenv"
)

// TestSharedRateLimit: limiters of several replicas on one database allow
// Max attempts in total, also when they race; a reset on one frees the key
// on all; an ended window starts afresh.
func TestSharedRateLimit(t *testing.T) {
	t.Parallel()
	db := testenv.DB(t)
	counts := postgres.NewRateLimits(db)
	replicas := []*ratelimit.Shared{
		ratelimit.NewShared(counts, "login", 10, time.Minute, nil),
		ratelimit.NewShared(counts, "login", 10, time.Minute, nil),
		ratelimit.NewShared(counts, "login", 10, time.Minute, nil),
	}
	var mu sync.Mutex
	allowed := 0
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Go(func() {
			if ok, _ := replicas[i%3].Allow("acct:a@example.com"); ok {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if allowed != 10 {
		t.Fatalf("30 concurrent attempts on 3 replicas: got %d allowed, want 10", allowed)
	}
	ok, after := replicas[0].Allow("acct:a@example.com")
	if ok || after <= 0 || after > time.Minute {
		t.Errorf("attempt 31: got ok=%v retry after %v, want refused within a minute", ok, after)
	}
	if ok, _ := replicas[1].Allow("acct:b@example.com"); !ok {
		t.Error("another key: refused, want allowed")
	}
	replicas[2].Reset("acct:a@example.com")
	if ok, _ := replicas[0].Allow("acct:a@example.com"); !ok {
		t.Error("after a reset on another replica: refused, want allowed")
	}

	other := ratelimit.NewShared(counts, "other", 10, time.Minute, nil)
	if ok, _ := other.Allow("acct:b@example.com"); !ok {
		t.Error("the same key in a limiter of another name: refused, want its own count")
	}

	short := ratelimit.NewShared(counts, "short", 1, 50*time.Millisecond, nil)
	if ok, _ := short.Allow("ip:192.0.2.1"); !ok {
		t.Fatal("first attempt refused")
	}
	if ok, _ := short.Allow("ip:192.0.2.1"); ok {
		t.Fatal("second attempt in the window allowed")
	}
	time.Sleep(60 * time.Millisecond) // the window must end; the database's clock decides
	if ok, _ := short.Allow("ip:192.0.2.1"); !ok {
		t.Error("first attempt of a new window refused")
	}
	if n, err := counts.Sweep(context.Background()); err != nil || n != 0 {
		// Only the short window's row could have ended, and it was renewed.
		t.Errorf("sweep: got %d, %v, want 0 rows", n, err)
	}
}

// BenchmarkQuotaTake is the cost the request quota adds to every
// authenticated request: one upsert on rate_limits, for one caller (the
// hottest row) and spread over 1 000 callers.
func BenchmarkQuotaTake(b *testing.B) {
	q := ratelimit.NewQuota(postgres.NewRateLimits(testenv.DB(b)), "api", time.Minute, nil)
	ctx := context.Background()
	b.Run("OneCaller", func(b *testing.B) {
		for b.Loop() {
			if _, err := q.Take(ctx, "user:one", 1_000_000_000); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ManyCallers", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			if _, err := q.Take(ctx, "user:"+string(rune('a'+i%1000)), 1_000_000_000); err != nil {
				b.Fatal(err)
			}
		}
	})
}
