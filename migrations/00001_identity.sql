-- +goose Up
CREATE TABLE workspaces (
    id               uuid PRIMARY KEY,
    name             text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    default_currency char(3)     NOT NULL DEFAULT 'EUR',
    follow_up_days   integer     NOT NULL DEFAULT 2 CHECK (follow_up_days BETWEEN 0 AND 365),
    version          bigint      NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id            uuid PRIMARY KEY,
    workspace_id  uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    email         text        NOT NULL,
    name          text        NOT NULL,
    password_hash text        NOT NULL,
    role          text        NOT NULL CHECK (role IN ('admin', 'member')),
    active        boolean     NOT NULL DEFAULT true,
    last_login_at timestamptz,
    version       bigint      NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, id)
);
-- One account per e-mail address across the product: log-in names no workspace.
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_workspace_created ON users (workspace_id, created_at, id);

CREATE TABLE refresh_tokens (
    id           uuid PRIMARY KEY,
    workspace_id uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id    uuid        NOT NULL,
    token_hash   bytea       NOT NULL UNIQUE,
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz,
    revoked_at   timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id) WHERE revoked_at IS NULL;

CREATE TABLE api_keys (
    id           uuid PRIMARY KEY,
    workspace_id uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         text        NOT NULL,
    prefix       text        NOT NULL,
    key_hash     bytea       NOT NULL UNIQUE,
    role         text        NOT NULL CHECK (role IN ('admin', 'member')),
    created_by   uuid        NOT NULL REFERENCES users (id),
    last_used_at timestamptz,
    revoked_at   timestamptz,
    version      bigint      NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_keys_workspace_created ON api_keys (workspace_id, created_at, id);

CREATE TABLE idempotency_keys (
    workspace_id     uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    principal_id     uuid        NOT NULL,
    key              text        NOT NULL,
    request_hash     bytea       NOT NULL,
    status_code      integer,
    response_headers jsonb,
    response_body    bytea,
    created_at       timestamptz NOT NULL DEFAULT now(),
    completed_at     timestamptz,
    PRIMARY KEY (workspace_id, principal_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE api_keys;
DROP TABLE refresh_tokens;
DROP TABLE users;
DROP TABLE workspaces;
