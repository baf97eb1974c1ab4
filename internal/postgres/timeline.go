package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/activity"
	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/page"
)

// timelineSource is one kind of timeline event: SQL expressions over one
// table (aliased x) that has an index on (workspace_id, opportunity_id,
// <at>, id), so that the source contributes at most one page of rows read
// straight from its index. Adding a kind of event is adding one entry.
type timelineSource struct {
	typ     string
	table   string
	at      string // when it happened; indexed after the opportunity
	actor   string // uuid of who did it, or NULL
	summary string
	refType string
	ref     string // the referenced record's id; x.id by default
	where   string // an extra condition matching the index's predicate
}

var timelineSources = []timelineSource{
	{typ: activity.EventNote, table: "notes", at: "x.created_at", actor: "x.author_id", summary: "left(x.body, 200)", refType: "note"},
	{typ: activity.EventAttachment, table: "attachments", at: "x.created_at", actor: "x.uploaded_by", summary: "x.file_name", refType: "attachment"},
	{typ: activity.EventTaskCreated, table: "tasks", at: "x.created_at", actor: "x.created_by", summary: "x.title", refType: "task",
		where: "x.opportunity_id IS NOT NULL"},
	{typ: activity.EventTaskCompleted, table: "tasks", at: "x.completed_at", summary: "x.title", refType: "task",
		actor: "(SELECT e.actor_id FROM task_events e WHERE e.task_id = x.id AND e.kind = 'completed' ORDER BY e.at DESC LIMIT 1)",
		where: "x.opportunity_id IS NOT NULL AND x.completed_at IS NOT NULL"},
	{typ: activity.EventPhaseChange, table: "phase_changes", at: "x.changed_at", actor: "x.changed_by", refType: "opportunity",
		summary: "coalesce(x.from_phase_name || ' → ', '') || x.to_phase_name"},
	{typ: activity.EventAppointment, table: "appointments", at: "x.created_at", actor: "x.created_by", summary: "x.title",
		refType: "appointment", where: "x.opportunity_id IS NOT NULL"},
	{typ: activity.EventEmail, table: "emails", at: "x.created_at", actor: "x.sender_id", summary: "left(x.subject, 200)", refType: "email",
		where: "x.purpose = 'customer'"},
	// What happened to the opportunity's quotes, the customer's actions
	// included: "Quote 2026-0042 signed by Åsa Ström".
	{typ: activity.EventQuote, table: "events", at: "x.occurred_at", actor: "CASE WHEN x.actor_kind = 'user' THEN x.actor_id END",
		summary: `'Quote ' || coalesce(x.payload->>'number', '') || ' ' || replace(split_part(x.type, '.', 2), '_', ' ') ||
  CASE WHEN x.actor_kind = 'customer' AND x.actor_name <> '' THEN ' by ' || x.actor_name ELSE '' END`,
		refType: "quote", ref: "x.subject_id", where: "x.type LIKE 'quote.%'"},
	// What happened to its invoices: "Invoice 2026-0007 paid".
	{typ: activity.EventInvoice, table: "events", at: "x.occurred_at", actor: "CASE WHEN x.actor_kind = 'user' THEN x.actor_id END",
		summary: `CASE WHEN x.payload->>'kind' = 'credit_note' THEN 'Credit note ' ELSE 'Invoice ' END ||
  coalesce(x.payload->>'number', '') || ' ' || split_part(x.type, '.', 2) ||
  CASE WHEN x.type = 'invoice.credited' THEN ' by ' || coalesce(x.payload->>'credit_note_number', '') ELSE '' END`,
		refType: "invoice", ref: "x.subject_id", where: "x.type LIKE 'invoice.%'"},
}

// timelineSQL builds the query: each source's newest rows before the
// cursor (LIMIT n each), merged with UNION ALL and cut to n again.
func timelineSQL(withCursor bool) string {
	parts := make([]string, len(timelineSources))
	for i, src := range timelineSources {
		cond := "x.workspace_id = @ws AND x.opportunity_id = @opp"
		if src.where != "" {
			cond += " AND " + src.where
		}
		if withCursor {
			cond += fmt.Sprintf(" AND (%s, x.id) < (@at, @id)", src.at)
		}
		ref := "x.id"
		switch {
		case src.ref != "":
			ref = src.ref
		case src.refType == "opportunity":
			ref = "x.opportunity_id"
		}
		parts[i] = fmt.Sprintf(`(SELECT '%s' AS type, %s AS occurred_at, x.id AS id, %s AS actor_id, %s AS summary,
  '%s' AS ref_type, %s AS ref_id FROM %s x WHERE %s ORDER BY %s DESC, x.id DESC LIMIT @n)`,
			src.typ, src.at, src.actor, src.summary, src.refType, ref, src.table, cond, src.at)
	}
	return `SELECT t.*, u.name AS actor_name FROM (` + strings.Join(parts, "\nUNION ALL\n") + `) t
LEFT JOIN users u ON u.workspace_id = @ws AND u.id = t.actor_id
ORDER BY t.occurred_at DESC, t.id DESC LIMIT @n`
}

var timelineQueries = [2]string{timelineSQL(false), timelineSQL(true)}

type timelineRow struct {
	Type       string
	OccurredAt time.Time
	ID         uuid.UUID
	ActorID    *uuid.UUID
	ActorName  *string
	Summary    string
	RefType    string
	RefID      uuid.UUID
}

func (r timelineRow) domain() activity.TimelineEvent {
	e := activity.TimelineEvent{ID: r.ID, Type: r.Type, OccurredAt: r.OccurredAt, ActorID: r.ActorID, Summary: r.Summary,
		RefType: r.RefType, RefID: r.RefID}
	if r.ActorName != nil {
		e.ActorName = *r.ActorName
	}
	return e
}

// Timeline implements activity.TimelineStore.
func (r *Activity) Timeline(ctx context.Context, opportunityID uuid.UUID, req page.Request) (page.Page[activity.TimelineEvent], error) {
	ws, err := wsID(ctx)
	if err != nil {
		return page.Page[activity.TimelineEvent]{}, err
	}
	args := map[string]any{"ws": ws, "opp": opportunityID, "n": req.Limit + 1}
	query := timelineQueries[0]
	if c := req.Cursor; c != nil {
		if c.Value == nil {
			return page.Page[activity.TimelineEvent]{}, errs.New(errs.BadRequest, "invalid cursor")
		}
		at, err := time.Parse(time.RFC3339Nano, *c.Value)
		if err != nil {
			return page.Page[activity.TimelineEvent]{}, errs.New(errs.BadRequest, "invalid cursor")
		}
		args["at"], args["id"], query = at, c.ID, timelineQueries[1]
	}
	var rows []timelineRow
	if err := r.db.reader(ctx).Raw(query, args).Scan(&rows).Error; err != nil {
		return page.Page[activity.TimelineEvent]{}, translate(err)
	}
	return pageOf(rows, req, timelineRow.domain, func(t timelineRow) (uuid.UUID, string) { return t.ID, cursorText(t.OccurredAt) }), nil
}
