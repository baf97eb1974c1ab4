package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"

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

// timelineSQL builds the statement: the opportunity, and on it each
// source's newest rows before the cursor (LIMIT n each), merged with UNION
// ALL and cut to n again. One round trip answers both questions: no row
// when the opportunity is not in the workspace, one row of NULLs when it
// has no events. $1 is the workspace, $2 the opportunity, $3 the number
// of rows, and with a cursor $4 and $5 its time and id.
func timelineSQL(withCursor bool) string {
	parts := make([]string, len(timelineSources))
	for i, src := range timelineSources {
		cond := "x.workspace_id = $1 AND x.opportunity_id = $2"
		if src.where != "" {
			cond += " AND " + src.where
		}
		if withCursor {
			cond += fmt.Sprintf(" AND (%s, x.id) < ($4, $5)", src.at)
		}
		ref := "x.id"
		switch {
		case src.ref != "":
			ref = src.ref
		case src.refType == "opportunity":
			ref = "x.opportunity_id"
		}
		parts[i] = fmt.Sprintf(`(SELECT '%s' AS type, %s AS occurred_at, x.id AS id, %s AS actor_id, %s AS summary,
  '%s' AS ref_type, %s AS ref_id FROM %s x WHERE %s ORDER BY %s DESC, x.id DESC LIMIT $3)`,
			src.typ, src.at, src.actor, src.summary, src.refType, ref, src.table, cond, src.at)
	}
	return `SELECT t.type, t.occurred_at, t.id, t.actor_id, t.actor_name, t.summary, t.ref_type, t.ref_id
FROM opportunities o
LEFT JOIN LATERAL (SELECT s.*, u.name AS actor_name FROM (` + strings.Join(parts, "\nUNION ALL\n") + `) s
LEFT JOIN users u ON u.workspace_id = $1 AND u.id = s.actor_id
ORDER BY s.occurred_at DESC, s.id DESC LIMIT $3) t ON true
WHERE o.workspace_id = $1 AND o.id = $2
ORDER BY t.occurred_at DESC, t.id DESC`
}

var timelineQueries = [2]string{timelineSQL(false), timelineSQL(true)}

// Timeline implements activity.TimelineStore: errs.NotFound when the
// opportunity is not in the context's workspace. It is one statement run
// natively on pgx (readQuery) and scanned by hand, like the opportunity
// list.
func (r *Activity) Timeline(ctx context.Context, opportunityID uuid.UUID, req page.Request) (page.Page[activity.TimelineEvent], error) {
	ws, err := wsID(ctx)
	if err != nil {
		return page.Page[activity.TimelineEvent]{}, err
	}
	args := make([]any, 3, 5)
	args[0], args[1], args[2] = pgUUID(ws), pgUUID(opportunityID), req.Limit+1
	query := timelineQueries[0]
	if c := req.Cursor; c != nil {
		if c.Value == nil {
			return page.Page[activity.TimelineEvent]{}, errs.New(errs.BadRequest, "invalid cursor")
		}
		at, err := time.Parse(time.RFC3339Nano, *c.Value)
		if err != nil {
			return page.Page[activity.TimelineEvent]{}, errs.New(errs.BadRequest, "invalid cursor")
		}
		args, query = append(args, at, pgUUID(c.ID)), timelineQueries[1]
	}
	events, found, err := readTimeline(ctx, r.db, req.Limit+1, query, args...)
	if err != nil {
		return page.Page[activity.TimelineEvent]{}, translate(err)
	}
	if !found {
		return page.Page[activity.TimelineEvent]{}, translate(errNoRows)
	}
	return cutPage(events, req, func(e activity.TimelineEvent) (uuid.UUID, string) { return e.ID, cursorText(e.OccurredAt) }), nil
}

// readTimeline runs a timeline statement; found is false when it returned
// no row (no such opportunity).
func readTimeline(ctx context.Context, db *DB, n int, query string, args ...any) (events []activity.TimelineEvent, found bool, err error) {
	rows, err := db.readQuery(ctx, query, args...)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	events = make([]activity.TimelineEvent, 0, n)
	var s timelineScan
	for rows.Next() {
		found = true
		e, ok, err := s.scan(rows)
		if err != nil {
			return nil, false, err
		}
		if ok {
			events = append(events, e)
		}
	}
	return events, found, rows.Err()
}

