-- +goose Up
-- Imports find an organization by its name, case ignored (the oldest of
-- several): one index read instead of a trigram search per row.
CREATE INDEX organizations_ws_lower_name ON organizations (workspace_id, lower(name), created_at, id);

-- +goose Down
DROP INDEX organizations_ws_lower_name;
