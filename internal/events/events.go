// Package events is the product's one seam for "something happened". A
// domain change that others react to (a quote signed, an opportunity won)
// publishes an Event in the same database transaction as the change; the
// Bus writes it and enqueues one job per interested Reactor in that same
// transaction. A rolled-back change therefore leaves neither event nor job,
// and a crash after the commit loses neither: the jobs run later, retried
// until they succeed. Notifications, e-mails to the salesperson, the
// opportunity's reaction to an expired quote and webhooks are reactors.
package events

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/tenant"
)

// Type names what happened, as "<subject>.<verb>".
type Type string

// The event types the product publishes.
const (
	QuoteSent               Type = "quote.sent"
	QuoteViewed             Type = "quote.viewed"
	QuoteSigned             Type = "quote.signed"
	QuoteChangeRequested    Type = "quote.change_requested"
	QuoteRejected           Type = "quote.rejected"
	QuoteExpired            Type = "quote.expired"
	OpportunityCreated      Type = "opportunity.created"
	OpportunityUpdated      Type = "opportunity.updated"
	OpportunityPhaseChanged Type = "opportunity.phase_changed"
	OpportunityWon          Type = "opportunity.won"
	OpportunityLost         Type = "opportunity.lost"
	OpportunityDeleted      Type = "opportunity.deleted"
	TaskCreated             Type = "task.created"
	TaskCompleted           Type = "task.completed"
	OrganizationCreated     Type = "organization.created"
	PersonCreated           Type = "person.created"
	InvoiceIssued           Type = "invoice.issued"
	InvoiceSent             Type = "invoice.sent"
	InvoicePaid             Type = "invoice.paid"
	InvoiceCredited         Type = "invoice.credited"
	InvoiceOverdue          Type = "invoice.overdue"
)

// Types lists every type the product publishes, in documentation order.
func Types() []Type {
	return []Type{QuoteSent, QuoteViewed, QuoteSigned, QuoteChangeRequested, QuoteRejected, QuoteExpired,
		OpportunityCreated, OpportunityUpdated, OpportunityPhaseChanged, OpportunityWon, OpportunityLost, OpportunityDeleted,
		TaskCreated, TaskCompleted, OrganizationCreated, PersonCreated, InvoiceIssued, InvoiceSent, InvoicePaid, InvoiceCredited, InvoiceOverdue}
}

// Definition documents one event type: what it means, an example of its
// payload as a value of the very Go type its publisher marshals, and, for
// an event about a record, an example of that record as its publisher
// passes it (Event.Subject), so that documentation and deliveries cannot
// drift apart.
type Definition struct {
	Type        Type
	Description string
	Example     any
	// Subject is an example of the record the event is about (a
	// sales.Opportunity, a quoting.Quote…); nil for events about none.
	Subject any
}

// Event is one fact: what happened to which subject, by whom, when, with a
// small payload of its own (JSON, shaped by the publisher).
type Event struct {
	ID          uuid.UUID
	WorkspaceID uuid.UUID
	Type        Type
	// SubjectType is "quote", "opportunity" or "invoice"; SubjectID its id.
	SubjectType string
	SubjectID   uuid.UUID
	// OpportunityID is the opportunity the subject belongs to, if any, so
	// that reactors find its owner and pipeline.
	OpportunityID *uuid.UUID
	Actor         Actor
	OccurredAt    time.Time
	Payload       json.RawMessage
	// Subject is the record the event is about, as its publisher holds it
	// right after the change (a sales.Opportunity, a quoting.Quote…). It
	// is not stored: Publish renders it with the bus's Objects into
	// Object.
	Subject any
	// Object is the subject as the API returns it, at the moment of the
	// event (what a webhook's data carries); empty for events about no
	// record, or published before objects were kept.
	Object json.RawMessage
}

// Decode unmarshals the payload into v.
func (e Event) Decode(v any) error {
	if len(e.Payload) == 0 {
		return nil
	}
	if err := json.Unmarshal(e.Payload, v); err != nil {
		return fmt.Errorf("decode %s payload: %w", e.Type, err)
	}
	return nil
}

// ActorKind is who caused an event.
type ActorKind string

// The kinds of actor.
const (
	ActorUser     ActorKind = "user"
	ActorAPIKey   ActorKind = "api_key"
	ActorCustomer ActorKind = "customer" // someone holding a quote's link
	ActorSystem   ActorKind = "system"   // the clock, a job
)

// Actor is who caused an event: a user or API key (ID set), a customer
// (Name and Email as they gave them), or the system.
type Actor struct {
	Kind  ActorKind
	ID    *uuid.UUID
	Name  string
	Email string
}

// System is the actor of scheduled work.
var System = Actor{Kind: ActorSystem}

// Customer is the actor of something done through a quote's link.
func Customer(name, email string) Actor { return Actor{Kind: ActorCustomer, Name: name, Email: email} }

type actorKey struct{}

// WithActor returns ctx acting as a: the customer behind a quote link, or
// the system in a job. Without it the actor is the authenticated principal.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor of ctx: the one set by WithActor, else the
// authenticated user or API key, else the system.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	if p, ok := identity.PrincipalFrom(ctx); ok {
		id := p.ID
		if p.APIKey {
			return Actor{Kind: ActorAPIKey, ID: &id}
		}
		return Actor{Kind: ActorUser, ID: &id}
	}
	return System
}

// UserID is the id of the user behind the actor, for columns that name a
// user (an API key acts for its creator); nil for customers and the system.
func UserID(ctx context.Context) *uuid.UUID {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok && a.Kind != ActorUser {
		return nil
	}
	if p, ok := identity.PrincipalFrom(ctx); ok {
		id := p.UserID
		return &id
	}
	return nil
}

