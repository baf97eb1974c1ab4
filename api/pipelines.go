package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/sales"
)

func (s *Server) registerPipelineRoutes(g routes) {
	g.GET("/pipelines", s.listPipelines)
	g.POST("/pipelines", s.createPipeline, requireAdmin)
	g.GET("/pipelines/:id", s.getPipeline)
	g.PATCH("/pipelines/:id", s.updatePipeline, requireAdmin)
	g.DELETE("/pipelines/:id", s.deletePipeline, requireAdmin)
	g.POST("/pipelines/:id/phases", s.addPhase, requireAdmin)
	g.PUT("/pipelines/:id/phases/order", s.reorderPhases, requireAdmin)
}

// Pipeline is a sales pipeline with its phases in order.
type Pipeline struct {
	ID                 uuid.UUID  `json:"id"`
	Name               string     `json:"name" example:"Sales"`
	IsDefault          bool       `json:"is_default"`
	QuoteSentPhaseID   *uuid.UUID `json:"quote_sent_phase_id" extensions:"x-nullable"`
	QuoteSignedPhaseID *uuid.UUID `json:"quote_signed_phase_id" extensions:"x-nullable"`
	Phases             []Phase    `json:"phases"`
	Version            int64      `json:"version"`
	CreatedAt          time.Time  `json:"created_at"`
	UpdatedAt          time.Time  `json:"updated_at"`
} // @name Pipeline

// Phase is one step of a pipeline.
type Phase struct {
	ID          uuid.UUID `json:"id"`
	PipelineID  uuid.UUID `json:"pipeline_id"`
	Name        string    `json:"name" example:"Proposal"`
	Probability int       `json:"probability" example:"50" minimum:"0" maximum:"100"`
	Kind        string    `json:"kind" enums:"open,won,lost,expired" example:"open"`
	Color       string    `json:"color" example:"#6366F1"`
	Position    int       `json:"position" example:"2"`
} // @name Phase

// PipelineList is a page of pipelines.
type PipelineList struct {
	Data       []Pipeline `json:"data"`
	NextCursor *string    `json:"next_cursor" extensions:"x-nullable"`
} // @name PipelineList

// PhaseInput describes a phase in a new pipeline or a phase to add.
type PhaseInput struct {
	Name        string `json:"name" validate:"required,max=100" example:"Proposal"`
	Probability *int   `json:"probability" validate:"required,gte=0,lte=100" example:"50"`
	Kind        string `json:"kind" validate:"required,oneof=open won lost expired" enums:"open,won,lost,expired"`
	Color       string `json:"color" validate:"required" example:"#6366F1"`
	// Position orders the phases (new pipeline) or says where to insert the
	// phase (0 = first; default last).
	Position *int `json:"position,omitempty" validate:"omitempty,gte=0"`
} // @name PhaseInput

// NewPipelinePhase is a phase of a new pipeline. At most one phase is the
// quote-sent phase and one the quote-signed phase; the pipeline then names
// them in quote_sent_phase_id and quote_signed_phase_id.
type NewPipelinePhase struct {
	PhaseInput
	// QuoteSent makes this the phase a sent quote moves an opportunity to.
	QuoteSent bool `json:"quote_sent,omitempty"`
	// QuoteSigned makes this the phase a signed quote moves an opportunity to.
	QuoteSigned bool `json:"quote_signed,omitempty"`
} // @name NewPipelinePhase

// CreatePipelineRequest creates a pipeline with all its phases, checked as a whole.
type CreatePipelineRequest struct {
	Name      string             `json:"name" validate:"required,max=100" example:"Partner sales"`
	IsDefault bool               `json:"is_default,omitempty"`
	Phases    []NewPipelinePhase `json:"phases" validate:"required,min=3,max=50,dive"`
} // @name CreatePipelineRequest

// UpdatePipelineRequest changes a pipeline's settings; absent fields stay,
// null clears a quote phase.
type UpdatePipelineRequest struct {
	Name               *string      `json:"name,omitempty" validate:"omitempty,min=1,max=100"`
	IsDefault          *bool        `json:"is_default,omitempty"`
	QuoteSentPhaseID   OptionalUUID `json:"quote_sent_phase_id" swaggertype:"string" format:"uuid" extensions:"x-nullable"`
	QuoteSignedPhaseID OptionalUUID `json:"quote_signed_phase_id" swaggertype:"string" format:"uuid" extensions:"x-nullable"`
} // @name UpdatePipelineRequest

