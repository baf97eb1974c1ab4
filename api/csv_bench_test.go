package api_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/postgres"
	"github.com/acme/crm/internal/testenv"
)

// TestBenchCSV measures the CSV import and export at size; it runs only
// with CRM_BENCH_CSV set (e.g. CRM_BENCH_CSV=100000,1000000: rows to
// import, opportunities to export). Results go into bench/README.md.
func TestBenchCSV(t *testing.T) {
	spec := os.Getenv("CRM_BENCH_CSV")
	if spec == "" {
		t.Skip("set CRM_BENCH_CSV=<import rows>,<export opportunities>")
	}
	sizes := strings.Split(spec, ",")
	importRows, _ := strconv.Atoi(sizes[0])
	exportRows, _ := strconv.Atoi(sizes[len(sizes)-1])
	env := testenv.New(t)
	a := env.Signup()

	var b strings.Builder
	b.WriteString("external_id;name;city;country;phone\n")
	for i := range importRows {
		fmt.Fprintf(&b, "B-%d;Bänk %d AB;Ort %d;SE;+46 8 %06d\n", i, i, i%500, i)
	}
	file := []byte(b.String())
	peak := sampleHeap()
	start := time.Now()
	st := runImport(t, env, a.Token, file, map[string]string{"resource": "organizations"})
	took := time.Since(start)
	t.Logf("import: %d organizations (%d KiB file) in %s = %.0f rows/s; created %d, errors %d; peak Go heap %d MiB, RSS %d MiB",
		importRows, len(file)>>10, took.Round(time.Millisecond), float64(importRows)/took.Seconds(), st.Created, st.ErrorCount,
		peak()>>20, rssKiB()>>10)

	// Opportunities of the organizations just imported, found by name.
	b.Reset()
	b.WriteString("external_id;title;organization;estimated_amount;expected_order_date\n")
	for i := range importRows {
		fmt.Fprintf(&b, "O-%d;Avtal %d;Bänk %d AB;%d %03d,50;2027-%02d-15\n", i, i, i%max(importRows/10, 1), 1+i%90, i%1000, 1+i%12)
	}
	file = []byte(b.String())
	peak = sampleHeap()
	start = time.Now()
	st = runImport(t, env, a.Token, file, map[string]string{"resource": "opportunities"})
	took = time.Since(start)
	t.Logf("import: %d opportunities (%d KiB file) in %s = %.0f rows/s; created %d, errors %d; peak Go heap %d MiB, RSS %d MiB",
		importRows, len(file)>>10, took.Round(time.Millisecond), float64(importRows)/took.Seconds(), st.Created, st.ErrorCount,
		peak()>>20, rssKiB()>>10)

	ws, err := uuid.Parse(a.WorkspaceID)
	if err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	if _, err := postgres.SeedBenchOpportunities(context.Background(), env.DB, ws, exportRows, nil); err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded %d opportunities in %s", exportRows, time.Since(start).Round(time.Millisecond))
	srv := httptest.NewServer(env.App.Handler)
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/opportunities/export.csv", nil)
	req.Header.Set("Authorization", "Bearer "+a.Token)
	runtime.GC()
	peak = sampleHeap()
	start = time.Now()
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var lines lineCounter
	n, err := io.Copy(&lines, res.Body)
	if err != nil {
		t.Fatal(err)
	}
	took = time.Since(start)
	t.Logf("export: %d lines, %d MiB in %s = %.0f rows/s, %.1f MiB/s; peak Go heap %d MiB, RSS %d MiB",
		lines.n.Load(), n>>20, took.Round(time.Millisecond), float64(lines.n.Load())/took.Seconds(),
		float64(n)/(1<<20)/took.Seconds(), peak()>>20, rssKiB()>>10)
}

type lineCounter struct{ n atomic.Int64 }

func (l *lineCounter) Write(p []byte) (int, error) {
	for _, c := range p {
		if c == '\n' {
			l.n.Add(1)
		}
	}
	return len(p), nil
}

// sampleHeap samples the Go heap every 50 ms; the function answers the
// peak so far and stops sampling.
func sampleHeap() func() uint64 {
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	return func() uint64 { close(done); return peak.Load() }
}

// rssKiB is the process's peak resident set (VmHWM).
func rssKiB() int64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			n, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return n
		}
	}
	return 0
}
