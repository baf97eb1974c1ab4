-- +goose Up
CREATE TABLE pipelines (
    id                    uuid PRIMARY KEY,
    workspace_id          uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name                  text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    is_default            boolean     NOT NULL DEFAULT false,
    quote_sent_phase_id   uuid,
    quote_signed_phase_id uuid,
    version               bigint      NOT NULL DEFAULT 1,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, id)
);
-- At most one default per workspace; the service keeps at least one.
CREATE UNIQUE INDEX pipelines_one_default ON pipelines (workspace_id) WHERE is_default;
CREATE INDEX pipelines_workspace_created ON pipelines (workspace_id, created_at, id);

CREATE TABLE phases (
    id           uuid PRIMARY KEY,
    workspace_id uuid        NOT NULL,
    pipeline_id  uuid        NOT NULL,
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    probability  integer     NOT NULL CHECK (probability BETWEEN 0 AND 100),
    kind         text        NOT NULL CHECK (kind IN ('open', 'won', 'lost', 'expired')),
    color        text        NOT NULL CHECK (color ~ '^#[0-9A-F]{6}$'),
    position     integer     NOT NULL,
    version      bigint      NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, id),
    UNIQUE (pipeline_id, id),
    FOREIGN KEY (workspace_id, pipeline_id) REFERENCES pipelines (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX phases_pipeline_position ON phases (pipeline_id, position);

-- A quote phase is a phase of the same pipeline; deleting it clears the setting.
ALTER TABLE pipelines
    ADD FOREIGN KEY (id, quote_sent_phase_id) REFERENCES phases (pipeline_id, id)
        ON DELETE SET NULL (quote_sent_phase_id) DEFERRABLE INITIALLY DEFERRED,
    ADD FOREIGN KEY (id, quote_signed_phase_id) REFERENCES phases (pipeline_id, id)
        ON DELETE SET NULL (quote_signed_phase_id) DEFERRABLE INITIALLY DEFERRED;

CREATE TABLE sources (
    id           uuid PRIMARY KEY,
    workspace_id uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    active       boolean     NOT NULL DEFAULT true,
    position     integer     NOT NULL DEFAULT 0,
    version      bigint      NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, id)
);
CREATE UNIQUE INDEX sources_name_key ON sources (workspace_id, lower(name));
CREATE INDEX sources_workspace_position ON sources (workspace_id, position, id);

-- +goose Down
DROP TABLE sources;
ALTER TABLE pipelines DROP CONSTRAINT IF EXISTS pipelines_id_quote_sent_phase_id_fkey,
    DROP CONSTRAINT IF EXISTS pipelines_id_quote_signed_phase_id_fkey;
DROP TABLE phases;
DROP TABLE pipelines;
