package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/invoicing"
	"github.com/acme/crm/internal/money"
	"github.com/acme/crm/internal/page"
)

// Invoicing is the repository of invoices, credit notes and payments.
type Invoicing struct{ db *DB }

// NewInvoicing returns the invoicing repository.
func NewInvoicing(db *DB) *Invoicing { return &Invoicing{db: db} }

// WithTx implements invoicing.Store.
func (r *Invoicing) WithTx(ctx context.Context, fn func(context.Context) error) error {
	return r.db.WithTx(ctx, fn)
}

type invoiceRow struct {
	ID                uuid.UUID `gorm:"primaryKey"`
	WorkspaceID       uuid.UUID
	OpportunityID     uuid.UUID
	Kind              string
	Status            string
	CreditsID         *uuid.UUID
	Source            string
	QuoteID           *uuid.UUID
	TemplateID        *uuid.UUID
	Number            *string
	Year              *int
	Seq               *int
	OCR               *string `gorm:"column:ocr"`
	Language          string
	Currency          string
	OfferDiscount     int
	BuyerReference    string
	Note              string
	Lines             []byte
	Totals            []byte
	Net               int64
	VATTotal          int64 `gorm:"column:vat_total"`
	Total             int64
	Paid              int64
	Credited          int64
	PaymentTermsDays  *int
	IssueDate         *time.Time
	DueDate           *time.Time
	Snapshot          []byte
	IssuedAt          *time.Time
	IssuedBy          *uuid.UUID
	SentAt            *time.Time
	OverdueNotifiedAt *time.Time
	CreatedBy         *uuid.UUID
	Version           int64
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

func (invoiceRow) TableName() string { return "invoices" }

type paymentRow struct {
	ID          uuid.UUID `gorm:"primaryKey"`
	WorkspaceID uuid.UUID
	InvoiceID   uuid.UUID
	Amount      int64
	PaidOn      time.Time
	Method      string
	Reference   string
	CreatedBy   *uuid.UUID
	CreatedAt   time.Time
}

func (paymentRow) TableName() string { return "invoice_payments" }

func (p paymentRow) domain() invoicing.Payment {
	return invoicing.Payment{ID: p.ID, InvoiceID: p.InvoiceID, Amount: p.Amount, Date: dateUTC(p.PaidOn),
		Method: invoicing.PaymentMethod(p.Method), Reference: p.Reference, CreatedBy: p.CreatedBy, CreatedAt: p.CreatedAt}
}

func dateUTC(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func datePtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	d := dateUTC(*t)
	return &d
}

func (r invoiceRow) domain() (invoicing.Invoice, error) {
	inv := invoicing.Invoice{ID: r.ID, OpportunityID: r.OpportunityID, Kind: invoicing.Kind(r.Kind),
		Status: invoicing.Status(r.Status), CreditsID: r.CreditsID, Source: invoicing.Source(r.Source), QuoteID: r.QuoteID,
		TemplateID: r.TemplateID, Number: deref(r.Number), OCR: deref(r.OCR), Language: r.Language,
		Currency: money.Currency(r.Currency), OfferDiscount: money.BasisPoints(r.OfferDiscount),
		BuyerReference: r.BuyerReference, Note: r.Note, Paid: r.Paid, Credited: r.Credited,
		PaymentTermsDays: r.PaymentTermsDays, IssueDate: datePtr(r.IssueDate), DueDate: datePtr(r.DueDate),
		IssuedAt: r.IssuedAt, IssuedBy: r.IssuedBy, SentAt: r.SentAt, OverdueNotifiedAt: r.OverdueNotifiedAt,
		CreatedBy: r.CreatedBy, Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	if r.Year != nil {
		inv.Year = *r.Year
	}
	if r.Seq != nil {
		inv.Seq = *r.Seq
	}
	if err := json.Unmarshal(r.Lines, &inv.Lines); err != nil {
		return invoicing.Invoice{}, fmt.Errorf("invoice %s lines: %w", r.ID, err)
	}
	if err := json.Unmarshal(r.Totals, &inv.Totals); err != nil {
		return invoicing.Invoice{}, fmt.Errorf("invoice %s totals: %w", r.ID, err)
	}
	if inv.Totals.VAT == nil {
		inv.Totals.VAT = []invoicing.VATAmount{}
	}
	if len(r.Snapshot) > 0 {
		var s invoicing.Snapshot
		if err := json.Unmarshal(r.Snapshot, &s); err != nil {
			return invoicing.Invoice{}, fmt.Errorf("invoice %s snapshot: %w", r.ID, err)
		}
		inv.Snapshot = &s
	}
	return inv, nil
}

// invoiceValues are the columns an invoice's content and state write.
func invoiceValues(inv invoicing.Invoice) (map[string]any, error) {
	lines := inv.Lines
	if lines == nil {
		lines = []invoicing.Line{}
	}
	l, err := json.Marshal(lines)
	if err != nil {
		return nil, fmt.Errorf("encode invoice lines: %w", err)
	}
	t, err := json.Marshal(inv.Totals)
	if err != nil {
		return nil, fmt.Errorf("encode invoice totals: %w", err)
	}
	var snap []byte
	if inv.Snapshot != nil {
		if snap, err = json.Marshal(inv.Snapshot); err != nil {
			return nil, fmt.Errorf("encode invoice snapshot: %w", err)
		}
	}
	var year, seq *int
	if inv.Number != "" {
		year, seq = &inv.Year, &inv.Seq
	}
	return map[string]any{
		"status": string(inv.Status), "template_id": inv.TemplateID, "number": nonEmpty(inv.Number), "year": year,
		"seq": seq, "ocr": nonEmpty(inv.OCR), "language": inv.Language, "buyer_reference": inv.BuyerReference,
		"note": inv.Note, "lines": l, "totals": t, "net": inv.Totals.Net, "vat_total": inv.Totals.VATTotal,
		"total": inv.Totals.Total, "paid": inv.Paid, "credited": inv.Credited, "payment_terms_days": inv.PaymentTermsDays,
		"issue_date": inv.IssueDate, "due_date": inv.DueDate, "snapshot": snap, "issued_at": inv.IssuedAt,
		"issued_by": inv.IssuedBy, "sent_at": inv.SentAt, "overdue_notified_at": inv.OverdueNotifiedAt,
		"updated_at": inv.UpdatedAt,
	}, nil
}

// NextInvoiceNumber implements invoicing.Store like NextQuoteNumber: the
// year's counter row stays locked until the transaction ends, so
// concurrent issuers queue and a rollback returns the number.
func (r *Invoicing) NextInvoiceNumber(ctx context.Context, year int) (int, error) {
	ws, err := wsID(ctx)
	if err != nil {
		return 0, err
	}
	var n int
	err = r.db.conn(ctx).Raw(`INSERT INTO invoice_counters (workspace_id, year, n) VALUES (?, ?, 1)
		ON CONFLICT (workspace_id, year) DO UPDATE SET n = invoice_counters.n + 1
		RETURNING n`, ws, year).Scan(&n).Error
	return n, translate(err)
}

// CreateInvoice implements invoicing.Store.
func (r *Invoicing) CreateInvoice(ctx context.Context, inv invoicing.Invoice) error {
	vals, err := invoiceValues(inv)
	if err != nil {
		return err
	}
	ws, err := wsID(ctx)
	if err != nil {
		return err
	}
	vals["id"], vals["workspace_id"], vals["opportunity_id"], vals["kind"] = inv.ID, ws, inv.OpportunityID, string(inv.Kind)
	vals["credits_id"], vals["source"], vals["quote_id"], vals["currency"] = inv.CreditsID, string(inv.Source), inv.QuoteID, string(inv.Currency)
	vals["offer_discount"], vals["created_by"], vals["version"], vals["created_at"] = int(inv.OfferDiscount), inv.CreatedBy, 1, inv.CreatedAt
	return translate(r.db.conn(ctx).Table("invoices").Create(vals).Error)
}

// Invoice implements invoicing.Store.
func (r *Invoicing) Invoice(ctx context.Context, id uuid.UUID) (invoicing.Invoice, error) {
	return r.take(ctx, r.db.conn(ctx), id)
}

// LockInvoice implements invoicing.Store.
func (r *Invoicing) LockInvoice(ctx context.Context, id uuid.UUID) (invoicing.Invoice, error) {
	return r.take(ctx, r.db.conn(ctx).Clauses(clause.Locking{Strength: "UPDATE"}), id)
}

func (r *Invoicing) take(ctx context.Context, q *gorm.DB, id uuid.UUID) (invoicing.Invoice, error) {
	var row invoiceRow
	if err := q.Where("id = ?", id).Take(&row).Error; err != nil {
		return invoicing.Invoice{}, translate(err)
	}
	inv, err := row.domain()
	if err != nil {
		return invoicing.Invoice{}, err
	}
	var pays []paymentRow
	if err := r.db.conn(ctx).Where("invoice_id = ?", id).Order("paid_on, id").Find(&pays).Error; err != nil {
		return invoicing.Invoice{}, translate(err)
	}
	inv.Payments = make([]invoicing.Payment, len(pays))
	for i, p := range pays {
		inv.Payments[i] = p.domain()
	}
	return inv, nil
}

var invoiceSorts = map[string]sortCol{
	"created_at": {"invoices.created_at", "timestamptz"},
	"number":     {"coalesce(invoices.number, '')", "text"},
	"due_date":   {"coalesce(invoices.due_date, 'infinity'::date)", "date"},
	"issue_date": {"coalesce(invoices.issue_date, 'infinity'::date)", "date"},
}

// overdueSQL is Invoice.Overdue in SQL, with ? the workspace's today.
const overdueSQL = `(invoices.kind = 'invoice' AND invoices.status IN ('issued', 'partially_paid')
	AND invoices.due_date < ? AND invoices.total - invoices.credited - invoices.paid > 0)`

// Invoices implements invoicing.Store.
func (r *Invoicing) Invoices(ctx context.Context, f invoicing.Filter, req page.Request) (page.Page[invoicing.Invoice], error) {
	q := r.db.reader(ctx).Model(&invoiceRow{})
	if f.Status != nil {
		q = q.Where("invoices.status = ?", string(*f.Status))
	}
	if f.Kind != nil {
		q = q.Where("invoices.kind = ?", string(*f.Kind))
	}
	if f.OpportunityID != nil {
		q = q.Where("invoices.opportunity_id = ?", *f.OpportunityID)
	}
	if f.OrganizationID != nil {
		q = q.Where(`EXISTS (SELECT 1 FROM opportunities o WHERE o.workspace_id = invoices.workspace_id
			AND o.id = invoices.opportunity_id AND o.organization_id = ?)`, *f.OrganizationID)
	}
	if f.DueBefore != nil {
		q = q.Where("invoices.due_date < ?", *f.DueBefore)
	}
	if f.Overdue != nil {
		if *f.Overdue {
			q = q.Where(overdueSQL, f.Today)
		} else {
			q = q.Where("NOT "+overdueSQL, f.Today)
		}
	}
	if f.OCR != "" {
		q = q.Where("invoices.ocr = ?", f.OCR)
	}
	q, err := keyset(q, req, invoiceSorts)
	if err != nil {
		return page.Page[invoicing.Invoice]{}, err
	}
	var rows []invoiceRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[invoicing.Invoice]{}, translate(err)
	}
	out := make([]invoicing.Invoice, len(rows))
	ids := make([]uuid.UUID, len(rows))
	for i, row := range rows {
		if out[i], err = row.domain(); err != nil {
			return page.Page[invoicing.Invoice]{}, err
		}
		ids[i] = row.ID
	}
	if err := r.withPayments(ctx, out, ids); err != nil {
		return page.Page[invoicing.Invoice]{}, err
	}
	return pageOf(out, req, func(i invoicing.Invoice) invoicing.Invoice { return i }, func(i invoicing.Invoice) (uuid.UUID, string) {
		switch req.Sort {
		case "number":
			return i.ID, i.Number
		case "due_date":
			return i.ID, dateCursor(i.DueDate)
		case "issue_date":
			return i.ID, dateCursor(i.IssueDate)
		}
		return i.ID, cursorText(i.CreatedAt)
	}), nil
}

// withPayments loads the payments of a page of invoices in one query.
func (r *Invoicing) withPayments(ctx context.Context, invs []invoicing.Invoice, ids []uuid.UUID) error {
	if len(ids) == 0 {
		return nil
	}
	var pays []paymentRow
	if err := r.db.reader(ctx).Where("invoice_id IN ?", ids).Order("paid_on, id").Find(&pays).Error; err != nil {
		return translate(err)
	}
	by := map[uuid.UUID][]invoicing.Payment{}
	for _, p := range pays {
		by[p.InvoiceID] = append(by[p.InvoiceID], p.domain())
	}
	for i := range invs {
		invs[i].Payments = by[invs[i].ID]
	}
	return nil
}

func dateCursor(d *time.Time) string {
	if d == nil {
		return "infinity"
	}
	return d.Format(time.DateOnly)
}

// SaveInvoice implements invoicing.Store.
func (r *Invoicing) SaveInvoice(ctx context.Context, inv invoicing.Invoice, ifVersion *int64) error {
	vals, err := invoiceValues(inv)
	if err != nil {
		return err
	}
	var out invoiceRow
	return updateVersioned(r.db.conn(ctx), &out, inv.ID, ifVersion, vals)
}

// DeleteInvoice implements invoicing.Store.
func (r *Invoicing) DeleteInvoice(ctx context.Context, id uuid.UUID, ifVersion *int64) error {
	return deleteVersioned[invoiceRow](r.db.conn(ctx), id, ifVersion)
}

// LockOpportunity implements invoicing.Store.
func (r *Invoicing) LockOpportunity(ctx context.Context, opportunityID uuid.UUID) error {
	ws, err := wsID(ctx)
	if err != nil {
		return err
	}
	var ids []uuid.UUID
	err = r.db.conn(ctx).Raw(`SELECT id FROM opportunities WHERE workspace_id = ? AND id = ? FOR UPDATE`,
		ws, opportunityID).Scan(&ids).Error
	if err != nil {
		return translate(err)
	}
	if len(ids) == 0 {
		return errs.NotFoundf("opportunity not found")
	}
	return nil
}

// Invoiced implements invoicing.Store: one aggregate over the lines of the
// opportunity's invoices of that source.
func (r *Invoicing) Invoiced(ctx context.Context, opportunityID uuid.UUID, source invoicing.Source, except uuid.UUID) (invoicing.Invoiced, error) {
	ws, err := wsID(ctx)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		LineID uuid.UUID
		Milli  int64
	}
	err = r.db.conn(ctx).Raw(`SELECT (l->>'source_line_id')::uuid AS line_id,
		  sum(round((l->>'quantity')::numeric * 1000) * CASE WHEN i.kind = 'credit_note' THEN -1 ELSE 1 END)::bigint AS milli
		FROM invoices i, jsonb_array_elements(i.lines) l
		WHERE i.workspace_id = ? AND i.opportunity_id = ? AND i.source = ? AND i.id <> ?
		GROUP BY 1`, ws, opportunityID, string(source), except).Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := invoicing.Invoiced{}
	for _, row := range rows {
		out[row.LineID] = row.Milli
	}
	return out, nil
}

