package events

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/tenant"
)

// log is an event log in memory and the reactions it queued: enough to
// check what the bus decides, not how storage keeps it.
type log struct {
	events    []Event
	reactions []string
	failOn    string // "insert", "enqueue" or "read"
}

func (l *log) WithTx(ctx context.Context, fn func(ctx context.Context) error) error { return fn(ctx) }

func (l *log) InsertEvent(_ context.Context, e Event) error {
	if l.failOn == "insert" {
		return errors.New("disk full")
	}
	l.events = append(l.events, e)
	return nil
}

func (l *log) Event(_ context.Context, id uuid.UUID) (Event, error) {
	for _, e := range l.events {
		if e.ID == id && l.failOn != "read" {
			return e, nil
		}
	}
	return Event{}, errors.New("no such event")
}

func (l *log) EnqueueReaction(_ context.Context, _, _ uuid.UUID, reactor string) error {
	if l.failOn == "enqueue" {
		return errors.New("queue down")
	}
	l.reactions = append(l.reactions, reactor)
	return nil
}

// reactor handles some types and remembers what it saw.
type reactor struct {
	name  string
	types []Type
	seen  []Event
	actor Actor
	ws    uuid.UUID
}

func (r *reactor) Name() string        { return r.name }
func (r *reactor) Handles(t Type) bool { return slices.Contains(r.types, t) }
func (r *reactor) React(ctx context.Context, e Event) error {
	r.seen = append(r.seen, e)
	r.actor = ActorFrom(ctx)
	r.ws, _ = tenant.From(ctx)
	return nil
}

var at = time.Date(2026, 6, 1, 12, 0, 0, 123456789, time.UTC)

func newBus(l *log, rs ...Reactor) *Bus {
	b := NewBus(l, l, func() time.Time { return at })
	for _, r := range rs {
		b.Subscribe(r)
	}
	return b
}

func TestPublishQueuesTheReactorsThatHandleTheType(t *testing.T) {
	mail := &reactor{name: "mail", types: []Type{QuoteSigned, QuoteViewed}}
	hooks := &reactor{name: "webhooks", types: Types()}
	won := &reactor{name: "won", types: []Type{OpportunityWon}}
	tests := []struct {
		typ  Type
		want []string
	}{
		{QuoteSigned, []string{"mail", "webhooks"}},
		{OpportunityWon, []string{"webhooks", "won"}},
		{InvoicePaid, []string{"webhooks"}},
		{Type("unknown"), nil},
	}
	for _, tt := range tests {
		l := &log{}
		ctx := tenant.With(context.Background(), uuid.New())
		if err := newBus(l, mail, hooks, won).Publish(ctx, Event{Type: tt.typ}); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(l.reactions, tt.want) || len(l.events) != 1 {
			t.Errorf("%s: got reactions %v and %d events, want %v and 1", tt.typ, l.reactions, len(l.events), tt.want)
		}
	}
}

func TestPublishFillsWhatIsMissing(t *testing.T) {
	ws, user := uuid.New(), uuid.New()
	ctx := identity.WithPrincipal(context.Background(), identity.Principal{WorkspaceID: ws, ID: user, UserID: user})
	l := &log{}
	if err := newBus(l).Publish(ctx, Event{Type: QuoteSent}); err != nil {
		t.Fatal(err)
	}
	e := l.events[0]
	if e.WorkspaceID != ws || e.ID == uuid.Nil || !e.OccurredAt.Equal(at.Truncate(time.Microsecond)) ||
		e.Actor.Kind != ActorUser || *e.Actor.ID != user || string(e.Payload) != "{}" {
		t.Errorf("got %+v", e)
	}

	given := Event{ID: uuid.New(), WorkspaceID: uuid.New(), Type: QuoteSent, OccurredAt: at.Add(-time.Hour), Actor: System,
		Payload: json.RawMessage(`{"a":1}`)}
	l = &log{}
	if err := newBus(l).Publish(context.Background(), given); err != nil {
		t.Fatal(err)
	}
	if got := l.events[0]; got.ID != given.ID || got.WorkspaceID != given.WorkspaceID || !got.OccurredAt.Equal(given.OccurredAt) ||
		got.Actor.Kind != ActorSystem || string(got.Payload) != `{"a":1}` {
		t.Errorf("given fields were replaced: got %+v, want %+v", got, given)
	}
}

func TestPublishFails(t *testing.T) {
	hooks := &reactor{name: "webhooks", types: Types()}
	ctx := tenant.With(context.Background(), uuid.New())
	tests := []struct {
		name, failOn, want string
		ctx                context.Context
	}{
		{"no workspace", "", "no workspace", context.Background()},
		{"insert fails", "insert", "record quote.sent: disk full", ctx},
		{"enqueue fails", "enqueue", "enqueue webhooks of quote.sent: queue down", ctx},
	}
	for _, tt := range tests {
		err := newBus(&log{failOn: tt.failOn}, hooks).Publish(tt.ctx, Event{Type: QuoteSent})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want an error saying %q", tt.name, err, tt.want)
		}
	}
}

