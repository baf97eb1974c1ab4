package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/relations"
)

func (s *Server) registerOrganizationRoutes(g routes) {
	g.GET("/organizations", s.listOrganizations)
	g.POST("/organizations", s.createOrganization)
	g.GET("/organizations/:id", s.getOrganization)
	g.PATCH("/organizations/:id", s.updateOrganization)
	g.DELETE("/organizations/:id", s.deleteOrganization)
}

// listOrganizations godoc
//
//	@Summary	List organizations
//	@Tags		organizations
//	@ID			listOrganizations
//	@Produce	json
//	@Security	BearerAuth
//	@Param		q		query		string	false	"Case-insensitive match anywhere in the name or e-mail address"	maxlength(200)
//	@Param		external_id	query	string	false	"Only the organization with this external id"	maxlength(255)
//	@Param		limit	query		int		false	"Page size (1-200, default 50)"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Param		sort	query		string	false	"created_at, name or updated_at; prefix - for descending"
//	@Success	200		{object}	OrganizationList
//	@Router		/api/v1/organizations [get]
func (s *Server) listOrganizations(c echo.Context) error {
	req, err := s.pageRequest(c, relations.Sorts...)
	if err != nil {
		return err
	}
	ext, err := externalIDQuery(c)
	if err != nil {
		return err
	}
	p, err := s.relations.ListOrganizations(c.Request().Context(), relations.OrganizationFilter{Q: c.QueryParam("q"), ExternalID: ext}, req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, OrganizationList{Data: mapSlice(p.Items, toOrganization), NextCursor: s.nextCursor(req, p.Next)})
}

// createOrganization godoc
//
//	@Summary	Add an organization
//	@Tags		organizations
//	@ID			createOrganization
//	@Accept		json
//	@Produce	json
//	@Security	BearerAuth
//	@Param		body	body		CreateOrganizationRequest	true	"The new organization"
//	@Success	201		{object}	Organization
//	@Header		201		{string}	ETag		"The version"
//	@Header		201		{string}	Location	"The organization's URL"
//	@Router		/api/v1/organizations [post]
func (s *Server) createOrganization(c echo.Context) error {
	var req CreateOrganizationRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	o, err := s.relations.CreateOrganization(c.Request().Context(), req.domain())
	if err != nil {
		return err
	}
	return created(c, "/api/v1/organizations/"+o.ID.String(), o.Version, toOrganization(o))
}

// getOrganization godoc
//
//	@Summary	One organization
//	@Tags		organizations
//	@ID			getOrganization
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"Organization id"	format(uuid)
//	@Success	200	{object}	Organization
//	@Header		200	{string}	ETag	"The version"
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/organizations/{id} [get]
func (s *Server) getOrganization(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	o, err := s.relations.Organization(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return ok(c, o.Version, toOrganization(o))
}

// updateOrganization godoc
//
//	@Summary		Change an organization
//	@Description	Absent fields stay as they are; an empty string clears an optional field.
//	@Tags			organizations
//	@ID				updateOrganization
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path		string						true	"Organization id"	format(uuid)
//	@Param			If-Match	header		string						false	"ETag of the version you changed"
//	@Param			body		body		UpdateOrganizationRequest	true	"Fields to change"
//	@Success		200			{object}	Organization
//	@Header			200			{string}	ETag	"The new version"
//	@Failure		404			{object}	Problem
//	@Failure		412			{object}	Problem	"Changed by someone else"
//	@Failure		409			{object}	Problem	"external_id used by another record"
//	@Router			/api/v1/organizations/{id} [patch]
func (s *Server) updateOrganization(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req UpdateOrganizationRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	o, err := s.relations.UpdateOrganization(c.Request().Context(), id, req.domain(), version)
	if err != nil {
		return err
	}
	return ok(c, o.Version, toOrganization(o))
}

// deleteOrganization godoc
//
//	@Summary		Delete an organization
//	@Description	The organization's persons stay, detached from it. An organization that opportunities refer to cannot be deleted (409).
//	@Tags			organizations
//	@ID				deleteOrganization
//	@Security		BearerAuth
//	@Param			id			path	string	true	"Organization id"	format(uuid)
//	@Param			If-Match	header	string	false	"ETag of the version you delete"
//	@Success		204
//	@Failure		404	{object}	Problem
//	@Failure		409	{object}	Problem	"Opportunities refer to the organization"
//	@Failure		412	{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/organizations/{id} [delete]
func (s *Server) deleteOrganization(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	if err := s.relations.DeleteOrganization(c.Request().Context(), id, version); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
