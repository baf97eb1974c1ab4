-- +goose Up
-- The customer's side of a quote: its link (kept sealed so that the
-- salesperson's e-mail and a replaced version's page can name it again),
-- the exact PDF the customer reads (a blob named by its SHA-256), views,
-- and the customer's response (signed, change requested, rejected).
ALTER TABLE quotes
    ADD COLUMN token_sealed         bytea,
    ADD COLUMN document_sha256      text CHECK (document_sha256 ~ '^[0-9a-f]{64}$'),
    ADD COLUMN viewed_at            timestamptz,
    ADD COLUMN last_viewed_at       timestamptz,
    ADD COLUMN response             jsonb,
    ADD COLUMN signed_attachment_id uuid;
-- The expiry job walks the versions still out with customers.
CREATE INDEX quotes_awaiting ON quotes (valid_until) WHERE status IN ('sent', 'viewed');
-- The newest version of a number (is this link current?).
CREATE INDEX quotes_number_version ON quotes (workspace_id, number, quote_version DESC);

-- Documents the product files itself (the sent and the signed quote) have
-- no uploading user; source says where a file came from.
ALTER TABLE attachments
    ALTER COLUMN uploaded_by DROP NOT NULL,
    ADD COLUMN source text NOT NULL DEFAULT 'upload' CHECK (source IN ('upload', 'quote', 'signed_quote')),
    ADD COLUMN quote_id uuid;

-- Workspace settings for quotes: the time zone a validity date ends in, and
-- whether an opportunity whose current quote expired moves to its
-- pipeline's expired phase.
ALTER TABLE workspaces
    ADD COLUMN time_zone            text    NOT NULL DEFAULT 'Europe/Stockholm',
    ADD COLUMN expire_opportunities boolean NOT NULL DEFAULT false;

-- The evidence log: every customer action on a quote (view, sign, change
-- request, reject) and every salesperson action (send, revise, withdraw),
-- one hash chain per workspace: hash = SHA-256(prev_hash || canonical JSON
-- of the row). audit_heads holds each chain's end and serialises appends.
CREATE TABLE audit_heads (
    workspace_id uuid PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    seq          bigint NOT NULL,
    hash         bytea  NOT NULL
);
CREATE TABLE audit_log (
    workspace_id   uuid        NOT NULL REFERENCES workspaces (id),
    seq            bigint      NOT NULL CHECK (seq > 0),
    id             uuid        NOT NULL UNIQUE,
    quote_id       uuid        NOT NULL,
    opportunity_id uuid        NOT NULL,
    action         text        NOT NULL,
    actor_kind     text        NOT NULL CHECK (actor_kind IN ('user', 'api_key', 'customer', 'system')),
    actor_id       uuid,
    actor_name     text        NOT NULL,
    actor_email    text        NOT NULL,
    occurred_at    timestamptz NOT NULL,
    data           jsonb       NOT NULL,
    prev_hash      bytea       NOT NULL,
    hash           bytea       NOT NULL,
    PRIMARY KEY (workspace_id, seq)
);
CREATE INDEX audit_log_quote ON audit_log (workspace_id, quote_id, seq);

-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- Quote events on the opportunity's timeline.
CREATE INDEX events_opportunity_quotes ON events (workspace_id, opportunity_id, occurred_at, id)
    WHERE type LIKE 'quote.%';

-- +goose Down
DROP INDEX events_opportunity_quotes;
DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only();
DROP TABLE audit_heads;
ALTER TABLE workspaces DROP COLUMN expire_opportunities, DROP COLUMN time_zone;
ALTER TABLE attachments DROP COLUMN quote_id, DROP COLUMN source;
DELETE FROM attachments WHERE uploaded_by IS NULL;
ALTER TABLE attachments ALTER COLUMN uploaded_by SET NOT NULL;
DROP INDEX quotes_number_version;
DROP INDEX quotes_awaiting;
ALTER TABLE quotes DROP COLUMN signed_attachment_id, DROP COLUMN response, DROP COLUMN last_viewed_at,
    DROP COLUMN viewed_at, DROP COLUMN document_sha256, DROP COLUMN token_sealed;
