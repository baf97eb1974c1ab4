-- +goose Up
-- Read-your-writes with read replicas: each principal's (user's or API
-- key's) last write as the primary's WAL position, recorded before the
-- answer to a write request leaves. A heavy read of that principal goes to
-- a replica only once the replica has replayed that far. UNLOGGED: read on
-- the primary only, never replicated; after a crash the marks are gone,
-- and so, within seconds, is any replica's lag from before it.
CREATE UNLOGGED TABLE write_marks (
    principal_id uuid        PRIMARY KEY,
    lsn          pg_lsn      NOT NULL,
    at           timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE write_marks;
