package api

import (
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/activity"
)

func (s *Server) registerNoteRoutes(g routes) {
	g.GET("/opportunities/:id/notes", s.listNotes)
	g.POST("/opportunities/:id/notes", s.createNote)
	g.GET("/notes/:id", s.getNote)
	g.PATCH("/notes/:id", s.updateNote)
	g.DELETE("/notes/:id", s.deleteNote)
}

// Note is a free-text remark on an opportunity.
type Note struct {
	ID            uuid.UUID `json:"id"`
	OpportunityID uuid.UUID `json:"opportunity_id"`
	AuthorID      uuid.UUID `json:"author_id"`
	Body          string    `json:"body" example:"Called Anna: they want delivery before March."`
	Version       int64     `json:"version"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
} // @name Note

// NoteList is a page of notes, newest first.
type NoteList struct {
	Data       []Note  `json:"data"`
	NextCursor *string `json:"next_cursor" extensions:"x-nullable"`
} // @name NoteList

// NoteRequest creates a note or replaces its text.
type NoteRequest struct {
	Body string `json:"body" validate:"required,max=10000" example:"Called Anna: they want delivery before March."`
} // @name NoteRequest

func toNote(n activity.Note) Note {
	return Note{ID: n.ID, OpportunityID: n.OpportunityID, AuthorID: n.AuthorID, Body: n.Body, Version: n.Version,
		CreatedAt: utc(n.CreatedAt), UpdatedAt: utc(n.UpdatedAt)}
}

// listNotes godoc
//
//	@Summary	An opportunity's notes, newest first
//	@Tags		notes
//	@ID			listNotes
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id		path		string	true	"Opportunity id"	format(uuid)
//	@Param		limit	query		int		false	"Page size (1-200, default 50)"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Success	200		{object}	NoteList
//	@Failure	404		{object}	Problem
//	@Router		/api/v1/opportunities/{id}/notes [get]
func (s *Server) listNotes(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	req, err := s.pageRequest(c, "created_at")
	if err != nil {
		return err
	}
	p, err := s.notes.List(c.Request().Context(), id, req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, NoteList{Data: mapSlice(p.Items, toNote), NextCursor: s.nextCursor(req, p.Next)})
}

// createNote godoc
//
//	@Summary		Add a note to an opportunity
//	@Description	The caller is the author. The body is 1 to 10,000 characters (422 otherwise).
//	@Tags			notes
//	@ID				createNote
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string		true	"Opportunity id"	format(uuid)
//	@Param			body	body		NoteRequest	true	"The note"
//	@Success		201		{object}	Note
//	@Failure		404		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/api/v1/opportunities/{id}/notes [post]
func (s *Server) createNote(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req NoteRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	n, err := s.notes.Create(c.Request().Context(), id, req.Body)
	if err != nil {
		return err
	}
	return created(c, "/api/v1/notes/"+n.ID.String(), n.Version, toNote(n))
}

// getNote godoc
//
//	@Summary	One note
//	@Tags		notes
//	@ID			getNote
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"Note id"	format(uuid)
//	@Success	200	{object}	Note
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/notes/{id} [get]
func (s *Server) getNote(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	n, err := s.notes.Note(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return ok(c, n.Version, toNote(n))
}

// updateNote godoc
//
//	@Summary		Change a note's text
//	@Description	Only the author or an admin (403 otherwise).
//	@Tags			notes
//	@ID				updateNote
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path		string		true	"Note id"	format(uuid)
//	@Param			If-Match	header		string		false	"ETag of the version you changed"
//	@Param			body		body		NoteRequest	true	"The new text"
//	@Success		200			{object}	Note
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		412			{object}	Problem	"Changed by someone else"
//	@Failure		422			{object}	Problem
//	@Router			/api/v1/notes/{id} [patch]
func (s *Server) updateNote(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req NoteRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	n, err := s.notes.Update(c.Request().Context(), id, req.Body, version)
	if err != nil {
		return err
	}
	return ok(c, n.Version, toNote(n))
}

// deleteNote godoc
//
//	@Summary		Delete a note
//	@Description	Only the author or an admin (403 otherwise).
//	@Tags			notes
//	@ID				deleteNote
//	@Security		BearerAuth
//	@Param			id			path	string	true	"Note id"	format(uuid)
//	@Param			If-Match	header	string	false	"ETag of the version you deleted"
//	@Success		204
//	@Failure		403	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Failure		412	{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/notes/{id} [delete]
func (s *Server) deleteNote(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	if err := s.notes.Delete(c.Request().Context(), id, version); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
