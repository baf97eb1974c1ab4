-- +goose Up
-- Notes on an opportunity; the author or an admin edits or deletes them.
CREATE TABLE notes (
    id             uuid PRIMARY KEY,
    workspace_id   uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    opportunity_id uuid        NOT NULL,
    author_id      uuid        NOT NULL,
    body           text        NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    version        bigint      NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    CONSTRAINT notes_opportunity_fk FOREIGN KEY (workspace_id, opportunity_id)
        REFERENCES opportunities (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT notes_author_fk FOREIGN KEY (workspace_id, author_id) REFERENCES users (workspace_id, id)
);
-- An opportunity's notes, newest first: the list and the timeline.
CREATE INDEX notes_opportunity ON notes (workspace_id, opportunity_id, created_at, id);

-- Files attached to an opportunity. The bytes live in the blob store under
-- their SHA-256 (content-addressed), so equal files share one blob.
CREATE TABLE attachments (
    id             uuid PRIMARY KEY,
    workspace_id   uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    opportunity_id uuid        NOT NULL,
    file_name      text        NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
    content_type   text        NOT NULL,
    size           bigint      NOT NULL CHECK (size >= 0),
    sha256         text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    uploaded_by    uuid        NOT NULL,
    created_at     timestamptz NOT NULL,
    UNIQUE (workspace_id, id),
    CONSTRAINT attachments_opportunity_fk FOREIGN KEY (workspace_id, opportunity_id)
        REFERENCES opportunities (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT attachments_uploaded_by_fk FOREIGN KEY (workspace_id, uploaded_by) REFERENCES users (workspace_id, id)
);
CREATE INDEX attachments_opportunity ON attachments (workspace_id, opportunity_id, created_at, id);

-- +goose Down
DROP TABLE attachments;
DROP TABLE notes;
