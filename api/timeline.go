package api

import (
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/activity"
)

func (s *Server) registerTimelineRoutes(g routes) {
	g.GET("/opportunities/:id/timeline", s.opportunityTimeline)
}

// TimelineActor is who caused a timeline event.
type TimelineActor struct {
	ID   uuid.UUID `json:"id"`
	Name string    `json:"name" example:"Anna Öberg"`
} // @name TimelineActor

// TimelineRef names the record a timeline event is about.
type TimelineRef struct {
	Type string    `json:"type" enums:"note,attachment,task,opportunity,appointment,email,quote,invoice" example:"note"`
	ID   uuid.UUID `json:"id"`
} // @name TimelineRef

// TimelineEvent is one thing that happened on an opportunity.
type TimelineEvent struct {
	Type       string         `json:"type" enums:"note,attachment,task_created,task_completed,phase_change,appointment,email,quote,invoice" example:"note"`
	OccurredAt time.Time      `json:"occurred_at"`
	Actor      *TimelineActor `json:"actor" extensions:"x-nullable"`
	Summary    string         `json:"summary" example:"Called Anna: they want delivery before March."`
	Ref        TimelineRef    `json:"ref"`
} // @name TimelineEvent

// TimelineList is a page of timeline events, newest first.
type TimelineList struct {
	Data       []TimelineEvent `json:"data"`
	NextCursor *string         `json:"next_cursor" extensions:"x-nullable"`
} // @name TimelineList

func toTimelineEvent(e activity.TimelineEvent) TimelineEvent {
	return timelineEventOf(&e, new(TimelineActor))
}

// timelineEventOf is toTimelineEvent with the actor, if any, written into
// *actor: a page written by hand reuses one for every event.
func timelineEventOf(e *activity.TimelineEvent, actor *TimelineActor) TimelineEvent {
	out := TimelineEvent{Type: e.Type, OccurredAt: utc(e.OccurredAt), Summary: e.Summary, Ref: TimelineRef{Type: e.RefType, ID: e.RefID}}
	if e.ActorID != nil {
		*actor = TimelineActor{ID: *e.ActorID, Name: e.ActorName}
		out.Actor = actor
	}
	return out
}

// opportunityTimeline godoc
//
//	@Summary		What happened on an opportunity, newest first
//	@Description	Merges notes, attachments, tasks created and completed, phase changes, e-mails and what happened to the opportunity's quotes (sent, viewed, signed, change requested, rejected, expired — the customer's actions named by the customer). Cursor-paginated; a page costs the same however long the history is.
//	@Tags			opportunities
//	@ID				opportunityTimeline
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string	true	"Opportunity id"	format(uuid)
//	@Param			limit	query		int		false	"Page size (1-200, default 50)"
//	@Param			cursor	query		string	false	"next_cursor of the previous page"
//	@Success		200		{object}	TimelineList
//	@Failure		404		{object}	Problem
//	@Router			/api/v1/opportunities/{id}/timeline [get]
func (s *Server) opportunityTimeline(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	req, err := s.pageRequest(c, "occurred_at")
	if err != nil {
		return err
	}
	p, err := s.timeline.List(c.Request().Context(), id, req)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, &timelinePage{items: p.Items, next: s.nextCursor(req, p.Next)})
}
