package api

import (
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/sales"
)

func (s *Server) registerSourceRoutes(g routes) {
	g.GET("/sources", s.listSources)
	g.POST("/sources", s.createSource, requireAdmin)
	g.GET("/sources/:id", s.getSource)
	g.PATCH("/sources/:id", s.updateSource, requireAdmin)
	g.DELETE("/sources/:id", s.deleteSource, requireAdmin)
}

// Source is where leads come from.
type Source struct {
	ID        uuid.UUID `json:"id"`
	Name      string    `json:"name" example:"Search engine"`
	Active    bool      `json:"active"`
	Position  int       `json:"position"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
} // @name Source

// SourceList is a page of sources.
type SourceList struct {
	Data       []Source `json:"data"`
	NextCursor *string  `json:"next_cursor" extensions:"x-nullable"`
} // @name SourceList

// CreateSourceRequest adds a source.
type CreateSourceRequest struct {
	Name     string `json:"name" validate:"required,max=100" example:"Trade fair"`
	Active   *bool  `json:"active,omitempty"`
	Position int    `json:"position" validate:"gte=0"`
} // @name CreateSourceRequest

// UpdateSourceRequest changes a source; absent fields stay.
type UpdateSourceRequest struct {
	Name     *string `json:"name,omitempty" validate:"omitempty,min=1,max=100"`
	Active   *bool   `json:"active,omitempty"`
	Position *int    `json:"position,omitempty" validate:"omitempty,gte=0"`
} // @name UpdateSourceRequest

func toSource(s sales.Source) Source {
	return Source{ID: s.ID, Name: s.Name, Active: s.Active, Position: s.Position, Version: s.Version,
		CreatedAt: utc(s.CreatedAt), UpdatedAt: utc(s.UpdatedAt)}
}

// listSources godoc
//
//	@Summary	List lead sources
//	@Tags		sources
//	@ID			listSources
//	@Produce	json
//	@Security	BearerAuth
//	@Param		limit	query		int		false	"Page size (1-200, default 50)"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Param		sort	query		string	false	"position, name or created_at; prefix - for descending"
//	@Success	200		{object}	SourceList
//	@Router		/api/v1/sources [get]
func (s *Server) listSources(c echo.Context) error {
	req, err := s.pageRequest(c, "position", "name", "created_at")
	if err != nil {
		return err
	}
	p, err := s.sales.Sources(c.Request().Context(), req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, SourceList{Data: mapSlice(p.Items, toSource), NextCursor: s.nextCursor(req, p.Next)})
}

// createSource godoc
//
//	@Summary	Add a lead source (admins)
//	@Tags		sources
//	@ID			createSource
//	@Accept		json
//	@Produce	json
//	@Security	BearerAuth
//	@Param		body	body		CreateSourceRequest	true	"The source"
//	@Success	201		{object}	Source
//	@Failure	403		{object}	Problem	"Not an admin"
//	@Failure	409		{object}	Problem	"Name taken"
//	@Router		/api/v1/sources [post]
func (s *Server) createSource(c echo.Context) error {
	var req CreateSourceRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	active := req.Active == nil || *req.Active
	src, err := s.sales.CreateSource(c.Request().Context(), req.Name, active, req.Position)
	if err != nil {
		return err
	}
	return created(c, "/api/v1/sources/"+src.ID.String(), src.Version, toSource(src))
}

// getSource godoc
//
//	@Summary	One lead source
//	@Tags		sources
//	@ID			getSource
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"Source id"	format(uuid)
//	@Success	200	{object}	Source
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/sources/{id} [get]
func (s *Server) getSource(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	src, err := s.sales.Source(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return ok(c, src.Version, toSource(src))
}

// updateSource godoc
//
//	@Summary	Rename, (de)activate or move a lead source (admins)
//	@Tags		sources
//	@ID			updateSource
//	@Accept		json
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id			path		string				true	"Source id"	format(uuid)
//	@Param		If-Match	header		string				false	"ETag of the version you changed"
//	@Param		body		body		UpdateSourceRequest	true	"Fields to change"
//	@Success	200			{object}	Source
//	@Failure	403			{object}	Problem	"Not an admin"
//	@Failure	404			{object}	Problem
//	@Failure	409			{object}	Problem	"Name taken"
//	@Failure	412			{object}	Problem	"Changed by someone else"
//	@Router		/api/v1/sources/{id} [patch]
func (s *Server) updateSource(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req UpdateSourceRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	src, err := s.sales.UpdateSource(c.Request().Context(), id, sales.SourcePatch{Name: req.Name, Active: req.Active, Position: req.Position}, version)
	if err != nil {
		return err
	}
	return ok(c, src.Version, toSource(src))
}

// deleteSource godoc
//
//	@Summary		Delete a lead source (admins)
//	@Description	A source that opportunities name cannot be deleted (409): deactivate it instead.
//	@Tags			sources
//	@ID				deleteSource
//	@Security		BearerAuth
//	@Param			id			path	string	true	"Source id"	format(uuid)
//	@Param			If-Match	header	string	false	"ETag of the version you deleted"
//	@Success		204
//	@Failure		403	{object}	Problem	"Not an admin"
//	@Failure		404	{object}	Problem
//	@Failure		409	{object}	Problem	"Opportunities name this source"
//	@Failure		412	{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/sources/{id} [delete]
func (s *Server) deleteSource(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	if err := s.sales.DeleteSource(c.Request().Context(), id, version); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
