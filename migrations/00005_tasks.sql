-- +goose Up
CREATE TABLE tasks (
    id             uuid PRIMARY KEY,
    workspace_id   uuid        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    title          text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description    text        NOT NULL DEFAULT '' CHECK (length(description) <= 10000),
    -- Optional for tasks made by hand; follow-ups always have one.
    due_at         timestamptz,
    assignee_id    uuid        NOT NULL,
    opportunity_id uuid,
    status         text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    completed_at   timestamptz,
    created_by     uuid        NOT NULL,
    version        bigint      NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, id),
    CONSTRAINT tasks_completed_at CHECK ((status = 'done') = (completed_at IS NOT NULL)),
    -- Composite keys: a task can only name users and opportunities of its own workspace.
    CONSTRAINT tasks_assignee_fk FOREIGN KEY (workspace_id, assignee_id) REFERENCES users (workspace_id, id),
    CONSTRAINT tasks_created_by_fk FOREIGN KEY (workspace_id, created_by) REFERENCES users (workspace_id, id),
    CONSTRAINT tasks_opportunity_fk FOREIGN KEY (workspace_id, opportunity_id)
        REFERENCES opportunities (workspace_id, id) ON DELETE CASCADE
);

-- Lists sort by due time with undated tasks last: COALESCE makes NULL sort
-- as 'infinity', so that keyset row comparisons never meet a NULL.
-- "My open tasks": a user's open tasks by due time.
CREATE INDEX tasks_my_open ON tasks (workspace_id, assignee_id, (COALESCE(due_at, 'infinity'::timestamptz)), id)
    WHERE status = 'open';
-- An opportunity's tasks (and the cascade when it is deleted).
CREATE INDEX tasks_opportunity ON tasks (workspace_id, opportunity_id, (COALESCE(due_at, 'infinity'::timestamptz)), id)
    WHERE opportunity_id IS NOT NULL;
-- Keyset pagination per sort column.
CREATE INDEX tasks_ws_due ON tasks (workspace_id, (COALESCE(due_at, 'infinity'::timestamptz)), id);
CREATE INDEX tasks_ws_created ON tasks (workspace_id, created_at, id);
CREATE INDEX tasks_ws_updated ON tasks (workspace_id, updated_at, id);
CREATE INDEX tasks_ws_assignee ON tasks (workspace_id, assignee_id, created_at, id);

-- What happened to a task, for the opportunity's timeline.
CREATE TABLE task_events (
    id               uuid PRIMARY KEY,
    workspace_id     uuid        NOT NULL,
    task_id          uuid        NOT NULL,
    kind             text        NOT NULL CHECK (kind IN ('created', 'completed', 'reopened', 'reassigned', 'due_changed')),
    actor_id         uuid        NOT NULL,
    at               timestamptz NOT NULL,
    from_assignee_id uuid,
    to_assignee_id   uuid,
    from_due_at      timestamptz,
    to_due_at        timestamptz,
    CONSTRAINT task_events_reassigned CHECK (kind <> 'reassigned' OR (from_assignee_id IS NOT NULL AND to_assignee_id IS NOT NULL)),
    CONSTRAINT task_events_task_fk FOREIGN KEY (workspace_id, task_id) REFERENCES tasks (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT task_events_actor_fk FOREIGN KEY (workspace_id, actor_id) REFERENCES users (workspace_id, id)
);
CREATE INDEX task_events_task ON task_events (task_id, at, id);

-- +goose Down
DROP TABLE task_events;
DROP TABLE tasks;
