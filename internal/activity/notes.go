package activity

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/page"
)

// MaxNoteLength is the longest note body, in characters.
const MaxNoteLength = 10000

// Note is a free-text remark on an opportunity.
type Note struct {
	ID            uuid.UUID
	OpportunityID uuid.UUID
	AuthorID      uuid.UUID
	Body          string
	Version       int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// NoteStore persists notes, scoped to the context's workspace; missing rows
// (and other workspaces' rows) are errs.NotFound.
type NoteStore interface {
	WithTx(ctx context.Context, fn func(ctx context.Context) error) error
	// OpportunityExists is errs.NotFound when the opportunity is missing.
	OpportunityExists(ctx context.Context, id uuid.UUID) error
	CreateNote(ctx context.Context, n Note) error
	Note(ctx context.Context, id uuid.UUID) (Note, error)
	// NotesByID reads the notes of ids in one query, in no particular
	// order: missing ids are skipped.
	NotesByID(ctx context.Context, ids []uuid.UUID) ([]Note, error)
	// Notes lists an opportunity's notes newest first.
	Notes(ctx context.Context, opportunityID uuid.UUID, req page.Request) (page.Page[Note], error)
	// SaveNote writes the body and updated_at if the version is still
	// ifVersion (any version when nil), bumps it and returns the result.
	SaveNote(ctx context.Context, n Note, ifVersion *int64) (Note, error)
	DeleteNote(ctx context.Context, id uuid.UUID, ifVersion *int64) error
}

// Notes implements notes on opportunities.
type Notes struct {
	store NoteStore
	now   func() time.Time
}

// NewNotes returns the notes service; now defaults to time.Now in UTC.
func NewNotes(store NoteStore, now func() time.Time) *Notes {
	return &Notes{store: store, now: clock(now)}
}

func clock(now func() time.Time) func() time.Time {
	if now == nil {
		return func() time.Time { return time.Now().UTC() }
	}
	return now
}

// checkNoteBody trims a body and requires 1 to 10,000 characters.
func checkNoteBody(body string) (string, error) {
	body = strings.TrimSpace(body)
	if n := utf8.RuneCountInString(body); n == 0 || n > MaxNoteLength {
		return "", errs.Field("body", "must be between 1 and 10000 characters")
	}
	return body, nil
}

// Create adds the caller's note to an opportunity: NotFound when the
// opportunity is missing, Invalid naming body when it is empty or too long.
func (s *Notes) Create(ctx context.Context, opportunityID uuid.UUID, body string) (Note, error) {
	p, err := identity.Caller(ctx)
	if err != nil {
		return Note{}, err
	}
	if err := s.store.OpportunityExists(ctx, opportunityID); err != nil {
		return Note{}, err
	}
	if body, err = checkNoteBody(body); err != nil {
		return Note{}, err
	}
	now := exactTime(s.now())
	n := Note{ID: newID(), OpportunityID: opportunityID, AuthorID: p.UserID, Body: body, Version: 1, CreatedAt: now, UpdatedAt: now}
	return n, s.store.CreateNote(ctx, n)
}

// Note returns one note.
func (s *Notes) Note(ctx context.Context, id uuid.UUID) (Note, error) { return s.store.Note(ctx, id) }

// NotesByID returns the notes of ids, each as Note returns it, in no
// particular order; missing ids are skipped.
func (s *Notes) NotesByID(ctx context.Context, ids []uuid.UUID) ([]Note, error) {
	return s.store.NotesByID(ctx, ids)
}

// List lists an opportunity's notes newest first (NotFound when the
// opportunity is missing).
func (s *Notes) List(ctx context.Context, opportunityID uuid.UUID, req page.Request) (page.Page[Note], error) {
	if err := s.store.OpportunityExists(ctx, opportunityID); err != nil {
		return page.Page[Note]{}, err
	}
	return s.store.Notes(ctx, opportunityID, req)
}

// Update replaces a note's body. Only its author or an admin may: Forbidden
// otherwise; PreconditionFailed when ifVersion is stale.
func (s *Notes) Update(ctx context.Context, id uuid.UUID, body string, ifVersion *int64) (Note, error) {
	body, err := checkNoteBody(body)
	if err != nil {
		return Note{}, err
	}
	n, err := s.editable(ctx, id)
	if err != nil {
		return Note{}, err
	}
	n.Body, n.UpdatedAt = body, exactTime(s.now())
	return s.store.SaveNote(ctx, n, ifVersion)
}

// Delete removes a note; the same rules as Update apply.
func (s *Notes) Delete(ctx context.Context, id uuid.UUID, ifVersion *int64) error {
	if _, err := s.editable(ctx, id); err != nil {
		return err
	}
	return s.store.DeleteNote(ctx, id, ifVersion)
}

// editable loads a note the caller may change: its author or an admin.
func (s *Notes) editable(ctx context.Context, id uuid.UUID) (Note, error) {
	p, err := identity.Caller(ctx)
	if err != nil {
		return Note{}, err
	}
	n, err := s.store.Note(ctx, id)
	if err != nil {
		return Note{}, err
	}
	if n.AuthorID != p.UserID && p.Role != identity.RoleAdmin {
		return Note{}, errs.New(errs.Forbidden, "only the note's author or an admin may change it")
	}
	return n, nil
}

// exactTime rounds a time to what PostgreSQL stores (microseconds, UTC).
func exactTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
