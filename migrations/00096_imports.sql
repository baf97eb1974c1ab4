-- +goose Up
-- CSV imports (POST /api/v1/imports): the file is kept here until the job
-- that reads it has finished, so that any replica can work it.
CREATE TABLE imports (
    id          uuid PRIMARY KEY,
    workspace_id uuid       NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    resource    text        NOT NULL CHECK (resource IN ('organizations', 'persons', 'opportunities', 'products')),
    file_name   text        NOT NULL DEFAULT '',
    dry_run     boolean     NOT NULL DEFAULT false,
    mapping     jsonb       NOT NULL DEFAULT '{}',
    file        bytea,
    status      text        NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    rows_total  integer     NOT NULL DEFAULT 0,
    rows_done   integer     NOT NULL DEFAULT 0,
    created     integer     NOT NULL DEFAULT 0,
    updated     integer     NOT NULL DEFAULT 0,
    unchanged   integer     NOT NULL DEFAULT 0,
    error_count integer     NOT NULL DEFAULT 0,
    errors      jsonb       NOT NULL DEFAULT '[]',
    failure     text        NOT NULL DEFAULT '',
    created_by  uuid        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    UNIQUE (workspace_id, id)
);
CREATE INDEX imports_ws_created ON imports (workspace_id, created_at, id);

-- +goose Down
DROP TABLE imports;
