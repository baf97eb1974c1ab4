-- +goose Up
-- Log-in (and other) rate-limit counters shared by every replica of the
-- API: one row per limiter key (its SHA-256, so no e-mail address or client
-- address is stored in clear) and fixed window. UNLOGGED: counters need no
-- WAL, are not replicated and may be lost in a crash, which at worst gives
-- an attacker a fresh window.
CREATE UNLOGGED TABLE rate_limits (
    key        bytea       PRIMARY KEY,
    hits       integer     NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX rate_limits_expires_at ON rate_limits (expires_at);

-- +goose Down
DROP TABLE rate_limits;
