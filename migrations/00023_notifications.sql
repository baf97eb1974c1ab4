-- +goose Up
-- In-app notifications: one per event and recipient (a retried reaction
-- finds its row and does nothing twice).
CREATE TABLE notifications (
    id             uuid PRIMARY KEY,
    workspace_id   uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id        uuid        NOT NULL,
    event_id       uuid        NOT NULL,
    type           text        NOT NULL,
    title          text        NOT NULL,
    body           text        NOT NULL,
    quote_id       uuid,
    opportunity_id uuid,
    read_at        timestamptz,
    created_at     timestamptz NOT NULL,
    UNIQUE (event_id, user_id),
    CONSTRAINT notifications_user_fk FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX notifications_user ON notifications (workspace_id, user_id, created_at DESC, id DESC);
CREATE INDEX notifications_unread ON notifications (workspace_id, user_id) WHERE read_at IS NULL;

-- A user's language (e-mails to them) and whether they want notifications
-- by e-mail too.
ALTER TABLE users
    ADD COLUMN language            text    NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'sv')),
    ADD COLUMN email_notifications boolean NOT NULL DEFAULT true;

-- The outbox also carries the product's own e-mails to its users
-- (notifications): they have no sending user and stay off the
-- opportunity's timeline and e-mail list.
ALTER TABLE emails
    ALTER COLUMN sender_id DROP NOT NULL,
    ADD COLUMN purpose text NOT NULL DEFAULT 'customer' CHECK (purpose IN ('customer', 'notification'));

-- +goose Down
DELETE FROM emails WHERE purpose = 'notification';
ALTER TABLE emails DROP COLUMN purpose, ALTER COLUMN sender_id SET NOT NULL;
ALTER TABLE users DROP COLUMN email_notifications, DROP COLUMN language;
DROP TABLE notifications;
