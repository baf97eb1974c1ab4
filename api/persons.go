package api

import (
	"net/http"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/relations"
)

func (s *Server) registerPersonRoutes(g routes) {
	g.GET("/persons", s.listPersons)
	g.POST("/persons", s.createPerson)
	g.GET("/persons/:id", s.getPerson)
	g.PATCH("/persons/:id", s.updatePerson)
	g.DELETE("/persons/:id", s.deletePerson)
}

// listPersons godoc
//
//	@Summary	List persons
//	@Tags		persons
//	@ID			listPersons
//	@Produce	json
//	@Security	BearerAuth
//	@Param		q				query		string	false	"Case-insensitive match anywhere in the full name or e-mail address"	maxlength(200)
//	@Param		organization_id	query		string	false	"Only the persons of this organization"									format(uuid)
//	@Param		external_id		query		string	false	"Only the person with this external id"	maxlength(255)
//	@Param		limit			query		int		false	"Page size (1-200, default 50)"
//	@Param		cursor			query		string	false	"next_cursor of the previous page"
//	@Param		sort			query		string	false	"created_at, name (first and last name) or updated_at; prefix - for descending"
//	@Success	200				{object}	PersonList
//	@Router		/api/v1/persons [get]
func (s *Server) listPersons(c echo.Context) error {
	req, err := s.pageRequest(c, relations.Sorts...)
	if err != nil {
		return err
	}
	ext, err := externalIDQuery(c)
	if err != nil {
		return err
	}
	f := relations.PersonFilter{Q: c.QueryParam("q"), ExternalID: ext}
	if v := c.QueryParam("organization_id"); v != "" {
		id, err := uuid.Parse(v)
		if err != nil {
			return errs.Field("organization_id", "must be a UUID")
		}
		f.OrganizationID = &id
	}
	p, err := s.relations.ListPersons(c.Request().Context(), f, req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, PersonList{Data: mapSlice(p.Items, toPerson), NextCursor: s.nextCursor(req, p.Next)})
}

// createPerson godoc
//
//	@Summary		Add a person
//	@Description	organization_id must name an organization of the workspace (else 422).
//	@Tags			persons
//	@ID				createPerson
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		CreatePersonRequest	true	"The new person"
//	@Success		201		{object}	Person
//	@Header			201		{string}	ETag		"The version"
//	@Header			201		{string}	Location	"The person's URL"
//	@Router			/api/v1/persons [post]
func (s *Server) createPerson(c echo.Context) error {
	var req CreatePersonRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	in, err := req.domain()
	if err != nil {
		return err
	}
	p, err := s.relations.CreatePerson(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return created(c, "/api/v1/persons/"+p.ID.String(), p.Version, toPerson(p))
}

// getPerson godoc
//
//	@Summary	One person
//	@Tags		persons
//	@ID			getPerson
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"Person id"	format(uuid)
//	@Success	200	{object}	Person
//	@Header		200	{string}	ETag	"The version"
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/persons/{id} [get]
func (s *Server) getPerson(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p, err := s.relations.Person(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return ok(c, p.Version, toPerson(p))
}

// updatePerson godoc
//
//	@Summary		Change a person
//	@Description	Absent fields stay as they are; an empty string clears an optional field; organization_id null detaches the person from their organization. The person keeps a first or a last name.
//	@Tags			persons
//	@ID				updatePerson
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path		string				true	"Person id"	format(uuid)
//	@Param			If-Match	header		string				false	"ETag of the version you changed"
//	@Param			body		body		UpdatePersonRequest	true	"Fields to change"
//	@Success		200			{object}	Person
//	@Header			200			{string}	ETag	"The new version"
//	@Failure		404			{object}	Problem
//	@Failure		412			{object}	Problem	"Changed by someone else"
//	@Failure		409			{object}	Problem	"external_id used by another record"
//	@Router			/api/v1/persons/{id} [patch]
func (s *Server) updatePerson(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req UpdatePersonRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	p, err := s.relations.UpdatePerson(c.Request().Context(), id, req.domain(), version)
	if err != nil {
		return err
	}
	return ok(c, p.Version, toPerson(p))
}

// deletePerson godoc
//
//	@Summary		Delete a person
//	@Description	A person that opportunities refer to (as relation or contact) cannot be deleted (409).
//	@Tags			persons
//	@ID				deletePerson
//	@Security		BearerAuth
//	@Param			id			path	string	true	"Person id"	format(uuid)
//	@Param			If-Match	header	string	false	"ETag of the version you delete"
//	@Success		204
//	@Failure		404	{object}	Problem
//	@Failure		409	{object}	Problem	"Opportunities refer to the person"
//	@Failure		412	{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/persons/{id} [delete]
func (s *Server) deletePerson(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	if err := s.relations.DeletePerson(c.Request().Context(), id, version); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
