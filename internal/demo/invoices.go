package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/app"
	"github.com/acme/crm/internal/invoicing"
	"github.com/acme/crm/internal/money"
	"github.com/acme/crm/internal/sales"
)

// Invoices invoices the won opportunities among opportunityIDs so that the
// demo shows an invoice in every state: a draft of the second stage of a
// staged invoice whose first stage was issued and sent, a partially paid
// one, a paid one, an overdue one (issued 45 days ago and reported by the
// overdue job) and a credited one with its credit note. ctx carries the
// demo admin.
func Invoices(ctx context.Context, a *app.App, opportunityIDs []uuid.UUID) error {
	var won []sales.Opportunity
	for _, id := range opportunityIDs {
		o, err := a.Sales.Opportunity(ctx, id)
		if err != nil {
			return fmt.Errorf("demo invoice: %w", err)
		}
		if o.Status == sales.StatusWon && o.Currency == "SEK" {
			if err := wonWithLines(ctx, a, o); err != nil {
				return err
			}
			won = append(won, o)
		}
	}
	if len(won) < 4 {
		return fmt.Errorf("demo invoices: %d won opportunities, want 4", len(won))
	}
	steps := []func(context.Context, *app.App, uuid.UUID) error{stagedAndSent, partiallyPaid, paidInFull, overdueAndCredited}
	for i, step := range steps {
		if err := step(ctx, a, won[i].ID); err != nil {
			return fmt.Errorf("demo invoices: %w", err)
		}
	}
	_, err := a.Invoicing.MarkOverdue(ctx)
	return err
}

// wonWithLines gives a won demo opportunity without lines the demo lines:
// the lines of a closed opportunity do not change, so it is reopened in
// its pipeline's first phase for them and won again, as a salesperson
// would.
func wonWithLines(ctx context.Context, a *app.App, o sales.Opportunity) error {
	set, err := a.Sales.Lines(ctx, o.ID)
	if err != nil || len(set.Lines) > 0 {
		return err
	}
	pl, err := a.Sales.Pipeline(ctx, o.PipelineID)
	if err != nil {
		return err
	}
	open, ok := pl.FirstOfKind(sales.KindOpen)
	if !ok {
		return fmt.Errorf("demo invoices: pipeline %s has no open phase", pl.Name)
	}
	if _, err := a.Sales.UpdateOpportunity(ctx, o.ID, sales.OpportunityPatch{PhaseID: &open.ID}, nil); err != nil {
		return err
	}
	if err := ensureLines(ctx, a, o); err != nil {
		return err
	}
	_, err = a.Sales.UpdateOpportunity(ctx, o.ID, sales.OpportunityPatch{PhaseID: &o.PhaseID}, nil)
	return err
}

// firstHalf invoices half of the opportunity's first line.
func firstHalf(ctx context.Context, a *app.App, oppID uuid.UUID, issueDate *time.Time) (invoicing.Invoice, error) {
	set, err := a.Sales.Lines(ctx, oppID)
	if err != nil {
		return invoicing.Invoice{}, err
	}
	l := set.Lines[0]
	half, _ := money.QuantityFromThousandths(max(l.Quantity.Thousandths()/2, 1))
	ref := "Delfaktura 1"
	inv, err := a.Invoicing.Create(ctx, oppID, invoicing.NewInvoice{Source: ptr(invoicing.SourceLines),
		Lines: []invoicing.LineRequest{{LineID: l.ID, Quantity: &half}}, Note: &ref})
	if err != nil {
		return inv, err
	}
	return a.Invoicing.Issue(ctx, inv.ID, invoicing.IssueInput{IssueDate: issueDate}, nil)
}

// stagedAndSent issues and e-mails (with the e-invoice) a first stage and
// leaves the rest as a draft.
func stagedAndSent(ctx context.Context, a *app.App, oppID uuid.UUID) error {
	first, err := firstHalf(ctx, a, oppID, nil)
	if err != nil {
		return err
	}
	if _, _, err := a.Invoicing.Send(ctx, first.ID, invoicing.SendInput{AttachUBL: true}); err != nil {
		return err
	}
	_, err = a.Invoicing.Create(ctx, oppID, invoicing.NewInvoice{})
	return err
}

// whole issues an invoice of everything sold.
func whole(ctx context.Context, a *app.App, oppID uuid.UUID) (invoicing.Invoice, error) {
	inv, err := a.Invoicing.Create(ctx, oppID, invoicing.NewInvoice{})
	if err != nil {
		return inv, err
	}
	return a.Invoicing.Issue(ctx, inv.ID, invoicing.IssueInput{}, nil)
}

func partiallyPaid(ctx context.Context, a *app.App, oppID uuid.UUID) error {
	inv, err := whole(ctx, a, oppID)
	if err != nil {
		return err
	}
	_, _, err = a.Invoicing.AddPayment(ctx, inv.ID, invoicing.NewPayment{Amount: inv.Totals.Total / 2,
		Method: invoicing.MethodBankgiro, Reference: inv.OCR})
	return err
}

func paidInFull(ctx context.Context, a *app.App, oppID uuid.UUID) error {
	inv, err := whole(ctx, a, oppID)
	if err != nil {
		return err
	}
	_, _, err = a.Invoicing.AddPayment(ctx, inv.ID, invoicing.NewPayment{Amount: inv.Totals.Total,
		Method: invoicing.MethodBankgiro, Reference: inv.OCR})
	return err
}

// overdueAndCredited issues a first stage 45 days ago (overdue by now)
// and credits the rest, invoiced by mistake, in full.
func overdueAndCredited(ctx context.Context, a *app.App, oppID uuid.UUID) error {
	past := time.Now().UTC().AddDate(0, 0, -45)
	if _, err := firstHalf(ctx, a, oppID, &past); err != nil {
		return err
	}
	rest, err := whole(ctx, a, oppID)
	if err != nil {
		return err
	}
	_, err = a.Invoicing.Credit(ctx, rest.ID, invoicing.CreditInput{Reason: "Fakturerad i förväg av misstag."})
	return err
}

func ptr[T any](v T) *T { return &v }
