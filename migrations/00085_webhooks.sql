-- +goose Up
-- Webhook subscriptions of a workspace. The signing secret is stored
-- encrypted (AES-256-GCM); after a rotation the previous one keeps signing
-- beside the new one until previous_secret_until.
CREATE TABLE webhook_subscriptions (
    id                    uuid PRIMARY KEY,
    workspace_id          uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    url                   text        NOT NULL,
    description           text        NOT NULL DEFAULT '',
    event_types           jsonb       NOT NULL,
    pipeline_id           uuid,
    owner_id              uuid,
    enabled               boolean     NOT NULL DEFAULT true,
    disabled_reason       text        NOT NULL DEFAULT '',
    secret                bytea       NOT NULL,
    previous_secret       bytea,
    previous_secret_until timestamptz,
    -- failing_since is the first failed attempt since the last success.
    failing_since         timestamptz,
    created_by            uuid,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    UNIQUE (workspace_id, id),
    -- A pipeline or user a subscription filters on cannot be deleted
    -- under it (409): dropping the filter would widen what it receives.
    CONSTRAINT webhook_subscriptions_pipeline_fk FOREIGN KEY (workspace_id, pipeline_id) REFERENCES pipelines (workspace_id, id),
    CONSTRAINT webhook_subscriptions_owner_fk FOREIGN KEY (workspace_id, owner_id) REFERENCES users (workspace_id, id)
);
CREATE INDEX webhook_subscriptions_ws ON webhook_subscriptions (workspace_id, created_at, id);

-- One message per (subscription, event): the fan-out of an event to a
-- subscription happens once whatever the retries and replicas.
CREATE TABLE webhook_messages (
    id              uuid PRIMARY KEY,
    workspace_id    uuid        NOT NULL,
    subscription_id uuid        NOT NULL,
    event_id        uuid        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    created_at      timestamptz NOT NULL,
    UNIQUE (subscription_id, event_id),
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, subscription_id) REFERENCES webhook_subscriptions (workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, event_id) REFERENCES events (workspace_id, id) ON DELETE CASCADE
);

-- Every HTTP attempt of a message.
CREATE TABLE webhook_deliveries (
    id              uuid PRIMARY KEY,
    workspace_id    uuid        NOT NULL,
    subscription_id uuid        NOT NULL,
    message_id      uuid        NOT NULL,
    event_id        uuid        NOT NULL,
    event_type      text        NOT NULL,
    attempt         integer     NOT NULL,
    trigger         text        NOT NULL CHECK (trigger IN ('event', 'retry', 'redeliver', 'replay', 'test')),
    succeeded       boolean     NOT NULL,
    status_code     integer,
    duration_ms     integer     NOT NULL,
    error           text        NOT NULL DEFAULT '',
    response        text        NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    UNIQUE (workspace_id, id),
    FOREIGN KEY (workspace_id, message_id) REFERENCES webhook_messages (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_sub ON webhook_deliveries (workspace_id, subscription_id, created_at DESC, id DESC);

-- Pruning old events (30 days) reads by time across workspaces.
CREATE INDEX events_occurred ON events (occurred_at);

-- +goose Down
DROP INDEX events_occurred;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_messages;
DROP TABLE webhook_subscriptions;
