package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/sales"
)

func (s *Server) registerOpportunityRoutes(g routes) {
	g.GET("/opportunities", s.listOpportunities)
	g.POST("/opportunities", s.createOpportunity)
	g.GET("/opportunities/:id", s.getOpportunity)
	g.PATCH("/opportunities/:id", s.updateOpportunity)
	g.DELETE("/opportunities/:id", s.deleteOpportunity)
	g.GET("/opportunities/:id/phase-history", s.phaseHistory)
	g.POST("/organizations/:id/opportunities", s.createOrganizationOpportunity)
}

// listOpportunities godoc
//
//	@Summary	List opportunities
//	@Tags		opportunities
//	@ID			listOpportunities
//	@Produce	json
//	@Security	BearerAuth
//	@Param		pipeline_id		query		string	false	"Pipeline"	format(uuid)
//	@Param		phase_id		query		string	false	"Phase"	format(uuid)
//	@Param		status			query		string	false	"Status"	Enums(open,won,lost,expired)
//	@Param		owner_id		query		string	false	"Owner's user id, or me"
//	@Param		source_id		query		string	false	"Source"	format(uuid)
//	@Param		organization_id	query		string	false	"Organization"	format(uuid)
//	@Param		person_id		query		string	false	"Person (the relation or the contact)"	format(uuid)
//	@Param		expected_from	query		string	false	"Expected order date on or after"	format(date)
//	@Param		expected_to		query		string	false	"Expected order date on or before"	format(date)
//	@Param		q				query		string	false	"Case-insensitive text in the title"
//	@Param		external_id		query		string	false	"Only the opportunity with this external id"	maxlength(255)
//	@Param		limit			query		int		false	"Page size (1-200, default 50)"
//	@Param		cursor			query		string	false	"next_cursor of the previous page"
//	@Param		sort			query		string	false	"created_at, updated_at, expected_order_date or estimated_amount; prefix - for descending"
//	@Success	200				{object}	OpportunityList
//	@Router		/api/v1/opportunities [get]
func (s *Server) listOpportunities(c echo.Context) error {
	req, err := s.pageRequest(c, "created_at", "updated_at", "expected_order_date", "estimated_amount")
	if err != nil {
		return err
	}
	f, err := opportunityFilter(c)
	if err != nil {
		return err
	}
	p, err := s.sales.Opportunities(c.Request().Context(), f, req)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, &opportunityPage{items: p.Items, next: s.nextCursor(req, p.Next)})
}

func opportunityFilter(c echo.Context) (sales.OpportunityFilter, error) {
	q := queryParams{c: c}
	f := sales.OpportunityFilter{PipelineID: q.uuid("pipeline_id"), PhaseID: q.uuid("phase_id"),
		OwnerID: q.userID("owner_id"), SourceID: q.uuid("source_id"), OrganizationID: q.uuid("organization_id"),
		PersonID: q.uuid("person_id"), ExpectedFrom: q.date("expected_from"), ExpectedTo: q.date("expected_to"),
		Query: c.QueryParam("q")}
	ext, err := externalIDQuery(c)
	if err != nil {
		return f, err
	}
	f.ExternalID = ext
	if v := c.QueryParam("status"); v != "" {
		st := sales.Status(v)
		if !st.Valid() {
			q.fail("status", "must be one of: open, won, lost, expired")
		}
		f.Status = &st
	}
	if len(f.Query) > 200 {
		q.fail("q", "must be at most 200 characters")
	}
	return f, q.err()
}

// createOpportunity godoc
//
//	@Summary		Create an opportunity
//	@Description	Defaults: the caller owns it; the default pipeline; its first open phase; the workspace's currency. Give organization_id and/or person_id, or a new organization or person to create in the same transaction. A follow-up task "Follow up: <title>" is created for the caller at once.
//	@Tags			opportunities
//	@ID				createOpportunity
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		CreateOpportunityRequest	true	"The opportunity"
//	@Success		201		{object}	Opportunity
//	@Router			/api/v1/opportunities [post]
func (s *Server) createOpportunity(c echo.Context) error {
	var req CreateOpportunityRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	return s.respondCreatedOpportunity(c, req.domain())
}

