package api

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/activity"
	"github.com/acme/crm/internal/catalog"
	"github.com/acme/crm/internal/changes"
	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/quoting"
	"github.com/acme/crm/internal/relations"
	"github.com/acme/crm/internal/sales"
)

// changeItems turns changes into their representations, leaving out the
// records deleted since (their tombstones follow in the feed). The records
// are read one query per type, not one per change.
func (s *Server) changeItems(ctx context.Context, cs []changes.Change) ([]FeedChange, error) {
	recs, err := s.changeRecords(ctx, cs)
	if err != nil {
		return nil, err
	}
	out := make([]FeedChange, 0, len(cs))
	for _, ch := range cs {
		item := FeedChange{Type: string(ch.Type), ID: ch.ID, Cursor: s.encodeChangeCursor(ch.Position), ChangedAt: ch.ChangedAt.UTC()}
		if ch.Deleted {
			at := ch.ChangedAt.UTC()
			item.DeletedAt = &at
		} else if item.Record = recs[ch.Type][ch.ID]; item.Record == nil {
			continue
		}
		out = append(out, item)
	}
	return out, nil
}

// changeRecords reads the records of the changes that are not deletions,
// by type and id, each as its GET answers it; a record missing now is
// absent.
func (s *Server) changeRecords(ctx context.Context, cs []changes.Change) (map[changes.Type]map[uuid.UUID]any, error) {
	var types []changes.Type // in the order of the feed, for a stable order of queries
	ids := map[changes.Type][]uuid.UUID{}
	for _, ch := range cs {
		if ch.Deleted {
			continue
		}
		if _, ok := ids[ch.Type]; !ok {
			types = append(types, ch.Type)
		}
		ids[ch.Type] = append(ids[ch.Type], ch.ID)
	}
	out := make(map[changes.Type]map[uuid.UUID]any, len(types))
	for _, t := range types {
		recs, err := s.loadRecords(ctx, t, ids[t])
		if err != nil {
			return nil, err
		}
		out[t] = recs
	}
	return out, nil
}

// loadRecords reads the records of one type with one service call, as
// their GET answers them, by id.
func (s *Server) loadRecords(ctx context.Context, t changes.Type, ids []uuid.UUID) (map[uuid.UUID]any, error) {
	switch t {
	case changes.Opportunity:
		os, err := s.sales.OpportunitiesByID(ctx, ids)
		return byID(os, err, func(o sales.Opportunity) uuid.UUID { return o.ID }, toOpportunity)
	case changes.Organization:
		os, err := s.relations.OrganizationsByID(ctx, ids)
		return byID(os, err, func(o relations.Organization) uuid.UUID { return o.ID }, toOrganization)
	case changes.Person:
		ps, err := s.relations.PersonsByID(ctx, ids)
		return byID(ps, err, func(p relations.Person) uuid.UUID { return p.ID }, toPerson)
	case changes.Product:
		ps, err := s.catalog.ProductsByID(ctx, ids)
		return byID(ps, err, func(p catalog.Product) uuid.UUID { return p.ID }, toProduct)
	case changes.Task:
		ts, err := s.activity.TasksByID(ctx, ids)
		return byID(ts, err, func(t activity.Task) uuid.UUID { return t.ID }, toTask(time.Now()))
	case changes.Note:
		ns, err := s.notes.NotesByID(ctx, ids)
		return byID(ns, err, func(n activity.Note) uuid.UUID { return n.ID }, toNote)
	case changes.Appointment:
		as, err := s.appointments.AppointmentsByID(ctx, ids)
		return byID(as, err, func(a activity.Appointment) uuid.UUID { return a.ID }, toAppointment)
	case changes.Quote:
		qs, err := s.quoting.QuotesByID(ctx, ids)
		return byID(qs, err, func(q quoting.Quote) uuid.UUID { return q.ID }, toQuote)
	}
	return nil, errs.New(errs.Internal, "unknown change type %q", t)
}

// byID converts the records a many-read returned and keys them by id.
func byID[T, D any](items []T, err error, id func(T) uuid.UUID, dto func(T) D) (map[uuid.UUID]any, error) {
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]any, len(items))
	for _, it := range items {
		out[id(it)] = dto(it)
	}
	return out, nil
}
