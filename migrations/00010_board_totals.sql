-- +goose Up
-- Totals of the board per phase and currency, kept in step with the
-- opportunities by a trigger, so that reading the board costs the same at
-- ten or a million opportunities. weighted is Σ(amount × probability); the
-- board divides by 100 and rounds once.
CREATE TABLE board_totals (
    workspace_id uuid    NOT NULL,
    pipeline_id  uuid    NOT NULL,
    phase_id     uuid    NOT NULL,
    currency     char(3) NOT NULL,
    count        bigint  NOT NULL,
    amount       numeric NOT NULL,
    weighted     numeric NOT NULL,
    PRIMARY KEY (workspace_id, phase_id, currency)
);
CREATE INDEX board_totals_pipeline ON board_totals (workspace_id, pipeline_id);

-- +goose StatementBegin
CREATE FUNCTION board_totals_add(ws uuid, pl uuid, ph uuid, cur char(3), n bigint, amt numeric, w numeric)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO board_totals (workspace_id, pipeline_id, phase_id, currency, count, amount, weighted)
    VALUES (ws, pl, ph, cur, n, amt, w)
    ON CONFLICT (workspace_id, phase_id, currency) DO UPDATE
        SET count = board_totals.count + n, amount = board_totals.amount + amt,
            weighted = board_totals.weighted + w, pipeline_id = pl;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION board_totals_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND (OLD.status = 'open' AND OLD.expected_order_date IS NOT NULL)
         = (NEW.status = 'open' AND NEW.expected_order_date IS NOT NULL)
       AND OLD.phase_id = NEW.phase_id AND OLD.pipeline_id = NEW.pipeline_id AND OLD.currency = NEW.currency
       AND OLD.estimated_amount = NEW.estimated_amount AND OLD.probability = NEW.probability THEN
        RETURN NULL; -- nothing the board counts changed
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'open' AND OLD.expected_order_date IS NOT NULL THEN
        PERFORM board_totals_add(OLD.workspace_id, OLD.pipeline_id, OLD.phase_id, OLD.currency,
            -1, -OLD.estimated_amount, -(OLD.estimated_amount::numeric * OLD.probability));
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'open' AND NEW.expected_order_date IS NOT NULL THEN
        PERFORM board_totals_add(NEW.workspace_id, NEW.pipeline_id, NEW.phase_id, NEW.currency,
            1, NEW.estimated_amount, NEW.estimated_amount::numeric * NEW.probability);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER opportunities_board_totals AFTER INSERT OR UPDATE OR DELETE ON opportunities
    FOR EACH ROW EXECUTE FUNCTION board_totals_track();

-- +goose StatementBegin
-- board_totals_rebuild recomputes a workspace's totals from its
-- opportunities (after bulk loads with the trigger disabled, or to repair).
CREATE FUNCTION board_totals_rebuild(ws uuid) RETURNS void LANGUAGE sql AS $$
    DELETE FROM board_totals WHERE workspace_id = ws;
    INSERT INTO board_totals (workspace_id, pipeline_id, phase_id, currency, count, amount, weighted)
    SELECT workspace_id, pipeline_id, phase_id, currency, count(*), sum(estimated_amount),
           sum(estimated_amount::numeric * probability)
    FROM opportunities
    WHERE workspace_id = ws AND status = 'open' AND expected_order_date IS NOT NULL
    GROUP BY workspace_id, pipeline_id, phase_id, currency;
$$;
-- +goose StatementEnd

SELECT board_totals_rebuild(id) FROM workspaces;

-- +goose Down
DROP TRIGGER opportunities_board_totals ON opportunities;
DROP FUNCTION board_totals_rebuild(uuid);
DROP FUNCTION board_totals_track();
DROP FUNCTION board_totals_add(uuid, uuid, uuid, char, bigint, numeric, numeric);
DROP TABLE board_totals;
