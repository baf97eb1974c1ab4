package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"mime/multipart"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/acme/crm/migrations"
)

// TestReplicas starts three replicas at once on one new database and calls
// them round-robin, as a load balancer would: the schema is migrated once,
// every background job runs once, and idempotency keys, ETags and log-in
// limits hold whichever replica a request reaches.
func TestReplicas(t *testing.T) {
	mail := startMailSink(t)
	dsn := emptyDatabase(t, adminURL())
	c := startCluster(t, 3, map[string]string{"DATABASE_URL": dsn, "SMTP_URL": mail.url(), "CRM_BLOB_STORE": "database"})
	c.sink = mail
	token := c.signup(t, "admin@scale.test")

	t.Run("migrations ran once", func(t *testing.T) {
		files, err := fs.Glob(migrations.FS, "*.sql")
		if err != nil {
			t.Fatal(err)
		}
		applied := 0
		re := regexp.MustCompile(`"migrations_applied":(\d+)`)
		for i, r := range c.replicas {
			b, _ := os.ReadFile(r.log)
			m := re.FindSubmatch(b)
			if m == nil {
				t.Fatalf("replica %d logged no migrations_applied", i)
			}
			n, _ := strconv.Atoi(string(m[1]))
			applied += n
		}
		if applied != len(files) {
			t.Errorf("migrations applied by the three replicas together: got %d, want %d (each once)", applied, len(files))
		}
		if dup := queryInt(t, dsn, `SELECT count(*) - count(DISTINCT version_id) FROM goose_db_version`); dup != 0 {
			t.Errorf("goose_db_version: got %d duplicate versions, want 0", dup)
		}
	})

	t.Run("an idempotency key holds across replicas", func(t *testing.T) {
		body := map[string]any{"title": "Forty seats", "estimated_amount": 1250000, "expected_order_date": "2030-02-15",
			"organization": map[string]any{"name": "Nordic Widgets AB"}}
		key := map[string]string{"Idempotency-Key": "scale-1"}
		first := c.must(t, http.StatusCreated, call{method: "POST", path: "/api/v1/opportunities", token: token, body: body, header: key})
		second := c.must(t, http.StatusCreated, call{method: "POST", path: "/api/v1/opportunities", token: token, body: body, header: key})
		if first.replica == second.replica {
			t.Fatalf("both requests reached replica %d", first.replica)
		}
		if id(t, first) != id(t, second) || second.header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("retry on another replica: got id %s (replayed %q), want %s replayed", id(t, second),
				second.header.Get("Idempotent-Replayed"), id(t, first))
		}
		body["title"] = "Fifty seats"
		c.must(t, http.StatusUnprocessableEntity, call{method: "POST", path: "/api/v1/opportunities", token: token, body: body, header: key})
		if n := queryInt(t, dsn, `SELECT count(*) FROM opportunities WHERE title = 'Forty seats'`); n != 1 {
			t.Errorf("opportunities created: got %d, want 1", n)
		}
	})

	t.Run("an ETag from one replica guards a write on another", func(t *testing.T) {
		opp := id(t, c.must(t, http.StatusCreated, call{method: "POST", path: "/api/v1/opportunities", token: token,
			body: map[string]any{"title": "Guarded", "organization": map[string]any{"name": "Guard AB"}}}))
		read := c.on(t, 0, call{method: "GET", path: "/api/v1/opportunities/" + opp, token: token})
		etag := read.header.Get("ETag")
		if read.status != http.StatusOK || etag == "" {
			t.Fatalf("GET on replica 0: got %s with ETag %q", read, etag)
		}
		patch := func(replica int, title string) response {
			return c.on(t, replica, call{method: "PATCH", path: "/api/v1/opportunities/" + opp, token: token,
				body: map[string]any{"title": title}, header: map[string]string{"If-Match": etag}})
		}
		if r := patch(1, "Guarded, changed on 1"); r.status != http.StatusOK {
			t.Fatalf("PATCH on replica 1 with replica 0's ETag: got %s, want 200", r)
		}
		if r := patch(2, "Guarded, lost update on 2"); r.status != http.StatusPreconditionFailed {
			t.Errorf("PATCH on replica 2 with the spent ETag: got %s, want 412", r)
		}
	})

	t.Run("a file uploaded to one replica is served by the others", func(t *testing.T) {
		opp := id(t, c.must(t, http.StatusCreated, call{method: "POST", path: "/api/v1/opportunities", token: token,
			body: map[string]any{"title": "Filed", "organization": map[string]any{"name": "File AB"}}}))
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "offer.txt")
		content := []byte("the signed offer, stored once for every replica")
		fw.Write(content)
		mw.Close()
		up := c.on(t, 0, call{method: "POST", path: "/api/v1/opportunities/" + opp + "/attachments", token: token, raw: buf.Bytes(),
			header: map[string]string{"Content-Type": mw.FormDataContentType()}})
		if up.status != http.StatusCreated {
			t.Fatalf("upload on replica 0: got %s", up)
		}
		for i := 1; i < 3; i++ {
			r := c.on(t, i, call{method: "GET", path: "/api/v1/attachments/" + id(t, up) + "/content", token: token})
			if r.status != http.StatusOK || !bytes.Equal(r.body, content) {
				t.Errorf("download on replica %d: got %d %q, want 200 with the uploaded bytes", i, r.status, r.body)
			}
		}
	})

	t.Run("log-in limits hold across replicas", func(t *testing.T) {
		// 10 failed attempts per account in 5 minutes, wherever they land.
		bad := call{method: "POST", path: "/api/v1/auth/login", body: map[string]any{"email": "admin@scale.test", "password": "wrong password"}}
		for i := 1; i <= 10; i++ {
			if r := c.do(t, bad); r.status != http.StatusUnauthorized {
				t.Fatalf("attempt %d: got %s, want 401", i, r)
			}
		}
		for i := 11; i <= 13; i++ { // each replica has seen only 3 or 4 of the first 10
			r := c.do(t, bad)
			if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
				t.Errorf("attempt %d on replica %d: got %s, want 429 with Retry-After", i, r.replica, r)
			}
		}
	})

	t.Run("a customer link's rate limit holds across replicas", func(t *testing.T) {
		opp := id(t, c.must(t, http.StatusCreated, call{method: "POST", path: "/api/v1/opportunities", token: token,
			body: map[string]any{"title": "Quoted", "organization": map[string]any{"name": "Quote AB"}}}))
		link := "/api/v1/public/quotes/" + quoteRound(t, c, token, opp)
		for i := 1; i <= 120; i++ { // 120 a minute per link, wherever they land
			if r := c.do(t, call{method: "GET", path: link}); r.status != http.StatusOK {
				t.Fatalf("request %d: got %s, want 200", i, r)
			}
		}
		if r := c.do(t, call{method: "GET", path: link}); r.status != http.StatusTooManyRequests {
			t.Errorf("request 121 on replica %d: got %s, want 429", r.replica, r)
		}
	})

	t.Run("jobs run once", func(t *testing.T) {
		f := &jobFixture{c: c, token: token, mail: mail, dsn: dsn}
		for _, k := range jobKinds {
			t.Run(k.kind, func(t *testing.T) {
				n := k.cause(t, f)
				count := func(where string) int {
					return queryInt(t, dsn, `SELECT count(*) FROM river_job WHERE kind = $1 AND `+where, k.kind)
				}
				// Settled: at least n done, none waiting, and (jobs of other
				// features may be reacting still) one effect per job.
				eventually(t, 60*time.Second, fmt.Sprintf("%d %s jobs completed", n, k.kind), func() bool {
					done := count(`state = 'completed'`)
					return done >= n && count(`state NOT IN ('completed', 'discarded', 'cancelled')`) == 0 &&
						(k.effects == nil || k.effects(t, f) == done)
				})
				if total := count("true"); k.exact && total != n {
					t.Errorf("%s jobs: got %d, want %d", k.kind, total, n)
				}
				if again := count(`(attempt <> 1 OR cardinality(attempted_by) <> 1)`); again != 0 {
					t.Errorf("%s jobs worked more than once: %d", k.kind, again)
				}
			})
		}
	})
}

