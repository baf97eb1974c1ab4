package quoting

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/audit"
	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/events"
	"github.com/acme/crm/internal/identity"
)

func (b *book) AwaitingExpiry(context.Context, time.Time, int) ([]VersionRef, error) {
	var out []VersionRef
	for _, q := range b.quotes {
		out = append(out, VersionRef{WorkspaceID: uuid.New(), QuoteID: q.ID})
	}
	return out, nil
}

func (b *book) LatestVersion(_ context.Context, number string) (Quote, error) {
	var newest Quote
	for _, q := range b.quotes {
		if q.Number == number && q.QuoteVersion > newest.QuoteVersion {
			newest = q
		}
	}
	return newest, nil
}

// pipeline answers the opportunity's quote source and records moves.
type pipeline struct {
	src   Source
	moves []uuid.UUID
}

func (p *pipeline) QuoteSource(context.Context, uuid.UUID) (Source, error) { return p.src, nil }
func (p *pipeline) MoveToPhase(_ context.Context, _, phase uuid.UUID) (bool, error) {
	p.moves = append(p.moves, phase)
	return true, nil
}

type workspace struct {
	zone   string
	expire bool
}

func (w workspace) User(context.Context, uuid.UUID) (identity.User, error) {
	return identity.User{}, nil
}
func (w workspace) Workspace(context.Context) (identity.Workspace, error) {
	return identity.Workspace{TimeZone: w.zone, ExpireOpportunities: w.expire}, nil
}

type eventLog []events.Type

func (l *eventLog) PublishJSON(_ context.Context, e events.Event, _ any) error {
	*l = append(*l, e.Type)
	return nil
}

func TestQuotesExpireAfterTheirLastDayInTheWorkspaceZone(t *testing.T) {
	until := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	expired := uuid.New()
	tests := []struct {
		name   string
		now    time.Time
		zone   string
		status Status
		expire bool // the workspace moves opportunities of expired quotes
		newest bool // the version is its number's newest
		want   int
		moved  bool
	}{
		{"the last day, UTC", time.Date(2026, 6, 30, 23, 59, 0, 0, time.UTC), "UTC", StatusSent, true, true, 0, false},
		{"the day after, UTC", time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), "UTC", StatusViewed, true, true, 1, true},
		{"the day after in UTC, still the last day in Los Angeles", time.Date(2026, 7, 1, 3, 0, 0, 0, time.UTC), "America/Los_Angeles", StatusSent, false, true, 0, false},
		{"the day after in Stockholm", time.Date(2026, 6, 30, 22, 30, 0, 0, time.UTC), "Europe/Stockholm", StatusSent, false, true, 1, false},
		{"an unknown zone counts as UTC", time.Date(2026, 6, 30, 22, 30, 0, 0, time.UTC), "Mars/Base", StatusSent, false, true, 0, false},
		{"signed quotes do not expire", time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC), "UTC", StatusSigned, true, true, 0, false},
		{"an older version leaves the opportunity", time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC), "UTC", StatusSent, true, false, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBook()
			q := b.addQuote(t, tt.status, 1, nil)
			q.ValidUntil = until
			b.quotes[q.ID] = q
			if !tt.newest {
				b.quotes[uuid.New()] = Quote{Number: q.Number, QuoteVersion: 2, Status: StatusSigned, ValidUntil: until.AddDate(1, 0, 0)}
			}
			opps := &pipeline{src: Source{Open: true, ExpiredPhaseID: &expired}}
			ev := &eventLog{}
			s := NewService(b, Deps{Opportunities: opps, Directory: workspace{tt.zone, tt.expire}, Events: ev, Evidence: b,
				Now: func() time.Time { return tt.now }})
			n, err := s.ExpireDue(context.Background())
			if err != nil || n != tt.want {
				t.Fatalf("got %d, %v, want %d", n, err, tt.want)
			}
			if got := b.quotes[q.ID].Status; (got == StatusExpired) != (tt.want == 1) {
				t.Errorf("got status %s", got)
			}
			if tt.want == 1 && (!slices.Equal(*ev, eventLog{events.QuoteExpired}) || !slices.Equal(b.evidence, []audit.Action{audit.Expire})) {
				t.Errorf("got events %v, evidence %v", *ev, b.evidence)
			}
			if moved := len(opps.moves) == 1; moved != tt.moved {
				t.Errorf("got opportunity moves %v, want moved %v", opps.moves, tt.moved)
			}
		})
	}
}

