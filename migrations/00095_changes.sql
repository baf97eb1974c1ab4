-- +goose Up
-- The change feed (GET /api/v1/changes, the live stream): one row per
-- created, updated or deleted record, written by triggers in the
-- transaction of the change. xid is that transaction's id; a reader only
-- returns rows whose xid is below the oldest transaction still running
-- (pg_snapshot_xmin), so a transaction that started early and commits late
-- can never slip in behind a cursor that was already handed out. Ordered by
-- (xid, seq). Rows older than the retention are pruned by a periodic job.
CREATE TABLE changes (
    seq          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    xid          bigint      NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    workspace_id uuid        NOT NULL,
    type         text        NOT NULL,
    record_id    uuid        NOT NULL,
    deleted      boolean     NOT NULL DEFAULT false,
    changed_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX changes_ws_position ON changes (workspace_id, xid, seq);
CREATE INDEX changes_changed_at ON changes (changed_at);

-- +goose StatementBegin
CREATE FUNCTION record_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ws  uuid;
    rid uuid;
BEGIN
    IF TG_OP = 'DELETE' THEN
        ws := OLD.workspace_id; rid := OLD.id;
    ELSE
        ws := NEW.workspace_id; rid := NEW.id;
    END IF;
    INSERT INTO changes (workspace_id, type, record_id, deleted) VALUES (ws, TG_ARGV[0], rid, TG_OP = 'DELETE');
    -- Delivered at commit, once per transaction and workspace: live
    -- streams on every replica read the feed back when it arrives.
    PERFORM pg_notify('crm_changes', ws::text);
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER opportunities_changes_write AFTER INSERT OR DELETE ON opportunities FOR EACH ROW EXECUTE FUNCTION record_change('opportunity');
CREATE TRIGGER opportunities_changes_update AFTER UPDATE ON opportunities FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION record_change('opportunity');
CREATE TRIGGER organizations_changes_write AFTER INSERT OR DELETE ON organizations FOR EACH ROW EXECUTE FUNCTION record_change('organization');
CREATE TRIGGER organizations_changes_update AFTER UPDATE ON organizations FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION record_change('organization');
CREATE TRIGGER persons_changes_write AFTER INSERT OR DELETE ON persons FOR EACH ROW EXECUTE FUNCTION record_change('person');
CREATE TRIGGER persons_changes_update AFTER UPDATE ON persons FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION record_change('person');
CREATE TRIGGER products_changes_write AFTER INSERT OR DELETE ON products FOR EACH ROW EXECUTE FUNCTION record_change('product');
CREATE TRIGGER products_changes_update AFTER UPDATE ON products FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION record_change('product');
CREATE TRIGGER tasks_changes_write AFTER INSERT OR DELETE ON tasks FOR EACH ROW EXECUTE FUNCTION record_change('task');
CREATE TRIGGER tasks_changes_update AFTER UPDATE ON tasks FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION record_change('task');
CREATE TRIGGER notes_changes_write AFTER INSERT OR DELETE ON notes FOR EACH ROW EXECUTE FUNCTION record_change('note');
CREATE TRIGGER notes_changes_update AFTER UPDATE ON notes FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION record_change('note');
CREATE TRIGGER appointments_changes_write AFTER INSERT OR DELETE ON appointments FOR EACH ROW EXECUTE FUNCTION record_change('appointment');
CREATE TRIGGER appointments_changes_update AFTER UPDATE ON appointments FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION record_change('appointment');
CREATE TRIGGER quotes_changes_write AFTER INSERT OR DELETE ON quotes FOR EACH ROW EXECUTE FUNCTION record_change('quote');
CREATE TRIGGER quotes_changes_update AFTER UPDATE ON quotes FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION record_change('quote');

-- +goose Down
DROP TRIGGER quotes_changes_update ON quotes;
DROP TRIGGER quotes_changes_write ON quotes;
DROP TRIGGER appointments_changes_update ON appointments;
DROP TRIGGER appointments_changes_write ON appointments;
DROP TRIGGER notes_changes_update ON notes;
DROP TRIGGER notes_changes_write ON notes;
DROP TRIGGER tasks_changes_update ON tasks;
DROP TRIGGER tasks_changes_write ON tasks;
DROP TRIGGER products_changes_update ON products;
DROP TRIGGER products_changes_write ON products;
DROP TRIGGER persons_changes_update ON persons;
DROP TRIGGER persons_changes_write ON persons;
DROP TRIGGER organizations_changes_update ON organizations;
DROP TRIGGER organizations_changes_write ON organizations;
DROP TRIGGER opportunities_changes_update ON opportunities;
DROP TRIGGER opportunities_changes_write ON opportunities;
DROP FUNCTION record_change();
DROP TABLE changes;
