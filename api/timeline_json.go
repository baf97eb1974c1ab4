package api

import (
	"encoding/json"

	"github.com/acme/crm/internal/activity"
)

// timelinePage is the TimelineList of a page of events, written (see
// writeJSON) without building the list: each event becomes its DTO only
// while it is written.
type timelinePage struct {
	items []activity.TimelineEvent
	next  *string
}

func (p *timelinePage) list() TimelineList {
	return TimelineList{Data: mapSlice(p.items, toTimelineEvent), NextCursor: p.next}
}

// MarshalJSON is encoding/json's view of p, for c.JSON's fallback.
func (p *timelinePage) MarshalJSON() ([]byte, error) { return json.Marshal(p.list()) }

func (p *timelinePage) appendJSON(b []byte) ([]byte, error) {
	var actor TimelineActor
	b = append(b, `{"data":[`...)
	for i := range p.items {
		if i > 0 {
			b = append(b, ',')
		}
		e := timelineEventOf(&p.items[i], &actor)
		var err error
		if b, err = e.appendJSON(b); err != nil {
			return b, err
		}
	}
	b = append(b, `],"next_cursor":`...)
	b = appendJSONStringPtr(b, p.next)
	return append(b, '}'), nil
}

// appendJSON writes e as encoding/json does, fields in declaration order.
func (e *TimelineEvent) appendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"type":`...)
	b = appendJSONString(b, e.Type)
	b = append(b, `,"occurred_at":`...)
	b, err := appendJSONTime(b, e.OccurredAt)
	if err != nil {
		return b, err
	}
	b = append(b, `,"actor":`...)
	if e.Actor == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"id":`...)
		b = appendJSONUUID(b, e.Actor.ID)
		b = append(b, `,"name":`...)
		b = appendJSONString(b, e.Actor.Name)
		b = append(b, '}')
	}
	b = append(b, `,"summary":`...)
	b = appendJSONString(b, e.Summary)
	b = append(b, `,"ref":{"type":`...)
	b = appendJSONString(b, e.Ref.Type)
	b = append(b, `,"id":`...)
	b = appendJSONUUID(b, e.Ref.ID)
	return append(b, "}}"...), nil
}
