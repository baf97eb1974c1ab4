package sales

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/page"
	"github.com/acme/crm/internal/upsert"
)

// NewOpportunity is a request to create an opportunity. Zero values take
// the defaults: the creator owns it, the default pipeline, its first open
// phase, the workspace's currency. Organization or Person may describe a
// relation to create in the same transaction.
type NewOpportunity struct {
	Title               string
	OrganizationID      *uuid.UUID
	PersonID            *uuid.UUID
	ContactPersonID     *uuid.UUID
	OwnerID             *uuid.UUID
	PipelineID          *uuid.UUID
	PhaseID             *uuid.UUID
	ProbabilityOverride *int
	EstimatedAmount     int64
	Currency            string
	ExpectedOrderDate   *time.Time
	SourceID            *uuid.UUID
	Description         string
	Organization        *NewOrganization
	Person              *NewPerson
	ExternalID          *string
}

// CreateOpportunity validates and stores a new opportunity, records its
// first phase and gives its creator a follow-up task, all in one transaction.
func (s *Service) CreateOpportunity(ctx context.Context, in NewOpportunity) (Opportunity, error) {
	p, err := identity.Caller(ctx)
	if err != nil {
		return Opportunity{}, err
	}
	var out Opportunity
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		ws, err := s.directory.Workspace(ctx)
		if err != nil {
			return err
		}
		o, phase, err := s.newOpportunity(ctx, in, p.UserID, ws.DefaultCurrency)
		if err != nil {
			return err
		}
		if err := s.createRelations(ctx, in, &o); err != nil {
			return err
		}
		if err := s.store.CreateOpportunity(ctx, o); err != nil {
			return err
		}
		if _, err := s.recordPhase(ctx, o, nil, phase); err != nil {
			return err
		}
		due := s.now().AddDate(0, 0, ws.FollowUpDays)
		if err := s.followUps.CreateFollowUp(ctx, o.ID, "Follow up: "+o.Title, p.UserID, due); err != nil {
			return err
		}
		if out, err = s.saved(ctx, o.ID); err != nil {
			return err
		}
		return s.publishOpportunity(ctx, events.OpportunityCreated, out, payloadOf(out))
	})
	return out, err
}

func (s *Service) newOpportunity(ctx context.Context, in NewOpportunity, creator uuid.UUID, currency string) (Opportunity, Phase, error) {
	now := s.now()
	o := Opportunity{ID: newID(), Title: strings.TrimSpace(in.Title), OrganizationID: in.OrganizationID,
		PersonID: in.PersonID, ContactPersonID: in.ContactPersonID, OwnerID: creator, EstimatedAmount: in.EstimatedAmount,
		Currency: strings.ToUpper(in.Currency), ExpectedOrderDate: in.ExpectedOrderDate, SourceID: in.SourceID,
		Description: in.Description, CreatedBy: creator, ExternalID: in.ExternalID, Version: 1, CreatedAt: now, UpdatedAt: now}
	if o.Currency == "" {
		o.Currency = currency
	}
	if in.OwnerID != nil {
		o.OwnerID = *in.OwnerID
	}
	fields := checkOpportunityFields(o.Title, o.EstimatedAmount, o.Currency, o.Description)
	if err := upsert.CheckOptional("external_id", in.ExternalID); err != nil {
		e, _ := errs.As(err)
		fields = append(fields, e.Fields...)
	}
	if in.OrganizationID == nil && in.PersonID == nil && in.Organization == nil && in.Person == nil {
		fields = append(fields, errs.FieldError{Field: "organization_id", Message: "name an organization or a person (organization_id, person_id, or a new organization or person)"})
	}
	if err := errs.Fields("invalid opportunity", fields...); err != nil {
		return Opportunity{}, Phase{}, err
	}
	if err := s.checkOwner(ctx, o.OwnerID); err != nil {
		return Opportunity{}, Phase{}, err
	}
	pl, phase, err := s.startingPhase(ctx, in.PipelineID, in.PhaseID)
	if err != nil {
		return Opportunity{}, Phase{}, err
	}
	o.PipelineID = pl.ID
	st := EnterPhase(PhaseState{}, phase, now)
	if in.ProbabilityOverride != nil {
		if st, err = SetOverride(st, phase, in.ProbabilityOverride); err != nil {
			return Opportunity{}, Phase{}, err
		}
	}
	o.withState(st)
	return o, phase, nil
}

// startingPhase resolves the pipeline (default if nil) and the phase (its
// first open phase if nil).
func (s *Service) startingPhase(ctx context.Context, pipelineID, phaseID *uuid.UUID) (Pipeline, Phase, error) {
	var pl Pipeline
	var err error
	switch {
	case pipelineID != nil:
		pl, err = s.store.Pipeline(ctx, *pipelineID)
		if errs.Is(err, errs.NotFound) {
			return Pipeline{}, Phase{}, errs.Field("pipeline_id", "no such pipeline")
		}
	case phaseID != nil:
		ph, _, perr := s.store.PhaseByID(ctx, *phaseID)
		if errs.Is(perr, errs.NotFound) {
			return Pipeline{}, Phase{}, errs.Field("phase_id", "no such phase")
		}
		if perr != nil {
			return Pipeline{}, Phase{}, perr
		}
		pl, err = s.store.Pipeline(ctx, ph.PipelineID)
	default:
		pl, err = s.store.DefaultPipeline(ctx)
	}
	if err != nil {
		return Pipeline{}, Phase{}, err
	}
	if phaseID == nil {
		ph, ok := pl.FirstOfKind(KindOpen)
		if !ok {
			return Pipeline{}, Phase{}, errs.Field("pipeline_id", "the pipeline has no open phase")
		}
		return pl, ph, nil
	}
	ph, ok := pl.Phase(*phaseID)
	if !ok {
		if _, _, err := s.store.PhaseByID(ctx, *phaseID); errs.Is(err, errs.NotFound) {
			return Pipeline{}, Phase{}, errs.Field("phase_id", "no such phase")
		}
		return Pipeline{}, Phase{}, ruleField(RulePhaseInPipeline, "phase_id", "phase belongs to another pipeline")
	}
	return pl, ph, nil
}

