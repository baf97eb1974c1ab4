package postgres_test

import (
	"context"

	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/catalog"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/page"
	"github.com/acme/crm/internal/postgres"
	"github.com/acme/crm/internal/tenant"
	"github.com/acme/crm/internal/testenv"
)

// typeAheadQueries are what people type: one to a few letters of a word,
// two words, a code, and nothing that matches.
var typeAheadQueries = []string{"c", "cl", "clo", "cloud", "serv", "cloud se", "lic", "p0", "p01234", "p012345", "zzz"}

// BenchmarkTypeAhead100k measures the product type-ahead at 100 000 products
// in one workspace (plus 10 000 in another), through the catalogue service
// and as the same SQL sent directly, and reports p50 and p99 per query in
// milliseconds. go test -run '^$' -bench TypeAhead100k ./internal/postgres/
func BenchmarkTypeAhead100k(b *testing.B) {
	db := testenv.DB(b)
	ctx := seedProducts(b, db, 100_000)
	seedProducts(b, db, 10_000)
	svc := catalog.NewService(postgres.NewCatalog(db), nil, nil)
	req := page.Request{Limit: 20, Sort: "rank"}
	service := func(q string) error {
		_, err := svc.Products(ctx, catalog.Filter{Query: q}, req)
		return err
	}
	raw := func(q string) error {
		stmts, args, err := postgres.TypeAheadSQL(ctx, catalog.Filter{Query: q}, req)
		if err != nil {
			return err
		}
		got := 0
		for _, stmt := range stmts { // the same early stop as the service
			args["n"] = req.Limit + 1 - got
			sql, pos := positional(stmt, args)
			rows, err := db.SQL().QueryContext(ctx, sql, pos...)
			if err != nil {
				return err
			}
			for rows.Next() {
				got++
			}
			if err := rows.Close(); err != nil {
				return err
			}
			if got > req.Limit {
				break
			}
		}
		return nil
	}
	for _, q := range typeAheadQueries { // warm the caches once
		_, _ = service(q), raw(q)
	}
	b.ResetTimer()
	var svcTimes, rawTimes []time.Duration
	for i := 0; i < b.N; i++ {
		q := typeAheadQueries[i%len(typeAheadQueries)]
		svcTimes = append(svcTimes, timed(b, service, q))
		rawTimes = append(rawTimes, timed(b, raw, q))
	}
	b.StopTimer()
	b.ReportMetric(percentile(svcTimes, 50), "svc-p50-ms")
	b.ReportMetric(percentile(svcTimes, 99), "svc-p99-ms")
	b.ReportMetric(percentile(rawTimes, 50), "sql-p50-ms")
	b.ReportMetric(percentile(rawTimes, 99), "sql-p99-ms")
}

func timed(b *testing.B, fn func(string) error, q string) time.Duration {
	start := time.Now()
	if err := fn(q); err != nil {
		b.Fatalf("type-ahead %q: %v", q, err)
	}
	return time.Since(start)
}

func percentile(ds []time.Duration, p int) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p+99)/100 - 1
	return float64(s[max(i, 0)].Microseconds()) / 1000
}

var namedArg = regexp.MustCompile(`@([a-z]+)\b`)

// positional rewrites GORM's @name arguments as $1, $2… for database/sql.
func positional(sql string, named map[string]any) (string, []any) {
	var args []any
	index := map[string]int{}
	out := namedArg.ReplaceAllStringFunc(sql, func(m string) string {
		name := m[1:]
		if _, ok := index[name]; !ok {
			args = append(args, named[name])
			index[name] = len(args)
		}
		return "$" + strconv.Itoa(index[name])
	})
	return out, args
}

// seedProducts creates a workspace with n products in one INSERT … SELECT:
// names of three words from a small vocabulary (so prefixes match many rows,
// as in a real catalogue) and a number, codes P000001…, a tenth inactive
// (spread over all words).
func seedProducts(b *testing.B, db *postgres.DB, n int) context.Context {
	b.Helper()
	ctx := context.Background()
	ws := identity.Workspace{ID: uuid.Must(uuid.NewV7()), Name: "Bench", DefaultCurrency: "SEK", FollowUpDays: 2, CreatedAt: time.Now()}
	if err := postgres.NewIdentity(db).CreateWorkspace(tenant.System(ctx), ws); err != nil {
		b.Fatal(err)
	}
	_, err := db.SQL().ExecContext(ctx, `
		INSERT INTO products (id, workspace_id, code, name, unit, unit_price, currency, vat_rate, active)
		SELECT gen_random_uuid(), $1, 'P' || lpad(i::text, 6, '0'),
		       initcap(w[1 + (i * 7) % 40]) || ' ' || w[1 + (i * 13) % 40] || ' ' || w[1 + (i * 31) % 40] || ' ' || i,
		       'pcs', (i * 37) % 100000, 'SEK', (ARRAY[2500, 1200, 600, 0])[1 + i % 4], i % 10 <> 3
		FROM generate_series(1, $2::int) i,
		     (SELECT string_to_array('cloud server licence support hosting backup router switch cable monitor ' ||
		        'laptop desk chair consulting training install service storage network firewall ' ||
		        'printer toner paper phone headset camera screen mouse keyboard dock ' ||
		        'adapter battery charger tablet software update audit design report web', ' ') AS w) v`,
		ws.ID, n)
	if err != nil {
		b.Fatalf("seed products: %v", err)
	}
	if _, err := db.SQL().ExecContext(ctx, `VACUUM ANALYZE products`); err != nil {
		b.Fatal(err)
	}
	return tenant.With(ctx, ws.ID)
}
