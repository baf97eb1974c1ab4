// Command soak drives a mixed workload (reads, writes, line edits, quote
// create and send, PDFs) against one or more replicas of the API, round
// robin, for a bounded time, and prints a markdown report: throughput,
// p50/p99 and errors per kind of request, and each replica's resident
// memory at the start and the end (a leak shows as growth). bench/soak.sh
// starts the replicas and calls it; see bench/README.md.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

type config struct {
	urls     []string
	pids     []int
	email    string
	password string
	duration time.Duration
	workers  int
}

func parse(args []string) (config, error) {
	var c config
	var urls, pids string
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	fs.StringVar(&urls, "urls", "", "comma-separated base URLs of the replicas, e.g. http://127.0.0.1:8080")
	fs.StringVar(&pids, "pids", "", "comma-separated process ids of the replicas, in the order of -urls (for RSS)")
	fs.StringVar(&c.email, "email", "bench@example.com", "an admin to log in as")
	fs.StringVar(&c.password, "password", "bench-password-1", "the admin's password")
	fs.DurationVar(&c.duration, "duration", 5*time.Minute, "how long to load")
	fs.IntVar(&c.workers, "workers", 8, "concurrent clients")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	for _, u := range strings.Split(urls, ",") {
		if u = strings.TrimRight(strings.TrimSpace(u), "/"); u != "" {
			c.urls = append(c.urls, u)
		}
	}
	for _, p := range strings.Split(pids, ",") {
		if p = strings.TrimSpace(p); p != "" {
			n, err := strconv.Atoi(p)
			if err != nil {
				return c, fmt.Errorf("-pids: %q is not a process id", p)
			}
			c.pids = append(c.pids, n)
		}
	}
	if len(c.urls) == 0 || c.workers < 1 || c.duration <= 0 {
		return c, errors.New("want -urls, a positive -workers and -duration")
	}
	return c, nil
}

func run(ctx context.Context, args []string, out io.Writer) error {
	c, err := parse(args)
	if err != nil {
		return err
	}
	cl := &client{urls: c.urls, http: &http.Client{Timeout: 30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: c.workers * 2}}}
	if err := cl.setUp(ctx, c.email, c.password); err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	rssStart := rss(c.pids)
	stats := newStats()
	lctx, cancel := context.WithTimeout(ctx, c.duration)
	defer cancel()
	began := time.Now()
	var wg sync.WaitGroup
	for range c.workers {
		wg.Go(func() { (&worker{cl: cl, stats: stats}).loop(lctx) })
	}
	wg.Wait()
	elapsed := time.Since(began)
	report(out, c, stats, elapsed, rssStart, rss(c.pids))
	return nil
}

// client calls the replicas round-robin with an API key.
type client struct {
	urls     []string
	next     atomic.Uint64
	http     *http.Client
	key      string
	pipeline string
	product  string
}

// result is one answer: status 0 is a transport error.
type result struct {
	status int
	header http.Header
	body   []byte
}

func (cl *client) do(ctx context.Context, method, path string, body any, header map[string]string) result {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	base := cl.urls[int(cl.next.Add(1)-1)%len(cl.urls)]
	req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
	if err != nil {
		return result{}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if cl.key != "" {
		req.Header.Set("Authorization", "Bearer "+cl.key)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := cl.http.Do(req)
	if err != nil {
		return result{}
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return result{}
	}
	return result{status: res.StatusCode, header: res.Header, body: b}
}

// setUp logs in, makes an API key (access tokens expire after 15
// minutes, a soak may run longer), and finds the default pipeline and a
// product for the lines.
func (cl *client) setUp(ctx context.Context, email, password string) error {
	var login struct {
		AccessToken string `json:"access_token"`
	}
	if err := cl.want(ctx, 200, "POST", "/api/v1/auth/login", map[string]any{"email": email, "password": password}, &login); err != nil {
		return err
	}
	cl.key = login.AccessToken
	var key struct {
		Key string `json:"key"`
	}
	if err := cl.want(ctx, 201, "POST", "/api/v1/api-keys", map[string]any{"name": "soak " + time.Now().UTC().Format(time.RFC3339), "role": "admin"}, &key); err != nil {
		return err
	}
	if key.Key == "" {
		return errors.New("the API key answer has no secret")
	}
	cl.key = key.Key
	var pipelines struct {
		Data []struct {
			ID        string `json:"id"`
			IsDefault bool   `json:"is_default"`
		} `json:"data"`
	}
	if err := cl.want(ctx, 200, "GET", "/api/v1/pipelines", nil, &pipelines); err != nil {
		return err
	}
	for _, p := range pipelines.Data {
		if p.IsDefault || cl.pipeline == "" {
			cl.pipeline = p.ID
		}
	}
	var product struct {
		ID string `json:"id"`
	}
	code := "SOAK-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	return cl.want(ctx, 201, "POST", "/api/v1/products", map[string]any{"code": code, "name": "Soak seat licence",
		"unit": "month", "unit_price": 29900, "vat_rate": 2500}, &product, func() { cl.product = product.ID })
}

