package invoicing

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/tenant"
)

// AddPayment records a payment on an issued invoice: the invoice becomes
// partially paid or paid (publishing invoice.paid when it does). An
// overpayment is errs.Invalid unless allowed; see CheckPayment.
func (s *Service) AddPayment(ctx context.Context, id uuid.UUID, in NewPayment) (Invoice, Payment, error) {
	in.Reference = strings.TrimSpace(in.Reference)
	var out Invoice
	var pay Payment
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		inv, err := s.store.LockInvoice(ctx, id)
		if err != nil {
			return err
		}
		if err := CheckPayment(inv, in); err != nil {
			return err
		}
		if in.Date.IsZero() {
			if in.Date, err = s.today(ctx); err != nil {
				return err
			}
		}
		pay = Payment{ID: newID(), InvoiceID: inv.ID, Amount: in.Amount, Date: dateOnly(in.Date), Method: in.Method,
			Reference: in.Reference, CreatedBy: events.UserID(ctx), CreatedAt: s.timestamp()}
		if err := s.store.CreatePayment(ctx, pay); err != nil {
			return err
		}
		inv.Paid += pay.Amount
		if out, err = s.settle(ctx, inv); err != nil {
			return err
		}
		return nil
	})
	return out, pay, err
}

// DeletePayment reverses a payment entered by mistake: the invoice's
// status follows what is paid without it. A payment of another invoice is
// errs.NotFound.
func (s *Service) DeletePayment(ctx context.Context, id, paymentID uuid.UUID) (Invoice, error) {
	var out Invoice
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		inv, err := s.store.LockInvoice(ctx, id)
		if err != nil {
			return err
		}
		var amount int64
		found := false
		for _, p := range inv.Payments {
			if p.ID == paymentID {
				amount, found = p.Amount, true
			}
		}
		if !found {
			return s.store.DeletePayment(ctx, id, paymentID) // answers NotFound
		}
		if err := s.store.DeletePayment(ctx, id, paymentID); err != nil {
			return err
		}
		inv.Paid -= amount
		out, err = s.settle(ctx, inv)
		return err
	})
	return out, err
}

// settle recomputes the status after the paid amount changed, saves, and
// publishes invoice.paid when the invoice became paid.
func (s *Service) settle(ctx context.Context, inv Invoice) (Invoice, error) {
	was := inv.Status
	inv.Status = PaidStatus(inv)
	inv.UpdatedAt = s.timestamp()
	if err := s.store.SaveInvoice(ctx, inv, nil); err != nil {
		return Invoice{}, err
	}
	if inv.Status == StatusPaid && was != StatusPaid {
		if err := s.publish(ctx, events.InvoicePaid, inv, nil); err != nil {
			return Invoice{}, err
		}
	}
	return s.store.Invoice(ctx, inv.ID)
}

// overdueBatch bounds one run of MarkOverdue.
const overdueBatch = 500

// MarkOverdue publishes invoice.overdue once for every invoice that went
// past its due date unpaid (in its workspace's time zone), across
// workspaces, and answers how many. The periodic overdue job runs it; a
// second run finds nothing new.
func (s *Service) MarkOverdue(ctx context.Context) (int, error) {
	refs, err := s.store.AwaitingOverdue(tenant.System(ctx), s.now(), overdueBatch)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range refs {
		wctx := events.WithActor(tenant.With(ctx, r.WorkspaceID), events.System)
		err := s.store.WithTx(wctx, func(ctx context.Context) error {
			inv, err := s.store.LockInvoice(ctx, r.InvoiceID)
			if err != nil {
				return err
			}
			today, err := s.today(ctx)
			if err != nil {
				return err
			}
			if inv.OverdueNotifiedAt != nil || !inv.Overdue(today) {
				return nil // paid or reported in the meantime
			}
			now := s.timestamp()
			inv.OverdueNotifiedAt, inv.UpdatedAt = &now, now
			if err := s.store.SaveInvoice(ctx, inv, nil); err != nil {
				return err
			}
			n++
			return s.publish(ctx, events.InvoiceOverdue, inv, nil)
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
