package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/acme/crm/internal/app"
	"github.com/acme/crm/internal/demo"
	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/postgres"
	"github.com/acme/crm/internal/quoting"
)

// seed loads the demo workspace (--demo) or grows a load-test workspace
// (--bench-opportunities N --bench-email E).
func seed(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	benchN := fs.Int("bench-opportunities", 0, "grow the bench workspace to this many opportunities (COPY)")
	benchEmail := fs.String("bench-email", "bench@example.com", "the bench workspace's admin")
	var rest []string
	for i := 0; i < len(args); i++ { // the seed flags; the rest is the common configuration
		a := args[i]
		if fs.Lookup(flagName(a)) == nil {
			rest = append(rest, a)
			continue
		}
		own := []string{a}
		if !strings.Contains(a, "=") && i+1 < len(args) {
			i++
			own = append(own, args[i])
		}
		if err := fs.Parse(own); err != nil {
			return err
		}
	}
	c, err := parseConfig("seed", rest, getenv, stderr)
	if err != nil {
		return err
	}
	if !c.Demo && *benchN == 0 {
		return errors.New("seed: say what to load: crm seed --demo, or crm seed --bench-opportunities N")
	}
	log := newLogger(stderr, c.LogLevel)
	a, closeDB, err := build(ctx, c, log)
	if err != nil {
		return err
	}
	defer closeDB()
	if c.Demo {
		if err := demo.Seed(ctx, a, log); err != nil {
			return err
		}
	}
	if *benchN > 0 {
		keys, err := c.keyring(log)
		if err != nil {
			return err
		}
		// The server's own links: the quote list unseals each sent quote's.
		links, err := quoting.NewLinks(c.PublicURL, keys.Derive("quote-links"))
		if err != nil {
			return err
		}
		return seedBench(ctx, a, log, *benchEmail, *benchN, links)
	}
	return nil
}

// benchTimelineEvents is the length of the bench opportunity's history:
// one page of its timeline and a little more.
const benchTimelineEvents = 60

// seedBench gives the bench workspace ten users, n opportunities with one
// quote per 20 (their links made by links) and, on the opportunity the
// load test reads, a timeline.
func seedBench(ctx context.Context, a *app.App, log *slog.Logger, email string, n int, links *quoting.Links) error {
	ws, admin, err := postgres.BenchAccount(ctx, a.DB, email)
	if err != nil {
		return err
	}
	actx := identity.WithPrincipal(ctx, identity.Principal{WorkspaceID: ws, ID: admin, UserID: admin, Role: identity.RoleAdmin})
	for i := 1; i < 10; i++ {
		_, err := a.Identity.CreateUser(actx, identity.NewUser{Email: fmt.Sprintf("seller%d.%s", i, email),
			Name: fmt.Sprintf("Seller %d", i), Password: "bench-password-1", Role: identity.RoleMember})
		if err != nil && !errs.Is(err, errs.Conflict) {
			return err
		}
	}
	link := func() ([]byte, []byte, error) {
		_, hash, sealed, err := links.New()
		return hash, sealed, err
	}
	added, err := postgres.SeedBenchOpportunities(ctx, a.DB, ws, n, link)
	if err != nil {
		return err
	}
	opp, events, err := postgres.SeedBenchTimeline(ctx, a.DB, ws, n, benchTimelineEvents)
	if err != nil {
		return err
	}
	log.Info("bench workspace seeded", "opportunities", n, "added", added, "timeline_opportunity", opp, "timeline_events_added", events)
	return nil
}

// flagName returns the name of a "-name", "--name" or "--name=value" argument.
func flagName(arg string) string {
	for len(arg) > 0 && arg[0] == '-' {
		arg = arg[1:]
	}
	for i := range arg {
		if arg[i] == '=' {
			return arg[:i]
		}
	}
	return arg
}
