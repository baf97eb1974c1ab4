// Package changes is the change feed of a workspace: every created, updated
// or deleted record in the order a client can safely follow, for mobile
// sync (GET /api/v1/changes) and the web app's live stream. Positions are
// (transaction id, sequence) pairs that storage only hands out once every
// transaction that could still write below them has ended, so a client that
// keeps its position never misses a change, whatever order transactions
// commit in.
package changes

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
)

// Retention is how long changes are kept; a position issued longer ago is
// gone (the client resyncs). Storage prunes a day later than this, so that
// a position issued just inside the retention still finds every change
// after it.
const Retention = 30 * 24 * time.Hour

// pruneAfter is the age past which stored changes are deleted.
const pruneAfter = Retention + 24*time.Hour

// Type names a kind of record in the feed.
type Type string

// The record types the feed carries.
const (
	Opportunity  Type = "opportunity"
	Organization Type = "organization"
	Person       Type = "person"
	Product      Type = "product"
	Task         Type = "task"
	Note         Type = "note"
	Appointment  Type = "appointment"
	Quote        Type = "quote"
)

// Types lists every type the feed carries.
var Types = []Type{Opportunity, Organization, Person, Product, Task, Note, Appointment, Quote}

// ParseTypes reads a comma-separated list of types; empty means all.
// Unknown names are errs.Invalid on the field "types".
func ParseTypes(s string) ([]Type, error) {
	if strings.TrimSpace(s) == "" {
		return Types, nil
	}
	var out []Type
	for _, part := range strings.Split(s, ",") {
		t := Type(strings.TrimSpace(part))
		if !slices.Contains(Types, t) {
			names := make([]string, len(Types))
			for i, t := range Types {
				names[i] = string(t)
			}
			return nil, errs.Field("types", "unknown type "+strconvQuote(string(t))+"; use: "+strings.Join(names, ", "))
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out, nil
}

func strconvQuote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return `"` + s + `"`
}

// Position is a place in a workspace's feed: after the change of
// transaction XID with sequence Seq. The zero position is the start.
type Position struct {
	XID int64
	Seq int64
}

// Change is one write to one record.
type Change struct {
	Position  Position
	Type      Type
	ID        uuid.UUID
	Deleted   bool
	ChangedAt time.Time
}

// Store reads and prunes the stored changes.
type Store interface {
	// Changes answers up to limit changes of the workspace in ctx after
	// pos, of the given types, in feed order, only of transactions that
	// no running transaction precedes.
	Changes(ctx context.Context, after Position, types []Type, limit int) ([]Change, error)
	// End answers the position of the last change of the workspace in
	// ctx that Changes can list now (the zero position when none).
	End(ctx context.Context) (Position, error)
	// Prune deletes the changes made before t, in all workspaces.
	Prune(ctx context.Context, before time.Time) (int64, error)
}

// Notifier tells when a workspace may have new changes, from any replica.
type Notifier interface {
	// Subscribe answers a channel that receives (without blocking the
	// sender; a full channel means a wake-up is pending) when the
	// workspace may have changes, and a function that ends the
	// subscription.
	Subscribe(workspaceID uuid.UUID) (<-chan struct{}, func())
}

// Feed reads the change feed.
type Feed struct {
	store  Store
	notify Notifier
	now    func() time.Time
}

// NewFeed returns the feed on store; notify may be nil (no live wake-ups:
// streams poll).
func NewFeed(store Store, notify Notifier, now func() time.Time) *Feed {
	if now == nil {
		now = time.Now
	}
	return &Feed{store: store, notify: notify, now: now}
}

// Now is the feed's clock, which also dates the positions handed out.
func (f *Feed) Now() time.Time { return f.now() }

// Page is a run of changes and the position after them.
type Page struct {
	Changes []Change
	Next    Position
	More    bool
}

// Read answers up to limit changes after pos. issued is when the client was
// given pos; a position issued longer than the retention ago is errs.Gone
// (its changes may have been pruned). A record changed several times in
// the page appears once, at its last change.
func (f *Feed) Read(ctx context.Context, pos Position, issued time.Time, types []Type, limit int) (Page, error) {
	if !issued.IsZero() && f.now().Sub(issued) > Retention {
		return Page{}, errs.New(errs.Gone, "the cursor is older than the change feed keeps (%d days): resync from the lists and start a new feed", int(Retention.Hours()/24))
	}
	cs, err := f.store.Changes(ctx, pos, types, limit+1)
	if err != nil {
		return Page{}, err
	}
	p := Page{Next: pos}
	if len(cs) > limit {
		cs, p.More = cs[:limit], true
	}
	if len(cs) > 0 {
		p.Next = cs[len(cs)-1].Position
	}
	p.Changes = lastPerRecord(cs)
	return p, nil
}

// End answers the position after every change listable now: where a feed
// that starts now begins.
func (f *Feed) End(ctx context.Context) (Position, error) { return f.store.End(ctx) }

// lastPerRecord keeps each record's last change, in feed order.
func lastPerRecord(cs []Change) []Change {
	type key struct {
		t  Type
		id uuid.UUID
	}
	last := make(map[key]int, len(cs))
	for i, c := range cs {
		last[key{c.Type, c.ID}] = i
	}
	out := make([]Change, 0, len(last))
	for i, c := range cs {
		if last[key{c.Type, c.ID}] == i {
			out = append(out, c)
		}
	}
	return out
}

// Subscribe wakes the caller when the workspace may have new changes; see
// Notifier. Without a notifier the channel never fires (callers poll).
func (f *Feed) Subscribe(workspaceID uuid.UUID) (<-chan struct{}, func()) {
	if f.notify == nil {
		return make(chan struct{}), func() {}
	}
	return f.notify.Subscribe(workspaceID)
}

// Prune deletes changes past the retention (and a day's margin); the
// periodic prune job calls it.
func (f *Feed) Prune(ctx context.Context) (int64, error) {
	return f.store.Prune(ctx, f.now().Add(-pruneAfter))
}
