package quoting

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/audit"
	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/money"
	"github.com/acme/crm/internal/patch"
)

// book keeps quote versions and templates in memory and records what the
// service hands to storage and to the evidence log. It answers only the
// calls the draft, withdraw, revise and template rules make (the nil
// embedded Store panics on others) and checks no rule itself.
type book struct {
	Store
	quotes    map[uuid.UUID]Quote
	templates map[uuid.UUID]Template
	evidence  []audit.Action
	cleared   int
	deleted   []uuid.UUID
}

func newBook() *book {
	return &book{quotes: map[uuid.UUID]Quote{}, templates: map[uuid.UUID]Template{}}
}

func (b *book) WithTx(ctx context.Context, fn func(ctx context.Context) error) error { return fn(ctx) }
func (b *book) LockQuote(ctx context.Context, id uuid.UUID) (Quote, error)           { return b.Quote(ctx, id) }
func (b *book) Quote(_ context.Context, id uuid.UUID) (Quote, error) {
	q, ok := b.quotes[id]
	if !ok {
		return Quote{}, errs.NotFoundf("no quote")
	}
	return q, nil
}
func (b *book) SaveQuote(_ context.Context, q Quote) error {
	q.Version++
	b.quotes[q.ID] = q
	return nil
}
func (b *book) CreateQuote(_ context.Context, q Quote) error { b.quotes[q.ID] = q; return nil }
func (b *book) QuoteVersion(_ context.Context, number string, v int) (Quote, error) {
	for _, q := range b.quotes {
		if q.Number == number && q.QuoteVersion == v {
			return q, nil
		}
	}
	return Quote{}, errs.NotFoundf("no version")
}
func (b *book) Template(_ context.Context, id uuid.UUID) (Template, error) {
	t, ok := b.templates[id]
	if !ok {
		return Template{}, errs.NotFoundf("no template")
	}
	return t, nil
}
func (b *book) LockTemplate(ctx context.Context, id uuid.UUID) (Template, error) {
	return b.Template(ctx, id)
}
func (b *book) CreateTemplate(_ context.Context, t Template) error { b.templates[t.ID] = t; return nil }
func (b *book) SaveTemplate(_ context.Context, t Template) (Template, error) {
	t.Version++
	b.templates[t.ID] = t
	return t, nil
}
func (b *book) ClearDefaultTemplate(context.Context) error {
	b.cleared++
	for id, t := range b.templates {
		t.IsDefault = false
		b.templates[id] = t
	}
	return nil
}
func (b *book) DeleteTemplate(_ context.Context, id uuid.UUID) error {
	b.deleted = append(b.deleted, id)
	return nil
}
func (b *book) SetTemplateLogo(_ context.Context, id uuid.UUID, l Logo, _ time.Time) (Template, error) {
	t := b.templates[id]
	t.HasLogo, t.Version = len(l.Data) > 0, t.Version+1
	b.templates[id] = t
	return t, nil
}
func (b *book) AppendJSON(_ context.Context, r audit.Record, _ any) (audit.Record, error) {
	b.evidence = append(b.evidence, r.Action)
	return r, nil
}
func (b *book) QuoteEvidence(context.Context, uuid.UUID) ([]audit.Record, bool, error) {
	return nil, true, nil
}

var today = time.Date(2026, 6, 10, 9, 0, 0, 0, time.UTC)

func bookService(t *testing.T, b *book) *Service {
	return NewService(b, Deps{Links: testLinks(t, "https://crm.example", 1), Evidence: b, Now: func() time.Time { return today }})
}

func salesperson() context.Context {
	return identity.WithPrincipal(context.Background(), identity.Principal{WorkspaceID: uuid.New(), UserID: uuid.New(), Role: identity.RoleMember})
}