// timelineKinds are the kinds of the timeline statement's columns: type,
// occurred_at, id, actor_id, the actor's name, summary, ref_type, ref_id.
var timelineKinds = []rawKind{rawText, rawTime, rawUUID, rawUUID, rawText, rawText, rawText, rawUUID}

// timelineScan holds the destinations of a timeline statement's rows; a
// page reuses one for all its rows.
type timelineScan struct {
	typ, actorName, summary, refType pgtype.Text
	at                               pgtype.Timestamptz
	id, actor, ref                   pgtype.UUID
	raw                              int8 // 1: read the rows' binary values (rawReadable), -1: Scan; 0: not known yet
	// actors are the first actors of the page read from binary values:
	// a page's events are mostly by a few people, whose id and name its
	// events share instead of each allocating its own.
	actors  [8]timelineActor
	nActors int
}

type timelineActor struct {
	id   *uuid.UUID
	name string
}

// timelineTexts are the types and ref types of the sources, which rows
// read from binary values share instead of allocating each.
var timelineTexts = func() map[string]string {
	m := map[string]string{}
	for _, src := range timelineSources {
		m[src.typ], m[src.refType] = src.typ, src.refType
	}
	return m
}()

// scan reads the current row; ok is false for the row of NULLs that
// stands for an opportunity without events.
func (s *timelineScan) scan(rows interface{ Scan(dest ...any) error }) (e activity.TimelineEvent, ok bool, err error) {
	if raw, isRaw := rows.(rawRows); isRaw {
		if s.raw == 0 {
			s.raw = -1
			if rawReadable(raw.FieldDescriptions(), timelineKinds) {
				s.raw = 1
			}
		}
		if s.raw == 1 {
			return s.decode(raw.RawValues())
		}
	}
	if err := rows.Scan(&s.typ, &s.at, &s.id, &s.actor, &s.actorName, &s.summary, &s.refType, &s.ref); err != nil {
		return e, false, err
	}
	if !s.typ.Valid {
		return e, false, nil
	}
	if !s.at.Valid || s.at.InfinityModifier != pgtype.Finite || !s.id.Valid || !s.summary.Valid || !s.refType.Valid || !s.ref.Valid {
		return e, false, fmt.Errorf("timeline event %s: %w", uuid.UUID(s.id.Bytes), errRawNull)
	}
	e = activity.TimelineEvent{ID: s.id.Bytes, Type: s.typ.String, OccurredAt: s.at.Time, ActorName: s.actorName.String,
		Summary: s.summary.String, RefType: s.refType.String, RefID: s.ref.Bytes}
	if s.actor.Valid {
		id := uuid.UUID(s.actor.Bytes)
		e.ActorID = &id
	}
	return e, true, nil
}

// decode reads one row of the timeline statement from its binary values
// (see rawReadable), as scan's destinations would.
func (s *timelineScan) decode(v [][]byte) (activity.TimelineEvent, bool, error) {
	if v[0] == nil {
		return activity.TimelineEvent{}, false, nil
	}
	r := rawValues{v: v}
	e := activity.TimelineEvent{Type: knownText(&r, 0), OccurredAt: r.time(1), ID: r.uuid(2), Summary: r.text(5),
		RefType: knownText(&r, 6), RefID: r.uuid(7)}
	if v[3] != nil {
		e.ActorID, e.ActorName = s.actorOf(r.uuid(3), v[4])
	}
	if r.err != nil {
		return activity.TimelineEvent{}, false, r.err
	}
	return e, true, nil
}

// knownText reads column i as r.text does, sharing the string when it is
// one of timelineTexts.
func knownText(r *rawValues, i int) string {
	if t, ok := timelineTexts[string(r.v[i])]; ok {
		return t
	}
	return r.text(i)
}

// actorOf returns the actor's id and name, shared with the page's earlier
// events by the same actor.
func (s *timelineScan) actorOf(id uuid.UUID, name []byte) (*uuid.UUID, string) {
	for _, a := range s.actors[:s.nActors] {
		if *a.id == id && a.name == string(name) {
			return a.id, a.name
		}
	}
	a := timelineActor{id: &id, name: string(name)}
	if s.nActors < len(s.actors) {
		s.actors[s.nActors] = a
		s.nActors++
	}
	return a.id, a.name
}