// jobFixture is what a job kind's cause and effects use.
type jobFixture struct {
	c     *cluster
	token string
	mail  *mailSink
	dsn   string
}

// jobKinds are the background job kinds checked to run exactly once across
// replicas: every job of the kind completed at its first attempt by one
// client, and did its effect once. For a new kind, add a row: cause makes
// the API enqueue at least n jobs of it (through any replica) and returns
// n; exact says no other feature enqueues that kind, so there must be
// exactly n; effects (optional) counts what all jobs of the kind did
// (messages delivered, rows written…), which must equal the completed
// jobs. A periodic kind (River inserts those on the leader only) counts its
// runs so far.
var jobKinds = []struct {
	kind    string
	cause   func(t *testing.T, f *jobFixture) int
	exact   bool
	effects func(t *testing.T, f *jobFixture) int
}{
	// Notifications to the salesperson are e-mails too, so not exact.
	// The signup e-mail is sent at once, not by a job: not counted.
	{kind: "send_email", cause: sendEmails, effects: func(_ *testing.T, f *jobFixture) int { return len(jobMail(f.mail.messages())) }},
	// Every 5 minutes and at start: three replicas started together run
	// it once, on the elected leader, not once each.
	{kind: "expire_quotes", cause: func(*testing.T, *jobFixture) int { return 1 }, exact: true},
	// Every 15 minutes and at start, like expire_quotes: once, on the leader.
	{kind: "mark_overdue_invoices", cause: func(*testing.T, *jobFixture) int { return 1 }, exact: true},
	// Every hour and at start: the change feed's pruning, on the leader.
	{kind: "prune_changes", cause: func(*testing.T, *jobFixture) int { return 1 }, exact: true},
	// CSV imports: each file read once, its one row created once.
	{kind: "run_import", cause: importFiles, exact: true, effects: func(t *testing.T, f *jobFixture) int {
		return queryInt(t, f.dsn, `SELECT count(*) FROM organizations WHERE name LIKE 'Replica import %'`)
	}},
	// A customer opening a sent quote: reactions to the quote's events.
	{kind: "event_reaction", cause: viewQuote},
}

