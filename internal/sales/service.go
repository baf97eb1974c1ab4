package sales

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/page"
)

// Store persists pipelines, phases, sources and opportunities, scoped to the
// context's workspace. Missing rows are errs.NotFound.
type Store interface {
	WithTx(ctx context.Context, fn func(ctx context.Context) error) error
	PipelineStore
	OpportunityStore
	LineStore
	ReportStore
	SourceStore
}

// PipelineStore keeps pipelines and their phases.
type PipelineStore interface {
	ListPipelines(ctx context.Context, req page.Request) (page.Page[Pipeline], error)
	Pipeline(ctx context.Context, id uuid.UUID) (Pipeline, error)
	// LockPipeline reads a pipeline with its phases FOR UPDATE, serialising
	// every change to its phases.
	LockPipeline(ctx context.Context, id uuid.UUID) (Pipeline, error)
	DefaultPipeline(ctx context.Context) (Pipeline, error)
	CreatePipeline(ctx context.Context, p Pipeline) error
	// SavePipeline writes the pipeline's settings and its phases exactly as
	// given (phases missing from p.Phases are deleted) and bumps its version.
	SavePipeline(ctx context.Context, p Pipeline) (Pipeline, error)
	ClearDefault(ctx context.Context) error
	DeletePipeline(ctx context.Context, id uuid.UUID) error
	PhaseByID(ctx context.Context, id uuid.UUID) (Phase, int64, error)
	// OpportunitiesInPhase counts the opportunities in a phase.
	OpportunitiesInPhase(ctx context.Context, phaseID uuid.UUID) (int, error)
	// MovePhaseOpportunities moves every opportunity of from to the phase to,
	// applying the phase rules and recording each move (pc gives who and
	// when; its phase and probability fields are filled per opportunity),
	// and returns the ids of those it moved.
	MovePhaseOpportunities(ctx context.Context, from uuid.UUID, to Phase, pc PhaseChange) ([]uuid.UUID, error)
}

// OpportunityStore keeps opportunities and their phase history.
type OpportunityStore interface {
	CreateOpportunity(ctx context.Context, o Opportunity) error
	Opportunity(ctx context.Context, id uuid.UUID) (Opportunity, error)
	// OpportunitiesByID reads the opportunities of ids in one query, like
	// Opportunity, in no particular order: missing ids are skipped.
	OpportunitiesByID(ctx context.Context, ids []uuid.UUID) ([]Opportunity, error)
	// LockOpportunity reads an opportunity FOR UPDATE.
	LockOpportunity(ctx context.Context, id uuid.UUID) (Opportunity, error)
	ListOpportunities(ctx context.Context, f OpportunityFilter, req page.Request) (page.Page[Opportunity], error)
	// SaveOpportunity writes every mutable column and bumps the version.
	SaveOpportunity(ctx context.Context, o Opportunity) error
	// OpportunityByExternalID reads the opportunity with the external id
	// FOR UPDATE, or errs.NotFound. A second opportunity with the same
	// external id is errs.Conflict naming external_id.
	OpportunityByExternalID(ctx context.Context, externalID string) (Opportunity, error)
	// Savepoint runs fn in a savepoint of the transaction in ctx (upsert.Tx).
	Savepoint(ctx context.Context, fn func(ctx context.Context) error) error
	DeleteOpportunity(ctx context.Context, id uuid.UUID, ifVersion *int64) error
	RecordPhaseChange(ctx context.Context, pc PhaseChange) error
	PhaseChanges(ctx context.Context, opportunityID uuid.UUID, req page.Request) (page.Page[PhaseChange], error)
}

// LineStore keeps opportunities' product lines.
type LineStore interface {
	// Lines returns an opportunity's lines by position; LinesOf those of
	// several opportunities at once (opportunities without lines are absent).
	Lines(ctx context.Context, opportunityID uuid.UUID) ([]Line, error)
	LinesOf(ctx context.Context, opportunityIDs []uuid.UUID) (map[uuid.UUID][]Line, error)
	Line(ctx context.Context, opportunityID, id uuid.UUID) (Line, error)
	// CreateLine returns errs.Invalid on product_id for a product that is
	// not in the workspace.
	CreateLine(ctx context.Context, l Line) error
	// SaveLine writes every mutable column of the line and bumps its version.
	SaveLine(ctx context.Context, l Line) error
	DeleteLine(ctx context.Context, opportunityID, id uuid.UUID) error
	// SetLinePositions numbers the lines 0, 1, … in the order of ids,
	// bumping the version of each line whose position changes.
	SetLinePositions(ctx context.Context, opportunityID uuid.UUID, ids []uuid.UUID, at time.Time) error
}

// ReportStore reads the board, the forecast and the dashboard.
type ReportStore interface {
	// Board returns the pipeline's columns; perPhase 0 leaves out the cards.
	Board(ctx context.Context, p Pipeline, perPhase int) ([]BoardColumn, error)
	Forecast(ctx context.Context, q ForecastQuery) ([]ForecastLine, error)
	// DashboardFigures reads the dashboard's figures in one round trip.
	DashboardFigures(ctx context.Context, q DashboardQuery) (DashboardFigures, error)
}

// SourceStore keeps the workspace's lead sources.
type SourceStore interface {
	ListSources(ctx context.Context, req page.Request) (page.Page[Source], error)
	Source(ctx context.Context, id uuid.UUID) (Source, error)
	CreateSource(ctx context.Context, s Source) error
	UpdateSource(ctx context.Context, id uuid.UUID, patch SourcePatch, ifVersion *int64) (Source, error)
	DeleteSource(ctx context.Context, id uuid.UUID, ifVersion *int64) error
}

// FollowUps creates the follow-up task every new opportunity gets, in the
// transaction of the context.
type FollowUps interface {
	CreateFollowUp(ctx context.Context, opportunityID uuid.UUID, title string, assignee uuid.UUID, due time.Time) error
}

// Directory tells the sales rules about the workspace and its users.
type Directory interface {
	Workspace(ctx context.Context) (identity.Workspace, error)
	User(ctx context.Context, id uuid.UUID) (identity.User, error)
}

// Service implements the sales rules on top of a Store.
type Service struct {
	store     Store
	directory Directory
	followUps FollowUps
	relations Relations
	openTasks OpenTasks
	catalog   Catalog
	events    Publisher
	invoicing Invoicing
	now       func() time.Time
}

// Deps are what the sales service works with besides its store.
type Deps struct {
	Directory Directory
	FollowUps FollowUps
	Relations Relations
	OpenTasks OpenTasks
	Catalog   Catalog
	// Events records opportunity.phase_changed and opportunity.won; nil
	// publishes nothing.
	Events Publisher
	// Invoicing gives the dashboard its invoicing figures; nil leaves them
	// empty.
	Invoicing Invoicing
	Now       func() time.Time
}

// NewService returns the sales service.
func NewService(store Store, d Deps) *Service {
	s := &Service{store: store, directory: d.Directory, followUps: d.FollowUps, relations: d.Relations, openTasks: d.OpenTasks, now: d.Now,
		catalog: d.Catalog, events: d.Events, invoicing: d.Invoicing}
	if s.now == nil {
		s.now = func() time.Time { return time.Now().UTC() }
	}
	return s
}
