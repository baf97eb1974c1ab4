package api

import (
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/activity"
)

func (s *Server) registerAppointmentRoutes(g routes) {
	g.GET("/appointments", s.listAppointments)
	g.POST("/appointments", s.createAppointment)
	g.GET("/appointments/:id", s.getAppointment)
	g.PATCH("/appointments/:id", s.updateAppointment)
	g.DELETE("/appointments/:id", s.deleteAppointment)
}

// Appointment is a meeting of colleagues with customer contacts.
type Appointment struct {
	ID          uuid.UUID `json:"id"`
	Title       string    `json:"title" example:"Demo of the new chairs"`
	Description string    `json:"description"`
	Location    string    `json:"location" example:"Kungsgatan 1, Stockholm"`
	StartsAt    time.Time `json:"starts_at"`
	// EndsAt is exclusive; for all-day appointments both are midnight UTC.
	EndsAt        time.Time   `json:"ends_at"`
	AllDay        bool        `json:"all_day"`
	OrganizerID   uuid.UUID   `json:"organizer_id"`
	AttendeeIDs   []uuid.UUID `json:"attendee_ids"`
	PersonIDs     []uuid.UUID `json:"person_ids"`
	OpportunityID *uuid.UUID  `json:"opportunity_id" extensions:"x-nullable"`
	CreatedBy     uuid.UUID   `json:"created_by"`
	Version       int64       `json:"version"`
	CreatedAt     time.Time   `json:"created_at"`
	UpdatedAt     time.Time   `json:"updated_at"`
} // @name Appointment

// CreateAppointmentRequest makes an appointment. For all-day appointments
// the calendar dates of starts_at and ends_at (in their own offsets) count:
// they become midnight UTC of the first day and of the day after the last.
type CreateAppointmentRequest struct {
	Title       string    `json:"title" validate:"required,max=200" example:"Demo of the new chairs"`
	Description string    `json:"description,omitempty" validate:"max=10000"`
	Location    string    `json:"location,omitempty" validate:"max=500"`
	StartsAt    time.Time `json:"starts_at" validate:"required"`
	EndsAt      time.Time `json:"ends_at" validate:"required"`
	AllDay      bool      `json:"all_day,omitempty"`
	// OrganizerID is an active user of the workspace; default the caller.
	OrganizerID   *uuid.UUID  `json:"organizer_id,omitempty"`
	AttendeeIDs   []uuid.UUID `json:"attendee_ids,omitempty" validate:"max=100"`
	PersonIDs     []uuid.UUID `json:"person_ids,omitempty" validate:"max=100"`
	OpportunityID *uuid.UUID  `json:"opportunity_id,omitempty"`
} // @name CreateAppointmentRequest

// UpdateAppointmentRequest changes an appointment; absent fields stay, lists
// replace the old ones, a null opportunity_id unlinks the opportunity.
type UpdateAppointmentRequest struct {
	Title         *string      `json:"title,omitempty" validate:"omitempty,min=1,max=200"`
	Description   *string      `json:"description,omitempty" validate:"omitempty,max=10000"`
	Location      *string      `json:"location,omitempty" validate:"omitempty,max=500"`
	StartsAt      *time.Time   `json:"starts_at,omitempty"`
	EndsAt        *time.Time   `json:"ends_at,omitempty"`
	AllDay        *bool        `json:"all_day,omitempty"`
	OrganizerID   *uuid.UUID   `json:"organizer_id,omitempty"`
	AttendeeIDs   *[]uuid.UUID `json:"attendee_ids,omitempty" validate:"omitempty,max=100"`
	PersonIDs     *[]uuid.UUID `json:"person_ids,omitempty" validate:"omitempty,max=100"`
	OpportunityID OptionalUUID `json:"opportunity_id" swaggertype:"string" format:"uuid" extensions:"x-nullable"`
} // @name UpdateAppointmentRequest

func toAppointment(a activity.Appointment) Appointment {
	return Appointment{ID: a.ID, Title: a.Title, Description: a.Description, Location: a.Location,
		StartsAt: utc(a.StartsAt), EndsAt: utc(a.EndsAt), AllDay: a.AllDay, OrganizerID: a.OrganizerID,
		AttendeeIDs: nonNil(a.AttendeeIDs), PersonIDs: nonNil(a.PersonIDs), OpportunityID: a.OpportunityID,
		CreatedBy: a.CreatedBy, Version: a.Version, CreatedAt: utc(a.CreatedAt), UpdatedAt: utc(a.UpdatedAt)}
}

func nonNil(ids []uuid.UUID) []uuid.UUID {
	if ids == nil {
		return []uuid.UUID{}
	}
	return ids
}

