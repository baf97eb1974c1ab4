-- +goose Up
-- Invoices and credit notes of won opportunities. A draft has no number;
-- issuing takes the next number of the workspace's invoice series for the
-- issue year (invoice_counters, incremented in the issuing transaction, so
-- a rollback returns it and deleted drafts leave no gap) and freezes the
-- document (snapshot). Lines live in the row as jsonb: each names the line
-- it invoices (an opportunity line or a signed quote's line), so that what
-- an opportunity has invoiced per line is one aggregate over its invoices.
CREATE TABLE invoice_counters (
    workspace_id uuid    NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    year         integer NOT NULL CHECK (year BETWEEN 1 AND 9999),
    n            integer NOT NULL CHECK (n > 0),
    PRIMARY KEY (workspace_id, year)
);

CREATE TABLE invoices (
    id                  uuid PRIMARY KEY,
    workspace_id        uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    opportunity_id      uuid        NOT NULL,
    kind                text        NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    status              text        NOT NULL CHECK (status IN ('draft', 'issued', 'partially_paid', 'paid', 'credited')),
    -- The invoice a credit note credits.
    credits_id          uuid,
    source              text        NOT NULL CHECK (source IN ('lines', 'quote')),
    quote_id            uuid,
    template_id         uuid REFERENCES quote_templates (id) ON DELETE SET NULL,
    number              text,
    year                integer,
    seq                 integer,
    ocr                 text CHECK (ocr ~ '^[0-9]{2,25}$'),
    language            text        NOT NULL CHECK (language IN ('en', 'sv')),
    currency            char(3)     NOT NULL,
    offer_discount      integer     NOT NULL DEFAULT 0 CHECK (offer_discount BETWEEN 0 AND 10000),
    buyer_reference     text        NOT NULL DEFAULT '',
    note                text        NOT NULL DEFAULT '',
    lines               jsonb       NOT NULL DEFAULT '[]',
    totals              jsonb       NOT NULL DEFAULT '{}',
    -- Signed figures (negative on credit notes), kept in columns for the
    -- reports: net before VAT, VAT, total, what was paid, what credit
    -- notes took off.
    net                 bigint      NOT NULL DEFAULT 0,
    vat_total           bigint      NOT NULL DEFAULT 0,
    total               bigint      NOT NULL DEFAULT 0,
    paid                bigint      NOT NULL DEFAULT 0,
    credited            bigint      NOT NULL DEFAULT 0,
    payment_terms_days  integer CHECK (payment_terms_days BETWEEN 0 AND 365),
    issue_date          date,
    due_date            date,
    snapshot            jsonb,
    issued_at           timestamptz,
    issued_by           uuid,
    sent_at             timestamptz,
    overdue_notified_at timestamptz,
    created_by          uuid,
    version             bigint      NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    UNIQUE (workspace_id, id),
    UNIQUE (workspace_id, number),
    -- An issued document has its number, dates and frozen snapshot.
    CONSTRAINT invoices_issued_complete CHECK (status = 'draft' OR
        (number IS NOT NULL AND ocr IS NOT NULL AND issue_date IS NOT NULL AND due_date IS NOT NULL AND snapshot IS NOT NULL)),
    CONSTRAINT invoices_credit_note CHECK ((kind = 'credit_note') = (credits_id IS NOT NULL)),
    -- Invoices keep their opportunity: it is not deleted while it has any.
    CONSTRAINT invoices_opportunity_fk FOREIGN KEY (workspace_id, opportunity_id)
        REFERENCES opportunities (workspace_id, id) ON DELETE RESTRICT,
    CONSTRAINT invoices_credits_fk FOREIGN KEY (workspace_id, credits_id)
        REFERENCES invoices (workspace_id, id) ON DELETE RESTRICT
);
CREATE INDEX invoices_ws_created ON invoices (workspace_id, created_at, id);
CREATE INDEX invoices_ws_number ON invoices (workspace_id, number, id);
CREATE INDEX invoices_ws_due ON invoices (workspace_id, due_date, id);
CREATE INDEX invoices_ws_issue ON invoices (workspace_id, issue_date, id);
CREATE INDEX invoices_opportunity ON invoices (workspace_id, opportunity_id, created_at, id);
CREATE INDEX invoices_ws_ocr ON invoices (workspace_id, ocr) WHERE ocr IS NOT NULL;
-- The overdue job walks the unpaid issued invoices.
CREATE INDEX invoices_unpaid ON invoices (due_date) WHERE status IN ('issued', 'partially_paid') AND kind = 'invoice';

-- Payments received on an issued invoice; a payment entered by mistake is
-- deleted, which reverses it.
CREATE TABLE invoice_payments (
    id           uuid PRIMARY KEY,
    workspace_id uuid        NOT NULL,
    invoice_id   uuid        NOT NULL,
    amount       bigint      NOT NULL CHECK (amount > 0),
    paid_on      date        NOT NULL,
    method       text        NOT NULL CHECK (method IN ('bank_transfer', 'bankgiro', 'plusgiro', 'card', 'cash', 'other')),
    reference    text        NOT NULL DEFAULT '',
    created_by   uuid,
    created_at   timestamptz NOT NULL,
    UNIQUE (workspace_id, id),
    CONSTRAINT invoice_payments_invoice_fk FOREIGN KEY (workspace_id, invoice_id)
        REFERENCES invoices (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX invoice_payments_invoice ON invoice_payments (workspace_id, invoice_id, paid_on, id);

-- Settings: the invoice number format and payment terms of the workspace,
-- and an organization's own payment terms (which win over the workspace's).
ALTER TABLE workspaces
    ADD COLUMN invoice_number_format text    NOT NULL DEFAULT '{year}-{seq}'
        CHECK (length(invoice_number_format) BETWEEN 1 AND 40),
    ADD COLUMN payment_terms_days    integer NOT NULL DEFAULT 30 CHECK (payment_terms_days BETWEEN 0 AND 365);
ALTER TABLE organizations
    ADD COLUMN payment_terms_days integer CHECK (payment_terms_days BETWEEN 0 AND 365);

-- The invoice e-mail of a template (empty: the default texts).
ALTER TABLE quote_templates
    ADD COLUMN invoice_email_subject text NOT NULL DEFAULT '',
    ADD COLUMN invoice_email_body    text NOT NULL DEFAULT '';

-- Invoice PDFs and e-invoices filed on the opportunity when sent.
ALTER TABLE attachments DROP CONSTRAINT attachments_source_check;
ALTER TABLE attachments ADD CONSTRAINT attachments_source_check
    CHECK (source IN ('upload', 'quote', 'signed_quote', 'invoice'));

-- Invoice events on the opportunity's timeline.
CREATE INDEX events_opportunity_invoices ON events (workspace_id, opportunity_id, occurred_at, id)
    WHERE type LIKE 'invoice.%';

-- +goose Down
DROP INDEX events_opportunity_invoices;
DELETE FROM attachments WHERE source = 'invoice';
ALTER TABLE attachments DROP CONSTRAINT attachments_source_check;
ALTER TABLE attachments ADD CONSTRAINT attachments_source_check
    CHECK (source IN ('upload', 'quote', 'signed_quote'));
ALTER TABLE quote_templates DROP COLUMN invoice_email_body, DROP COLUMN invoice_email_subject;
ALTER TABLE organizations DROP COLUMN payment_terms_days;
ALTER TABLE workspaces DROP COLUMN payment_terms_days, DROP COLUMN invoice_number_format;
DROP TABLE invoice_payments;
DROP TABLE invoices;
DROP TABLE invoice_counters;
