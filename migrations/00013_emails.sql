-- +goose Up
-- E-mails to customers about an opportunity: the outbox. A row is written
-- in the same transaction as the job that delivers it (River's river_job,
-- created by rivermigrate after these migrations), so none is lost or sent
-- twice for one request. Addresses and attachment references are JSON
-- arrays: they are only ever read back whole.
CREATE TABLE emails (
    id             uuid PRIMARY KEY,
    workspace_id   uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    opportunity_id uuid        NOT NULL,
    sender_id      uuid        NOT NULL,
    from_name      text        NOT NULL,
    from_email     text        NOT NULL,
    reply_to       text        NOT NULL,
    to_addrs       jsonb       NOT NULL,
    cc_addrs       jsonb       NOT NULL,
    subject        text        NOT NULL,
    body           text        NOT NULL,
    attachments    jsonb       NOT NULL,
    status         text        NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'not_configured')),
    message_id     text,
    error          text,
    attempts       int         NOT NULL DEFAULT 0,
    sent_at        timestamptz,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    CONSTRAINT emails_opportunity_fk FOREIGN KEY (workspace_id, opportunity_id)
        REFERENCES opportunities (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT emails_sender_fk FOREIGN KEY (workspace_id, sender_id) REFERENCES users (workspace_id, id)
);
-- An opportunity's e-mails, newest first: the list and the timeline.
CREATE INDEX emails_opportunity ON emails (workspace_id, opportunity_id, created_at, id);

-- +goose Down
DROP TABLE emails;