// createOrganizationOpportunity godoc
//
//	@Summary	Create an opportunity for an organization
//	@Tags		opportunities
//	@ID			createOrganizationOpportunity
//	@Accept		json
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id		path		string						true	"Organization id"	format(uuid)
//	@Param		body	body		CreateOpportunityRequest	true	"The opportunity (organization_id and organization are taken from the path)"
//	@Success	201		{object}	Opportunity
//	@Failure	404		{object}	Problem
//	@Router		/api/v1/organizations/{id}/opportunities [post]
func (s *Server) createOrganizationOpportunity(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req CreateOpportunityRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	if req.OrganizationID != nil || req.Organization != nil {
		return errs.Field("organization_id", "the organization is the one in the path")
	}
	in := req.domain()
	in.OrganizationID = &id
	o, err := s.sales.CreateOpportunity(c.Request().Context(), in)
	if e, ok := errs.As(err); ok && len(e.Fields) == 1 && e.Fields[0].Field == "organization_id" {
		return errs.NotFoundf("no such organization")
	}
	if err != nil {
		return err
	}
	return created(c, "/api/v1/opportunities/"+o.ID.String(), o.Version, toOpportunity(o))
}

func (s *Server) respondCreatedOpportunity(c echo.Context, in sales.NewOpportunity) error {
	o, err := s.sales.CreateOpportunity(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return created(c, "/api/v1/opportunities/"+o.ID.String(), o.Version, toOpportunity(o))
}

// getOpportunity godoc
//
//	@Summary	One opportunity
//	@Tags		opportunities
//	@ID			getOpportunity
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"Opportunity id"	format(uuid)
//	@Success	200	{object}	Opportunity
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/opportunities/{id} [get]
func (s *Server) getOpportunity(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	o, err := s.sales.Opportunity(c.Request().Context(), id)
	if err != nil {
		return err
	}
	out := toOpportunity(o)
	return okJSON(c, o.Version, &out)
}

// updateOpportunity godoc
//
//	@Summary		Change an opportunity
//	@Description	A phase change takes the phase's probability, ends a probability override, sets status and closed_at for final phases (won 100, lost and expired 0) and reopens when leaving one; it is recorded in the phase history. A phase of another pipeline is 422; changing pipeline needs a phase of the new one. probability_override cannot be set in a final phase. While the opportunity has product lines, estimated_amount is their net total (setting another value is 422), the currency cannot change (422), and offer_discount (basis points) recomputes the amount (409 once closed).
//	@Tags			opportunities
//	@ID				updateOpportunity
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path		string						true	"Opportunity id"	format(uuid)
//	@Param			If-Match	header		string						false	"ETag of the version you changed"
//	@Param			body		body		UpdateOpportunityRequest	true	"Fields to change"
//	@Success		200			{object}	Opportunity
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem	"offer_discount of a closed opportunity with lines"
//	@Failure		412			{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/opportunities/{id} [patch]
func (s *Server) updateOpportunity(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req UpdateOpportunityRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	o, err := s.sales.UpdateOpportunity(c.Request().Context(), id, req.domain(), version)
	if err != nil {
		return err
	}
	out := toOpportunity(o)
	return okJSON(c, o.Version, &out)
}

// deleteOpportunity godoc
//
//	@Summary	Delete an opportunity with its history and tasks
//	@Tags		opportunities
//	@ID			deleteOpportunity
//	@Security	BearerAuth
//	@Param		id			path	string	true	"Opportunity id"	format(uuid)
//	@Param		If-Match	header	string	false	"ETag of the version you deleted"
//	@Success	204
//	@Failure	404	{object}	Problem
//	@Failure	409	{object}	Problem	"A quote or an invoice still refers to the opportunity"
//	@Failure	412	{object}	Problem	"Changed by someone else"
//	@Router		/api/v1/opportunities/{id} [delete]
func (s *Server) deleteOpportunity(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	if err := s.sales.DeleteOpportunity(c.Request().Context(), id, version); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// phaseHistory godoc
//
//	@Summary	An opportunity's phase changes, oldest first
//	@Tags		opportunities
//	@ID			phaseHistory
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id		path		string	true	"Opportunity id"	format(uuid)
//	@Param		limit	query		int		false	"Page size (1-200, default 50)"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Success	200		{object}	PhaseChangeList
//	@Failure	404		{object}	Problem
//	@Router		/api/v1/opportunities/{id}/phase-history [get]
func (s *Server) phaseHistory(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	req, err := s.pageRequest(c, "changed_at")
	if err != nil {
		return err
	}
	p, err := s.sales.PhaseHistory(c.Request().Context(), id, req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, PhaseChangeList{NextCursor: s.nextCursor(req, p.Next), Data: mapSlice(p.Items, func(pc sales.PhaseChange) PhaseChange {
		return PhaseChange{ID: pc.ID, FromPhaseID: pc.FromPhaseID, FromPhaseName: pc.FromPhaseName, ToPhaseID: pc.ToPhaseID,
			ToPhaseName: pc.ToPhaseName, FromProbability: pc.FromProbability, ToProbability: pc.ToProbability,
			ChangedBy: pc.ChangedBy, ChangedByKind: pc.ActorKind, ChangedByName: pc.ActorName, ChangedAt: utc(pc.ChangedAt)}
	})})
}
