package api

import (
	"net/http"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/sales"
)

func (s *Server) registerPhaseRoutes(g routes) {
	g.GET("/phases/:id", s.getPhase)
	g.PATCH("/phases/:id", s.updatePhase, requireAdmin)
	g.DELETE("/phases/:id", s.deletePhase, requireAdmin)
}

// UpdatePhaseRequest changes a phase; absent fields stay. Move a phase with
// PUT /pipelines/{id}/phases/order.
type UpdatePhaseRequest struct {
	Name        *string `json:"name,omitempty" validate:"omitempty,min=1,max=100"`
	Probability *int    `json:"probability,omitempty" validate:"omitempty,gte=0,lte=100"`
	Kind        *string `json:"kind,omitempty" validate:"omitempty,oneof=open won lost expired" enums:"open,won,lost,expired"`
	Color       *string `json:"color,omitempty" example:"#6366F1"`
} // @name UpdatePhaseRequest

// getPhase godoc
//
//	@Summary	One phase
//	@Tags		phases
//	@ID			getPhase
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"Phase id"	format(uuid)
//	@Success	200	{object}	Phase
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/phases/{id} [get]
func (s *Server) getPhase(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ph, version, err := s.sales.Phase(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return ok(c, version, toPhase(ph))
}

// updatePhase godoc
//
//	@Summary		Change a phase (admins)
//	@Description	The pipeline is checked against the rules with the change; each violation is a 422 naming the rule.
//	@Tags			phases
//	@ID				updatePhase
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path		string				true	"Phase id"	format(uuid)
//	@Param			If-Match	header		string				false	"ETag of the version you changed"
//	@Param			body		body		UpdatePhaseRequest	true	"Fields to change"
//	@Success		200			{object}	Phase
//	@Failure		403			{object}	Problem	"Not an admin"
//	@Failure		404			{object}	Problem
//	@Failure		412			{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/phases/{id} [patch]
func (s *Server) updatePhase(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req UpdatePhaseRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	patch := sales.PhasePatch{Name: req.Name, Probability: req.Probability, Color: req.Color}
	if req.Kind != nil {
		k := sales.PhaseKind(*req.Kind)
		patch.Kind = &k
	}
	ph, err := s.sales.UpdatePhase(c.Request().Context(), id, patch, version)
	if err != nil {
		return err
	}
	_, v, err := s.sales.Phase(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return ok(c, v, toPhase(ph))
}

// deletePhase godoc
//
//	@Summary		Delete a phase (admins)
//	@Description	A phase that holds opportunities needs move_to, a phase of the same pipeline to move them to (each move is recorded in the phase history); without it the answer is 409. The pipeline must still satisfy the rules (e.g. keep its won phase).
//	@Tags			phases
//	@ID				deletePhase
//	@Security		BearerAuth
//	@Param			id			path	string	true	"Phase id"	format(uuid)
//	@Param			move_to		query	string	false	"Phase to move the phase's opportunities to"	format(uuid)
//	@Param			If-Match	header	string	false	"ETag of the version you deleted"
//	@Success		204
//	@Failure		403	{object}	Problem	"Not an admin"
//	@Failure		404	{object}	Problem
//	@Failure		409	{object}	Problem	"The phase holds opportunities and no move_to was given"
//	@Failure		412	{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/phases/{id} [delete]
func (s *Server) deletePhase(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var moveTo *uuid.UUID
	if v := c.QueryParam("move_to"); v != "" {
		to, err := uuid.Parse(v)
		if err != nil {
			return errs.Field("move_to", "must be a phase id")
		}
		moveTo = &to
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	if err := s.sales.DeletePhase(c.Request().Context(), id, moveTo, version); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
