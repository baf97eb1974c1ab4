// Package testenv gives tests a fresh PostgreSQL database built from the
// migrations, and the real product on it, driven through its router with
// every response validated against openapi.yaml.
package testenv

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver pgtestdb connects with
	"github.com/peterldowns/pgtestdb"

	"github.com/acme/crm/internal/postgres"
	"github.com/acme/crm/migrations"
)

// DefaultURL is the server tests use when TEST_DATABASE_URL is not set.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// DSN returns the URL of a new database with every migration applied; it is
// dropped when the test ends. Databases are cloned from a template, so each
// costs milliseconds.
func DSN(t testing.TB) string {
	t.Helper()
	return pgtestdb.Custom(t, serverConfig(t), migrator{}).URL()
}

// DB opens a new migrated database and closes it when the test ends.
func DB(t testing.TB) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), DSN(t), postgres.Options{MaxConns: 16})
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(db.Close)
	return db
}

func serverConfig(t testing.TB) pgtestdb.Config {
	raw := os.Getenv("TEST_DATABASE_URL")
	if raw == "" {
		raw = DefaultURL
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	pw, _ := u.User.Password()
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	db := u.Path
	if len(db) > 0 && db[0] == '/' {
		db = db[1:]
	}
	opts := u.RawQuery
	if opts == "" {
		opts = "sslmode=disable"
	}
	return pgtestdb.Config{DriverName: "pgx", Host: u.Hostname(), Port: port, User: u.User.Username(),
		Password: pw, Database: db, Options: opts, ForceTerminateConnections: true}
}

// riverSchema names the River release whose tables postgres.Migrate adds;
// change it with the River version so that the template is rebuilt.
const riverSchema = "river v0.51.2"

// migrator applies the embedded migrations; its hash changes whenever a
// migration file does, so the template database is rebuilt then.
type migrator struct{}

func (migrator) Hash() (string, error) {
	h := sha256.New()
	h.Write([]byte(riverSchema)) // rivermigrate runs after the files
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		return "", err
	}
	sort.Strings(names)
	for _, n := range names {
		b, err := migrations.FS.ReadFile(n)
		if err != nil {
			return "", err
		}
		h.Write([]byte(n))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func (migrator) Migrate(ctx context.Context, db *sql.DB, _ pgtestdb.Config) error {
	_, err := postgres.Migrate(ctx, db)
	return err
}
