// Command crm is the CRM sales module: the API server and its maintenance
// subcommands.
//
//	crm [serve] [--demo]        start the API (embedded PostgreSQL without DATABASE_URL)
//	crm migrate up|down|status  manage the schema
//	crm seed --demo             load the demo workspace
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // workspaces name IANA time zones; the image may have no zoneinfo
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "crm:", err)
		os.Exit(1)
	}
}

// run parses the subcommand and its configuration and runs it until ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, getenv, stderr)
	case "migrate":
		return migrate(ctx, args, getenv, stderr)
	case "seed":
		return seed(ctx, args, getenv, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stderr, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q (try: crm help)", cmd)
}

const usage = `usage:
  crm [serve] [flags]         start the API server
  crm migrate up|down|status  apply, roll back or list schema migrations
  crm seed --demo             create the demo workspace (idempotent)
Run "crm serve -h" for the flags; every flag also reads an environment variable.
`
