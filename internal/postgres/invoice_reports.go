package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/acme/crm/internal/invoicing"
)

// dueSQL is what an issued invoice still has due, never below zero.
const dueSQL = `CASE WHEN i.kind = 'invoice' AND i.status IN ('issued', 'partially_paid')
	THEN greatest(i.total - i.credited - i.paid, 0) ELSE 0 END`

// reportGroups are the invoicing report's groupings: the key, its label and
// the joins they need.
var reportGroups = map[invoicing.GroupBy]struct{ key, label, join string }{
	invoicing.ByMonth: {key: "to_char(i.issue_date, 'YYYY-MM')", label: "to_char(i.issue_date, 'YYYY-MM')"},
	invoicing.ByOrganization: {key: "coalesce(o.organization_id::text, '')", label: "coalesce(org.name, '')",
		join: "LEFT JOIN organizations org ON org.workspace_id = o.workspace_id AND org.id = o.organization_id"},
	invoicing.ByOwner: {key: "o.owner_id::text", label: "coalesce(u.name, '')",
		join: "LEFT JOIN users u ON u.workspace_id = o.workspace_id AND u.id = o.owner_id"},
}

// Report implements invoicing.Store: one aggregate over the issued
// documents of the range, grouped and per currency.
func (r *Invoicing) Report(ctx context.Context, q invoicing.ReportQuery) ([]invoicing.ReportRow, error) {
	ws, err := wsID(ctx)
	if err != nil {
		return nil, err
	}
	g, ok := reportGroups[q.GroupBy]
	if !ok {
		return nil, fmt.Errorf("invoicing report: unknown grouping %q", q.GroupBy)
	}
	sql := fmt.Sprintf(`SELECT %[1]s AS key, min(%[2]s) AS label, i.currency,
		  count(*) FILTER (WHERE i.kind = 'invoice') AS count,
		  coalesce(sum(i.total) FILTER (WHERE i.kind = 'invoice'), 0)::bigint AS invoiced,
		  coalesce(-sum(i.total) FILTER (WHERE i.kind = 'credit_note'), 0)::bigint AS credited,
		  sum(i.total)::bigint AS net,
		  sum(i.paid)::bigint AS paid,
		  sum(%[4]s)::bigint AS outstanding,
		  coalesce(sum(%[4]s) FILTER (WHERE i.due_date < @today), 0)::bigint AS overdue
		FROM invoices i
		JOIN opportunities o ON o.workspace_id = i.workspace_id AND o.id = i.opportunity_id
		%[3]s
		WHERE i.workspace_id = @ws AND i.status <> 'draft' AND i.issue_date BETWEEN @from AND @to
		GROUP BY 1, i.currency ORDER BY 1, i.currency`, g.key, g.label, g.join, dueSQL)
	var rows []invoicing.ReportRow
	err = r.db.reader(ctx).Raw(sql, map[string]any{"ws": ws, "from": q.From, "to": q.To, "today": q.Today}).Scan(&rows).Error
	return rows, translate(err)
}

// Summary implements invoicing.Store.
func (r *Invoicing) Summary(ctx context.Context, now time.Time) (invoicing.Summary, error) {
	ws, err := wsID(ctx)
	if err != nil {
		return invoicing.Summary{}, err
	}
	// Today, this month and this quarter are dates in the workspace's time
	// zone, found in the same statement. It runs natively on pgx and is
	// scanned by hand: the dashboard reads it on every request.
	rows, err := r.db.readQuery(ctx, `WITH t AS (
		  SELECT (CAST($2 AS timestamptz) AT TIME ZONE w.time_zone)::date AS today FROM workspaces w WHERE w.id = $1),
		p AS (SELECT today, date_trunc('month', today)::date AS month, date_trunc('quarter', today)::date AS quarter FROM t),
		d AS (SELECT i.*, `+dueSQL+` AS due FROM invoices i WHERE i.workspace_id = $1 AND i.status <> 'draft')
		SELECT 'month' AS part, currency, count(*) FILTER (WHERE kind = 'invoice') AS count, sum(total)::bigint AS amount
		  FROM d, p WHERE issue_date >= p.month GROUP BY currency
		UNION ALL
		SELECT 'quarter', currency, count(*) FILTER (WHERE kind = 'invoice'), sum(total)::bigint
		  FROM d, p WHERE issue_date >= p.quarter GROUP BY currency
		UNION ALL
		SELECT 'outstanding', currency, count(*), sum(due)::bigint FROM d WHERE due > 0 GROUP BY currency
		UNION ALL
		SELECT 'overdue', currency, count(*), sum(due)::bigint FROM d, p WHERE due > 0 AND due_date < p.today GROUP BY currency
		ORDER BY 1, 2`, pgUUID(ws), now)
	if err != nil {
		return invoicing.Summary{}, translate(err)
	}
	defer rows.Close()
	out := invoicing.Summary{InvoicedThisMonth: []invoicing.Figures{}, InvoicedThisQuarter: []invoicing.Figures{},
		Outstanding: []invoicing.Figures{}, Overdue: []invoicing.Figures{}}
	var part string
	for rows.Next() {
		var f invoicing.Figures
		if err := rows.Scan(&part, &f.Currency, &f.Count, &f.Amount); err != nil {
			return invoicing.Summary{}, translate(err)
		}
		switch part {
		case "month":
			out.InvoicedThisMonth = append(out.InvoicedThisMonth, f)
		case "quarter":
			out.InvoicedThisQuarter = append(out.InvoicedThisQuarter, f)
		case "outstanding":
			out.Outstanding = append(out.Outstanding, f)
		case "overdue":
			out.Overdue = append(out.Overdue, f)
		}
	}
	if err := rows.Err(); err != nil {
		return invoicing.Summary{}, translate(err)
	}
	return out, nil
}
