-- +goose Up
-- An opportunity keeps the totals of its lines (net, VAT per rate, gross),
-- written in the same transaction as every line change, so that reads of
-- opportunities never touch their lines. line_count says how many lines it
-- has; rows from before this migration have lines but no totals yet, and
-- are computed from their lines on read until their next change.
ALTER TABLE opportunities
    ADD COLUMN line_count integer NOT NULL DEFAULT 0 CHECK (line_count >= 0),
    ADD COLUMN totals     jsonb;
UPDATE opportunities o SET line_count = l.n
FROM (SELECT opportunity_id, count(*) AS n FROM opportunity_lines GROUP BY opportunity_id) l
WHERE l.opportunity_id = o.id;

-- +goose Down
ALTER TABLE opportunities DROP COLUMN totals, DROP COLUMN line_count;
