package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/activity"
	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
)

func (s *Server) registerCalendarRoutes(g routes) {
	g.GET("/calendar", s.calendar)
	g.POST("/calendar/feed", s.createCalendarFeed)
}

// registerCalendarFeedRoute serves the personal feeds outside /api/v1: the
// secret in the path is the only credential calendar apps can send.
func (s *Server) registerCalendarFeedRoute(e *echo.Echo) {
	e.GET("/calendar/:file", s.calendarFeed)
}

// CalendarEntry is an appointment or an open task due in the range.
type CalendarEntry struct {
	Type string    `json:"type" enums:"appointment,task" example:"appointment"`
	ID   uuid.UUID `json:"id"`
	// StartsAt is the appointment's start or the task's due time.
	StartsAt time.Time `json:"starts_at"`
	// EndsAt is the appointment's end; null for tasks.
	EndsAt        *time.Time `json:"ends_at" extensions:"x-nullable"`
	AllDay        bool       `json:"all_day"`
	Title         string     `json:"title"`
	Location      string     `json:"location"`
	OpportunityID *uuid.UUID `json:"opportunity_id" extensions:"x-nullable"`
} // @name CalendarEntry

// Calendar is a user's entries in a range, in time order.
type Calendar struct {
	UserID uuid.UUID       `json:"user_id"`
	Data   []CalendarEntry `json:"data"`
} // @name Calendar

// CalendarFeed is the secret address of a personal iCalendar feed.
type CalendarFeed struct {
	URL string `json:"url" example:"https://crm.example.com/calendar/3q2-7wQ….ics"`
} // @name CalendarFeed

func toCalendarEntry(e activity.CalendarEntry) CalendarEntry {
	if t := e.Task; t != nil {
		return CalendarEntry{Type: "task", ID: t.ID, StartsAt: utc(*t.DueAt), Title: t.Title, OpportunityID: t.OpportunityID}
	}
	a := e.Appointment
	end := utc(a.EndsAt)
	return CalendarEntry{Type: "appointment", ID: a.ID, StartsAt: utc(a.StartsAt), EndsAt: &end, AllDay: a.AllDay,
		Title: a.Title, Location: a.Location, OpportunityID: a.OpportunityID}
}

// calendar godoc
//
//	@Summary		A user's calendar
//	@Description	The appointments the user organizes or attends that overlap [from, to) (start before to, end after from) and their open tasks due in [from, to), by time. The range is at most 366 days; user_id is a user of the workspace (default the caller). 422 naming the parameter otherwise.
//	@Tags			appointments
//	@ID				calendar
//	@Produce		json
//	@Security		BearerAuth
//	@Param			from	query		string	true	"Start of the range (RFC 3339)"	format(date-time)
//	@Param			to		query		string	true	"End of the range, exclusive (RFC 3339)"	format(date-time)
//	@Param			user_id	query		string	false	"A user id, or me (default)"
//	@Success		200		{object}	Calendar
//	@Failure		422		{object}	Problem
//	@Router			/api/v1/calendar [get]
func (s *Server) calendar(c echo.Context) error {
	var fields []errs.FieldError
	bad := func(name, msg string) { fields = append(fields, errs.FieldError{Field: name, Message: msg}) }
	from := queryTime(c.QueryParam("from"), "from", bad)
	to := queryTime(c.QueryParam("to"), "to", bad)
	if from == nil && c.QueryParam("from") == "" {
		bad("from", "is required")
	}
	if to == nil && c.QueryParam("to") == "" {
		bad("to", "is required")
	}
	var user *uuid.UUID
	if v := c.QueryParam("user_id"); v != "" && v != "me" {
		user = queryUUID(v, "user_id", "must be a user id or me", bad)
	}
	if err := errs.Fields("the query has invalid parameters", fields...); err != nil {
		return err
	}
	entries, err := s.appointments.Calendar(c.Request().Context(), user, *from, *to)
	if err != nil {
		return err
	}
	if user == nil {
		p, err := identity.Caller(c.Request().Context())
		if err != nil {
			return err
		}
		user = &p.UserID
	}
	return c.JSON(http.StatusOK, Calendar{UserID: *user, Data: mapSlice(entries, toCalendarEntry)})
}

// createCalendarFeed godoc
//
//	@Summary		Create or regenerate my calendar feed
//	@Description	Returns a secret URL that calendar apps subscribe to without a login (RFC 5545 iCalendar). Only a hash of it is kept, so it is shown once; calling again revokes the old URL.
//	@Tags			appointments
//	@ID				createCalendarFeed
//	@Produce		json
//	@Security		BearerAuth
//	@Success		201	{object}	CalendarFeed
//	@Router			/api/v1/calendar/feed [post]
func (s *Server) createCalendarFeed(c echo.Context) error {
	token, err := s.appointments.NewFeed(c.Request().Context())
	if err != nil {
		return err
	}
	url := strings.TrimRight(s.cfg.PublicURL, "/") + "/calendar/" + token + ".ics"
	return createdAt(c, url, CalendarFeed{URL: url})
}

// calendarFeed godoc
//
//	@Summary		A personal calendar feed (iCalendar)
//	@Description	No login: the secret token is the credential. The user's appointments and open tasks from 90 days ago to a year ahead; timed events in UTC, all-day events as dates. 404 for an unknown or revoked token.
//	@Tags			appointments
//	@ID				calendarFeed
//	@Produce		text/calendar
//	@Param			file	path		string	true	"The secret token followed by .ics"
//	@Success		200		{string}	string	"An iCalendar document"
//	@Failure		404		{object}	Problem
//	@Router			/calendar/{file} [get]
func (s *Server) calendarFeed(c echo.Context) error {
	token, found := strings.CutSuffix(c.Param("file"), ".ics")
	if !found || token == "" {
		return errs.New(errs.NotFound, "no such calendar")
	}
	feed, err := s.appointments.Feed(c.Request().Context(), token)
	if errs.Is(err, errs.NotFound) {
		return errs.New(errs.NotFound, "no such calendar")
	} else if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "text/calendar; charset=utf-8", feed)
}