func TestExpiredQuoteMovesOnlyAnOpenOpportunityWithAnExpiredPhase(t *testing.T) {
	phase := uuid.New()
	tests := []struct {
		name  string
		src   Source
		moved bool
	}{
		{"open with an expired phase", Source{Open: true, ExpiredPhaseID: &phase}, true},
		{"closed", Source{ExpiredPhaseID: &phase}, false},
		{"no expired phase", Source{Open: true}, false},
	}
	for _, tt := range tests {
		opps := &pipeline{src: tt.src}
		moved, err := NewService(nil, Deps{Opportunities: opps}).moveOpportunity(context.Background(), uuid.New(),
			func(s Source) *uuid.UUID { return s.ExpiredPhaseID })
		if err != nil || moved != tt.moved || (len(opps.moves) == 1) != tt.moved {
			t.Errorf("%s: got %v, %v, moves %v", tt.name, moved, err, opps.moves)
		}
	}
}

type noQuotes struct{ Store }

func (noQuotes) AwaitingExpiry(context.Context, time.Time, int) ([]VersionRef, error) {
	return nil, errors.New("db down")
}

func TestExpireDueReportsAFailedSearch(t *testing.T) {
	if _, err := NewService(noQuotes{}, Deps{}).ExpireDue(context.Background()); err == nil {
		t.Error("got no error")
	}
}

func (b *book) QuoteByToken(_ context.Context, hash []byte) (Quote, uuid.UUID, error) {
	for _, q := range b.quotes {
		if slices.Equal(q.TokenHash, hash) {
			return q, uuid.New(), nil
		}
	}
	return Quote{}, uuid.Nil, errs.NotFoundf("no quote")
}

func TestCustomerOpensTheLinkOfASentVersion(t *testing.T) {
	links := testLinks(t, "https://crm.example", 1)
	tests := []struct {
		name    string
		status  Status
		newer   Status // "" when the version is the newest
		state   LinkState
		viewed  bool
		allowed bool
		newest  bool // the visit points to the newest version
	}{
		{"first view", StatusSent, "", LinkOpen, true, true, false},
		{"a later view the same day", StatusViewed, "", LinkOpen, false, true, false},
		{"answered", StatusRejected, "", LinkAnswered, false, false, false},
		{"replaced by a sent version", StatusSuperseded, StatusSent, LinkReplaced, false, false, true},
		{"replaced by a draft", StatusSuperseded, StatusDraft, LinkReplaced, false, false, false},
		{"replaced by a withdrawn version", StatusSuperseded, StatusWithdrawn, LinkReplaced, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBook()
			q := b.addQuote(t, tt.status, 1, nil)
			token, hash, sealed, _ := links.New()
			q.TokenHash, q.TokenSealed, q.LastViewedAt = hash, sealed, &today
			b.quotes[q.ID] = q
			if tt.newer != "" {
				_, h2, s2, _ := links.New()
				v2 := Quote{ID: uuid.New(), Number: q.Number, QuoteVersion: 2, Status: tt.newer, TokenHash: h2, TokenSealed: s2}
				if tt.newer != StatusDraft {
					v2.SentAt = &today
				}
				b.quotes[v2.ID] = v2
			}
			ev := &eventLog{}
			s := NewService(b, Deps{Links: links, Directory: workspace{zone: "UTC"}, Events: ev, Evidence: b, Now: func() time.Time { return today }})
			v, err := s.Open(context.Background(), token, Client{IP: "192.0.2.1"})
			if err != nil {
				t.Fatal(err)
			}
			if v.State != tt.state || (len(v.Allowed) == 3) != tt.allowed || (v.NewestURL != "") != tt.newest {
				t.Errorf("got state %s, allowed %v, newest %q", v.State, v.Allowed, v.NewestURL)
			}
			if viewed := len(*ev) == 1; viewed != tt.viewed {
				t.Errorf("got events %v, want a view recorded: %v", *ev, tt.viewed)
			}
			if tt.viewed && (v.Quote.Status != StatusViewed || v.Quote.ViewedAt == nil || !slices.Equal(b.evidence, []audit.Action{audit.View})) {
				t.Errorf("got %s, viewed at %v, evidence %v", v.Quote.Status, v.Quote.ViewedAt, b.evidence)
			}
			if _, err := s.Resolve(context.Background(), token); err != nil {
				t.Errorf("resolve: got %v", err)
			}
		})
	}
	b := newBook()
	draft := b.addQuote(t, StatusDraft, 1, nil)
	token, hash, _, _ := links.New()
	draft.TokenHash = hash
	b.quotes[draft.ID] = draft
	s := NewService(b, Deps{Links: links})
	if _, err := s.Resolve(context.Background(), token); !errs.Is(err, errs.NotFound) {
		t.Errorf("a draft's link: got %v, want not found", err)
	}
	other, _, _ := NewToken()
	if _, err := s.Open(context.Background(), other, Client{}); !errs.Is(err, errs.NotFound) {
		t.Errorf("an unknown link: got %v, want not found", err)
	}
}
