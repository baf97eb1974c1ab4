package app

import (
	"context"
	"time"

	"github.com/acme/crm/internal/postgres"
	"github.com/acme/crm/internal/ratelimit"
	"github.com/acme/crm/internal/rediscount"
)

// rateCounter is where rate limits count: Redis when cfg.RedisURL is set,
// else PostgreSQL; either way every replica shares the counts.
func rateCounter(cfg Config, pg *postgres.RateLimits) (ratelimit.Counter, error) {
	if cfg.RedisURL == "" {
		return pg, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return rediscount.Open(ctx, cfg.RedisURL)
}
