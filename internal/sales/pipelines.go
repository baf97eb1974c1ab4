package sales

import (
	"context"
	"sort"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/page"
	"github.com/acme/crm/internal/patch"
)

// NewPipeline is a pipeline to create with all its phases. QuoteSentPosition
// and QuoteSignedPosition name quote phases by their position in Phases.
type NewPipeline struct {
	Name                string
	IsDefault           bool
	Phases              []Phase
	QuoteSentPosition   *int
	QuoteSignedPosition *int
}

// CreatePipeline validates the pipeline as a whole and stores it (admins).
// The workspace's first pipeline is its default; a new default replaces the
// old one.
func (s *Service) CreatePipeline(ctx context.Context, in NewPipeline) (Pipeline, error) {
	if err := identity.RequireAdmin(ctx); err != nil {
		return Pipeline{}, err
	}
	p := Pipeline{ID: newID(), Name: in.Name, IsDefault: in.IsDefault}
	phases := make([]Phase, len(in.Phases))
	copy(phases, in.Phases)
	sort.SliceStable(phases, func(i, j int) bool { return phases[i].Position < phases[j].Position })
	for i := range phases {
		phases[i] = normalized(phases[i])
		phases[i].ID, phases[i].PipelineID = newID(), p.ID
	}
	p.Phases = phases
	var err error
	if p.QuoteSentPhaseID, err = phaseAtPosition(phases, in.QuoteSentPosition, "quote_sent"); err != nil {
		return Pipeline{}, err
	}
	if p.QuoteSignedPhaseID, err = phaseAtPosition(phases, in.QuoteSignedPosition, "quote_signed"); err != nil {
		return Pipeline{}, err
	}
	if err := ValidatePipeline(p); err != nil {
		return Pipeline{}, err
	}
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.store.DefaultPipeline(ctx); errs.Is(err, errs.NotFound) {
			p.IsDefault = true
		} else if err != nil {
			return err
		} else if p.IsDefault {
			if err := s.store.ClearDefault(ctx); err != nil {
				return err
			}
		}
		if err := s.store.CreatePipeline(ctx, p); err != nil {
			return err
		}
		p, err = s.store.Pipeline(ctx, p.ID)
		return err
	})
	return p, err
}

func phaseAtPosition(phases []Phase, pos *int, field string) (*uuid.UUID, error) {
	if pos == nil {
		return nil, nil
	}
	for _, ph := range phases {
		if ph.Position == *pos {
			id := ph.ID
			return &id, nil
		}
	}
	return nil, errs.Field(field, "no phase has this position")
}

// Pipeline returns one pipeline with its phases in order.
func (s *Service) Pipeline(ctx context.Context, id uuid.UUID) (Pipeline, error) {
	return s.store.Pipeline(ctx, id)
}

// Pipelines lists the workspace's pipelines with their phases.
func (s *Service) Pipelines(ctx context.Context, req page.Request) (page.Page[Pipeline], error) {
	return s.store.ListPipelines(ctx, req)
}

// PipelinePatch changes a pipeline's settings; nil fields stay. A Set flag
// with a nil id clears a quote phase.
type PipelinePatch struct {
	Name             *string
	IsDefault        *bool
	QuoteSentPhase   patch.Field[uuid.UUID]
	QuoteSignedPhase patch.Field[uuid.UUID]
}

// UpdatePipeline changes the settings (admins). Making a pipeline the
// default takes the flag from the old default; un-defaulting the default
// fails rule exactly_one_default (make another pipeline the default instead).
func (s *Service) UpdatePipeline(ctx context.Context, id uuid.UUID, patch PipelinePatch, ifVersion *int64) (Pipeline, error) {
	return s.changePipeline(ctx, id, ifVersion, func(ctx context.Context, p *Pipeline) error {
		if patch.Name != nil {
			p.Name = *patch.Name
		}
		if patch.QuoteSentPhase.Set {
			p.QuoteSentPhaseID = patch.QuoteSentPhase.Value
		}
		if patch.QuoteSignedPhase.Set {
			p.QuoteSignedPhaseID = patch.QuoteSignedPhase.Value
		}
		if patch.IsDefault == nil || *patch.IsDefault == p.IsDefault {
			return nil
		}
		if !*patch.IsDefault {
			return ruleField(RuleExactlyOneDefault, "is_default", "a workspace needs one default pipeline: make another pipeline the default instead")
		}
		p.IsDefault = true
		return s.store.ClearDefault(ctx)
	})
}

