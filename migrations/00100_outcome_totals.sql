-- +goose Up
-- Daily totals of what the dashboard counts, kept in step by a trigger like
-- board_totals and forecast_totals, so that its won figures, win rate and
-- sources read a few hundred rows however many opportunities there are:
--   closed_totals:  won and lost opportunities per day (UTC) they closed,
--                   status and currency;
--   created_totals: opportunities per day (UTC) they were created, source
--                   and currency, with how many of them are won or closed
--                   now and the won ones' amount.
-- The dashboard adds the part of a day its range starts in from the
-- opportunities themselves (a narrow range of an index).
CREATE TABLE closed_totals (
    workspace_id uuid    NOT NULL,
    day          date    NOT NULL,
    status       text    NOT NULL,
    currency     char(3) NOT NULL,
    count        bigint  NOT NULL,
    amount       numeric NOT NULL,
    PRIMARY KEY (workspace_id, day, status, currency)
);

CREATE TABLE created_totals (
    workspace_id uuid    NOT NULL,
    day          date    NOT NULL,
    source_id    uuid,
    currency     char(3) NOT NULL,
    created      bigint  NOT NULL,
    won          bigint  NOT NULL,
    closed       bigint  NOT NULL,
    won_amount   numeric NOT NULL,
    CONSTRAINT created_totals_key UNIQUE NULLS NOT DISTINCT (workspace_id, day, source_id, currency)
);

CREATE INDEX opportunities_ws_closed ON opportunities (workspace_id, closed_at) WHERE closed_at IS NOT NULL;

-- +goose StatementBegin
CREATE FUNCTION outcome_totals_add(o opportunities, n bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF o.status <> 'open' AND o.closed_at IS NOT NULL THEN
        INSERT INTO closed_totals AS t (workspace_id, day, status, currency, count, amount)
        VALUES (o.workspace_id, (o.closed_at AT TIME ZONE 'UTC')::date, o.status, o.currency, n, n * o.estimated_amount)
        ON CONFLICT (workspace_id, day, status, currency) DO UPDATE
            SET count = t.count + EXCLUDED.count, amount = t.amount + EXCLUDED.amount;
    END IF;
    INSERT INTO created_totals AS t (workspace_id, day, source_id, currency, created, won, closed, won_amount)
    VALUES (o.workspace_id, (o.created_at AT TIME ZONE 'UTC')::date, o.source_id, o.currency, n,
            CASE WHEN o.status = 'won' THEN n ELSE 0 END, CASE WHEN o.status <> 'open' THEN n ELSE 0 END,
            CASE WHEN o.status = 'won' THEN n * o.estimated_amount ELSE 0 END)
    ON CONFLICT ON CONSTRAINT created_totals_key DO UPDATE
        SET created = t.created + EXCLUDED.created, won = t.won + EXCLUDED.won, closed = t.closed + EXCLUDED.closed,
            won_amount = t.won_amount + EXCLUDED.won_amount;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION outcome_totals_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status = NEW.status AND OLD.closed_at IS NOT DISTINCT FROM NEW.closed_at
       AND OLD.currency = NEW.currency AND OLD.source_id IS NOT DISTINCT FROM NEW.source_id
       AND OLD.created_at = NEW.created_at
       AND (OLD.estimated_amount = NEW.estimated_amount OR NEW.status = 'open') THEN
        RETURN NULL; -- nothing the dashboard counts changed
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM outcome_totals_add(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM outcome_totals_add(NEW, 1);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER opportunities_outcome_totals AFTER INSERT OR UPDATE OR DELETE ON opportunities
    FOR EACH ROW EXECUTE FUNCTION outcome_totals_track();

-- +goose StatementBegin
-- outcome_totals_rebuild recomputes a workspace's daily totals from its
-- opportunities (after bulk loads with the trigger disabled, or to repair).
CREATE FUNCTION outcome_totals_rebuild(ws uuid) RETURNS void LANGUAGE sql AS $$
    DELETE FROM closed_totals WHERE workspace_id = ws;
    DELETE FROM created_totals WHERE workspace_id = ws;
    INSERT INTO closed_totals (workspace_id, day, status, currency, count, amount)
    SELECT workspace_id, (closed_at AT TIME ZONE 'UTC')::date, status, currency, count(*), sum(estimated_amount)
    FROM opportunities
    WHERE workspace_id = ws AND status <> 'open' AND closed_at IS NOT NULL
    GROUP BY 1, 2, 3, 4;
    INSERT INTO created_totals (workspace_id, day, source_id, currency, created, won, closed, won_amount)
    SELECT workspace_id, (created_at AT TIME ZONE 'UTC')::date, source_id, currency, count(*),
           count(*) FILTER (WHERE status = 'won'), count(*) FILTER (WHERE status <> 'open'),
           COALESCE(sum(estimated_amount) FILTER (WHERE status = 'won'), 0)
    FROM opportunities
    WHERE workspace_id = ws
    GROUP BY 1, 2, 3, 4;
$$;
-- +goose StatementEnd

SELECT outcome_totals_rebuild(id) FROM workspaces;

-- +goose Down
DROP TRIGGER opportunities_outcome_totals ON opportunities;
DROP FUNCTION outcome_totals_rebuild(uuid);
DROP FUNCTION outcome_totals_track();
DROP FUNCTION outcome_totals_add(opportunities, bigint);
DROP INDEX opportunities_ws_closed;
DROP TABLE created_totals;
DROP TABLE closed_totals;