// PhaseOrderRequest lists every phase id of the pipeline in the new order.
type PhaseOrderRequest struct {
	PhaseIDs []uuid.UUID `json:"phase_ids" validate:"required,min=1"`
} // @name PhaseOrderRequest

func toPhase(p sales.Phase) Phase {
	return Phase{ID: p.ID, PipelineID: p.PipelineID, Name: p.Name, Probability: p.Probability, Kind: string(p.Kind),
		Color: p.Color, Position: p.Position}
}

func toPipeline(p sales.Pipeline) Pipeline {
	return Pipeline{ID: p.ID, Name: p.Name, IsDefault: p.IsDefault, QuoteSentPhaseID: p.QuoteSentPhaseID,
		QuoteSignedPhaseID: p.QuoteSignedPhaseID, Phases: mapSlice(p.Phases, toPhase), Version: p.Version,
		CreatedAt: utc(p.CreatedAt), UpdatedAt: utc(p.UpdatedAt)}
}

func (in PhaseInput) domain() sales.Phase {
	ph := sales.Phase{Name: in.Name, Kind: sales.PhaseKind(in.Kind), Color: in.Color}
	if in.Probability != nil {
		ph.Probability = *in.Probability
	}
	if in.Position != nil {
		ph.Position = *in.Position
	}
	return ph
}

// listPipelines godoc
//
//	@Summary	List pipelines with their phases
//	@Tags		pipelines
//	@ID			listPipelines
//	@Produce	json
//	@Security	BearerAuth
//	@Param		limit	query		int		false	"Page size (1-200, default 50)"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Param		sort	query		string	false	"created_at or name; prefix - for descending"
//	@Success	200		{object}	PipelineList
//	@Router		/api/v1/pipelines [get]
func (s *Server) listPipelines(c echo.Context) error {
	req, err := s.pageRequest(c, "created_at", "name")
	if err != nil {
		return err
	}
	p, err := s.sales.Pipelines(c.Request().Context(), req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, PipelineList{Data: mapSlice(p.Items, toPipeline), NextCursor: s.nextCursor(req, p.Next)})
}