// Credited implements invoicing.Store.
func (r *Invoicing) Credited(ctx context.Context, invoiceID uuid.UUID) (invoicing.CreditedLines, error) {
	ws, err := wsID(ctx)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		LineID uuid.UUID
		Milli  int64
		Net    int64
	}
	err = r.db.conn(ctx).Raw(`SELECT (l->>'credited_line_id')::uuid AS line_id,
		  sum(round((l->>'quantity')::numeric * 1000))::bigint AS milli, sum(-(l->>'net')::bigint)::bigint AS net
		FROM invoices i, jsonb_array_elements(i.lines) l
		WHERE i.workspace_id = ? AND i.credits_id = ? AND l->>'credited_line_id' IS NOT NULL
		GROUP BY 1`, ws, invoiceID).Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := invoicing.CreditedLines{}
	for _, row := range rows {
		out[row.LineID] = invoicing.CreditedLine{Quantity: row.Milli, Net: row.Net}
	}
	return out, nil
}

// CreatePayment implements invoicing.Store.
func (r *Invoicing) CreatePayment(ctx context.Context, p invoicing.Payment) error {
	row := paymentRow{ID: p.ID, InvoiceID: p.InvoiceID, Amount: p.Amount, PaidOn: p.Date, Method: string(p.Method),
		Reference: p.Reference, CreatedBy: p.CreatedBy, CreatedAt: p.CreatedAt}
	return translate(r.db.conn(ctx).Create(&row).Error)
}

