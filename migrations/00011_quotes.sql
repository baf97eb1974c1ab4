-- +goose Up
-- Quote templates (company profile, texts, e-mail), quotes with their
-- versions, and the per-year counters that number them without gaps.
CREATE TABLE quote_templates (
    id                  uuid PRIMARY KEY,
    workspace_id        uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name                text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    is_default          boolean     NOT NULL DEFAULT false,
    company_name        text        NOT NULL DEFAULT '',
    address             text        NOT NULL DEFAULT '',
    postal_code         text        NOT NULL DEFAULT '',
    city                text        NOT NULL DEFAULT '',
    country             text        NOT NULL DEFAULT '',
    registration_number text        NOT NULL DEFAULT '',
    vat_number          text        NOT NULL DEFAULT '',
    email               text        NOT NULL DEFAULT '',
    phone               text        NOT NULL DEFAULT '',
    website             text        NOT NULL DEFAULT '',
    bank_name           text        NOT NULL DEFAULT '',
    bank_account        text        NOT NULL DEFAULT '',
    iban                text        NOT NULL DEFAULT '',
    bic                 text        NOT NULL DEFAULT '',
    primary_color       text        NOT NULL DEFAULT '',
    -- The logo lives with its template: at most 1 MiB, read only to render.
    logo                bytea CHECK (octet_length(logo) <= 1048576),
    logo_mime           text CHECK (logo_mime IN ('image/png', 'image/jpeg')),
    intro_text          text        NOT NULL DEFAULT '',
    terms_text          text        NOT NULL DEFAULT '',
    footer_text         text        NOT NULL DEFAULT '',
    validity_days       integer     NOT NULL DEFAULT 30 CHECK (validity_days BETWEEN 1 AND 365),
    language            text        NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'sv')),
    email_subject       text        NOT NULL DEFAULT '',
    email_body          text        NOT NULL DEFAULT '',
    version             bigint      NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, id),
    CONSTRAINT quote_templates_logo CHECK ((logo IS NULL) = (logo_mime IS NULL))
);
-- At most one default per workspace; the service keeps exactly one.
CREATE UNIQUE INDEX quote_templates_one_default ON quote_templates (workspace_id) WHERE is_default;
CREATE INDEX quote_templates_ws_name ON quote_templates (workspace_id, name, id);
CREATE INDEX quote_templates_ws_created ON quote_templates (workspace_id, created_at, id);

-- One row per workspace and year, incremented in the transaction that
-- creates a quote: a rollback returns the number, so numbers have no gaps
-- (a sequence would leave one).
CREATE TABLE quote_counters (
    workspace_id uuid    NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    year         integer NOT NULL CHECK (year BETWEEN 1 AND 9999),
    n            integer NOT NULL CHECK (n > 0),
    PRIMARY KEY (workspace_id, year)
);

CREATE TABLE quotes (
    id                uuid PRIMARY KEY,
    workspace_id      uuid        NOT NULL,
    opportunity_id    uuid        NOT NULL,
    template_id       uuid REFERENCES quote_templates (id) ON DELETE SET NULL,
    number            text        NOT NULL,
    quote_version     integer     NOT NULL CHECK (quote_version > 0),
    status            text        NOT NULL CHECK (status IN ('draft', 'sent', 'viewed', 'signed',
                          'change_requested', 'rejected', 'expired', 'withdrawn', 'superseded')),
    valid_until       date        NOT NULL,
    -- The contact as chosen; the snapshot holds what the quote prints.
    contact_person_id uuid,
    snapshot          jsonb       NOT NULL,
    changes           jsonb,
    currency          char(3)     NOT NULL,
    total             bigint      NOT NULL,
    -- Only the SHA-256 of the customer's link token is kept.
    token_hash        bytea UNIQUE,
    sent_at           timestamptz,
    sent_by           uuid,
    sent_channel      text CHECK (sent_channel IN ('link', 'direct', 'download', 'email')),
    status_changed_at timestamptz NOT NULL,
    created_by        uuid        NOT NULL,
    version           bigint      NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, number, quote_version),
    -- Quotes keep their numbers: an opportunity with quotes is not deleted.
    CONSTRAINT quotes_opportunity_fk FOREIGN KEY (workspace_id, opportunity_id)
        REFERENCES opportunities (workspace_id, id) ON DELETE RESTRICT
);
CREATE INDEX quotes_ws_created ON quotes (workspace_id, created_at, id);
CREATE INDEX quotes_opportunity ON quotes (opportunity_id, created_at, id);
CREATE INDEX quotes_ws_status ON quotes (workspace_id, status, created_at, id);

-- +goose Down
DROP TABLE quotes;
DROP TABLE quote_counters;
DROP TABLE quote_templates;