// createPipeline godoc
//
//	@Summary		Create a pipeline with its phases (admins)
//	@Description	The phases are checked as a whole: at least one open phase, exactly one won, at least one lost, expired optional; won 100, lost and expired 0; open phases 1-99 never decreasing along the order. Each violation is a 422 naming the rule.
//	@Tags			pipelines
//	@ID				createPipeline
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		CreatePipelineRequest	true	"The pipeline"
//	@Success		201		{object}	Pipeline
//	@Failure		403		{object}	Problem	"Not an admin"
//	@Router			/api/v1/pipelines [post]
func (s *Server) createPipeline(c echo.Context) error {
	var req CreatePipelineRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	in, err := req.domain()
	if err != nil {
		return err
	}
	p, err := s.sales.CreatePipeline(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return created(c, "/api/v1/pipelines/"+p.ID.String(), p.Version, toPipeline(p))
}

// getPipeline godoc
//
//	@Summary	One pipeline with its phases
//	@Tags		pipelines
//	@ID			getPipeline
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"Pipeline id"	format(uuid)
//	@Success	200	{object}	Pipeline
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/pipelines/{id} [get]
func (s *Server) getPipeline(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p, err := s.sales.Pipeline(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return ok(c, p.Version, toPipeline(p))
}

// updatePipeline godoc
//
//	@Summary		Change a pipeline's name, default flag or quote phases (admins)
//	@Description	Making a pipeline the default takes the flag from the old default. quote_sent_phase_id and quote_signed_phase_id name open phases of this pipeline (sent before signed); null clears them.
//	@Tags			pipelines
//	@ID				updatePipeline
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path		string					true	"Pipeline id"	format(uuid)
//	@Param			If-Match	header		string					false	"ETag of the version you changed"
//	@Param			body		body		UpdatePipelineRequest	true	"Fields to change"
//	@Success		200			{object}	Pipeline
//	@Failure		403			{object}	Problem	"Not an admin"
//	@Failure		404			{object}	Problem
//	@Failure		412			{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/pipelines/{id} [patch]
func (s *Server) updatePipeline(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req UpdatePipelineRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	p, err := s.sales.UpdatePipeline(c.Request().Context(), id, sales.PipelinePatch{Name: req.Name, IsDefault: req.IsDefault,
		QuoteSentPhase:   req.QuoteSentPhaseID.Field(),
		QuoteSignedPhase: req.QuoteSignedPhaseID.Field()}, version)
	if err != nil {
		return err
	}
	return ok(c, p.Version, toPipeline(p))
}

// deletePipeline godoc
//
//	@Summary		Delete a pipeline (admins)
//	@Description	The default pipeline and pipelines with opportunities cannot be deleted (409).
//	@Tags			pipelines
//	@ID				deletePipeline
//	@Security		BearerAuth
//	@Param			id			path	string	true	"Pipeline id"	format(uuid)
//	@Param			If-Match	header	string	false	"ETag of the version you deleted"
//	@Success		204
//	@Failure		403	{object}	Problem	"Not an admin"
//	@Failure		404	{object}	Problem
//	@Failure		409	{object}	Problem	"Default pipeline, or it has opportunities"
//	@Failure		412	{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/pipelines/{id} [delete]
func (s *Server) deletePipeline(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	if err := s.sales.DeletePipeline(c.Request().Context(), id, version); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// addPhase godoc
//
//	@Summary		Add a phase to a pipeline (admins)
//	@Description	position says where to insert it (0 = first; default last). The pipeline is checked against the rules with the new phase.
//	@Tags			phases
//	@ID				addPhase
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string		true	"Pipeline id"	format(uuid)
//	@Param			body	body		PhaseInput	true	"The phase"
//	@Success		201		{object}	Phase
//	@Failure		403		{object}	Problem	"Not an admin"
//	@Failure		404		{object}	Problem
//	@Router			/api/v1/pipelines/{id}/phases [post]
func (s *Server) addPhase(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req PhaseInput
	if err := s.decode(c, &req); err != nil {
		return err
	}
	ph, err := s.sales.AddPhase(c.Request().Context(), id, req.domain(), req.Position)
	if err != nil {
		return err
	}
	_, version, err := s.sales.Phase(c.Request().Context(), ph.ID)
	if err != nil {
		return err
	}
	return created(c, "/api/v1/phases/"+ph.ID.String(), version, toPhase(ph))
}

// reorderPhases godoc
//
//	@Summary		Reorder a pipeline's phases (admins)
//	@Description	Takes the full list of the pipeline's phase ids in the new order (drag and drop); any other list is 422. The new order must keep open probabilities non-decreasing.
//	@Tags			phases
//	@ID				reorderPhases
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path		string				true	"Pipeline id"	format(uuid)
//	@Param			If-Match	header		string				false	"ETag of the pipeline version you reordered"
//	@Param			body		body		PhaseOrderRequest	true	"Every phase id, in order"
//	@Success		200			{object}	Pipeline
//	@Failure		403			{object}	Problem	"Not an admin"
//	@Failure		404			{object}	Problem
//	@Failure		412			{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/pipelines/{id}/phases/order [put]
func (s *Server) reorderPhases(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req PhaseOrderRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	p, err := s.sales.ReorderPhases(c.Request().Context(), id, req.PhaseIDs, version)
	if err != nil {
		return err
	}
	return ok(c, p.Version, toPipeline(p))
}

func (r CreatePipelineRequest) domain() (sales.NewPipeline, error) {
	in := sales.NewPipeline{Name: r.Name, IsDefault: r.IsDefault}
	var fields []errs.FieldError
	mark := func(dst **int, pos, i int, field string) {
		if *dst != nil {
			fields = append(fields, errs.FieldError{Field: fmt.Sprintf("phases[%d].%s", i, field), Message: "only one phase can be it"})
		}
		*dst = &pos
	}
	for i, ph := range r.Phases {
		d := ph.domain()
		if ph.Position == nil {
			d.Position = i
		}
		if ph.QuoteSent {
			mark(&in.QuoteSentPosition, d.Position, i, "quote_sent")
		}
		if ph.QuoteSigned {
			mark(&in.QuoteSignedPosition, d.Position, i, "quote_signed")
		}
		in.Phases = append(in.Phases, d)
	}
	return in, errs.Fields("invalid phases", fields...)
}
