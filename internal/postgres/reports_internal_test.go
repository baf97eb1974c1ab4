package postgres

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/sales"
)

func TestNumbered(t *testing.T) {
	for in, want := range map[string]string{
		"":                                 "",
		"SELECT 1":                         "SELECT 1",
		"a = ? AND b = ?":                  "a = $1 AND b = $2",
		strings.Repeat("?,", 11) + "?":     "$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12",
		"x BETWEEN CAST(? AS date) AND ?)": "x BETWEEN CAST($1 AS date) AND $2)",
		"-- Å ö\nWHERE w = ? AND ö = 'é'":  "-- Å ö\nWHERE w = $1 AND ö = 'é'",
	} {
		if got := numbered(in); got != want {
			t.Errorf("numbered(%q) = %q, want %q", in, got, want)
		}
	}
	// The forecast's statements, every grouping with and without filters
	// and partial months, have no ? of their own: as many $n as arguments.
	ws, p, o := uuid.New(), uuid.New(), uuid.New()
	from, to := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC)
	for by, g := range forecastGroups {
		for _, q := range []sales.ForecastQuery{{GroupBy: by, From: from, To: to}, {GroupBy: by, From: from, To: to, PipelineID: &p, OwnerID: &o}} {
			sql, args := forecastSQL(ws, q, g)
			if n := strings.Count(sql, "?"); n != len(args) {
				t.Errorf("%s: %d placeholders for %d arguments", by, n, len(args))
			}
			if strings.Contains(numbered(sql), "?") {
				t.Errorf("%s: a ? left after numbered", by)
			}
		}
	}
}
