-- +goose Up
-- The product catalogue and the product lines of opportunities.
CREATE TABLE products (
    id           uuid PRIMARY KEY,
    workspace_id uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    code         text        NOT NULL CHECK (length(code) BETWEEN 1 AND 50),
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description  text        NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
    unit         text        NOT NULL CHECK (length(unit) BETWEEN 1 AND 20),
    unit_price   bigint      NOT NULL CHECK (unit_price BETWEEN 0 AND 999999999999999),
    currency     char(3)     NOT NULL,
    vat_rate     integer     NOT NULL CHECK (vat_rate BETWEEN 0 AND 10000),
    active       boolean     NOT NULL DEFAULT true,
    version      bigint      NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, id)
);
-- Codes are unique per workspace, ignoring case.
CREATE UNIQUE INDEX products_code_key ON products (workspace_id, lower(code));
-- Type-ahead: prefixes of the code and of the whole name are btree range
-- scans. The "C" collation compares bytes, so a prefix is one key range
-- whatever the database's collation, and the index also yields the rows in
-- the order the answer is sorted in (and its cursors compare in).
CREATE INDEX products_code_prefix ON products (workspace_id, (lower(code) COLLATE "C"), id);
CREATE INDEX products_name_prefix ON products (workspace_id, (lower(name) COLLATE "C"), id);
-- The prefix of any word of the name: the 'simple' configuration lower-cases
-- words without stemming, and a GIN index answers prefix queries ('ab':*).
-- Without fastupdate, new products go straight into the index instead of a
-- pending list that every search scans until the next vacuum: catalogues
-- change rarely and are searched often.
CREATE INDEX products_name_words ON products USING gin (to_tsvector('simple', name)) WITH (fastupdate = off);
-- Plain lists.
CREATE INDEX products_ws_name ON products (workspace_id, name, id);
CREATE INDEX products_ws_created ON products (workspace_id, created_at, id);

ALTER TABLE opportunities
    ADD COLUMN offer_discount integer NOT NULL DEFAULT 0 CHECK (offer_discount BETWEEN 0 AND 10000);

CREATE TABLE opportunity_lines (
    id             uuid PRIMARY KEY,
    workspace_id   uuid          NOT NULL,
    opportunity_id uuid          NOT NULL,
    product_id     uuid,
    name           text          NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    unit           text          NOT NULL DEFAULT '' CHECK (length(unit) <= 20),
    description    text          NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
    quantity       numeric(15,3) NOT NULL CHECK (quantity > 0),
    unit_price     bigint        NOT NULL CHECK (unit_price BETWEEN 0 AND 999999999999999),
    discount       integer       NOT NULL DEFAULT 0 CHECK (discount BETWEEN 0 AND 10000),
    vat_rate       integer       NOT NULL CHECK (vat_rate BETWEEN 0 AND 10000),
    position       integer       NOT NULL,
    version        bigint        NOT NULL DEFAULT 1,
    created_at     timestamptz   NOT NULL DEFAULT now(),
    updated_at     timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT opportunity_lines_opportunity_fk FOREIGN KEY (workspace_id, opportunity_id)
        REFERENCES opportunities (workspace_id, id) ON DELETE CASCADE,
    -- Another workspace's product fails this key exactly like a missing one.
    -- Products used by lines cannot be deleted: they are deactivated.
    CONSTRAINT opportunity_lines_product_fk FOREIGN KEY (workspace_id, product_id)
        REFERENCES products (workspace_id, id) ON DELETE RESTRICT
);
CREATE INDEX opportunity_lines_opportunity ON opportunity_lines (opportunity_id, position, id);
CREATE INDEX opportunity_lines_product ON opportunity_lines (product_id) WHERE product_id IS NOT NULL;

-- +goose Down
DROP TABLE opportunity_lines;
ALTER TABLE opportunities DROP COLUMN offer_discount;
DROP TABLE products;
