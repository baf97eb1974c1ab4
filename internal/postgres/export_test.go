package postgres

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/sales"
)

// OpportunitiesBothWays reads a workspace's opportunities twice, once
// from their binary values (decodeOpportunity) and once through pgx's Scan.
func OpportunitiesBothWays(ctx context.Context, db *DB, ws uuid.UUID) (raw, scanned []sales.Opportunity, err error) {
	read := func(useScan bool) ([]sales.Opportunity, error) {
		rows, err := db.pool.Query(ctx, "SELECT "+opportunityColumns+" FROM opportunities WHERE workspace_id = $1 ORDER BY id", ws)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		s := newOpportunityScan()
		if useScan {
			s.raw = -1
		}
		var out []sales.Opportunity
		for rows.Next() {
			o, err := s.scan(pgxRows{rows})
			if err != nil {
				return nil, err
			}
			out = append(out, o)
		}
		if !useScan && s.raw != 1 {
			return nil, fmt.Errorf("the rows were not read from their binary values")
		}
		return out, rows.Err()
	}
	if raw, err = read(false); err != nil {
		return nil, nil, err
	}
	scanned, err = read(true)
	return raw, scanned, err
}
