-- +goose Up
-- The dashboard's sources count the opportunities created since midnight a
-- year ago: from created_totals that is a row per day, source and currency,
-- some 5 000 rows in a large workspace and most of the dashboard's
-- statement. created_month_totals keeps the same sums per month, in step
-- with created_totals (outcome_totals_add adds to both), so the sources read
-- the whole months after the first one from it and only the first month's
-- days from created_totals: a few hundred rows however old the workspace.
CREATE TABLE created_month_totals (
    workspace_id uuid    NOT NULL,
    month        date    NOT NULL,
    source_id    uuid,
    currency     char(3) NOT NULL,
    created      bigint  NOT NULL,
    won          bigint  NOT NULL,
    closed       bigint  NOT NULL,
    won_amount   numeric NOT NULL,
    CONSTRAINT created_month_totals_key UNIQUE NULLS NOT DISTINCT (workspace_id, month, source_id, currency)
);

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION outcome_totals_add(o opportunities, n bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    n_won      bigint  := CASE WHEN o.status = 'won' THEN n ELSE 0 END;
    n_closed   bigint  := CASE WHEN o.status <> 'open' THEN n ELSE 0 END;
    won_sum    numeric := CASE WHEN o.status = 'won' THEN n * o.estimated_amount ELSE 0 END;
BEGIN
    IF o.status <> 'open' AND o.closed_at IS NOT NULL THEN
        INSERT INTO closed_totals AS t (workspace_id, day, status, currency, count, amount)
        VALUES (o.workspace_id, (o.closed_at AT TIME ZONE 'UTC')::date, o.status, o.currency, n, n * o.estimated_amount)
        ON CONFLICT (workspace_id, day, status, currency) DO UPDATE
            SET count = t.count + EXCLUDED.count, amount = t.amount + EXCLUDED.amount;
    END IF;
    INSERT INTO created_totals AS t (workspace_id, day, source_id, currency, created, won, closed, won_amount)
    VALUES (o.workspace_id, (o.created_at AT TIME ZONE 'UTC')::date, o.source_id, o.currency, n, n_won, n_closed, won_sum)
    ON CONFLICT ON CONSTRAINT created_totals_key DO UPDATE
        SET created = t.created + EXCLUDED.created, won = t.won + EXCLUDED.won, closed = t.closed + EXCLUDED.closed,
            won_amount = t.won_amount + EXCLUDED.won_amount;
    INSERT INTO created_month_totals AS t (workspace_id, month, source_id, currency, created, won, closed, won_amount)
    VALUES (o.workspace_id, date_trunc('month', o.created_at AT TIME ZONE 'UTC')::date, o.source_id, o.currency, n,
            n_won, n_closed, won_sum)
    ON CONFLICT ON CONSTRAINT created_month_totals_key DO UPDATE
        SET created = t.created + EXCLUDED.created, won = t.won + EXCLUDED.won, closed = t.closed + EXCLUDED.closed,
            won_amount = t.won_amount + EXCLUDED.won_amount;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION outcome_totals_rebuild(ws uuid) RETURNS void LANGUAGE sql AS $$
    DELETE FROM closed_totals WHERE workspace_id = ws;
    DELETE FROM created_totals WHERE workspace_id = ws;
    DELETE FROM created_month_totals WHERE workspace_id = ws;
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
    INSERT INTO created_month_totals (workspace_id, month, source_id, currency, created, won, closed, won_amount)
    SELECT workspace_id, date_trunc('month', day)::date, source_id, currency, sum(created), sum(won), sum(closed), sum(won_amount)
    FROM created_totals
    WHERE workspace_id = ws
    GROUP BY 1, 2, 3, 4;
$$;
-- +goose StatementEnd

INSERT INTO created_month_totals (workspace_id, month, source_id, currency, created, won, closed, won_amount)
SELECT workspace_id, date_trunc('month', day)::date, source_id, currency, sum(created), sum(won), sum(closed), sum(won_amount)
FROM created_totals
GROUP BY 1, 2, 3, 4;

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION outcome_totals_add(o opportunities, n bigint) RETURNS void LANGUAGE plpgsql AS $$
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
CREATE OR REPLACE FUNCTION outcome_totals_rebuild(ws uuid) RETURNS void LANGUAGE sql AS $$
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

DROP TABLE created_month_totals;