func (s *Service) checkOwner(ctx context.Context, id uuid.UUID) error {
	u, err := s.directory.User(ctx, id)
	if errs.Is(err, errs.NotFound) {
		return errs.Field("owner_id", "no such user")
	}
	if err != nil {
		return err
	}
	if !u.Active {
		return errs.Field("owner_id", "the user is deactivated")
	}
	return nil
}

// phaseMove is a recorded phase change whose events wait until the
// opportunity is saved, so that they carry it as saved.
type phaseMove struct {
	pc   PhaseChange
	kind PhaseKind
}

// recordPhase records o's entry into phase to (from nil: its first phase)
// and answers the move to publish once o is saved (nil for a first phase,
// which is not a change).
func (s *Service) recordPhase(ctx context.Context, o Opportunity, from *Phase, to Phase) (*phaseMove, error) {
	actor := events.ActorFrom(ctx)
	pc := PhaseChange{ID: newID(), OpportunityID: o.ID, ToPhaseID: to.ID, ToPhaseName: to.Name,
		ToProbability: o.Probability, ChangedBy: events.UserID(ctx), ActorKind: string(actor.Kind),
		ActorName: actor.Name, ChangedAt: s.now()}
	if from != nil {
		pc.FromPhaseID, pc.FromPhaseName = &from.ID, &from.Name
		prob := EffectiveProbability(*from, nil)
		pc.FromProbability = &prob
	}
	if err := s.store.RecordPhaseChange(ctx, pc); err != nil {
		return nil, err
	}
	if from == nil {
		return nil, nil
	}
	return &phaseMove{pc: pc, kind: to.Kind}, nil
}

// publishMove publishes m's events about o as saved; a nil m publishes
// nothing.
func (s *Service) publishMove(ctx context.Context, o Opportunity, m *phaseMove) error {
	if m == nil {
		return nil
	}
	return s.publishPhaseChange(ctx, o, m.pc, m.kind)
}

// saved reads an opportunity as the transaction has it now, with its
// totals: what its events carry.
func (s *Service) saved(ctx context.Context, id uuid.UUID) (Opportunity, error) {
	o, err := s.store.Opportunity(ctx, id)
	if err != nil {
		return Opportunity{}, err
	}
	one := []Opportunity{o}
	err = s.withTotals(ctx, one)
	return one[0], err
}

// Opportunity returns one opportunity with the totals of its lines.
func (s *Service) Opportunity(ctx context.Context, id uuid.UUID) (Opportunity, error) {
	return s.saved(ctx, id)
}

// OpportunitiesByID returns the opportunities of ids, each as Opportunity
// returns it, in no particular order; missing ids are skipped. It reads
// them and their totals in at most two queries.
func (s *Service) OpportunitiesByID(ctx context.Context, ids []uuid.UUID) ([]Opportunity, error) {
	opps, err := s.store.OpportunitiesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	return opps, s.withTotals(ctx, opps)
}

// OpportunityFilter narrows a list of opportunities; zero fields do not filter.
type OpportunityFilter struct {
	PipelineID     *uuid.UUID
	PhaseID        *uuid.UUID
	Status         *Status
	OwnerID        *uuid.UUID
	SourceID       *uuid.UUID
	OrganizationID *uuid.UUID
	PersonID       *uuid.UUID
	ExpectedFrom   *time.Time
	ExpectedTo     *time.Time
	Query          string
	ExternalID     string // exact match; empty matches all
}

// Opportunities lists opportunities matching f with the totals of their
// lines (read for the whole page in one query).
func (s *Service) Opportunities(ctx context.Context, f OpportunityFilter, req page.Request) (page.Page[Opportunity], error) {
	p, err := s.store.ListOpportunities(ctx, f, req)
	if err != nil {
		return p, err
	}
	return p, s.withTotals(ctx, p.Items)
}

// PhaseHistory lists an opportunity's phase changes, oldest first.
func (s *Service) PhaseHistory(ctx context.Context, id uuid.UUID, req page.Request) (page.Page[PhaseChange], error) {
	if _, err := s.store.Opportunity(ctx, id); err != nil {
		return page.Page[PhaseChange]{}, err
	}
	return s.store.PhaseChanges(ctx, id, req)
}

// DeleteOpportunity removes an opportunity with its history and tasks.
// It publishes opportunity.deleted with its last state.
func (s *Service) DeleteOpportunity(ctx context.Context, id uuid.UUID, ifVersion *int64) error {
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		o, err := s.store.LockOpportunity(ctx, id)
		if err != nil {
			return err
		}
		if err := s.store.DeleteOpportunity(ctx, id, ifVersion); err != nil {
			return err
		}
		return s.publishOpportunity(ctx, events.OpportunityDeleted, o, payloadOf(o))
	})
}
