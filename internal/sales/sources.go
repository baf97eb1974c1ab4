package sales

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/page"
)

// Source is where leads come from (a select list admins maintain).
type Source struct {
	ID        uuid.UUID
	Name      string
	Active    bool
	Position  int
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// SourcePatch changes a source; nil fields stay.
type SourcePatch struct {
	Name     *string
	Active   *bool
	Position *int
}

// Sources lists the workspace's sources by position.
func (s *Service) Sources(ctx context.Context, req page.Request) (page.Page[Source], error) {
	return s.store.ListSources(ctx, req)
}

// Source returns one source.
func (s *Service) Source(ctx context.Context, id uuid.UUID) (Source, error) {
	return s.store.Source(ctx, id)
}

// CreateSource adds a source (admins). Names are unique per workspace,
// ignoring case (Conflict).
func (s *Service) CreateSource(ctx context.Context, name string, active bool, position int) (Source, error) {
	if err := identity.RequireAdmin(ctx); err != nil {
		return Source{}, err
	}
	name, err := sourceName(name)
	if err != nil {
		return Source{}, err
	}
	now := s.now()
	src := Source{ID: newID(), Name: name, Active: active, Position: position, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateSource(ctx, src); err != nil {
		return Source{}, sourceConflict(err)
	}
	return src, nil
}

// UpdateSource renames, (de)activates or moves a source (admins).
func (s *Service) UpdateSource(ctx context.Context, id uuid.UUID, patch SourcePatch, ifVersion *int64) (Source, error) {
	if err := identity.RequireAdmin(ctx); err != nil {
		return Source{}, err
	}
	if patch.Name != nil {
		n, err := sourceName(*patch.Name)
		if err != nil {
			return Source{}, err
		}
		patch.Name = &n
	}
	src, err := s.store.UpdateSource(ctx, id, patch, ifVersion)
	return src, sourceConflict(err)
}

// DeleteSource removes a source (admins). A source named by opportunities
// cannot be deleted (Conflict): deactivate it instead.
func (s *Service) DeleteSource(ctx context.Context, id uuid.UUID, ifVersion *int64) error {
	if err := identity.RequireAdmin(ctx); err != nil {
		return err
	}
	err := s.store.DeleteSource(ctx, id, ifVersion)
	if errs.Is(err, errs.Invalid) {
		return errs.Conflictf("opportunities name this source: deactivate it instead of deleting it")
	}
	return err
}

func sourceName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if n := len([]rune(name)); n == 0 || n > 100 {
		return "", errs.Field("name", "must be between 1 and 100 characters")
	}
	return name, nil
}

func sourceConflict(err error) error {
	if errs.Is(err, errs.Conflict) {
		return errs.Wrap(err, errs.Conflict, "a source with this name already exists")
	}
	return err
}

// SetupWorkspace gives a new workspace its default pipeline and sources;
// it runs inside the signup transaction.
func (s *Service) SetupWorkspace(ctx context.Context, _ identity.Workspace, _ identity.User) error {
	p := DefaultPipeline()
	if err := s.store.CreatePipeline(ctx, p); err != nil {
		return err
	}
	now := s.now()
	for i, name := range DefaultSources() {
		src := Source{ID: newID(), Name: name, Active: true, Position: i, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := s.store.CreateSource(ctx, src); err != nil {
			return err
		}
	}
	return nil
}
