package main

import (
	"context"
	"fmt"
	"io"

	"github.com/acme/crm/internal/postgres"
)

func migrate(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("migrate: want up, down or status")
	}
	action, rest := args[0], args[1:]
	c, err := parseConfig("migrate", rest, getenv, stderr)
	if err != nil {
		return err
	}
	log := newLogger(stderr, c.LogLevel)
	db, closeDB, err := database(ctx, c, log)
	if err != nil {
		return err
	}
	defer closeDB()
	m, err := postgres.NewMigrator(db.SQL())
	if err != nil {
		return err
	}
	switch action {
	case "up":
		n, err := m.Up(ctx)
		if err != nil {
			return err
		}
		// The job queue's own schema, as serve applies it.
		if _, err := postgres.Migrate(ctx, db.SQL()); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "applied %d migration(s); the job queue's schema is up to date\n", n)
	case "down":
		return m.Down(ctx)
	case "status":
		st, err := m.Status(ctx)
		if err != nil {
			return err
		}
		for _, s := range st {
			state := "pending"
			if s.Applied {
				state = "applied"
			}
			fmt.Fprintf(stderr, "%05d  %-8s %s\n", s.Version, state, s.Name)
		}
	default:
		return fmt.Errorf("migrate: unknown action %q (want up, down or status)", action)
	}
	return nil
}
