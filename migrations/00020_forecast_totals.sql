-- +goose Up
-- Monthly totals of open, dated opportunities per pipeline, phase, owner,
-- source and currency, kept in step by a trigger like board_totals, so that
-- the forecast reads a few thousand rows instead of every opportunity.
-- weighted is Σ(amount × probability); the forecast divides by 100 and
-- rounds once per output row.
CREATE TABLE forecast_totals (
    workspace_id uuid    NOT NULL,
    month        date    NOT NULL,
    pipeline_id  uuid    NOT NULL,
    phase_id     uuid    NOT NULL,
    owner_id     uuid    NOT NULL,
    source_id    uuid,
    currency     char(3) NOT NULL,
    count        bigint  NOT NULL,
    amount       numeric NOT NULL,
    weighted     numeric NOT NULL,
    CONSTRAINT forecast_totals_key UNIQUE NULLS NOT DISTINCT
        (workspace_id, month, pipeline_id, phase_id, owner_id, source_id, currency)
);

-- +goose StatementBegin
CREATE FUNCTION forecast_totals_add(o opportunities, n bigint) RETURNS void LANGUAGE sql AS $$
    INSERT INTO forecast_totals AS t (workspace_id, month, pipeline_id, phase_id, owner_id, source_id, currency,
                                      count, amount, weighted)
    VALUES (o.workspace_id, date_trunc('month', o.expected_order_date)::date, o.pipeline_id, o.phase_id,
            o.owner_id, o.source_id, o.currency, n, n * o.estimated_amount, n * o.estimated_amount::numeric * o.probability)
    ON CONFLICT ON CONSTRAINT forecast_totals_key DO UPDATE
        SET count = t.count + EXCLUDED.count, amount = t.amount + EXCLUDED.amount, weighted = t.weighted + EXCLUDED.weighted;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION forecast_totals_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND (OLD.status = 'open' AND OLD.expected_order_date IS NOT NULL)
         = (NEW.status = 'open' AND NEW.expected_order_date IS NOT NULL)
       AND date_trunc('month', OLD.expected_order_date) IS NOT DISTINCT FROM date_trunc('month', NEW.expected_order_date)
       AND OLD.phase_id = NEW.phase_id AND OLD.pipeline_id = NEW.pipeline_id AND OLD.owner_id = NEW.owner_id
       AND OLD.source_id IS NOT DISTINCT FROM NEW.source_id AND OLD.currency = NEW.currency
       AND OLD.estimated_amount = NEW.estimated_amount AND OLD.probability = NEW.probability THEN
        RETURN NULL; -- nothing the forecast counts changed
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'open' AND OLD.expected_order_date IS NOT NULL THEN
        PERFORM forecast_totals_add(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'open' AND NEW.expected_order_date IS NOT NULL THEN
        PERFORM forecast_totals_add(NEW, 1);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER opportunities_forecast_totals AFTER INSERT OR UPDATE OR DELETE ON opportunities
    FOR EACH ROW EXECUTE FUNCTION forecast_totals_track();

-- +goose StatementBegin
-- forecast_totals_rebuild recomputes a workspace's totals from its
-- opportunities (after bulk loads with the trigger disabled, or to repair).
CREATE FUNCTION forecast_totals_rebuild(ws uuid) RETURNS void LANGUAGE sql AS $$
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

SELECT forecast_totals_rebuild(id) FROM workspaces;

-- +goose Down
DROP TRIGGER opportunities_forecast_totals ON opportunities;
DROP FUNCTION forecast_totals_rebuild(uuid);
DROP FUNCTION forecast_totals_track();
DROP FUNCTION forecast_totals_add(opportunities, bigint);
DROP TABLE forecast_totals;
