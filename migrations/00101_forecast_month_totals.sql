-- +goose Up
-- The forecast by month over the whole workspace (the default forecast, and
-- the dashboard's) needs only month and currency: forecast_totals holds a
-- row per month, pipeline, phase, owner, source and currency, thousands of
-- rows a month in a large workspace. forecast_month_totals keeps the same
-- sums per month and currency, in step with forecast_totals (the same
-- trigger function adds to both).
CREATE TABLE forecast_month_totals (
    workspace_id uuid    NOT NULL,
    month        date    NOT NULL,
    currency     char(3) NOT NULL,
    count        bigint  NOT NULL,
    amount       numeric NOT NULL,
    weighted     numeric NOT NULL,
    PRIMARY KEY (workspace_id, month, currency)
);

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION forecast_totals_add(o opportunities, n bigint) RETURNS void LANGUAGE sql AS $$
    INSERT INTO forecast_totals AS t (workspace_id, month, pipeline_id, phase_id, owner_id, source_id, currency,
                                      count, amount, weighted)
    VALUES (o.workspace_id, date_trunc('month', o.expected_order_date)::date, o.pipeline_id, o.phase_id,
            o.owner_id, o.source_id, o.currency, n, n * o.estimated_amount, n * o.estimated_amount::numeric * o.probability)
    ON CONFLICT ON CONSTRAINT forecast_totals_key DO UPDATE
        SET count = t.count + EXCLUDED.count, amount = t.amount + EXCLUDED.amount, weighted = t.weighted + EXCLUDED.weighted;
    INSERT INTO forecast_month_totals AS t (workspace_id, month, currency, count, amount, weighted)
    VALUES (o.workspace_id, date_trunc('month', o.expected_order_date)::date, o.currency,
            n, n * o.estimated_amount, n * o.estimated_amount::numeric * o.probability)
    ON CONFLICT (workspace_id, month, currency) DO UPDATE
        SET count = t.count + EXCLUDED.count, amount = t.amount + EXCLUDED.amount, weighted = t.weighted + EXCLUDED.weighted;
$$;
-- +goose StatementEnd

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

INSERT INTO forecast_month_totals (workspace_id, month, currency, count, amount, weighted)
SELECT workspace_id, month, currency, sum(count), sum(amount), sum(weighted)
FROM forecast_totals GROUP BY 1, 2, 3;

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION forecast_totals_add(o opportunities, n bigint) RETURNS void LANGUAGE sql AS $$
    INSERT INTO forecast_totals AS t (workspace_id, month, pipeline_id, phase_id, owner_id, source_id, currency,
                                      count, amount, weighted)
    VALUES (o.workspace_id, date_trunc('month', o.expected_order_date)::date, o.pipeline_id, o.phase_id,
            o.owner_id, o.source_id, o.currency, n, n * o.estimated_amount, n * o.estimated_amount::numeric * o.probability)
    ON CONFLICT ON CONSTRAINT forecast_totals_key DO UPDATE
        SET count = t.count + EXCLUDED.count, amount = t.amount + EXCLUDED.amount, weighted = t.weighted + EXCLUDED.weighted;
$$;
-- +goose StatementEnd
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
$$;
-- +goose StatementEnd
DROP TABLE forecast_month_totals;
