-- +goose Up
-- Meetings with colleagues (attendees) and customer contacts (persons),
-- optionally about an opportunity. Every reference is a composite key with
-- the workspace, so an id of another workspace fails like a missing one.
CREATE TABLE appointments (
    id             uuid PRIMARY KEY,
    workspace_id   uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    title          text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description    text        NOT NULL DEFAULT '' CHECK (length(description) <= 10000),
    location       text        NOT NULL DEFAULT '' CHECK (length(location) <= 500),
    -- All-day appointments run from midnight UTC of their first day to
    -- midnight UTC after their last day (exclusive), so the dates survive.
    starts_at      timestamptz NOT NULL,
    ends_at        timestamptz NOT NULL,
    all_day        boolean     NOT NULL DEFAULT false,
    organizer_id   uuid        NOT NULL,
    opportunity_id uuid,
    created_by     uuid        NOT NULL,
    version        bigint      NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    UNIQUE (workspace_id, id),
    CONSTRAINT appointments_ends_after_start CHECK (ends_at > starts_at),
    CONSTRAINT appointments_organizer_fk FOREIGN KEY (workspace_id, organizer_id) REFERENCES users (workspace_id, id),
    CONSTRAINT appointments_created_by_fk FOREIGN KEY (workspace_id, created_by) REFERENCES users (workspace_id, id),
    CONSTRAINT appointments_opportunity_fk FOREIGN KEY (workspace_id, opportunity_id)
        REFERENCES opportunities (workspace_id, id) ON DELETE SET NULL (opportunity_id)
);
-- A user's calendar as organizer: appointments starting before the range's end.
CREATE INDEX appointments_organizer ON appointments (workspace_id, organizer_id, starts_at);
-- The opportunity's timeline.
CREATE INDEX appointments_opportunity ON appointments (workspace_id, opportunity_id, created_at, id)
    WHERE opportunity_id IS NOT NULL;

CREATE TABLE appointment_attendees (
    workspace_id   uuid NOT NULL,
    appointment_id uuid NOT NULL,
    user_id        uuid NOT NULL,
    PRIMARY KEY (appointment_id, user_id),
    CONSTRAINT appointment_attendees_appointment_fk FOREIGN KEY (workspace_id, appointment_id)
        REFERENCES appointments (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT appointment_attendees_user_fk FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id)
);
-- A user's calendar as attendee.
CREATE INDEX appointment_attendees_user ON appointment_attendees (workspace_id, user_id, appointment_id);

CREATE TABLE appointment_persons (
    workspace_id   uuid NOT NULL,
    appointment_id uuid NOT NULL,
    person_id      uuid NOT NULL,
    PRIMARY KEY (appointment_id, person_id),
    CONSTRAINT appointment_persons_appointment_fk FOREIGN KEY (workspace_id, appointment_id)
        REFERENCES appointments (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT appointment_persons_person_fk FOREIGN KEY (workspace_id, person_id)
        REFERENCES persons (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX appointment_persons_person ON appointment_persons (workspace_id, person_id);

-- One secret calendar feed per user. Only the SHA-256 of the token is kept;
-- regenerating replaces the row, which revokes the old URL.
CREATE TABLE calendar_feeds (
    workspace_id uuid        NOT NULL,
    user_id      uuid        NOT NULL,
    token_hash   bytea       NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, user_id),
    CONSTRAINT calendar_feeds_user_fk FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE calendar_feeds;
DROP TABLE appointment_persons;
DROP TABLE appointment_attendees;
DROP TABLE appointments;
