package main

import (
	"context"
	"errors"
	"io"

	"github.com/acme/crm/internal/demo"
)

func seed(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	c, err := parseConfig("seed", args, getenv, stderr)
	if err != nil {
		return err
	}
	if !c.Demo {
		return errors.New("seed: say what to load: crm seed --demo")
	}
	log := newLogger(stderr, c.LogLevel)
	a, closeDB, err := build(ctx, c, log)
	if err != nil {
		return err
	}
	defer closeDB()
	return demo.Seed(ctx, a, log)
}
