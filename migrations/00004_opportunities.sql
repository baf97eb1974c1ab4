-- +goose Up
CREATE TABLE opportunities (
    id                   uuid PRIMARY KEY,
    workspace_id         uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    title                text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    organization_id      uuid,
    person_id            uuid,
    contact_person_id    uuid,
    owner_id             uuid        NOT NULL,
    pipeline_id          uuid        NOT NULL,
    phase_id             uuid        NOT NULL,
    probability          integer     NOT NULL CHECK (probability BETWEEN 0 AND 100),
    probability_override integer CHECK (probability_override BETWEEN 0 AND 100),
    estimated_amount     bigint      NOT NULL DEFAULT 0 CHECK (estimated_amount >= 0),
    currency             char(3)     NOT NULL,
    expected_order_date  date,
    source_id            uuid,
    description          text        NOT NULL DEFAULT '',
    status               text        NOT NULL CHECK (status IN ('open', 'won', 'lost', 'expired')),
    closed_at            timestamptz,
    lost_reason          text,
    created_by           uuid        NOT NULL,
    version              bigint      NOT NULL DEFAULT 1,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, id),
    CONSTRAINT opportunities_relation_required CHECK (organization_id IS NOT NULL OR person_id IS NOT NULL),
    CONSTRAINT opportunities_closed_at CHECK ((status = 'open') = (closed_at IS NULL)),
    CONSTRAINT opportunities_organization_fk FOREIGN KEY (workspace_id, organization_id)
        REFERENCES organizations (workspace_id, id) ON DELETE RESTRICT,
    CONSTRAINT opportunities_person_fk FOREIGN KEY (workspace_id, person_id)
        REFERENCES persons (workspace_id, id) ON DELETE RESTRICT,
    CONSTRAINT opportunities_contact_fk FOREIGN KEY (workspace_id, contact_person_id)
        REFERENCES persons (workspace_id, id) ON DELETE RESTRICT,
    CONSTRAINT opportunities_owner_fk FOREIGN KEY (workspace_id, owner_id) REFERENCES users (workspace_id, id),
    CONSTRAINT opportunities_pipeline_fk FOREIGN KEY (workspace_id, pipeline_id) REFERENCES pipelines (workspace_id, id),
    -- The phase belongs to the opportunity's pipeline, enforced by the schema too.
    CONSTRAINT opportunities_phase_fk FOREIGN KEY (pipeline_id, phase_id) REFERENCES phases (pipeline_id, id),
    CONSTRAINT opportunities_source_fk FOREIGN KEY (workspace_id, source_id) REFERENCES sources (workspace_id, id)
);

-- Keyset pagination per sort column.
CREATE INDEX opportunities_ws_created ON opportunities (workspace_id, created_at, id);
CREATE INDEX opportunities_ws_updated ON opportunities (workspace_id, updated_at, id);
CREATE INDEX opportunities_ws_amount ON opportunities (workspace_id, estimated_amount, id);
CREATE INDEX opportunities_ws_expected ON opportunities (workspace_id, (COALESCE(expected_order_date, 'infinity'::date)), id);
-- Filters and foreign-key look-ups.
CREATE INDEX opportunities_ws_owner ON opportunities (workspace_id, owner_id, created_at, id);
CREATE INDEX opportunities_phase ON opportunities (phase_id);
CREATE INDEX opportunities_organization ON opportunities (organization_id) WHERE organization_id IS NOT NULL;
CREATE INDEX opportunities_person ON opportunities (person_id) WHERE person_id IS NOT NULL;
CREATE INDEX opportunities_contact ON opportunities (contact_person_id) WHERE contact_person_id IS NOT NULL;
CREATE INDEX opportunities_source ON opportunities (source_id) WHERE source_id IS NOT NULL;
-- The board and the forecast read only open opportunities with a date.
CREATE INDEX opportunities_forecast ON opportunities (workspace_id, expected_order_date)
    INCLUDE (pipeline_id, phase_id, owner_id, source_id, currency, estimated_amount, probability)
    WHERE status = 'open' AND expected_order_date IS NOT NULL;
CREATE INDEX opportunities_board ON opportunities (workspace_id, phase_id, expected_order_date, id)
    INCLUDE (currency, estimated_amount, probability)
    WHERE status = 'open' AND expected_order_date IS NOT NULL;
CREATE INDEX opportunities_title_trgm ON opportunities USING gin (lower(title) gin_trgm_ops);

CREATE TABLE phase_changes (
    id               uuid PRIMARY KEY,
    workspace_id     uuid        NOT NULL,
    opportunity_id   uuid        NOT NULL,
    -- Names are kept so that the history still reads after a phase is deleted.
    from_phase_id    uuid,
    from_phase_name  text,
    to_phase_id      uuid        NOT NULL,
    to_phase_name    text        NOT NULL,
    from_probability integer,
    to_probability   integer     NOT NULL,
    changed_by       uuid        NOT NULL,
    changed_at       timestamptz NOT NULL,
    FOREIGN KEY (workspace_id, opportunity_id) REFERENCES opportunities (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX phase_changes_opportunity ON phase_changes (opportunity_id, changed_at, id);

-- +goose Down
DROP TABLE phase_changes;
DROP TABLE opportunities;
