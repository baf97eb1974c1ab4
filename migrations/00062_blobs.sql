-- +goose Up
-- File contents (attachments) kept in the database when CRM_BLOB_STORE is
-- "database", so that every replica of the API reads what any replica
-- stored without a shared folder. Content-addressed like the disk store:
-- the key is the hex SHA-256 of the bytes, so a file stored twice is kept
-- once and a row never changes.
CREATE TABLE blobs (
    key        text        PRIMARY KEY CHECK (key ~ '^[0-9a-f]{64}$'),
    data       bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE blobs;