// importFiles starts three one-row imports, round-robin over the replicas.
func importFiles(t *testing.T, f *jobFixture) int {
	const n = 3
	for i := range n {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		_ = w.WriteField("resource", "organizations")
		fw, _ := w.CreateFormFile("file", "orgs.csv")
		fmt.Fprintf(fw, "name\nReplica import %d\n", i)
		_ = w.Close()
		f.c.must(t, http.StatusAccepted, call{method: "POST", path: "/api/v1/imports", token: f.token, raw: buf.Bytes(),
			header: map[string]string{"Content-Type": w.FormDataContentType()}})
	}
	return n
}

// viewQuote sends a quote and opens its link as the customer.
func viewQuote(t *testing.T, f *jobFixture) int {
	opp := id(t, f.c.must(t, http.StatusCreated, call{method: "POST", path: "/api/v1/opportunities", token: f.token,
		body: map[string]any{"title": "Viewed", "organization": map[string]any{"name": "Viewer AB"}}}))
	f.c.must(t, http.StatusOK, call{method: "GET", path: "/api/v1/public/quotes/" + quoteRound(t, f.c, f.token, opp)})
	return 1
}

// sendEmails sends nine e-mails to customers, round-robin over the replicas.
func sendEmails(t *testing.T, f *jobFixture) int {
	opp := id(t, f.c.must(t, http.StatusCreated, call{method: "POST", path: "/api/v1/opportunities", token: f.token,
		body: map[string]any{"title": "Mailed", "organization": map[string]any{"name": "Mail AB"}}}))
	const n = 9
	for i := range n {
		f.c.must(t, http.StatusAccepted, call{method: "POST", path: "/api/v1/opportunities/" + opp + "/emails", token: f.token,
			body: map[string]any{"to": []string{"buyer@customer.example"}, "subject": fmt.Sprintf("Offer %d", i), "body": "Hello"}})
	}
	return n
}

// jobMail leaves out the signup e-mails (they carry a code line).
func jobMail(msgs [][]byte) [][]byte {
	var out [][]byte
	for _, m := range msgs {
		if !mailCode.Match(m) {
			out = append(out, m)
		}
	}
	return out
}
