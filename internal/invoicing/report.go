package invoicing

import (
	"context"
	"time"

	"github.com/acme/crm/internal/errs"
)

// GroupBy is how the invoicing report groups.
type GroupBy string

// The groupings of the invoicing report.
const (
	ByMonth        GroupBy = "month"        // the issue date's month
	ByOrganization GroupBy = "organization" // the opportunity's organization
	ByOwner        GroupBy = "owner"        // the opportunity's owner
)

// ReportQuery asks for issued invoices and credit notes with an issue date
// in [From, To], grouped.
type ReportQuery struct {
	GroupBy GroupBy
	From    time.Time
	To      time.Time
	Today   time.Time // the workspace's today, for overdue (filled by the service)
}

// ReportRow is one group in one currency. Invoiced is the invoices' totals,
// Credited the credit notes' (as a positive amount), Net the difference;
// Paid what came in, Outstanding what is still due and Overdue the part of
// it past due. Amounts are minor units of Currency, VAT included.
type ReportRow struct {
	Key         string // month "2026-03", or the organization's or owner's id ("" for none)
	Label       string
	Currency    string
	Count       int // invoices (credit notes not counted)
	Invoiced    int64
	Credited    int64
	Net         int64
	Paid        int64
	Outstanding int64
	Overdue     int64
}

// Figures are counts and amounts in one currency.
type Figures struct {
	Currency string
	Count    int
	Amount   int64
}

// Summary is the dashboard's invoicing: invoiced (net of credit notes,
// VAT included) this month and quarter, outstanding and overdue, per
// currency.
type Summary struct {
	InvoicedThisMonth   []Figures
	InvoicedThisQuarter []Figures
	Outstanding         []Figures
	Overdue             []Figures
}

// Report runs the invoicing report; the default range is the last twelve
// months through today.
func (s *Service) Report(ctx context.Context, q ReportQuery) ([]ReportRow, ReportQuery, error) {
	switch q.GroupBy {
	case ByMonth, ByOrganization, ByOwner:
	default:
		return nil, q, errs.Field("group_by", "must be one of: month, organization, owner")
	}
	today, err := s.today(ctx)
	if err != nil {
		return nil, q, err
	}
	q.Today = today
	if q.To.IsZero() {
		q.To = today
	}
	if q.From.IsZero() {
		q.From = time.Date(q.To.Year(), q.To.Month()-11, 1, 0, 0, 0, 0, time.UTC)
	}
	if q.To.Before(q.From) {
		return nil, q, errs.Field("to", "must not be before from")
	}
	rows, err := s.store.Report(ctx, q)
	return rows, q, err
}

// Summary returns the dashboard's invoicing figures.
func (s *Service) Summary(ctx context.Context) (Summary, error) {
	return s.store.Summary(ctx, s.now())
}
