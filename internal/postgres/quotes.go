package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/page"
	"github.com/acme/crm/internal/quoting"
	"github.com/acme/crm/internal/tenant"
)

type quoteRow struct {
	ID                 uuid.UUID `gorm:"primaryKey"`
	WorkspaceID        uuid.UUID
	OpportunityID      uuid.UUID
	TemplateID         *uuid.UUID
	Number             string
	QuoteVersion       int
	Status             string
	ValidUntil         time.Time
	ContactPersonID    *uuid.UUID
	Snapshot           []byte
	Changes            []byte
	Currency           string
	Total              int64
	TokenHash          []byte
	TokenSealed        []byte
	DocumentSHA256     *string `gorm:"column:document_sha256"`
	ViewedAt           *time.Time
	LastViewedAt       *time.Time
	Response           []byte
	SignedAttachmentID *uuid.UUID
	SentAt             *time.Time
	SentBy             *uuid.UUID
	SentChannel        *string
	StatusChangedAt    time.Time
	CreatedBy          uuid.UUID
	Version            int64
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

func (quoteRow) TableName() string { return "quotes" }

func (q quoteRow) domain() (quoting.Quote, error) {
	return q.domainWith(func(raw []byte, s *quoting.Snapshot) error { return s.UnmarshalJSON(raw) })
}

// domainWith is domain with the snapshot decoded by decode.
func (q quoteRow) domainWith(decode func(raw []byte, s *quoting.Snapshot) error) (quoting.Quote, error) {
	out := quoting.Quote{ID: q.ID, OpportunityID: q.OpportunityID, TemplateID: q.TemplateID, Number: q.Number,
		QuoteVersion: q.QuoteVersion, Status: quoting.Status(q.Status), ValidUntil: q.ValidUntil.UTC(),
		ContactPersonID: q.ContactPersonID, TokenHash: q.TokenHash, TokenSealed: q.TokenSealed,
		DocumentSHA256: deref(q.DocumentSHA256), ViewedAt: q.ViewedAt, LastViewedAt: q.LastViewedAt,
		SentAt: q.SentAt, SentBy: q.SentBy,
		StatusChangedAt: q.StatusChangedAt, CreatedBy: q.CreatedBy, Version: q.Version, CreatedAt: q.CreatedAt,
		UpdatedAt: q.UpdatedAt}
	if q.SentChannel != nil {
		out.SentChannel = *q.SentChannel
	}
	if err := decode(q.Snapshot, &out.Snapshot); err != nil {
		return quoting.Quote{}, fmt.Errorf("quote %s: %w", q.ID, err)
	}
	out.Snapshot.EnsureLineIDs(q.ID)
	if len(q.Changes) > 0 {
		var c quoting.Changes
		if err := json.Unmarshal(q.Changes, &c); err != nil {
			return quoting.Quote{}, fmt.Errorf("quote %s changes: %w", q.ID, err)
		}
		out.Changes = &c
	}
	if len(q.Response) > 0 {
		var r quoting.Response
		if err := json.Unmarshal(q.Response, &r); err != nil {
			return quoting.Quote{}, fmt.Errorf("quote %s response: %w", q.ID, err)
		}
		out.Response = &r
	}
	return out, nil
}

// quoteValues are the columns a quote's content and state write.
func quoteValues(q quoting.Quote) (map[string]any, error) {
	snap, err := json.Marshal(q.Snapshot)
	if err != nil {
		return nil, fmt.Errorf("encode quote snapshot: %w", err)
	}
	var changes []byte
	if q.Changes != nil {
		if changes, err = json.Marshal(q.Changes); err != nil {
			return nil, fmt.Errorf("encode quote changes: %w", err)
		}
	}
	var response []byte
	var signed *uuid.UUID
	if q.Response != nil {
		if response, err = json.Marshal(q.Response); err != nil {
			return nil, fmt.Errorf("encode quote response: %w", err)
		}
		signed = q.Response.AttachmentID
	}
	return map[string]any{
		"status": string(q.Status), "valid_until": q.ValidUntil, "contact_person_id": q.ContactPersonID,
		"snapshot": snap, "changes": changes, "currency": string(q.Snapshot.Currency), "total": q.Snapshot.Totals.Total,
		"token_hash": q.TokenHash, "token_sealed": q.TokenSealed, "document_sha256": nonEmpty(q.DocumentSHA256),
		"viewed_at": q.ViewedAt, "last_viewed_at": q.LastViewedAt, "response": response, "signed_attachment_id": signed,
		"sent_at": q.SentAt, "sent_by": q.SentBy, "sent_channel": nonEmpty(q.SentChannel),
		"status_changed_at": q.StatusChangedAt, "updated_at": q.UpdatedAt,
	}, nil
}

// NextQuoteNumber implements quoting.Store: the counter row of the year is
// created or incremented in the context's transaction and stays locked
// until it ends, so concurrent creators queue and a rollback returns the
// number.
func (r *Quoting) NextQuoteNumber(ctx context.Context, year int) (int, error) {
	ws, err := wsID(ctx)
	if err != nil {
		return 0, err
	}
	var n int
	err = r.db.conn(ctx).Raw(`INSERT INTO quote_counters (workspace_id, year, n) VALUES (?, ?, 1)
		ON CONFLICT (workspace_id, year) DO UPDATE SET n = quote_counters.n + 1
		RETURNING n`, ws, year).Scan(&n).Error
	return n, translate(err)
}

// CreateQuote implements quoting.Store.
func (r *Quoting) CreateQuote(ctx context.Context, q quoting.Quote) error {
	vals, err := quoteValues(q)
	if err != nil {
		return err
	}
	ws, err := wsID(ctx)
	if err != nil {
		return err
	}
	vals["id"], vals["workspace_id"], vals["opportunity_id"], vals["template_id"] = q.ID, ws, q.OpportunityID, q.TemplateID
	vals["number"], vals["quote_version"], vals["created_by"] = q.Number, q.QuoteVersion, q.CreatedBy
	vals["version"], vals["created_at"] = 1, q.CreatedAt
	return translate(r.db.conn(ctx).Table("quotes").Create(vals).Error)
}

// Quote implements quoting.Store.
func (r *Quoting) Quote(ctx context.Context, id uuid.UUID) (quoting.Quote, error) {
	return r.takeQuote(r.db.conn(ctx), "id = ?", id)
}

// QuotesByID implements quoting.Store.
func (r *Quoting) QuotesByID(ctx context.Context, ids []uuid.UUID) ([]quoting.Quote, error) {
	rows, err := rowsByID[quoteRow](r.db.conn(ctx), ids)
	if err != nil {
		return nil, err
	}
	out := make([]quoting.Quote, len(rows))
	for i, row := range rows {
		if out[i], err = row.domain(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// LockQuote implements quoting.Store.
func (r *Quoting) LockQuote(ctx context.Context, id uuid.UUID) (quoting.Quote, error) {
	return r.takeQuote(r.db.conn(ctx).Clauses(clause.Locking{Strength: "UPDATE"}), "id = ?", id)
}

// QuoteVersion implements quoting.Store.
func (r *Quoting) QuoteVersion(ctx context.Context, number string, v int) (quoting.Quote, error) {
	return r.takeQuote(r.db.conn(ctx), "number = ? AND quote_version = ?", number, v)
}

func (r *Quoting) takeQuote(q *gorm.DB, where string, args ...any) (quoting.Quote, error) {
	var row quoteRow
	if err := q.Where(where, args...).Take(&row).Error; err != nil {
		return quoting.Quote{}, translate(err)
	}
	return row.domain()
}

// quoteListColumns are a quote's columns with the snapshot's logo bytes
// left out.
const quoteListColumns = `quotes.id, quotes.workspace_id, quotes.opportunity_id, quotes.template_id, quotes.number,
	quotes.quote_version, quotes.status, quotes.valid_until, quotes.contact_person_id,
	quotes.changes, quotes.currency, quotes.total,
	quotes.token_hash, quotes.token_sealed, quotes.document_sha256, quotes.viewed_at, quotes.last_viewed_at,
	quotes.response, quotes.signed_attachment_id, quotes.sent_at, quotes.sent_by, quotes.sent_channel,
	quotes.status_changed_at, quotes.created_by, quotes.version, quotes.created_at, quotes.updated_at`

var quoteSorts = map[string]sortCol{
	"created_at": {"quotes.created_at", "timestamptz"},
	"number":     {"quotes.number", "text"},
}

// Quotes implements quoting.Store.
func (r *Quoting) Quotes(ctx context.Context, f quoting.QuoteFilter, req page.Request) (page.Page[quoting.Quote], error) {
	db := r.db.reader(ctx)
	q := db.Model(&quoteRow{})
	if f.OpportunityID != nil {
		q = q.Where("quotes.opportunity_id = ?", *f.OpportunityID)
	}
	if f.Status != nil {
		q = q.Where("quotes.status = ?", string(*f.Status))
	}
	q, err := keyset(q, req, quoteSorts)
	if err != nil {
		return page.Page[quoting.Quote]{}, err
	}
	for range 3 {
		p, changed, err := r.listQuotes(ctx, db, q, req)
		if !changed {
			return p, err
		}
	}
	return page.Page[quoting.Quote]{}, errs.New(errs.Conflict, "the quotes kept changing while the list was read: retry")
}

// listQuotes reads the page q selects; changed says a quote changed
// between its two statements (read the page again).
func (r *Quoting) listQuotes(ctx context.Context, db, q *gorm.DB, req page.Request) (_ page.Page[quoting.Quote], changed bool, _ error) {
	// The page without its snapshots first: a version's snapshot never
	// changes, and the ones this replica decoded before are kept, so only
	// the others are read, in a second statement. When every one is kept
	// (a list read again) that is one light statement instead of up to
	// 200 snapshots through the wire and the JSON decoder.
	var rows []quoteRow
	if err := q.Session(&gorm.Session{}).Select(quoteListColumns).Find(&rows).Error; err != nil {
		return page.Page[quoting.Quote]{}, false, translate(err)
	}
	snaps, complete, err := r.listedSnapshots(ctx, db, rows)
	if err != nil || !complete {
		return page.Page[quoting.Quote]{}, !complete && err == nil, err
	}
	out := make([]quoting.Quote, len(rows))
	for i, row := range rows {
		snap := snaps[quoteVersion{row.ID, row.Version}]
		if out[i], err = row.domainWith(func(_ []byte, s *quoting.Snapshot) error { *s = snap.Clone(); return nil }); err != nil {
			return page.Page[quoting.Quote]{}, false, err
		}
	}
	return pageOf(out, req, func(q quoting.Quote) quoting.Quote { return q }, func(q quoting.Quote) (uuid.UUID, string) {
		if req.Sort == "number" {
			return q.ID, q.Number
		}
		return q.ID, cursorText(q.CreatedAt)
	}), false, nil
}

// listedSnapshots answers the snapshots of rows' versions: the kept ones,
// and the others read in one statement (without the logo's bytes, up to
// 1 MiB each: has_logo needs only its media type) and kept. A version
// changed since rows were read is not found by that statement: complete is
// false then, and the caller reads the page again, so that a quote never
// pairs one version's state with another's snapshot.
func (r *Quoting) listedSnapshots(ctx context.Context, db *gorm.DB, rows []quoteRow) (_ map[quoteVersion]quoting.Snapshot, complete bool, _ error) {
	out := make(map[quoteVersion]quoting.Snapshot, len(rows))
	var ids, versions []string // array literals' elements (GORM would spread a slice into a row)
	for _, row := range rows {
		key := quoteVersion{row.ID, row.Version}
		if kept, ok := r.snapshots.Get(key); ok {
			out[key] = kept
			continue
		}
		ids, versions = append(ids, row.ID.String()), append(versions, strconv.FormatInt(row.Version, 10))
	}
	if len(ids) == 0 {
		return out, true, nil
	}
	var read []struct {
		ID       uuid.UUID
		Version  int64
		Snapshot []byte
	}
	err := db.Raw(`SELECT q.id, q.version, q.snapshot #- '{company,logo,data}' AS snapshot
		FROM quotes q JOIN unnest(?::uuid[], ?::bigint[]) AS k(id, version) ON k.id = q.id AND k.version = q.version`,
		"{"+strings.Join(ids, ",")+"}", "{"+strings.Join(versions, ",")+"}").Scan(&read).Error
	if err != nil {
		return nil, false, translate(err)
	}
	for _, row := range read {
		var snap quoting.Snapshot
		// Snapshot decodes itself; calling it directly spares encoding/json's
		// validating the document once more before handing it over.
		if err := snap.UnmarshalJSON(row.Snapshot); err != nil {
			return nil, false, fmt.Errorf("quote %s: %w", row.ID, err)
		}
		key := quoteVersion{row.ID, row.Version}
		out[key] = snap
		r.snapshots.Add(key, snap)
	}
	return out, len(read) == len(ids), nil
}

// SaveQuote implements quoting.Store.
func (r *Quoting) SaveQuote(ctx context.Context, q quoting.Quote) error {
	vals, err := quoteValues(q)
	if err != nil {
		return err
	}
	var out quoteRow
	return updateVersioned(r.db.conn(ctx), &out, q.ID, &q.Version, vals)
}

// LatestVersion implements quoting.Store.
func (r *Quoting) LatestVersion(ctx context.Context, number string) (quoting.Quote, error) {
	return r.takeQuote(r.db.conn(ctx).Order("quote_version DESC"), "number = ?", number)
}

// QuoteByToken implements quoting.Store: the one look-up of quotes across
// workspaces, by the unique hash of a link token.
func (r *Quoting) QuoteByToken(ctx context.Context, hash []byte) (quoting.Quote, uuid.UUID, error) {
	var row quoteRow
	err := r.db.conn(tenant.System(ctx)).Where("token_hash = ?", hash).Take(&row).Error
	if err != nil {
		return quoting.Quote{}, uuid.Nil, translate(err)
	}
	q, err := row.domain()
	return q, row.WorkspaceID, err
}

// AwaitingExpiry implements quoting.Store. The end of a validity date in a
// workspace's zone is never before that date in UTC, which lets the
// partial index on valid_until narrow the scan.
func (r *Quoting) AwaitingExpiry(ctx context.Context, now time.Time, limit int) ([]quoting.VersionRef, error) {
	var out []quoting.VersionRef
	err := r.db.conn(ctx).Raw(`SELECT q.workspace_id, q.id AS quote_id FROM quotes q
		JOIN workspaces w ON w.id = q.workspace_id
		WHERE q.status IN ('sent', 'viewed') AND q.valid_until <= (?::timestamptz AT TIME ZONE 'UTC')::date
		  AND ((q.valid_until + 1)::timestamp AT TIME ZONE w.time_zone) <= ?
		ORDER BY q.valid_until, q.id LIMIT ?`, now, now, limit).Scan(&out).Error
	return out, translate(err)
}
