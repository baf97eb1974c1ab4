-- The totals' rebuilds (crm seed, repairs) write their rows in the order
-- the reads range over them: by workspace, then day or month. A hash
-- aggregate's order scattered a month's daily rows over as many pages as
-- rows (at 1 000 000 opportunities the dashboard's 30 days of
-- created_totals were 420 rows on 118 pages, its 90 days of closed_totals
-- on 48); written in order they are a few pages, as the triggers leave
-- them when days come one after another. The bodies are 00101's and
-- 00103's with ORDER BY.

-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION forecast_totals_rebuild(ws uuid) RETURNS void LANGUAGE sql AS $$
    DELETE FROM forecast_totals WHERE workspace_id = ws;
    INSERT INTO forecast_totals (workspace_id, month, pipeline_id, phase_id, owner_id, source_id, currency,
                                 count, amount, weighted)
    SELECT workspace_id, date_trunc('month', expected_order_date)::date, pipeline_id, phase_id, owner_id, source_id,
           currency, count(*), sum(estimated_amount), sum(estimated_amount::numeric * probability)
    FROM opportunities
    WHERE workspace_id = ws AND status = 'open' AND expected_order_date IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    ORDER BY 1, 2;
    DELETE FROM forecast_month_totals WHERE workspace_id = ws;
    INSERT INTO forecast_month_totals (workspace_id, month, currency, count, amount, weighted)
    SELECT workspace_id, month, currency, sum(count), sum(amount), sum(weighted)
    FROM forecast_totals WHERE workspace_id = ws
    GROUP BY 1, 2, 3
    ORDER BY 1, 2;
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
    GROUP BY 1, 2, 3, 4
    ORDER BY 1, 2;
    INSERT INTO created_totals (workspace_id, day, source_id, currency, created, won, closed, won_amount)
    SELECT workspace_id, (created_at AT TIME ZONE 'UTC')::date, source_id, currency, count(*),
           count(*) FILTER (WHERE status = 'won'), count(*) FILTER (WHERE status <> 'open'),
           COALESCE(sum(estimated_amount) FILTER (WHERE status = 'won'), 0)
    FROM opportunities
    WHERE workspace_id = ws
    GROUP BY 1, 2, 3, 4
    ORDER BY 1, 2;
    INSERT INTO created_month_totals (workspace_id, month, source_id, currency, created, won, closed, won_amount)
    SELECT workspace_id, date_trunc('month', day)::date, source_id, currency, sum(created), sum(won), sum(closed), sum(won_amount)
    FROM created_totals
    WHERE workspace_id = ws
    GROUP BY 1, 2, 3, 4
    ORDER BY 1, 2;
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION forecast_totals_rebuild(ws uuid) RETURNS void LANGUAGE sql AS $$
    DELETE FROM forecast_totals WHERE workspace_id = ws;
    INSERT INTO forecast_totals (workspace_id, month, pipeline_id, phase_id, owner_id, source_id, currency,
                                 count, amount, weighted)
    SELECT workspace_id, date_trunc('month', expected_order_date)::date, pipeline_id, phase_id, owner_id, source_id,
           currency, count(*), sum(estimated_amount), sum(estimated_amount::numeric * probability)
    FROM opportunities
    WHERE workspace_id = ws AND status = 'open' AND expected_order_date IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5, 6, 7;
    DELETE FROM forecast_month_totals WHERE workspace_id = ws;
    INSERT INTO forecast_month_totals (workspace_id, month, currency, count, amount, weighted)
    SELECT workspace_id, month, currency, sum(count), sum(amount), sum(weighted)
    FROM forecast_totals WHERE workspace_id = ws
    GROUP BY 1, 2, 3;
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