// addQuote stores version v of quote 2026-0001 in status st.
func (b *book) addQuote(t *testing.T, st Status, v int, templateID *uuid.UUID) Quote {
	snap, err := BuildSnapshot(version1(t))
	if err != nil {
		t.Fatal(err)
	}
	q := Quote{ID: uuid.New(), Number: "2026-0001", QuoteVersion: v, Status: st, TemplateID: templateID, Snapshot: snap, Version: 3,
		ValidUntil: today.AddDate(0, 0, 30)}
	if st != StatusDraft {
		q.SentAt = &today
	}
	b.quotes[q.ID] = q
	return q
}

func TestWithdrawAttestsOnlyWhatReachedTheCustomer(t *testing.T) {
	tests := []struct {
		name      string
		status    Status
		ifVersion *int64
		code      errs.Code
		evidence  []audit.Action
	}{
		{"a draft", StatusDraft, nil, "", nil},
		{"a sent version", StatusSent, ptr(int64(3)), "", []audit.Action{audit.Withdraw}},
		{"a stale version", StatusSent, ptr(int64(2)), errs.PreconditionFailed, nil},
		{"a signed version", StatusSigned, nil, errs.Conflict, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBook()
			q := b.addQuote(t, tt.status, 1, nil)
			got, err := bookService(t, b).Withdraw(salesperson(), q.ID, tt.ifVersion)
			if tt.code != "" {
				wantCode(t, err, tt.code)
				if b.quotes[q.ID].Status != tt.status {
					t.Error("a refused withdrawal changed the quote")
				}
				return
			}
			if err != nil || got.Status != StatusWithdrawn || !slices.Equal(b.evidence, tt.evidence) {
				t.Fatalf("got %s, %v, evidence %v; want withdrawn with %v", got.Status, err, b.evidence, tt.evidence)
			}
		})
	}
}

func TestReviseMakesTheNextDraftVersion(t *testing.T) {
	tpl := DefaultTemplate("Acme", "en")
	tpl.ValidityDays = 14
	tests := []struct {
		name     string
		status   Status
		template *uuid.UUID
		days     int
		code     errs.Code
	}{
		{"sent, the template's validity", StatusSent, &tpl.ID, 14, ""},
		{"rejected, template gone: 30 days", StatusRejected, ptr(uuid.New()), 30, ""},
		{"expired, no template", StatusExpired, nil, 30, ""},
		{"a draft", StatusDraft, nil, 0, errs.Conflict},
		{"signed", StatusSigned, nil, 0, errs.Conflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBook()
			b.templates[tpl.ID] = tpl
			old := b.addQuote(t, tt.status, 2, tt.template)
			next, err := bookService(t, b).Revise(salesperson(), old.ID)
			if tt.code != "" {
				wantCode(t, err, tt.code)
				if len(b.quotes) != 1 {
					t.Error("a refused revision made a version")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			wantUntil := time.Date(2026, 6, 10+tt.days, 0, 0, 0, 0, time.UTC)
			if next.Status != StatusDraft || next.QuoteVersion != 3 || next.Number != old.Number || !next.ValidUntil.Equal(wantUntil) ||
				next.Changes == nil || len(next.TokenHash) == 0 || next.Version != 1 {
				t.Errorf("got %+v, want draft v3 valid until %s", next, wantUntil)
			}
			if b.quotes[old.ID].Status != StatusSuperseded || !slices.Equal(b.evidence, []audit.Action{audit.Revise}) {
				t.Errorf("old version %s, evidence %v", b.quotes[old.ID].Status, b.evidence)
			}
		})
	}
	if _, err := bookService(t, newBook()).Revise(context.Background(), uuid.New()); !errs.Is(err, errs.Unauthorized) {
		t.Errorf("without a caller: got %v", err)
	}
}

func TestOnlyDraftsAreEditedAndComparedWithThePreviousVersion(t *testing.T) {
	b := newBook()
	v1 := b.addQuote(t, StatusSent, 1, nil)
	v2 := b.addQuote(t, StatusDraft, 2, nil)
	s := bookService(t, b)
	ctx := salesperson()

	got, err := s.UpdateQuote(ctx, v2.ID, QuotePatch{IntroText: ptr("Hello again"), OfferDiscount: ptr(money.BasisPoints(1000)),
		ValidUntil: ptr(today.AddDate(0, 0, 5))}, ptr(int64(3)))
	if err != nil {
		t.Fatal(err)
	}
	if got.Snapshot.Texts.Intro != "Hello again" || got.Snapshot.OfferDiscount != 1000 || !got.ValidUntil.Equal(time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("got %+v", got.Snapshot.Texts)
	}
	if got.Changes == nil || !slices.Equal(got.Changes.Texts, []string{"intro"}) || got.Changes.Totals.Before.Net == got.Changes.Totals.After.Net {
		t.Errorf("got changes %+v, want the intro and the totals changed against version 1", got.Changes)
	}
	if got.Snapshot.Totals.Net >= v1.Snapshot.Totals.Net {
		t.Errorf("got net %d, want less than version 1's %d after a 10 %% discount", got.Snapshot.Totals.Net, v1.Snapshot.Totals.Net)
	}

	tests := []struct {
		name      string
		id        uuid.UUID
		p         QuotePatch
		ifVersion *int64
		code      errs.Code
		field     string
	}{
		{"a sent version", v1.ID, QuotePatch{IntroText: ptr("x")}, nil, errs.Conflict, ""},
		{"a stale version", v2.ID, QuotePatch{}, ptr(int64(3)), errs.PreconditionFailed, ""},
		{"valid until yesterday", v2.ID, QuotePatch{ValidUntil: ptr(today.AddDate(0, 0, -1))}, nil, errs.Invalid, "valid_until"},
		{"discount over 100 %", v2.ID, QuotePatch{OfferDiscount: ptr(money.BasisPoints(10001))}, nil, errs.Invalid, "offer_discount"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := b.quotes[tt.id].Version
			_, err := s.UpdateQuote(ctx, tt.id, tt.p, tt.ifVersion)
			if tt.field != "" {
				wantFields(t, err, tt.field)
			} else {
				wantCode(t, err, tt.code)
			}
			if b.quotes[tt.id].Version != before {
				t.Error("a refused change was saved")
			}
		})
	}
	if _, err := s.UpdateQuote(ctx, v2.ID, QuotePatch{ContactPersonID: patch.Field[uuid.UUID]{Set: true}}, nil); err != nil {
		t.Errorf("removing the contact: got %v", err)
	}
	if c := b.quotes[v2.ID].Snapshot.Contact; c != (Contact{}) {
		t.Errorf("got contact %+v, want none", c)
	}
}

