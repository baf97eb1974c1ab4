package postgres

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/activity"
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

// TimelineBothWays reads the first page of an opportunity's timeline
// twice, once from its binary values (timelineScan.decode) and once
// through pgx's Scan; found is false when neither read a row.
func TimelineBothWays(ctx context.Context, db *DB, ws, opp uuid.UUID) (raw, scanned []activity.TimelineEvent, found bool, err error) {
	read := func(useScan bool) ([]activity.TimelineEvent, bool, error) {
		rows, err := db.pool.Query(ctx, timelineQueries[0], pgUUID(ws), pgUUID(opp), 200)
		if err != nil {
			return nil, false, err
		}
		defer rows.Close()
		s := timelineScan{}
		if useScan {
			s.raw = -1
		}
		var out []activity.TimelineEvent
		found := false
		for rows.Next() {
			found = true
			e, ok, err := s.scan(pgxRows{rows})
			if err != nil {
				return nil, false, err
			}
			if ok {
				out = append(out, e)
			}
		}
		if !useScan && found && s.raw != 1 {
			return nil, false, fmt.Errorf("the rows were not read from their binary values")
		}
		return out, found, rows.Err()
	}
	raw, found, err = read(false)
	if err != nil {
		return nil, nil, false, err
	}
	scanned, foundScanned, err := read(true)
	if err == nil && found != foundScanned {
		err = fmt.Errorf("found %v read raw, %v through Scan", found, foundScanned)
	}
	return raw, scanned, found, err
}