// createAppointment godoc
//
//	@Summary		Make an appointment
//	@Description	ends_at must be after starts_at. The organizer (default: the caller; scheduling for a colleague is allowed) must be an active user of the workspace; attendee_ids users, person_ids persons and opportunity_id an opportunity of the workspace. Otherwise 422 naming the field; another workspace's ids answer like missing ones.
//	@Tags			appointments
//	@ID				createAppointment
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		CreateAppointmentRequest	true	"The appointment"
//	@Success		201		{object}	Appointment
//	@Failure		422		{object}	Problem
//	@Router			/api/v1/appointments [post]
func (s *Server) createAppointment(c echo.Context) error {
	var req CreateAppointmentRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	a, err := s.appointments.Create(c.Request().Context(), activity.NewAppointment{Title: req.Title,
		Description: req.Description, Location: req.Location, StartsAt: req.StartsAt, EndsAt: req.EndsAt,
		AllDay: req.AllDay, OrganizerID: req.OrganizerID, AttendeeIDs: req.AttendeeIDs, PersonIDs: req.PersonIDs,
		OpportunityID: req.OpportunityID})
	if err != nil {
		return err
	}
	return created(c, "/api/v1/appointments/"+a.ID.String(), a.Version, toAppointment(a))
}

// AppointmentList is a page of appointments.
type AppointmentList struct {
	Data       []Appointment `json:"data"`
	NextCursor *string       `json:"next_cursor" extensions:"x-nullable"`
} // @name AppointmentList

// listAppointments godoc
//
//	@Summary		List appointments
//	@Description	The workspace's appointments, by start time unless sorted otherwise. user_id keeps those a user organizes or attends (me for the caller); from and to keep those overlapping [from, to).
//	@Tags			appointments
//	@ID				listAppointments
//	@Produce		json
//	@Security		BearerAuth
//	@Param			opportunity_id	query		string	false	"Opportunity"	format(uuid)
//	@Param			user_id			query		string	false	"Organizer or attendee, or me"
//	@Param			from			query		string	false	"Overlapping from (RFC 3339)"	format(date-time)
//	@Param			to				query		string	false	"Overlapping until (RFC 3339)"	format(date-time)
//	@Param			limit			query		int		false	"Page size (1-200, default 50)"
//	@Param			cursor			query		string	false	"next_cursor of the previous page"
//	@Param			sort			query		string	false	"starts_at or created_at; prefix - for descending"
//	@Success		200				{object}	AppointmentList
//	@Router			/api/v1/appointments [get]
func (s *Server) listAppointments(c echo.Context) error {
	req, err := s.pageRequest(c, "starts_at", "created_at")
	if err != nil {
		return err
	}
	q := queryParams{c: c}
	f := activity.AppointmentFilter{OpportunityID: q.uuid("opportunity_id"), UserID: q.userID("user_id"),
		From: q.time("from"), To: q.time("to")}
	if err := q.err(); err != nil {
		return err
	}
	p, err := s.appointments.List(c.Request().Context(), f, req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, AppointmentList{Data: mapSlice(p.Items, toAppointment), NextCursor: s.nextCursor(req, p.Next)})
}

// getAppointment godoc
//
//	@Summary	One appointment
//	@Tags		appointments
//	@ID			getAppointment
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"Appointment id"	format(uuid)
//	@Success	200	{object}	Appointment
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/appointments/{id} [get]
func (s *Server) getAppointment(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, err := s.appointments.Appointment(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return ok(c, a.Version, toAppointment(a))
}

// updateAppointment godoc
//
//	@Summary		Change an appointment
//	@Description	The same rules as on creation apply to the result (422 naming the field).
//	@Tags			appointments
//	@ID				updateAppointment
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path		string						true	"Appointment id"	format(uuid)
//	@Param			If-Match	header		string						false	"ETag of the version you changed"
//	@Param			body		body		UpdateAppointmentRequest	true	"Fields to change"
//	@Success		200			{object}	Appointment
//	@Failure		404			{object}	Problem
//	@Failure		412			{object}	Problem	"Changed by someone else"
//	@Failure		422			{object}	Problem
//	@Router			/api/v1/appointments/{id} [patch]
func (s *Server) updateAppointment(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req UpdateAppointmentRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	a, err := s.appointments.Update(c.Request().Context(), id, activity.AppointmentPatch{Title: req.Title,
		Description: req.Description, Location: req.Location, StartsAt: req.StartsAt, EndsAt: req.EndsAt,
		AllDay: req.AllDay, OrganizerID: req.OrganizerID, AttendeeIDs: req.AttendeeIDs, PersonIDs: req.PersonIDs,
		OpportunityID: req.OpportunityID.Field()}, version)
	if err != nil {
		return err
	}
	return ok(c, a.Version, toAppointment(a))
}

// deleteAppointment godoc
//
//	@Summary	Cancel (delete) an appointment
//	@Tags		appointments
//	@ID			deleteAppointment
//	@Security	BearerAuth
//	@Param		id			path	string	true	"Appointment id"	format(uuid)
//	@Param		If-Match	header	string	false	"ETag of the version you deleted"
//	@Success	204
//	@Failure	404	{object}	Problem
//	@Failure	412	{object}	Problem	"Changed by someone else"
//	@Router		/api/v1/appointments/{id} [delete]
func (s *Server) deleteAppointment(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	if err := s.appointments.Delete(c.Request().Context(), id, version); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