// changePipeline locks the pipeline, checks If-Match, applies change,
// validates the whole pipeline and saves it.
func (s *Service) changePipeline(ctx context.Context, id uuid.UUID, ifVersion *int64, change func(ctx context.Context, p *Pipeline) error) (Pipeline, error) {
	if err := identity.RequireAdmin(ctx); err != nil {
		return Pipeline{}, err
	}
	var out Pipeline
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		p, err := s.store.LockPipeline(ctx, id)
		if err != nil {
			return err
		}
		if ifVersion != nil && *ifVersion != p.Version {
			return stale("pipeline", p.Version)
		}
		if err := change(ctx, &p); err != nil {
			return err
		}
		if err := ValidatePipeline(p); err != nil {
			return err
		}
		out, err = s.store.SavePipeline(ctx, p)
		return err
	})
	return out, err
}

// DeletePipeline removes a pipeline (admins). The default pipeline cannot
// be deleted, nor one that still has opportunities (Conflict).
func (s *Service) DeletePipeline(ctx context.Context, id uuid.UUID, ifVersion *int64) error {
	if err := identity.RequireAdmin(ctx); err != nil {
		return err
	}
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		p, err := s.store.LockPipeline(ctx, id)
		if err != nil {
			return err
		}
		if ifVersion != nil && *ifVersion != p.Version {
			return stale("pipeline", p.Version)
		}
		if p.IsDefault {
			return errs.Conflictf("the default pipeline cannot be deleted: make another pipeline the default first")
		}
		for _, ph := range p.Phases {
			n, err := s.store.OpportunitiesInPhase(ctx, ph.ID)
			if err != nil {
				return err
			}
			if n > 0 {
				return errs.Conflictf("the pipeline has opportunities: move them to another pipeline first")
			}
		}
		return s.store.DeletePipeline(ctx, id)
	})
}

// AddPhase inserts a phase at position (nil: last) and checks the whole
// pipeline against the rules (admins).
func (s *Service) AddPhase(ctx context.Context, pipelineID uuid.UUID, ph Phase, position *int) (Phase, error) {
	ph.ID = newID()
	_, err := s.changePipeline(ctx, pipelineID, nil, func(_ context.Context, p *Pipeline) error {
		at := len(p.Phases)
		if position != nil {
			at = *position
		}
		ph.PipelineID = p.ID
		phases, err := AddPhase(p.Phases, ph, at)
		p.Phases = phases
		return err
	})
	if err != nil {
		return Phase{}, err
	}
	out, _, err := s.store.PhaseByID(ctx, ph.ID)
	return out, err
}

// PhasePatch changes a phase; nil fields stay.
type PhasePatch struct {
	Name        *string
	Probability *int
	Kind        *PhaseKind
	Color       *string
}

// UpdatePhase changes one phase and checks its pipeline against the rules
// (admins). ifVersion is the phase's version.
func (s *Service) UpdatePhase(ctx context.Context, id uuid.UUID, patch PhasePatch, ifVersion *int64) (Phase, error) {
	ph, version, err := s.store.PhaseByID(ctx, id)
	if err != nil {
		return Phase{}, err
	}
	_, err = s.changePipeline(ctx, ph.PipelineID, nil, func(_ context.Context, p *Pipeline) error {
		cur, ok := p.Phase(id)
		if !ok {
			return errs.NotFoundf("phase not found")
		}
		if ifVersion != nil && *ifVersion != version {
			return stale("phase", version)
		}
		if patch.Name != nil {
			cur.Name = *patch.Name
		}
		if patch.Probability != nil {
			cur.Probability = *patch.Probability
		}
		if patch.Kind != nil {
			cur.Kind = *patch.Kind
		}
		if patch.Color != nil {
			cur.Color = *patch.Color
		}
		phases, err := UpdatePhase(p.Phases, cur)
		p.Phases = phases
		return err
	})
	if err != nil {
		return Phase{}, err
	}
	out, _, err := s.store.PhaseByID(ctx, id)
	return out, err
}

