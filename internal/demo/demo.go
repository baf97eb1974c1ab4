// Package demo loads the demo workspace: a company to click through, with a
// documented log-in. Seeding is idempotent: an existing demo workspace is
// left as it is.
package demo

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/app"
	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/page"
	"github.com/acme/crm/internal/quoting"
	"github.com/acme/crm/internal/relations"
	"github.com/acme/crm/internal/sales"
)

// The demo log-ins, documented in the README.
const (
	AdminEmail  = "demo@example.com"
	MemberEmail = "sales@example.com"
	Password    = "demo-password"
)

// Seed creates the demo workspace unless it exists.
func Seed(ctx context.Context, a *app.App, log *slog.Logger) error {
	sess, err := a.Identity.Signup(ctx, identity.SignupInput{WorkspaceName: "Demo AB", Name: "Dana Demo",
		Email: AdminEmail, Password: Password, Currency: "SEK"})
	if errs.Is(err, errs.Conflict) {
		log.Info("demo workspace already there", "login", AdminEmail, "password", Password)
		if link := sentLink(ctx, a); link != "" {
			log.Info("a demo customer's quote link: open it to read, sign, ask for a change or decline", "url", link)
		}
		return nil
	}
	if err != nil {
		return err
	}
	ctx = identity.WithPrincipal(ctx, identity.Principal{WorkspaceID: sess.Workspace.ID, ID: sess.User.ID,
		UserID: sess.User.ID, Role: identity.RoleAdmin})
	member, err := a.Identity.CreateUser(ctx, identity.NewUser{Email: MemberEmail, Name: "Sam Seller",
		Password: Password, Role: identity.RoleMember})
	if err != nil {
		return err
	}
	d := &data{a: a, owners: []uuid.UUID{sess.User.ID, member.ID}}
	if err := d.pipeline(ctx); err != nil {
		return err
	}
	if err := d.relations(ctx); err != nil {
		return err
	}
	if err := d.opportunities(ctx, time.Now().UTC()); err != nil {
		return err
	}
	if err := d.catalogue(ctx); err != nil {
		return err
	}
	if err := d.notes(ctx); err != nil {
		return err
	}
	if err := d.meetingsAndEmails(ctx, time.Now().UTC()); err != nil {
		return err
	}
	ids := make([]uuid.UUID, len(d.opps))
	for i, o := range d.opps {
		ids[i] = o.ID
	}
	link, err := Quotes(ctx, d.a, ids)
	if err != nil {
		return fmt.Errorf("demo quotes: %w", err)
	}
	if err := Invoices(ctx, d.a, ids); err != nil {
		return err
	}
	log.Info("demo workspace created", "login", AdminEmail, "password", Password, "opportunities", len(d.opps))
	log.Info("a demo customer's quote link: open it to read, sign, ask for a change or decline", "url", link)
	return nil
}

// data is what the demo steps create and later steps refer to.
type data struct {
	a       *app.App
	owners  []uuid.UUID
	phases  map[string]uuid.UUID
	sources []uuid.UUID
	orgs    []uuid.UUID
	persons []uuid.UUID
	opps    []sales.Opportunity
}

func (d *data) pipeline(ctx context.Context) error {
	p, err := d.a.Sales.Pipelines(ctx, page.Request{Limit: 10, Sort: "created_at"})
	if err != nil || len(p.Items) == 0 {
		return fmt.Errorf("demo pipeline: %v", err)
	}
	d.phases = map[string]uuid.UUID{}
	for _, ph := range p.Items[0].Phases {
		d.phases[ph.Name] = ph.ID
	}
	src, err := d.a.Sales.Sources(ctx, page.Request{Limit: 50, Sort: "position"})
	for _, s := range src.Items {
		d.sources = append(d.sources, s.ID)
	}
	return err
}

var companies = []struct{ name, city, first, last, title string }{
	{"Nordljus Energi AB", "Stockholm", "Åsa", "Lindqvist", "Inköpschef"},
	{"Bergström Bygg & Fastighet", "Göteborg", "Erik", "Bergström", "VD"},
	{"Malmö Mekaniska Verkstad", "Malmö", "Fatima", "Haddad", "Produktionschef"},
	{"Fjällstugan Hotell", "Åre", "Johan", "Öberg", "Hotellchef"},
	{"Kafferosteriet i Uppsala", "Uppsala", "Lina", "Ek", "Grundare"},
	{"Östgöta Logistik", "Linköping", "Mikael", "Nyström", "Logistikchef"},
	{"Havsbris Marin AB", "Karlskrona", "Sara", "Holm", "Ekonomichef"},
	{"Skogsglänta Förskolor", "Västerås", "Karin", "Ström", "Rektor"},
	{"Nordic Dental Group", "Helsingborg", "Omar", "Said", "IT-ansvarig"},
	{"Gröna Gårdar Ekonomisk Förening", "Jönköping", "Per", "Åberg", "Ordförande"},
}

