-- +goose Up
-- The appointment list in start order (keyset pagination).
CREATE INDEX appointments_ws_starts ON appointments (workspace_id, starts_at, id);

-- +goose Down
DROP INDEX appointments_ws_starts;