func TestPublishJSONMarshalsThePayload(t *testing.T) {
	l := &log{}
	ctx := tenant.With(context.Background(), uuid.New())
	if err := newBus(l).PublishJSON(ctx, Event{Type: QuoteSent}, map[string]int{"n": 1}); err != nil {
		t.Fatal(err)
	}
	var got struct{ N int }
	if err := l.events[0].Decode(&got); err != nil || got.N != 1 {
		t.Errorf("got %+v, %v, want n=1", got, err)
	}
	if err := newBus(l).PublishJSON(ctx, Event{Type: QuoteSent}, func() {}); err == nil {
		t.Error("an unmarshalable payload: got no error")
	}
}

func TestDecode(t *testing.T) {
	var v struct{ A int }
	if err := (Event{}).Decode(&v); err != nil || v.A != 0 {
		t.Errorf("no payload: got %+v, %v", v, err)
	}
	err := Event{Type: QuoteSent, Payload: json.RawMessage(`[`)}.Decode(&v)
	if err == nil || !strings.Contains(err.Error(), "decode quote.sent payload") {
		t.Errorf("bad payload: got %v", err)
	}
}

func TestDispatchRunsOneReactorAsTheSystem(t *testing.T) {
	r := &reactor{name: "mail", types: []Type{QuoteSent}}
	l := &log{}
	ws := uuid.New()
	b := newBus(l, r)
	if err := b.Publish(tenant.With(context.Background(), ws), Event{Type: QuoteSent}); err != nil {
		t.Fatal(err)
	}
	id := l.events[0].ID
	if err := b.Dispatch(context.Background(), ws, id, "mail"); err != nil {
		t.Fatal(err)
	}
	if len(r.seen) != 1 || r.seen[0].ID != id || r.actor.Kind != ActorSystem || r.ws != ws {
		t.Errorf("got %d events, actor %v, workspace %s", len(r.seen), r.actor, r.ws)
	}
	if err := b.Dispatch(context.Background(), ws, id, "sms"); err == nil || !strings.Contains(err.Error(), `no reactor "sms"`) {
		t.Errorf("unknown reactor: got %v", err)
	}
	l.failOn = "read"
	if err := b.Dispatch(context.Background(), ws, id, "mail"); err == nil || !strings.Contains(err.Error(), "load event") {
		t.Errorf("unreadable event: got %v", err)
	}
}

func TestSubscribeRefusesTwoReactorsOfOneName(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("got no panic, want one")
		}
	}()
	newBus(&log{}, &reactor{name: "mail"}, &reactor{name: "mail"})
}

func TestActorOfTheContext(t *testing.T) {
	user, key, creator := uuid.New(), uuid.New(), uuid.New()
	bg := context.Background()
	asUser := identity.WithPrincipal(bg, identity.Principal{ID: user, UserID: user})
	asKey := identity.WithPrincipal(bg, identity.Principal{ID: key, UserID: creator, APIKey: true})
	customer := Customer("Ann", "ann@example.com")
	tests := []struct {
		name   string
		ctx    context.Context
		kind   ActorKind
		id     *uuid.UUID
		userID *uuid.UUID
	}{
		{"nobody: the system", bg, ActorSystem, nil, nil},
		{"a user", asUser, ActorUser, &user, &user},
		{"an API key acts for its creator", asKey, ActorAPIKey, &key, &creator},
		{"a customer", WithActor(asUser, customer), ActorCustomer, nil, nil},
		{"the system in a job", WithActor(asUser, System), ActorSystem, nil, nil},
		{"a user set explicitly", WithActor(asUser, Actor{Kind: ActorUser, ID: &user}), ActorUser, &user, &user},
	}
	eq := func(a, b *uuid.UUID) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := ActorFrom(tt.ctx)
			if a.Kind != tt.kind || !eq(a.ID, tt.id) {
				t.Errorf("ActorFrom: got %s %v, want %s %v", a.Kind, a.ID, tt.kind, tt.id)
			}
			if got := UserID(tt.ctx); !eq(got, tt.userID) {
				t.Errorf("UserID: got %v, want %v", got, tt.userID)
			}
		})
	}
	if customer.Name != "Ann" || customer.Email != "ann@example.com" {
		t.Errorf("got %+v", customer)
	}
}

// choosy is a reactor that says, per event, whether it wants it.
type choosy struct {
	reactor
	want bool
	err  error
}

func (c *choosy) Interested(context.Context, Event) (bool, error) { return c.want, c.err }

// A reactor with an Interest gets a job only for the events it wants, and
// an error asking it fails the publish (the change's transaction with it).
func TestPublishAsksInterestedReactors(t *testing.T) {
	tests := []struct {
		name    string
		r       *choosy
		want    []string
		wantErr bool
	}{
		{"interested", &choosy{reactor: reactor{name: "hooks", types: Types()}, want: true}, []string{"hooks"}, false},
		{"not interested", &choosy{reactor: reactor{name: "hooks", types: Types()}}, nil, false},
		{"cannot tell", &choosy{reactor: reactor{name: "hooks", types: Types()}, err: errors.New("db down")}, nil, true},
	}
	for _, tt := range tests {
		l := &log{}
		ctx := tenant.With(context.Background(), uuid.New())
		err := newBus(l, tt.r).Publish(ctx, Event{Type: QuoteSigned})
		if (err != nil) != tt.wantErr || !slices.Equal(l.reactions, tt.want) {
			t.Errorf("%s: got reactions %v, error %v; want %v, error %v", tt.name, l.reactions, err, tt.want, tt.wantErr)
		}
	}
}