func admin() context.Context {
	return identity.WithPrincipal(context.Background(), identity.Principal{WorkspaceID: uuid.New(), UserID: uuid.New(), Role: identity.RoleAdmin})
}

func TestTemplatesKeepOneDefault(t *testing.T) {
	b := newBook()
	s := bookService(t, b)
	member := salesperson()
	if _, err := s.CreateTemplate(member, TemplatePatch{Name: ptr("x")}); !errs.Is(err, errs.Forbidden) {
		t.Errorf("member: got %v", err)
	}
	_, err := s.CreateTemplate(admin(), TemplatePatch{Name: ptr("")})
	wantFields(t, err, "name")

	sv, err := s.CreateTemplate(admin(), TemplatePatch{Name: ptr(" Svensk "), Language: ptr(LangSwedish), IsDefault: ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	if sv.Name != "Svensk" || sv.Texts != DefaultTexts(LangSwedish) || sv.ValidityDays != DefaultValidityDays || b.cleared != 1 {
		t.Errorf("got %+v, cleared %d", sv, b.cleared)
	}
	en, err := s.CreateTemplate(admin(), TemplatePatch{Name: ptr("English")})
	if err != nil || en.Language != LangEnglish || en.IsDefault || b.cleared != 1 {
		t.Fatalf("got %+v, %v, cleared %d", en, err, b.cleared)
	}

	_, err = s.UpdateTemplate(admin(), sv.ID, TemplatePatch{IsDefault: ptr(false)}, nil)
	wantFields(t, err, "is_default")
	_, err = s.UpdateTemplate(admin(), en.ID, TemplatePatch{ValidityDays: ptr(0)}, nil)
	wantFields(t, err, "validity_days")
	if _, err := s.UpdateTemplate(admin(), en.ID, TemplatePatch{}, ptr(int64(9))); !errs.Is(err, errs.PreconditionFailed) {
		t.Errorf("stale: got %v", err)
	}
	if _, err := s.UpdateTemplate(member, en.ID, TemplatePatch{}, nil); !errs.Is(err, errs.Forbidden) {
		t.Errorf("member: got %v", err)
	}
	got, err := s.UpdateTemplate(admin(), en.ID, TemplatePatch{IsDefault: ptr(true)}, ptr(int64(1)))
	if err != nil || !got.IsDefault || b.cleared != 2 || got.Version != 2 {
		t.Fatalf("make default: got %+v, %v, cleared %d", got, err, b.cleared)
	}
	if _, err := s.UpdateTemplate(admin(), en.ID, TemplatePatch{Name: ptr("Main")}, nil); err != nil || b.cleared != 2 {
		t.Errorf("rename the default: got %v, cleared %d (want no second clearing)", err, b.cleared)
	}

	if err := s.DeleteTemplate(admin(), en.ID, nil); !errs.Is(err, errs.Conflict) {
		t.Errorf("delete the default: got %v", err)
	}
	if err := s.DeleteTemplate(admin(), sv.ID, ptr(int64(5))); !errs.Is(err, errs.PreconditionFailed) {
		t.Errorf("delete stale: got %v", err)
	}
	if err := s.DeleteTemplate(member, sv.ID, nil); !errs.Is(err, errs.Forbidden) {
		t.Errorf("delete as member: got %v", err)
	}
	if err := s.DeleteTemplate(admin(), sv.ID, ptr(b.templates[sv.ID].Version)); err != nil || !slices.Equal(b.deleted, []uuid.UUID{sv.ID}) {
		t.Errorf("delete: got %v, deleted %v", err, b.deleted)
	}
}

func TestTemplateLogoIsSniffedAndVersioned(t *testing.T) {
	b := newBook()
	s := bookService(t, b)
	tpl := DefaultTemplate("Acme", "en")
	b.templates[tpl.ID] = tpl
	if _, err := s.SetTemplateLogo(salesperson(), tpl.ID, pngBytes(t), nil); !errs.Is(err, errs.Forbidden) {
		t.Errorf("member: got %v", err)
	}
	_, err := s.SetTemplateLogo(admin(), tpl.ID, []byte("text"), nil)
	wantFields(t, err, "logo")
	if _, err := s.SetTemplateLogo(admin(), tpl.ID, pngBytes(t), ptr(int64(7))); !errs.Is(err, errs.PreconditionFailed) {
		t.Errorf("stale: got %v", err)
	}
	got, err := s.SetTemplateLogo(admin(), tpl.ID, pngBytes(t), ptr(int64(1)))
	if err != nil || !got.HasLogo {
		t.Fatalf("got %+v, %v", got, err)
	}
	if _, err := s.DeleteTemplateLogo(salesperson(), tpl.ID, nil); !errs.Is(err, errs.Forbidden) {
		t.Errorf("member: got %v", err)
	}
	if got, err := s.DeleteTemplateLogo(admin(), tpl.ID, nil); err != nil || got.HasLogo {
		t.Errorf("delete: got %+v, %v", got, err)
	}
}

func TestNewWorkspaceGetsATemplateInItsLanguage(t *testing.T) {
	for _, tt := range []struct{ currency, lang string }{{"SEK", LangSwedish}, {"EUR", LangEnglish}} {
		b := newBook()
		if err := bookService(t, b).SetupWorkspace(context.Background(), identity.Workspace{Name: "Acme", DefaultCurrency: tt.currency}, identity.User{}); err != nil {
			t.Fatal(err)
		}
		for _, tpl := range b.templates {
			if tpl.Language != tt.lang || tpl.Company.Name != "Acme" || !tpl.IsDefault || !tpl.CreatedAt.Equal(today) {
				t.Errorf("%s: got %+v", tt.currency, tpl)
			}
		}
	}
}
