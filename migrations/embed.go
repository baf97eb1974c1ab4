// Package migrations holds the versioned SQL files that define the schema.
// They are embedded into the binary, applied at start-up with goose, and
// applied the same way to every test database.
package migrations

import "embed"

// FS holds the SQL migration files.
//
//go:embed *.sql
var FS embed.FS