// Phase returns one phase and its version.
func (s *Service) Phase(ctx context.Context, id uuid.UUID) (Phase, int64, error) {
	return s.store.PhaseByID(ctx, id)
}

// DeletePhase removes a phase (admins). A phase that holds opportunities
// needs moveTo, a phase of the same pipeline to move them to (each move is
// recorded); otherwise Conflict. A quote setting naming the phase is cleared.
func (s *Service) DeletePhase(ctx context.Context, id uuid.UUID, moveTo *uuid.UUID, ifVersion *int64) error {
	ph, version, err := s.store.PhaseByID(ctx, id)
	if err != nil {
		return err
	}
	_, err = s.changePipeline(ctx, ph.PipelineID, nil, func(ctx context.Context, p *Pipeline) error {
		if ifVersion != nil && *ifVersion != version {
			return stale("phase", version)
		}
		phases, err := RemovePhase(p.Phases, id)
		if err != nil {
			return err
		}
		n, err := s.store.OpportunitiesInPhase(ctx, id)
		if err != nil {
			return err
		}
		if n > 0 {
			if moveTo == nil {
				return errs.Conflictf("the phase holds %d opportunities: name a phase to move them to with ?move_to=", n)
			}
			target, err := CheckMoveTarget(p.Phases, id, moveTo)
			if err != nil {
				return err
			}
			if err := s.movePhaseOpportunities(ctx, ph, target); err != nil {
				return err
			}
		}
		p.Phases = phases
		if p.QuoteSentPhaseID != nil && *p.QuoteSentPhaseID == id {
			p.QuoteSentPhaseID = nil
		}
		if p.QuoteSignedPhaseID != nil && *p.QuoteSignedPhaseID == id {
			p.QuoteSignedPhaseID = nil
		}
		return nil
	})
	return err
}

// ReorderPhases puts a pipeline's phases in the order of ids, which must
// list every phase once (admins).
func (s *Service) ReorderPhases(ctx context.Context, pipelineID uuid.UUID, ids []uuid.UUID, ifVersion *int64) (Pipeline, error) {
	return s.changePipeline(ctx, pipelineID, ifVersion, func(_ context.Context, p *Pipeline) error {
		phases, err := ReorderPhases(p.Phases, ids)
		p.Phases = phases
		return err
	})
}

func stale(what string, version int64) error {
	return errs.New(errs.PreconditionFailed, "the %s was changed by someone else (now at version %d): reload and retry", what, version)
}

// movePhaseOpportunities moves every opportunity of a phase being deleted
// to target, recording and publishing each move.
func (s *Service) movePhaseOpportunities(ctx context.Context, from, target Phase) error {
	actor := events.ActorFrom(ctx)
	pc := PhaseChange{ChangedBy: events.UserID(ctx), ActorKind: string(actor.Kind), ActorName: actor.Name,
		ChangedAt: s.now()}
	moved, err := s.store.MovePhaseOpportunities(ctx, from.ID, target, pc)
	if err != nil {
		return err
	}
	for _, id := range moved {
		o, err := s.store.Opportunity(ctx, id)
		if err != nil {
			return err
		}
		pc := pc
		pc.FromPhaseID, pc.FromPhaseName = &from.ID, &from.Name
		pc.ToPhaseID, pc.ToPhaseName, pc.ToProbability = target.ID, target.Name, o.Probability
		if err := s.publishPhaseChange(ctx, o, pc, target.Kind); err != nil {
			return err
		}
	}
	return nil
}
