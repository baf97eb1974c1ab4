-- The dashboard counts whole UTC days (sales.Service.Dashboard): its won
-- figures and win rate read closed_totals only, so no read looks up
-- opportunities by closed_at any more and every close need not keep the
-- index that 00100 added for the part of a day a range started in.

-- +goose Up
DROP INDEX opportunities_ws_closed;

-- +goose Down
CREATE INDEX opportunities_ws_closed ON opportunities (workspace_id, closed_at) WHERE closed_at IS NOT NULL;
