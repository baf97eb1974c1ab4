-- +goose Up
-- A signup waits here until its address is confirmed: the API answers every
-- signup alike (202) and mails the address a code, so that the answer does
-- not tell whether the address already has an account. Only the code's
-- SHA-256 is kept; the password only as its argon2id hash.
CREATE TABLE signup_requests (
    id             uuid        PRIMARY KEY,
    email          text        NOT NULL,
    code_hash      bytea       NOT NULL UNIQUE,
    workspace_name text        NOT NULL,
    name           text        NOT NULL,
    currency       text        NOT NULL,
    password_hash  text        NOT NULL,
    expires_at     timestamptz NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX signup_requests_email ON signup_requests (lower(email));
CREATE INDEX signup_requests_expires ON signup_requests (expires_at);

-- +goose Down
DROP TABLE signup_requests;