func (d *data) relations(ctx context.Context) error {
	for _, c := range companies {
		o, err := d.a.Relations.CreateOrganization(ctx, relations.NewOrganization{Name: c.name,
			Email: "info@" + slug(c.name) + ".se", Phone: "+46 8 555 010 00", Website: "https://" + slug(c.name) + ".se",
			Address: relations.Address{City: c.city, Country: "SE"}})
		if err != nil {
			return fmt.Errorf("demo organization %s: %w", c.name, err)
		}
		p, err := d.a.Relations.CreatePerson(ctx, relations.NewPerson{FirstName: c.first, LastName: c.last,
			Email: slug(c.first) + "@" + slug(c.name) + ".se", JobTitle: c.title, OrganizationID: &o.ID})
		if err != nil {
			return fmt.Errorf("demo person %s: %w", c.first, err)
		}
		d.orgs, d.persons = append(d.orgs, o.ID), append(d.persons, p.ID)
	}
	return nil
}

var deals = []string{"Solpaneler tak", "Servicavtal 3 år", "Nytt bokningssystem", "Licenser 40 platser",
	"Utbildning säljteam", "Ombyggnad kontor", "Maskinpark uppgradering", "Konsulttimmar Q1",
	"Molnmigrering", "Säkerhetsrevision", "Webbshop", "Underhållsavtal"}

// opportunities spreads about 40 opportunities over phases, owners, sources
// and the next 12 months, with a few closed ones and some without a date.
func (d *data) opportunities(ctx context.Context, now time.Time) error {
	phaseCycle := []string{"Lead", "Qualified", "Proposal", "Quotation sent", "Quotation signed", "Lead",
		"Qualified", "Proposal", "Won", "Lost"}
	currencies := []string{"SEK", "SEK", "SEK", "EUR"}
	for i := 0; i < 40; i++ {
		c := i % len(companies)
		phase := d.phases[phaseCycle[i%len(phaseCycle)]]
		in := sales.NewOpportunity{Title: deals[i%len(deals)] + " – " + companies[c].name,
			OrganizationID: &d.orgs[c], ContactPersonID: &d.persons[c], OwnerID: &d.owners[i%len(d.owners)],
			PhaseID: &phase, EstimatedAmount: int64(25_000+(i*37_919)%900_000) * 100, Currency: currencies[i%len(currencies)],
			Description: "Demo: " + companies[c].title + " " + companies[c].first + " vill ha en offert."}
		if i%7 != 6 { // every seventh has no expected order date yet
			date := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, i%12, 3+i%25)
			in.ExpectedOrderDate = &date
		}
		if len(d.sources) > 0 && i%5 != 4 {
			in.SourceID = &d.sources[i%len(d.sources)]
		}
		if i%9 == 2 && i%10 < 8 { // overrides only in open phases
			override := 35
			in.ProbabilityOverride = &override
		}
		o, err := d.a.Sales.CreateOpportunity(ctx, in)
		if err != nil {
			return fmt.Errorf("demo opportunity %d: %w", i, err)
		}
		d.opps = append(d.opps, o)
	}
	return nil
}

func slug(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			out = append(out, r)
		case r >= 'A' && r <= 'Z':
			out = append(out, r+'a'-'A')
		case r == 'å' || r == 'ä' || r == 'Å' || r == 'Ä':
			out = append(out, 'a')
		case r == 'ö' || r == 'Ö':
			out = append(out, 'o')
		}
	}
	return string(out)
}

// sentLink finds the link of a demo quote still waiting for its customer,
// "" when there is none any more.
func sentLink(ctx context.Context, a *app.App) string {
	sess, err := a.Identity.Login(ctx, identity.LoginInput{Email: AdminEmail, Password: Password})
	if err != nil {
		return ""
	}
	ctx = identity.WithPrincipal(ctx, identity.Principal{WorkspaceID: sess.Workspace.ID, ID: sess.User.ID,
		UserID: sess.User.ID, Role: identity.RoleAdmin})
	for _, st := range []quoting.Status{quoting.StatusSent, quoting.StatusViewed} {
		qs, err := a.Quoting.Quotes(ctx, quoting.QuoteFilter{Status: &st}, page.Request{Limit: 1, Sort: "created_at"})
		if err == nil && len(qs.Items) > 0 && qs.Items[0].PublicURL != "" {
			return qs.Items[0].PublicURL
		}
	}
	return ""
}
