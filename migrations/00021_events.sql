-- +goose Up
-- Domain events: one row per fact others react to, written in the same
-- transaction as the change (with the River jobs of its reactions). Events
-- outlive their subjects (a deleted opportunity's history still reads), so
-- subject ids carry no foreign key.
CREATE TABLE events (
    id             uuid PRIMARY KEY,
    workspace_id   uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    type           text        NOT NULL CHECK (type ~ '^[a-z_]+\.[a-z_]+$'),
    subject_type   text        NOT NULL,
    subject_id     uuid        NOT NULL,
    opportunity_id uuid,
    actor_kind     text        NOT NULL CHECK (actor_kind IN ('user', 'api_key', 'customer', 'system')),
    actor_id       uuid,
    actor_name     text        NOT NULL DEFAULT '',
    actor_email    text        NOT NULL DEFAULT '',
    occurred_at    timestamptz NOT NULL,
    payload        jsonb       NOT NULL DEFAULT '{}',
    UNIQUE (workspace_id, id)
);
CREATE INDEX events_ws_occurred ON events (workspace_id, occurred_at, id);
CREATE INDEX events_subject ON events (workspace_id, subject_id, occurred_at);

-- Phase changes name who made them: a user, an API key's creator, the
-- customer who signed a quote, or the system (an expired quote).
ALTER TABLE phase_changes
    ALTER COLUMN changed_by DROP NOT NULL,
    ADD COLUMN actor_kind text NOT NULL DEFAULT 'user'
        CHECK (actor_kind IN ('user', 'api_key', 'customer', 'system')),
    ADD COLUMN actor_name text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE phase_changes DROP COLUMN actor_name, DROP COLUMN actor_kind;
DELETE FROM phase_changes WHERE changed_by IS NULL;
ALTER TABLE phase_changes ALTER COLUMN changed_by SET NOT NULL;
DROP TABLE events;
