-- +goose Up
-- Trigram indexes make the lists' ?q= (a case-insensitive substring match)
-- fast on large tables. pg_trgm is a trusted extension (PostgreSQL 13+), so
-- the owner of the database may create it without being a superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE organizations (
    id                  uuid PRIMARY KEY,
    workspace_id        uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name                text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    registration_number text        NOT NULL DEFAULT '' CHECK (length(registration_number) <= 50),
    vat_number          text        NOT NULL DEFAULT '' CHECK (length(vat_number) <= 50),
    email               text        NOT NULL DEFAULT '' CHECK (length(email) <= 254),
    phone               text        NOT NULL DEFAULT '' CHECK (length(phone) <= 50),
    website             text        NOT NULL DEFAULT '' CHECK (length(website) <= 500),
    street              text        NOT NULL DEFAULT '' CHECK (length(street) <= 200),
    postal_code         text        NOT NULL DEFAULT '' CHECK (length(postal_code) <= 20),
    city                text        NOT NULL DEFAULT '' CHECK (length(city) <= 100),
    -- ISO 3166-1 alpha-2, or empty when unknown.
    country             text        NOT NULL DEFAULT '' CHECK (country = '' OR country ~ '^[A-Z]{2}$'),
    version             bigint      NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    -- Target of composite foreign keys, so that no row of one workspace can
    -- point to an organization of another.
    UNIQUE (workspace_id, id)
);
CREATE INDEX organizations_ws_created ON organizations (workspace_id, created_at, id);
CREATE INDEX organizations_ws_updated ON organizations (workspace_id, updated_at, id);
CREATE INDEX organizations_ws_name ON organizations (workspace_id, name, id);
CREATE INDEX organizations_name_trgm ON organizations USING gin (lower(name) gin_trgm_ops);
CREATE INDEX organizations_email_trgm ON organizations USING gin (lower(email) gin_trgm_ops);

CREATE TABLE persons (
    id              uuid PRIMARY KEY,
    workspace_id    uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    first_name      text        NOT NULL DEFAULT '' CHECK (length(first_name) <= 100),
    last_name       text        NOT NULL DEFAULT '' CHECK (length(last_name) <= 100),
    email           text        NOT NULL DEFAULT '' CHECK (length(email) <= 254),
    phone           text        NOT NULL DEFAULT '' CHECK (length(phone) <= 50),
    job_title       text        NOT NULL DEFAULT '' CHECK (length(job_title) <= 200),
    organization_id uuid,
    version         bigint      NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, id),
    CONSTRAINT persons_name_required CHECK (first_name <> '' OR last_name <> ''),
    -- Deleting an organization detaches its persons first (the service does
    -- it, bumping their versions); the key only guards against mistakes.
    CONSTRAINT persons_organization_fk FOREIGN KEY (workspace_id, organization_id)
        REFERENCES organizations (workspace_id, id)
);
CREATE INDEX persons_ws_created ON persons (workspace_id, created_at, id);
CREATE INDEX persons_ws_updated ON persons (workspace_id, updated_at, id);
-- The full name as shown; storage sorts and searches on the same expression.
CREATE INDEX persons_ws_name ON persons (workspace_id, btrim(first_name || ' ' || last_name), id);
CREATE INDEX persons_organization ON persons (organization_id, created_at, id) WHERE organization_id IS NOT NULL;
CREATE INDEX persons_name_trgm ON persons USING gin (lower(btrim(first_name || ' ' || last_name)) gin_trgm_ops);
CREATE INDEX persons_email_trgm ON persons USING gin (lower(email) gin_trgm_ops);

-- +goose Down
DROP TABLE persons;
DROP TABLE organizations;
-- pg_trgm stays: other tables' indexes may use it, and it is harmless.
