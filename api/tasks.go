package api

import (
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/activity"
	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
)

func (s *Server) registerTaskRoutes(g routes) {
	g.GET("/tasks", s.listTasks)
	g.POST("/tasks", s.createTask)
	g.GET("/tasks/:id", s.getTask)
	g.PATCH("/tasks/:id", s.updateTask)
	g.DELETE("/tasks/:id", s.deleteTask)
}

// Task is something a user has to do, optionally about an opportunity.
type Task struct {
	ID            uuid.UUID  `json:"id"`
	Title         string     `json:"title" example:"Follow up: Office chairs"`
	Description   string     `json:"description"`
	DueAt         *time.Time `json:"due_at" extensions:"x-nullable"`
	AssigneeID    uuid.UUID  `json:"assignee_id"`
	OpportunityID *uuid.UUID `json:"opportunity_id" extensions:"x-nullable"`
	Status        string     `json:"status" enums:"open,done" example:"open"`
	// Overdue is true for an open task whose due time has passed.
	Overdue     bool       `json:"overdue"`
	CompletedAt *time.Time `json:"completed_at" extensions:"x-nullable"`
	CreatedBy   uuid.UUID  `json:"created_by"`
	Version     int64      `json:"version"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
} // @name Task

// TaskList is a page of tasks.
type TaskList struct {
	Data       []Task  `json:"data"`
	NextCursor *string `json:"next_cursor" extensions:"x-nullable"`
} // @name TaskList

// CreateTaskRequest creates an open task.
type CreateTaskRequest struct {
	Title       string     `json:"title" validate:"required,max=200" example:"Call about the delivery date"`
	Description string     `json:"description,omitempty" validate:"max=10000"`
	DueAt       *time.Time `json:"due_at,omitempty"`
	// AssigneeID is an active user of the workspace; default the caller.
	AssigneeID    *uuid.UUID `json:"assignee_id,omitempty"`
	OpportunityID *uuid.UUID `json:"opportunity_id,omitempty"`
} // @name CreateTaskRequest

// UpdateTaskRequest changes a task; absent fields stay, a null due_at
// removes the due time.
type UpdateTaskRequest struct {
	Title       *string      `json:"title,omitempty" validate:"omitempty,min=1,max=200"`
	Description *string      `json:"description,omitempty" validate:"omitempty,max=10000"`
	DueAt       OptionalTime `json:"due_at" swaggertype:"string" format:"date-time" extensions:"x-nullable"`
	// AssigneeID reassigns the task to another active user of the workspace.
	AssigneeID *uuid.UUID `json:"assignee_id,omitempty"`
	// Status done completes the task, open reopens it.
	Status *string `json:"status,omitempty" validate:"omitempty,oneof=open done" enums:"open,done"`
} // @name UpdateTaskRequest

func toTask(now time.Time) func(activity.Task) Task {
	return func(t activity.Task) Task {
		return Task{ID: t.ID, Title: t.Title, Description: t.Description, DueAt: utcp(t.DueAt), AssigneeID: t.AssigneeID,
			OpportunityID: t.OpportunityID, Status: string(t.Status), Overdue: t.Overdue(now), CompletedAt: utcp(t.CompletedAt),
			CreatedBy: t.CreatedBy, Version: t.Version, CreatedAt: utc(t.CreatedAt), UpdatedAt: utc(t.UpdatedAt)}
	}
}

// taskFilter reads the list filters; a malformed value is a 422 naming
// the parameter.
func taskFilter(c echo.Context) (activity.Filter, error) {
	var f activity.Filter
	var fields []errs.FieldError
	bad := func(name, msg string) { fields = append(fields, errs.FieldError{Field: name, Message: msg}) }
	if v := c.QueryParam("assignee_id"); v == "me" {
		p, err := identity.Caller(c.Request().Context())
		if err != nil {
			return f, err
		}
		f.AssigneeID = &p.UserID
	} else if v != "" {
		f.AssigneeID = queryUUID(v, "assignee_id", "must be a user id or me", bad)
	}
	if v := c.QueryParam("status"); v != "" {
		st := activity.Status(v)
		if !st.Valid() {
			bad("status", "must be one of: open, done")
		}
		f.Status = &st
	}
	if v := c.QueryParam("opportunity_id"); v != "" {
		f.OpportunityID = queryUUID(v, "opportunity_id", "must be an opportunity id", bad)
	}
	f.DueBefore = queryTime(c.QueryParam("due_before"), "due_before", bad)
	f.DueAfter = queryTime(c.QueryParam("due_after"), "due_after", bad)
	return f, errs.Fields("the query has invalid parameters", fields...)
}

func queryUUID(v, name, msg string, bad func(name, msg string)) *uuid.UUID {
	id, err := uuid.Parse(v)
	if err != nil {
		bad(name, msg)
		return nil
	}
	return &id
}

func queryTime(v, name string, bad func(name, msg string)) *time.Time {
	if v == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		bad(name, "must be an RFC 3339 time such as 2025-01-31T17:00:00Z")
		return nil
	}
	return &t
}

// listTasks godoc
//
//	@Summary		List tasks; "my open tasks" is ?assignee_id=me&status=open
//	@Description	The default sort, due_at, lists overdue tasks first (they are the ones due before now), then by due time; tasks without a due time come last, the id breaks ties. Filters combine.
//	@Tags			tasks
//	@ID				listTasks
//	@Produce		json
//	@Security		BearerAuth
//	@Param			assignee_id		query		string	false	"A user id, or me for the caller"
//	@Param			status			query		string	false	"open or done"	Enums(open, done)
//	@Param			opportunity_id	query		string	false	"Only the tasks of this opportunity"	format(uuid)
//	@Param			due_before		query		string	false	"Only tasks due before this time (RFC 3339)"	format(date-time)
//	@Param			due_after		query		string	false	"Only tasks due at or after this time (RFC 3339)"	format(date-time)
//	@Param			limit			query		int		false	"Page size (1-200, default 50)"
//	@Param			cursor			query		string	false	"next_cursor of the previous page"
//	@Param			sort			query		string	false	"due_at (default), created_at or updated_at; prefix - for descending"
//	@Success		200				{object}	TaskList
//	@Router			/api/v1/tasks [get]
func (s *Server) listTasks(c echo.Context) error {
	req, err := s.pageRequest(c, "due_at", "created_at", "updated_at")
	if err != nil {
		return err
	}
	f, err := taskFilter(c)
	if err != nil {
		return err
	}
	p, err := s.activity.ListTasks(c.Request().Context(), f, req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, TaskList{Data: mapSlice(p.Items, toTask(time.Now())), NextCursor: s.nextCursor(req, p.Next)})
}

// createTask godoc
//
//	@Summary		Create a task
//	@Description	The assignee (default: the caller) must be an active user of the workspace, and opportunity_id an opportunity of the workspace; otherwise 422 naming the field. Creation is recorded as an event.
//	@Tags			tasks
//	@ID				createTask
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		CreateTaskRequest	true	"The task"
//	@Success		201		{object}	Task
//	@Router			/api/v1/tasks [post]
func (s *Server) createTask(c echo.Context) error {
	var req CreateTaskRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	t, err := s.activity.CreateTask(c.Request().Context(), activity.NewTask{Title: req.Title, Description: req.Description,
		DueAt: req.DueAt, AssigneeID: req.AssigneeID, OpportunityID: req.OpportunityID})
	if err != nil {
		return err
	}
	return created(c, "/api/v1/tasks/"+t.ID.String(), t.Version, toTask(time.Now())(t))
}

// getTask godoc
//
//	@Summary	One task
//	@Tags		tasks
//	@ID			getTask
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"Task id"	format(uuid)
//	@Success	200	{object}	Task
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/tasks/{id} [get]
func (s *Server) getTask(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	t, err := s.activity.Task(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return ok(c, t.Version, toTask(time.Now())(t))
}

// updateTask godoc
//
//	@Summary		Change, reassign, complete or reopen a task
//	@Description	status done completes the task (completed_at is set), open reopens it (completed_at is cleared). assignee_id reassigns it to another active user of the workspace (422 otherwise). Completing, reopening, reassigning and changing the due time are recorded as events.
//	@Tags			tasks
//	@ID				updateTask
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path		string				true	"Task id"	format(uuid)
//	@Param			If-Match	header		string				false	"ETag of the version you changed"
//	@Param			body		body		UpdateTaskRequest	true	"Fields to change"
//	@Success		200			{object}	Task
//	@Failure		404			{object}	Problem
//	@Failure		412			{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/tasks/{id} [patch]
func (s *Server) updateTask(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req UpdateTaskRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	patch := activity.TaskPatch{Title: req.Title, Description: req.Description, AssigneeID: req.AssigneeID,
		DueAt: req.DueAt.Field()}
	if req.Status != nil {
		st := activity.Status(*req.Status)
		patch.Status = &st
	}
	t, err := s.activity.UpdateTask(c.Request().Context(), id, patch, version)
	if err != nil {
		return err
	}
	return ok(c, t.Version, toTask(time.Now())(t))
}

// deleteTask godoc
//
//	@Summary	Delete a task and its events
//	@Tags		tasks
//	@ID			deleteTask
//	@Security	BearerAuth
//	@Param		id			path	string	true	"Task id"	format(uuid)
//	@Param		If-Match	header	string	false	"ETag of the version you deleted"
//	@Success	204
//	@Failure	404	{object}	Problem
//	@Failure	412	{object}	Problem	"Changed by someone else"
//	@Router		/api/v1/tasks/{id} [delete]
func (s *Server) deleteTask(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	if err := s.activity.DeleteTask(c.Request().Context(), id, version); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
