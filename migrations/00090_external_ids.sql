-- +goose Up
-- The id a record has in the system an integration syncs from (an ERP's
-- customer number, a webshop's product id...). Optional; when set, unique
-- per workspace and resource, so that PUT .../external/{external_id} and
-- batch items can create-or-update by it (INSERT ... ON CONFLICT on the
-- partial unique indexes below). Never empty: absent is NULL.
ALTER TABLE organizations ADD COLUMN external_id text CHECK (length(external_id) BETWEEN 1 AND 255);
ALTER TABLE persons       ADD COLUMN external_id text CHECK (length(external_id) BETWEEN 1 AND 255);
ALTER TABLE products      ADD COLUMN external_id text CHECK (length(external_id) BETWEEN 1 AND 255);
ALTER TABLE opportunities ADD COLUMN external_id text CHECK (length(external_id) BETWEEN 1 AND 255);
CREATE UNIQUE INDEX organizations_external_id ON organizations (workspace_id, external_id) WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX persons_external_id       ON persons (workspace_id, external_id) WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX products_external_id      ON products (workspace_id, external_id) WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX opportunities_external_id ON opportunities (workspace_id, external_id) WHERE external_id IS NOT NULL;

-- +goose Down
ALTER TABLE opportunities DROP COLUMN external_id;
ALTER TABLE products      DROP COLUMN external_id;
ALTER TABLE persons       DROP COLUMN external_id;
ALTER TABLE organizations DROP COLUMN external_id;