// DeletePayment implements invoicing.Store.
func (r *Invoicing) DeletePayment(ctx context.Context, invoiceID, paymentID uuid.UUID) error {
	res := r.db.conn(ctx).Where("id = ? AND invoice_id = ?", paymentID, invoiceID).Delete(&paymentRow{})
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return errs.NotFoundf("payment not found")
	}
	return nil
}

// AwaitingOverdue implements invoicing.Store. A due date passed in a
// workspace's zone has passed in UTC a day later at the latest, which lets
// the partial index on due_date narrow the scan.
func (r *Invoicing) AwaitingOverdue(ctx context.Context, now time.Time, limit int) ([]invoicing.Ref, error) {
	var out []invoicing.Ref
	err := r.db.conn(ctx).Raw(`SELECT i.workspace_id, i.id AS invoice_id FROM invoices i
		JOIN workspaces w ON w.id = i.workspace_id
		WHERE i.status IN ('issued', 'partially_paid') AND i.kind = 'invoice' AND i.overdue_notified_at IS NULL
		  AND i.due_date < (?::timestamptz AT TIME ZONE 'UTC')::date + 1
		  AND i.due_date < (?::timestamptz AT TIME ZONE w.time_zone)::date
		  AND i.total - i.credited - i.paid > 0
		ORDER BY i.due_date, i.id LIMIT ?`, now, now, limit).Scan(&out).Error
	return out, translate(err)
}
