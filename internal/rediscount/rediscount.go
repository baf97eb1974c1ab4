// Package rediscount keeps rate limits in Redis for deployments that set
// REDIS_URL, so that every replica sees the same counts and the database
// is spared a write per attempt. Attempt limits (log-in, the customer's
// quote links: ratelimit.Shared) are decided by GCRA
// (github.com/go-redis/redis_rate), one atomic script per attempt; the
// per-caller request quota, whose RateLimit headers speak of windows,
// counts fixed windows like the PostgreSQL counter (ratelimit.Counter).
package rediscount

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// Counter is a ratelimit.Counter and ratelimit.Decider on Redis.
type Counter struct {
	c    *redis.Client
	gcra *redis_rate.Limiter
}

// Open connects to the Redis at url (redis://[user:pass@]host:port/db or
// rediss://) and checks that it answers.
func Open(ctx context.Context, url string) (*Counter, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	c := redis.NewClient(opts)
	if err := c.Ping(ctx).Err(); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("redis: %w", err)
	}
	return &Counter{c: c, gcra: redis_rate.NewLimiter(c)}, nil
}

// Close closes the connections.
func (r *Counter) Close() error { return r.c.Close() }

// hit increments the window's count, starting the window (its expiry) with
// the first hit, and answers the count and the milliseconds left.
var hit = redis.NewScript(`
local n = redis.call('INCRBY', KEYS[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}`)

// Hit implements ratelimit.Counter.
func (r *Counter) Hit(ctx context.Context, key string, period time.Duration) (int, time.Duration, error) {
	return r.Add(ctx, key, 1, period)
}

// Add implements ratelimit.Counter: n attempts at once.
func (r *Counter) Add(ctx context.Context, key string, n int, period time.Duration) (int, time.Duration, error) {
	res, err := hit.Run(ctx, r.c, []string{redisKey(key)}, period.Milliseconds(), n).Int64Slice()
	if err != nil || len(res) != 2 {
		return 0, 0, fmt.Errorf("count attempt in redis: %w", err)
	}
	return int(res[0]), time.Duration(res[1]) * time.Millisecond, nil
}

// Allow implements ratelimit.Decider: GCRA with a burst of max and max
// attempts per period.
func (r *Counter) Allow(ctx context.Context, key string, max int, period time.Duration) (bool, time.Duration, error) {
	res, err := r.gcra.Allow(ctx, redisKey(key), redis_rate.Limit{Rate: max, Burst: max, Period: period})
	if err != nil {
		return false, 0, fmt.Errorf("rate limit in redis: %w", err)
	}
	return res.Allowed > 0, res.RetryAfter, nil
}

// Forget implements ratelimit.Counter: both the window and the GCRA state.
func (r *Counter) Forget(ctx context.Context, key string) error {
	if err := r.c.Del(ctx, redisKey(key)).Err(); err != nil {
		return fmt.Errorf("forget attempts in redis: %w", err)
	}
	if err := r.gcra.Reset(ctx, redisKey(key)); err != nil {
		return fmt.Errorf("forget attempts in redis: %w", err)
	}
	return nil
}

// redisKey hashes the key (it may hold an e-mail address) under a prefix of
// the product's own.
func redisKey(key string) string {
	h := sha256.Sum256([]byte(key))
	return "crm:rl:" + hex.EncodeToString(h[:])
}