func (cl *client) want(ctx context.Context, status int, method, path string, body, into any, then ...func()) error {
	r := cl.do(ctx, method, path, body, nil)
	if r.status != status {
		return fmt.Errorf("%s %s: got %d %.300s, want %d", method, path, r.status, r.body, status)
	}
	if into != nil {
		if err := json.Unmarshal(r.body, into); err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
	}
	for _, f := range then {
		f()
	}
	return nil
}

func randInt(n int) int {
	v, _ := rand.Int(rand.Reader, big.NewInt(int64(n)))
	return int(v.Int64())
}

func rss(pids []int) []int64 {
	out := make([]int64, len(pids))
	for i, pid := range pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			out[i] = -1
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
				out[i], _ = strconv.ParseInt(f[1], 10, 64) // kB
			}
		}
	}
	return out
}

// stats collects latencies and errors per kind of request.
type stats struct {
	mu     sync.Mutex
	lat    map[string][]time.Duration
	errors map[string]int
	first  map[string]string // the first error of each kind, for the report
}

func newStats() *stats {
	return &stats{lat: map[string][]time.Duration{}, errors: map[string]int{}, first: map[string]string{}}
}

func (s *stats) add(kind string, d time.Duration, r result, want int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lat[kind] = append(s.lat[kind], d)
	if r.status != want {
		s.errors[kind]++
		if s.first[kind] == "" {
			s.first[kind] = fmt.Sprintf("%d %.200s", r.status, r.body)
		}
		return false
	}
	return true
}

func percentile(d []time.Duration, p float64) float64 {
	if len(d) == 0 {
		return 0
	}
	i := int(float64(len(d))*p) - 1
	i = min(max(i, 0), len(d)-1)
	return float64(d[i].Microseconds()) / 1000
}

func report(out io.Writer, c config, s *stats, elapsed time.Duration, start, end []int64) {
	kinds := make([]string, 0, len(s.lat))
	var all []time.Duration
	total, errs := 0, 0
	for k, d := range s.lat {
		kinds = append(kinds, k)
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		all = append(all, d...)
		total += len(d)
		errs += s.errors[k]
	}
	sort.Strings(kinds)
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	fmt.Fprintf(out, "- %d replicas, %d clients, %s (%.0f s measured)\n", len(c.urls), c.workers, c.duration, elapsed.Seconds())
	fmt.Fprintf(out, "- **%d requests, %.1f req/s, p50 %.1f ms, p99 %.1f ms, %d errors**\n\n", total,
		float64(total)/elapsed.Seconds(), percentile(all, 0.50), percentile(all, 0.99), errs)
	fmt.Fprintln(out, "| request | count | req/s | p50 ms | p99 ms | errors |")
	fmt.Fprintln(out, "| --- | ---: | ---: | ---: | ---: | ---: |")
	for _, k := range kinds {
		d := s.lat[k]
		fmt.Fprintf(out, "| %s | %d | %.1f | %.1f | %.1f | %d |\n", k, len(d), float64(len(d))/elapsed.Seconds(),
			percentile(d, 0.50), percentile(d, 0.99), s.errors[k])
	}
	if len(c.pids) > 0 {
		fmt.Fprintln(out, "\n| replica | pid | RSS at start | RSS at end |")
		fmt.Fprintln(out, "| --- | ---: | ---: | ---: |")
		for i, pid := range c.pids {
			fmt.Fprintf(out, "| %s | %d | %.1f MiB | %.1f MiB |\n", c.urls[i], pid, float64(start[i])/1024, float64(end[i])/1024)
		}
	}
	for _, k := range kinds {
		if s.first[k] != "" {
			fmt.Fprintf(out, "\nFirst error of %s: `%s`\n", k, strings.ReplaceAll(s.first[k], "`", "'"))
		}
	}
}
