package rediscount_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/rediscount"
)

func open(t *testing.T) *rediscount.Counter {
	t.Helper()
	url := os.Getenv("TEST_REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/0"
	}
	c, err := rediscount.Open(context.Background(), url)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("redis: %v", err)
		}
		t.Skipf("no redis: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Two counters (two replicas) on one Redis share the window: the 11th hit
// across both is over a limit of 10; Forget starts again; a window ends.
func TestSharedWindowAcrossReplicas(t *testing.T) {
	a, b := open(t), open(t)
	ctx := context.Background()
	key := "acct:" + uuid.NewString()
	for i := 1; i <= 11; i++ {
		c := a
		if i%2 == 0 {
			c = b
		}
		n, left, err := c.Hit(ctx, key, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if n != i || left <= 0 || left > time.Minute {
			t.Fatalf("hit %d: got %d, %v left", i, n, left)
		}
	}
	if err := b.Forget(ctx, key); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := a.Hit(ctx, key, time.Minute); n != 1 {
		t.Errorf("after Forget: got %d, want 1", n)
	}
	short := "ip:" + uuid.NewString()
	a.Hit(ctx, short, 50*time.Millisecond)
	deadline := time.Now().Add(5 * time.Second)
	for {
		n, _, err := b.Hit(ctx, short, 50*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			break // a new window
		}
		if time.Now().After(deadline) {
			t.Fatal("the window never ended")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// GCRA across two replicas: a burst of max passes, the next attempt on
// either waits about period/max, Forget lets the key start again, and one
// attempt comes back after period/max.
func TestGCRAAcrossReplicas(t *testing.T) {
	a, b := open(t), open(t)
	ctx := context.Background()
	key := "login:" + uuid.NewString()
	for i := 1; i <= 10; i++ {
		c := a
		if i%2 == 0 {
			c = b
		}
		ok, _, err := c.Allow(ctx, key, 10, time.Minute)
		if err != nil || !ok {
			t.Fatalf("attempt %d refused (%v)", i, err)
		}
	}
	ok, wait, err := b.Allow(ctx, key, 10, time.Minute)
	if err != nil || ok || wait <= 0 || wait > 6*time.Second+time.Second/2 {
		t.Fatalf("11th attempt: ok %v, wait %v (%v); want refused for about 6s", ok, wait, err)
	}
	if err := a.Forget(ctx, key); err != nil {
		t.Fatal(err)
	}
	if ok, _, _ := b.Allow(ctx, key, 10, time.Minute); !ok {
		t.Error("after Forget: refused")
	}
	fast := "ip:" + uuid.NewString()
	for i := 0; i < 2; i++ {
		a.Allow(ctx, fast, 2, 200*time.Millisecond)
	}
	if ok, _, _ := b.Allow(ctx, fast, 2, 200*time.Millisecond); ok {
		t.Fatal("third attempt of 2 allowed at once")
	}
	time.Sleep(150 * time.Millisecond) // one emission interval (100 ms) has passed
	if ok, _, _ := b.Allow(ctx, fast, 2, 200*time.Millisecond); !ok {
		t.Error("no attempt allowed after period/max")
	}
}
