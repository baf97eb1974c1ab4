-- +goose Up
-- Requests a minute one API key may make (429 beyond); NULL: the server's
-- default (CRM_RATE_LIMIT_PER_MINUTE). Counted in rate_limits, shared by
-- every replica.
ALTER TABLE api_keys ADD COLUMN rate_limit_per_minute integer
    CHECK (rate_limit_per_minute BETWEEN 1 AND 1000000);

-- +goose Down
ALTER TABLE api_keys DROP COLUMN rate_limit_per_minute;
