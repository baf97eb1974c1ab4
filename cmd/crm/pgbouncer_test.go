package main

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startPgBouncer runs PgBouncer in transaction mode in front of the server
// of serverURL and returns that URL pointed at PgBouncer. It is skipped
// when pgbouncer is not installed, except in CI (CI=true), where it fails.
func startPgBouncer(t *testing.T, serverURL string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("starts PgBouncer; skipped with -short")
	}
	bin, err := exec.LookPath("pgbouncer")
	if err != nil {
		bin = "/usr/sbin/pgbouncer"
		if _, err := os.Stat(bin); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatal("pgbouncer is not installed (Debian: apt-get install pgbouncer)")
			}
			t.Skip("pgbouncer is not installed (Debian: apt-get install pgbouncer)")
		}
	}
	u, err := url.Parse(serverURL)
	if err != nil {
		t.Fatal(err)
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "5432"
	}
	dir, err := os.MkdirTemp("", "crm-pgbouncer-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	listen := freeAddr(t)
	lhost, lport, _ := net.SplitHostPort(listen)
	conf := fmt.Sprintf(`[databases]
* = host=%s port=%s

[pgbouncer]
listen_addr = %s
listen_port = %s
unix_socket_dir =
auth_type = trust
auth_file = %s
pool_mode = transaction
max_client_conn = 400
default_pool_size = 20
server_reset_query =
ignore_startup_parameters = extra_float_digits
logfile = %s
`, host, port, lhost, lport, filepath.Join(dir, "users.txt"), filepath.Join(dir, "pgbouncer.log"))
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("pgbouncer.ini", conf)
	write("users.txt", fmt.Sprintf("%q \"\"\n", u.User.Username()))
	cmd := exec.Command(bin, filepath.Join(dir, "pgbouncer.ini"))
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if os.Geteuid() == 0 { // PgBouncer refuses to run as root
		pu, err := user.Lookup("postgres")
		if err != nil {
			t.Skip("running as root without a postgres user to run pgbouncer as")
		}
		uid, _ := strconv.Atoi(pu.Uid)
		gid, _ := strconv.Atoi(pu.Gid)
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	out, _ := os.Create(filepath.Join(dir, "stderr.log"))
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start pgbouncer: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); out.Close(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("pgbouncer log:\n%s%s", tail(filepath.Join(dir, "pgbouncer.log")), tail(filepath.Join(dir, "stderr.log")))
		}
	})
	eventually(t, 10*time.Second, "pgbouncer listens", func() bool {
		c, err := net.DialTimeout("tcp", listen, time.Second)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	u.Host = listen
	return u.String()
}

// TestPgBouncer runs two replicas of the API through PgBouncer in
// transaction mode (DATABASE_POOL_MODE=transaction): migrations and their
// locks, queries without named prepared statements, transactions, the job
// queue (poll-only, no LISTEN) and the shared log-in limits all work there.
func TestPgBouncer(t *testing.T) {
	mail := startMailSink(t)
	direct := emptyDatabase(t, adminURL())
	pooled := startPgBouncer(t, direct)
	c := startCluster(t, 2, map[string]string{"DATABASE_URL": pooled, "DATABASE_POOL_MODE": "transaction", "SMTP_URL": mail.url()})
	c.sink = mail
	token := c.signup(t, "admin@pgbouncer.test")

	// A mixed round of requests, several times over both replicas, so
	// that server connections are shared between clients as PgBouncer
	// does it.
	var products struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	for i := range 6 {
		opp := id(t, c.must(t, http.StatusCreated, call{method: "POST", path: "/api/v1/opportunities", token: token,
			header: map[string]string{"Idempotency-Key": fmt.Sprintf("bouncer-%d", i)},
			body: map[string]any{"title": fmt.Sprintf("Bounced %d", i), "estimated_amount": 5000, "expected_order_date": "2030-03-01",
				"organization": map[string]any{"name": fmt.Sprintf("Bounce %d AB", i)}}}))
		c.must(t, http.StatusOK, call{method: "GET", path: "/api/v1/opportunities?limit=10", token: token})
		var page struct {
			NextCursor *string `json:"next_cursor"`
		}
		c.must(t, http.StatusOK, call{method: "GET", path: "/api/v1/opportunities?status=open&sort=-updated_at&limit=2", token: token}).decode(t, &page)
		if page.NextCursor != nil {
			c.must(t, http.StatusOK, call{method: "GET", token: token,
				path: "/api/v1/opportunities?status=open&sort=-updated_at&limit=2&cursor=" + url.QueryEscape(*page.NextCursor)})
		}
		c.must(t, http.StatusOK, call{method: "GET", path: "/api/v1/pipelines/" + opportunityPipeline(t, c, token, opp) + "/board", token: token})
		c.must(t, http.StatusOK, call{method: "GET", path: "/api/v1/forecast?group_by=month", token: token})
		c.must(t, http.StatusOK, call{method: "GET", path: "/api/v1/products?q=li", token: token}).decode(t, &products)
		c.must(t, http.StatusOK, call{method: "GET", path: "/api/v1/dashboard", token: token})
		c.must(t, http.StatusAccepted, call{method: "POST", path: "/api/v1/opportunities/" + opp + "/emails", token: token,
			body: map[string]any{"to": []string{"buyer@customer.example"}, "subject": "Offer", "body": "Hello"}})
		if i < 2 {
			quoteRound(t, c, token, opp)
		}
	}
	eventually(t, 60*time.Second, "six send_email jobs completed", func() bool {
		return queryInt(t, direct, `SELECT count(*) FROM river_job WHERE kind = 'send_email' AND state = 'completed'`) == 6
	})
	// Periodic jobs not yet due have attempt 0; a job worked twice has a
	// second attempt or a second worker.
	const again = `attempt > 1 OR cardinality(attempted_by) > 1`
	if n := queryInt(t, direct, `SELECT count(*) FROM river_job WHERE `+again); n != 0 || len(jobMail(mail.messages())) != 6 {
		t.Errorf("got %d jobs worked more than once and %d messages, want 0 and 6", n, len(jobMail(mail.messages())))
		t.Logf("jobs worked more than once:\n%s", queryOne[string](t, direct,
			`SELECT coalesce(string_agg(format('%s #%s attempt %s: %s', kind, id, attempt, errors), E'\n'), '') FROM river_job WHERE `+again))
	}
	bad := call{method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": "admin@pgbouncer.test", "password": "wrong"}}
	for range 10 {
		c.do(t, bad)
	}
	if r := c.do(t, bad); r.status != http.StatusTooManyRequests {
		t.Errorf("11th failed log-in: got %s, want 429", r)
	}
	for i, r := range c.replicas {
		if b, _ := os.ReadFile(r.log); strings.Contains(string(b), `"level":"ERROR"`) {
			t.Errorf("replica %d logged errors:\n%s", i, tail(r.log))
		}
	}
}

// quoteRound edits lines on the opportunity, makes a quote of them, sends
// it by link and downloads its PDF (JSON snapshots, gap-free numbers); it
// returns the link's token.
func quoteRound(t *testing.T, c *cluster, token, opp string) string {
	t.Helper()
	lines := "/api/v1/opportunities/" + opp + "/lines"
	line := id(t, c.must(t, http.StatusCreated, call{method: "POST", path: lines, token: token,
		body: map[string]any{"name": "Seat licence", "unit": "month", "quantity": 12, "unit_price": 29900, "vat_rate": 2500}}))
	c.must(t, http.StatusOK, call{method: "PATCH", path: lines + "/" + line, token: token, body: map[string]any{"discount": 1000}})
	q := id(t, c.must(t, http.StatusCreated, call{method: "POST", path: "/api/v1/opportunities/" + opp + "/quotes", token: token, body: map[string]any{}}))
	var sent struct {
		PublicURL string `json:"public_url"`
	}
	c.must(t, http.StatusOK, call{method: "POST", path: "/api/v1/quotes/" + q + "/send", token: token, body: map[string]any{"channel": "link"}}).decode(t, &sent)
	if r := c.must(t, http.StatusOK, call{method: "GET", path: "/api/v1/quotes/" + q + "/pdf", token: token}); !bytes.HasPrefix(r.body, []byte("%PDF")) {
		t.Errorf("quote PDF: got %.20q", r.body)
	}
	_, link, ok := strings.Cut(sent.PublicURL, "/q/")
	if !ok {
		t.Fatalf("sent quote: public_url %q has no /q/ link", sent.PublicURL)
	}
	return link
}

// opportunityPipeline returns the pipeline id of opportunity opp.
func opportunityPipeline(t *testing.T, c *cluster, token, opp string) string {
	t.Helper()
	var o struct {
		PipelineID string `json:"pipeline_id"`
	}
	c.must(t, http.StatusOK, call{method: "GET", path: "/api/v1/opportunities/" + opp, token: token}).decode(t, &o)
	return o.PipelineID
}
