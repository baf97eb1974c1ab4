package postgres

import (
	"context"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm/clause"

	"github.com/acme/crm/internal/activity"
	"github.com/acme/crm/internal/page"
)

type appointmentRow struct {
	ID            uuid.UUID `gorm:"primaryKey"`
	WorkspaceID   uuid.UUID
	Title         string
	Description   string
	Location      string
	StartsAt      time.Time
	EndsAt        time.Time
	AllDay        bool
	OrganizerID   uuid.UUID
	OpportunityID *uuid.UUID
	CreatedBy     uuid.UUID
	Version       int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (appointmentRow) TableName() string { return "appointments" }

func (a appointmentRow) domain() activity.Appointment {
	return activity.Appointment{ID: a.ID, Title: a.Title, Description: a.Description, Location: a.Location,
		StartsAt: a.StartsAt, EndsAt: a.EndsAt, AllDay: a.AllDay, OrganizerID: a.OrganizerID,
		AttendeeIDs: []uuid.UUID{}, PersonIDs: []uuid.UUID{}, OpportunityID: a.OpportunityID,
		CreatedBy: a.CreatedBy, Version: a.Version, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
}

type appointmentAttendeeRow struct {
	WorkspaceID   uuid.UUID
	AppointmentID uuid.UUID
	UserID        uuid.UUID
}

func (appointmentAttendeeRow) TableName() string { return "appointment_attendees" }

type appointmentPersonRow struct {
	WorkspaceID   uuid.UUID
	AppointmentID uuid.UUID
	PersonID      uuid.UUID
}

func (appointmentPersonRow) TableName() string { return "appointment_persons" }

type calendarFeedRow struct {
	WorkspaceID uuid.UUID
	UserID      uuid.UUID
	TokenHash   []byte
	CreatedAt   time.Time
}

func (calendarFeedRow) TableName() string { return "calendar_feeds" }

// CreateAppointment implements activity.AppointmentStore.
func (r *Activity) CreateAppointment(ctx context.Context, a activity.Appointment) error {
	return r.db.WithTx(ctx, func(ctx context.Context) error {
		row := appointmentRow{ID: a.ID, Title: a.Title, Description: a.Description, Location: a.Location,
			StartsAt: a.StartsAt, EndsAt: a.EndsAt, AllDay: a.AllDay, OrganizerID: a.OrganizerID,
			OpportunityID: a.OpportunityID, CreatedBy: a.CreatedBy, Version: 1, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
		if err := r.db.conn(ctx).Create(&row).Error; err != nil {
			return translate(err)
		}
		return r.setParticipants(ctx, a)
	})
}

// setParticipants replaces the appointment's attendees and persons.
func (r *Activity) setParticipants(ctx context.Context, a activity.Appointment) error {
	conn := r.db.conn(ctx)
	if err := conn.Where("appointment_id = ?", a.ID).Delete(&appointmentAttendeeRow{}).Error; err != nil {
		return translate(err)
	}
	if err := conn.Where("appointment_id = ?", a.ID).Delete(&appointmentPersonRow{}).Error; err != nil {
		return translate(err)
	}
	if len(a.AttendeeIDs) > 0 {
		rows := make([]appointmentAttendeeRow, len(a.AttendeeIDs))
		for i, id := range a.AttendeeIDs {
			rows[i] = appointmentAttendeeRow{AppointmentID: a.ID, UserID: id}
		}
		if err := conn.Create(&rows).Error; err != nil {
			return translate(err)
		}
	}
	if len(a.PersonIDs) > 0 {
		rows := make([]appointmentPersonRow, len(a.PersonIDs))
		for i, id := range a.PersonIDs {
			rows[i] = appointmentPersonRow{AppointmentID: a.ID, PersonID: id}
		}
		if err := conn.Create(&rows).Error; err != nil {
			return translate(err)
		}
	}
	return nil
}

// Appointment implements activity.AppointmentStore.
func (r *Activity) Appointment(ctx context.Context, id uuid.UUID) (activity.Appointment, error) {
	var row appointmentRow
	if err := r.db.conn(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return activity.Appointment{}, translate(err)
	}
	out, err := r.withParticipants(ctx, []appointmentRow{row})
	if err != nil {
		return activity.Appointment{}, err
	}
	return out[0], nil
}

// AppointmentsByID implements activity.AppointmentStore: three queries
// (the appointments, then their attendees and persons) for any number.
func (r *Activity) AppointmentsByID(ctx context.Context, ids []uuid.UUID) ([]activity.Appointment, error) {
	rows, err := rowsByID[appointmentRow](r.db.conn(ctx), ids)
	if err != nil {
		return nil, err
	}
	return r.withParticipants(ctx, rows)
}

// withParticipants converts rows and loads their attendees and persons in
// two queries.
func (r *Activity) withParticipants(ctx context.Context, rows []appointmentRow) ([]activity.Appointment, error) {
	out := make([]activity.Appointment, len(rows))
	index := make(map[uuid.UUID]int, len(rows))
	ids := make([]uuid.UUID, len(rows))
	for i, row := range rows {
		out[i], index[row.ID], ids[i] = row.domain(), i, row.ID
	}
	if len(rows) == 0 {
		return out, nil
	}
	conn := r.db.conn(ctx)
	var atts []appointmentAttendeeRow
	if err := conn.Where("appointment_id IN ?", ids).Order("user_id").Find(&atts).Error; err != nil {
		return nil, translate(err)
	}
	for _, a := range atts {
		out[index[a.AppointmentID]].AttendeeIDs = append(out[index[a.AppointmentID]].AttendeeIDs, a.UserID)
	}
	var ps []appointmentPersonRow
	if err := conn.Where("appointment_id IN ?", ids).Order("person_id").Find(&ps).Error; err != nil {
		return nil, translate(err)
	}
	for _, p := range ps {
		out[index[p.AppointmentID]].PersonIDs = append(out[index[p.AppointmentID]].PersonIDs, p.PersonID)
	}
	return out, nil
}

// SaveAppointment implements activity.AppointmentStore.
func (r *Activity) SaveAppointment(ctx context.Context, a activity.Appointment, ifVersion *int64) (activity.Appointment, error) {
	err := r.db.WithTx(ctx, func(ctx context.Context) error {
		cols := map[string]any{"title": a.Title, "description": a.Description, "location": a.Location,
			"starts_at": a.StartsAt, "ends_at": a.EndsAt, "all_day": a.AllDay, "organizer_id": a.OrganizerID,
			"opportunity_id": a.OpportunityID, "updated_at": a.UpdatedAt}
		var row appointmentRow
		if err := updateVersioned(r.db.conn(ctx), &row, a.ID, ifVersion, cols); err != nil {
			return translate(err)
		}
		return r.setParticipants(ctx, a)
	})
	if err != nil {
		return activity.Appointment{}, err
	}
	return r.Appointment(ctx, a.ID)
}

// DeleteAppointment implements activity.AppointmentStore.
func (r *Activity) DeleteAppointment(ctx context.Context, id uuid.UUID, ifVersion *int64) error {
	return deleteVersioned[appointmentRow](r.db.conn(ctx), id, ifVersion)
}

// UserAppointments implements activity.AppointmentStore: an appointment
// overlaps [from, to) when it starts before to and ends after from.
func (r *Activity) UserAppointments(ctx context.Context, user uuid.UUID, from, to time.Time) ([]activity.Appointment, error) {
	ws, err := wsID(ctx)
	if err != nil {
		return nil, err
	}
	var rows []appointmentRow
	err = r.db.conn(ctx).Where(`appointments.starts_at < ? AND appointments.ends_at > ? AND
  (appointments.organizer_id = ? OR appointments.id IN
    (SELECT appointment_id FROM appointment_attendees WHERE workspace_id = ? AND user_id = ?))`,
		to, from, user, ws, user).Order("appointments.starts_at, appointments.id").Find(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	return r.withParticipants(ctx, rows)
}

// DueTasks implements activity.AppointmentStore.
func (r *Activity) DueTasks(ctx context.Context, user uuid.UUID, from, to time.Time) ([]activity.Task, error) {
	var rows []taskRow
	err := r.db.conn(ctx).Where("tasks.assignee_id = ? AND tasks.status = 'open' AND tasks.due_at >= ? AND tasks.due_at < ?",
		user, from, to).Order("tasks.due_at, tasks.id").Find(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make([]activity.Task, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out, nil
}

// SetFeed implements activity.FeedStore: one row per user, replaced.
func (r *Activity) SetFeed(ctx context.Context, user uuid.UUID, hash []byte, at time.Time) error {
	row := calendarFeedRow{UserID: user, TokenHash: hash, CreatedAt: at}
	err := r.db.conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "workspace_id"}, {Name: "user_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"token_hash", "created_at"}),
	}).Create(&row).Error
	return translate(err)
}

// FeedOwner implements activity.FeedStore (across workspaces: use a System
// context).
func (r *Activity) FeedOwner(ctx context.Context, hash []byte) (uuid.UUID, uuid.UUID, error) {
	var row calendarFeedRow
	if err := r.db.conn(ctx).Take(&row, "token_hash = ?", hash).Error; err != nil {
		return uuid.Nil, uuid.Nil, translate(err)
	}
	return row.WorkspaceID, row.UserID, nil
}

var appointmentSorts = map[string]sortCol{
	"starts_at":  {"appointments.starts_at", "timestamptz"},
	"created_at": {"appointments.created_at", "timestamptz"},
}

// ListAppointments implements activity.AppointmentStore.
func (r *Activity) ListAppointments(ctx context.Context, f activity.AppointmentFilter, req page.Request) (page.Page[activity.Appointment], error) {
	ws, err := wsID(ctx)
	if err != nil {
		return page.Page[activity.Appointment]{}, err
	}
	q := r.db.reader(ctx).Model(&appointmentRow{})
	if f.OpportunityID != nil {
		q = q.Where("appointments.opportunity_id = ?", *f.OpportunityID)
	}
	if f.UserID != nil {
		q = q.Where(`(appointments.organizer_id = ? OR appointments.id IN
			(SELECT appointment_id FROM appointment_attendees WHERE workspace_id = ? AND user_id = ?))`, *f.UserID, ws, *f.UserID)
	}
	if f.From != nil {
		q = q.Where("appointments.ends_at > ?", *f.From)
	}
	if f.To != nil {
		q = q.Where("appointments.starts_at < ?", *f.To)
	}
	q, err = keyset(q, req, appointmentSorts)
	if err != nil {
		return page.Page[activity.Appointment]{}, err
	}
	var rows []appointmentRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[activity.Appointment]{}, translate(err)
	}
	next := pageOf(rows, req, func(a appointmentRow) appointmentRow { return a }, func(a appointmentRow) (uuid.UUID, string) {
		if req.Sort == "created_at" {
			return a.ID, cursorText(a.CreatedAt)
		}
		return a.ID, cursorText(a.StartsAt)
	})
	items, err := r.withParticipants(ctx, next.Items)
	return page.Page[activity.Appointment]{Items: items, Next: next.Next}, err
}
