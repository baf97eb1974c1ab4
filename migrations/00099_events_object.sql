-- +goose Up
-- An event about a record keeps that record as the API returned it at the
-- moment of the event: a webhook's data, kept as json (not jsonb) so that
-- its bytes stay those the API wrote. Older events have none and are
-- delivered with their own payload.
ALTER TABLE events ADD COLUMN object json;

-- +goose Down
ALTER TABLE events DROP COLUMN object;
