-- +goose Up
-- The opportunity timeline reads each source newest first through an index
-- on (workspace, opportunity, time, id), so a page costs the same however
-- many events an opportunity has. Notes and attachments have theirs; tasks
-- need one for creation and one for completion.
CREATE INDEX tasks_opportunity_created ON tasks (workspace_id, opportunity_id, created_at, id)
    WHERE opportunity_id IS NOT NULL;
CREATE INDEX tasks_opportunity_completed ON tasks (workspace_id, opportunity_id, completed_at, id)
    WHERE opportunity_id IS NOT NULL AND completed_at IS NOT NULL;
CREATE INDEX task_events_completed ON task_events (task_id, at) WHERE kind = 'completed';
CREATE INDEX phase_changes_timeline ON phase_changes (workspace_id, opportunity_id, changed_at, id);

-- +goose Down
DROP INDEX phase_changes_timeline;
DROP INDEX task_events_completed;
DROP INDEX tasks_opportunity_completed;
DROP INDEX tasks_opportunity_created;
