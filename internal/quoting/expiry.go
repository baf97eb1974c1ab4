package quoting

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/audit"
	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/tenant"
)

// expiryBatch is how many versions one run of ExpireDue handles at most;
// the next run (minutes later) takes the rest.
const expiryBatch = 500

// ExpireDue marks every sent or viewed version whose validity has ended (the
// end of its last valid day in its workspace's time zone) as expired, each
// in its own transaction with quote.expired (which notifies the
// salesperson) and an evidence record by the system. In workspaces with
// expire_opportunities, an opportunity whose current version expired moves
// to its pipeline's expired phase when it has one. It answers how many it
// expired. The periodic expiry job calls it on one replica at a time.
func (s *Service) ExpireDue(ctx context.Context) (int, error) {
	due, err := s.store.AwaitingExpiry(tenant.System(ctx), s.now(), expiryBatch)
	if err != nil {
		return 0, fmt.Errorf("find expired quotes: %w", err)
	}
	n := 0
	for _, ref := range due {
		expired, err := s.expire(events.WithActor(tenant.With(ctx, ref.WorkspaceID), events.System), ref.QuoteID)
		if err != nil {
			return n, fmt.Errorf("expire quote %s: %w", ref.QuoteID, err)
		}
		if expired {
			n++
		}
	}
	return n, nil
}

// expire expires one version if it is still due when locked.
func (s *Service) expire(ctx context.Context, id uuid.UUID) (bool, error) {
	expired := false
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		q, err := s.store.LockQuote(ctx, id)
		if errs.Is(err, errs.NotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		end, err := s.expiresAt(ctx, q)
		if err != nil || !q.Status.AwaitsCustomer() || s.now().Before(end) {
			return err
		}
		if err := s.transition(&q, ActionExpire); err != nil {
			return err
		}
		if err := s.store.SaveQuote(ctx, q); err != nil {
			return err
		}
		if err := s.moveExpiredOpportunity(ctx, q); err != nil {
			return err
		}
		if err := s.publish(ctx, events.QuoteExpired, q, nil); err != nil {
			return err
		}
		expired = true
		return s.record(ctx, q, audit.Expire, map[string]any{"valid_until": q.ValidUntil.Format("2006-01-02"),
			"expired_at": end.UTC().Format("2006-01-02T15:04:05Z07:00")})
	})
	return expired, err
}

// moveExpiredOpportunity moves the opportunity of an expired current
// version to its pipeline's expired phase, when the workspace asks for it.
func (s *Service) moveExpiredOpportunity(ctx context.Context, q Quote) error {
	ws, err := s.directory.Workspace(ctx)
	if err != nil || !ws.ExpireOpportunities {
		return err
	}
	newest, err := s.store.LatestVersion(ctx, q.Number)
	if err != nil || newest.ID != q.ID {
		return err
	}
	_, err = s.moveOpportunity(ctx, q.OpportunityID, func(src Source) *uuid.UUID { return src.ExpiredPhaseID })
	return err
}