// Store writes and reads events in the context's workspace.
type Store interface {
	WithTx(ctx context.Context, fn func(ctx context.Context) error) error
	InsertEvent(ctx context.Context, e Event) error
	// Event reads one event (errs.NotFound when missing).
	Event(ctx context.Context, id uuid.UUID) (Event, error)
}

// Queue enqueues the reaction of one reactor to one event, in the
// transaction carried by ctx.
type Queue interface {
	EnqueueReaction(ctx context.Context, workspaceID, eventID uuid.UUID, reactor string) error
}

// Reactor is something that reacts to events. React runs in a job, in the
// event's workspace, possibly more than once (a retry after a crash): it
// must make repeating harmless, for example with a unique key per event.
// An error makes the job retry later.
type Reactor interface {
	Name() string
	Handles(t Type) bool
	React(ctx context.Context, e Event) error
}

// Interest is what a reactor may add to say, in the event's transaction,
// whether it wants an event at all (webhooks: only a workspace with an
// enabled subscription); without it every handled event gets a job.
type Interest interface {
	Interested(ctx context.Context, e Event) (bool, error)
}

// Objects renders the record an event is about as the API returns it. It
// runs in the event's transaction, so it sees the change it reports.
type Objects interface {
	Object(ctx context.Context, subject any) (json.RawMessage, error)
}

// Bus publishes events and dispatches them to reactors.
type Bus struct {
	store    Store
	queue    Queue
	objects  Objects
	reactors map[string]Reactor
	order    []string
	now      func() time.Time
}

// NewBus returns a bus without reactors; now defaults to time.Now.
func NewBus(store Store, q Queue, now func() time.Time) *Bus {
	if now == nil {
		now = time.Now
	}
	return &Bus{store: store, queue: q, reactors: map[string]Reactor{}, now: now}
}

// SetObjects makes Publish keep, with each event about a record, that
// record as the API returns it; call it while wiring.
func (b *Bus) SetObjects(o Objects) { b.objects = o }

// Subscribe adds a reactor; call it while wiring, before any Publish.
// Names must be unique: they key the reactions' jobs.
func (b *Bus) Subscribe(r Reactor) {
	if _, dup := b.reactors[r.Name()]; dup {
		panic("events: two reactors named " + r.Name())
	}
	b.reactors[r.Name()] = r
	b.order = append(b.order, r.Name())
}

// Publish records e in the transaction of ctx (one is opened when there is
// none) and enqueues a reaction job for every reactor that handles its
// type. It fills the id, the workspace (from ctx), the time (now, to the
// microsecond) and the actor (ActorFrom) when they are zero, and keeps its
// Subject as the API's object (see SetObjects).
func (b *Bus) Publish(ctx context.Context, e Event) error {
	if e.WorkspaceID == uuid.Nil {
		ws, ok := tenant.From(ctx)
		if !ok {
			return fmt.Errorf("publish %s: no workspace in the context", e.Type)
		}
		e.WorkspaceID = ws
	}
	if e.ID == uuid.Nil {
		e.ID = uuid.Must(uuid.NewV7())
	}
	if e.OccurredAt.IsZero() {
		e.OccurredAt = b.now().UTC().Truncate(time.Microsecond)
	}
	if e.Actor.Kind == "" {
		e.Actor = ActorFrom(ctx)
	}
	if len(e.Payload) == 0 {
		e.Payload = json.RawMessage(`{}`)
	}
	return b.store.WithTx(ctx, func(ctx context.Context) error {
		if e.Subject != nil && b.objects != nil && len(e.Object) == 0 {
			obj, err := b.objects.Object(ctx, e.Subject)
			if err != nil {
				return fmt.Errorf("render the subject of %s: %w", e.Type, err)
			}
			e.Object = obj
		}
		if err := b.store.InsertEvent(ctx, e); err != nil {
			return fmt.Errorf("record %s: %w", e.Type, err)
		}
		for _, name := range b.order {
			r := b.reactors[name]
			if !r.Handles(e.Type) {
				continue
			}
			if in, ok := r.(Interest); ok {
				want, err := in.Interested(ctx, e)
				if err != nil {
					return fmt.Errorf("ask %s about %s: %w", name, e.Type, err)
				}
				if !want {
					continue
				}
			}
			if err := b.queue.EnqueueReaction(ctx, e.WorkspaceID, e.ID, name); err != nil {
				return fmt.Errorf("enqueue %s of %s: %w", name, e.Type, err)
			}
		}
		return nil
	})
}

// PublishJSON is Publish with payload marshalled from v.
func (b *Bus) PublishJSON(ctx context.Context, e Event, payload any) error {
	raw, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("encode %s payload: %w", e.Type, err)
	}
	e.Payload = raw
	return b.Publish(ctx, e)
}

// Dispatch runs one reactor on one stored event; the reaction job calls it.
// An unknown reactor is an error (the job is retried until a release that
// has it runs it, or it is discarded).
func (b *Bus) Dispatch(ctx context.Context, workspaceID, eventID uuid.UUID, reactor string) error {
	r, ok := b.reactors[reactor]
	if !ok {
		return fmt.Errorf("dispatch event %s: no reactor %q", eventID, reactor)
	}
	ctx = tenant.With(ctx, workspaceID)
	e, err := b.store.Event(ctx, eventID)
	if err != nil {
		return fmt.Errorf("load event %s: %w", eventID, err)
	}
	return r.React(WithActor(ctx, System), e)
}
