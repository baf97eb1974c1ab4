package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/acme/crm/internal/auth"
	"github.com/acme/crm/internal/testenv"
)

// The scale-out tests start real `crm serve` processes, built once per test
// run, on a database of their own, and drive them over HTTP as a load
// balancer would. They are skipped with -short.

var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// crmBinary builds ./cmd/crm once and returns its path. Under -race the
// binary gets the race detector too: its packages are then already in the
// build cache (only main is compiled and linked), and a data race in a
// replica fails the test that started it.
func crmBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("starts real crm processes; skipped with -short")
	}
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "crm-bin-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "crm")
		goBin, err := exec.LookPath("go")
		if err != nil {
			goBin = "/usr/local/go/bin/go"
		}
		args := []string{"build", "-o", binPath}
		if raceEnabled {
			args = append(args, "-race")
		}
		cmd := exec.Command(goBin, append(args, ".")...)
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// adminURL is the test server's maintenance database.
func adminURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return testenv.DefaultURL
}

// withDatabase returns raw with its database name replaced.
func withDatabase(t *testing.T, raw, name string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

var dbCounter atomic.Int64

// emptyDatabase creates a database without any schema on the server of
// serverURL (the replicas' migrations must build it) and drops it when the
// test ends.
func emptyDatabase(t *testing.T, serverURL string) string {
	t.Helper()
	name := fmt.Sprintf("crm_scale_%d_%d", os.Getpid(), dbCounter.Add(1))
	exec := func(sql string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, serverURL)
		if err != nil {
			t.Fatalf("connect %s: %v", serverURL, err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec("CREATE DATABASE " + name)
	t.Cleanup(func() { exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)") })
	return withDatabase(t, serverURL, name)
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// replica is one running `crm serve`.
type replica struct {
	base string // http://127.0.0.1:port
	cmd  *exec.Cmd
	log  string // its stderr
	done chan struct{}
}

// cluster is several replicas of the API on one database, called
// round-robin.
type cluster struct {
	t        *testing.T
	replicas []*replica
	next     atomic.Uint64
	client   *http.Client
	// sink is the SMTP server the replicas send through, if any: signup
	// codes are read from it, else from the replicas' logs.
	sink *mailSink
}

// startCluster starts n replicas at once with env (DATABASE_URL and the
// rest; CRM_TOKEN_KEYS, CRM_SECRET_KEY, CRM_ADDR and CRM_DATA_DIR are added) and waits
// until each answers /readyz. They are stopped with SIGTERM when the test
// ends, and their logs are printed if it failed.
func startCluster(t *testing.T, n int, env map[string]string) *cluster {
	t.Helper()
	bin := crmBinary(t)
	keys := auth.GenerateKeyring()
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		t.Fatal(err)
	}
	secretKey := base64.StdEncoding.EncodeToString(secret)
	c := &cluster{t: t, client: &http.Client{Timeout: 60 * time.Second}}
	dir := t.TempDir()
	for i := range n {
		addr := freeAddr(t)
		r := &replica{base: "http://" + addr, log: filepath.Join(dir, fmt.Sprintf("replica%d.log", i)), done: make(chan struct{})}
		logFile, err := os.Create(r.log)
		if err != nil {
			t.Fatal(err)
		}
		r.cmd = exec.Command(bin, "serve")
		r.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "CRM_TOKEN_KEYS=" + keys, "CRM_SECRET_KEY=" + secretKey, "CRM_ADDR=" + addr, "CRM_METRICS_ADDR=127.0.0.1:0",
			"CRM_DATA_DIR=" + filepath.Join(dir, fmt.Sprintf("data%d", i)), "CRM_PUBLIC_URL=http://crm.test", "CRM_LOG_LEVEL=info"}
		for k, v := range env {
			r.cmd.Env = append(r.cmd.Env, k+"="+v)
		}
		r.cmd.Stdout, r.cmd.Stderr = logFile, logFile
		if err := r.cmd.Start(); err != nil {
			t.Fatalf("start replica %d: %v", i, err)
		}
		go func() { _ = r.cmd.Wait(); logFile.Close(); close(r.done) }()
		c.replicas = append(c.replicas, r)
	}
	t.Cleanup(c.stop)
	for i, r := range c.replicas {
		c.waitReady(i, r)
	}
	return c
}

func (c *cluster) waitReady(i int, r *replica) {
	c.t.Helper()
	deadline := time.Now().Add(90 * time.Second) // migrations run first, on a shared machine
	for time.Now().Before(deadline) {
		select {
		case <-r.done:
			c.t.Fatalf("replica %d exited before it was ready:\n%s", i, tail(r.log))
		default:
		}
		res, err := c.client.Get(r.base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	c.t.Fatalf("replica %d not ready after 90 s:\n%s", i, tail(r.log))
}

// stop ends every replica with SIGTERM (a clean shutdown) and, when the
// test failed, prints their logs.
func (c *cluster) stop() {
	for _, r := range c.replicas {
		_ = r.cmd.Process.Signal(syscall.SIGTERM)
	}
	for i, r := range c.replicas {
		select {
		case <-r.done:
		case <-time.After(30 * time.Second):
			_ = r.cmd.Process.Kill()
			<-r.done
			c.t.Errorf("replica %d did not stop within 30 s of SIGTERM", i)
		}
		if b, _ := os.ReadFile(r.log); bytes.Contains(b, []byte("WARNING: DATA RACE")) {
			c.t.Errorf("replica %d had a data race", i)
		}
		if c.t.Failed() {
			c.t.Logf("replica %d log:\n%s", i, tail(r.log))
		}
	}
}

func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 6000 {
		b = b[len(b)-6000:]
	}
	return string(b)
}

// call is one request to the API.
type call struct {
	method, path, token string
	body                any // sent as JSON
	raw                 []byte
	header              map[string]string // Content-Type for raw here
}

// response is a decoded answer.
type response struct {
	status  int
	header  http.Header
	body    []byte
	replica int
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

func (r response) String() string {
	return fmt.Sprintf("%d %s (replica %d)", r.status, r.body, r.replica)
}

// do sends the call to the next replica in turn.
func (c *cluster) do(t *testing.T, k call) response {
	t.Helper()
	i := int(c.next.Add(1)-1) % len(c.replicas)
	return c.on(t, i, k)
}

// on sends the call to replica i and checks the answer against openapi.yaml.
func (c *cluster) on(t *testing.T, i int, k call) response {
	t.Helper()
	var body io.Reader = bytes.NewReader(k.raw)
	if k.body != nil {
		b, err := json.Marshal(k.body)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(k.method, c.replicas[i].base+k.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if k.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if k.token != "" {
		req.Header.Set("Authorization", "Bearer "+k.token)
	}
	for h, v := range k.header {
		req.Header.Set(h, v)
	}
	res, err := c.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s on replica %d: %v", k.method, k.path, i, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s on replica %d: read: %v", k.method, k.path, i, err)
	}
	testenv.CheckResponse(t, req, res.StatusCode, res.Header, b)
	return response{status: res.StatusCode, header: res.Header, body: b, replica: i}
}

// must sends the call round-robin and fails the test unless it answers want.
func (c *cluster) must(t *testing.T, want int, k call) response {
	t.Helper()
	r := c.do(t, k)
	if r.status != want {
		t.Fatalf("%s %s: got %s, want %d", k.method, k.path, r, want)
	}
	return r
}

// signup creates a workspace and returns its admin's access token: it
// signs up, finds the code in the e-mail (the sink, or the log line a
// replica without SMTP writes) and confirms it on another replica.
func (c *cluster) signup(t *testing.T, email string) string {
	t.Helper()
	c.must(t, http.StatusAccepted, call{method: "POST", path: "/api/v1/auth/signup", body: map[string]any{
		"workspace_name": "Scale AB", "name": "Admin", "email": email, "password": "a long password 1", "currency": "SEK"}})
	r := c.must(t, http.StatusCreated, call{method: "POST", path: "/api/v1/auth/signup/confirm",
		body: map[string]any{"code": c.signupCode(t, email)}})
	var s struct {
		AccessToken string `json:"access_token"`
	}
	r.decode(t, &s)
	return s.AccessToken
}

// id returns the "id" of a JSON object.
func id(t *testing.T, r response) string {
	t.Helper()
	var v struct {
		ID string `json:"id"`
	}
	r.decode(t, &v)
	if v.ID == "" {
		t.Fatalf("no id in %s", r)
	}
	return v.ID
}

// eventually polls cond every 50 ms until it is true or the time is up.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// queryInt runs a query returning one integer on dsn.
func queryInt(t *testing.T, dsn, sql string, args ...any) int {
	t.Helper()
	return queryOne[int](t, dsn, sql, args...)
}

// queryOne returns the single value sql selects.
func queryOne[T any](t *testing.T, dsn, sql string, args ...any) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	var v T
	if err := conn.QueryRow(ctx, sql, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", strings.TrimSpace(sql), err)
	}
	return v
}

var (
	logCode  = regexp.MustCompile(`\\n\\n([A-Za-z0-9_-]{43})\\n\\n`)
	mailCode = regexp.MustCompile(`(?m)^([A-Za-z0-9_-]{43})\r?$`)
)

// signupCode finds the last signup code mailed to email.
func (c *cluster) signupCode(t *testing.T, email string) string {
	t.Helper()
	var code string
	if c.sink != nil {
		for _, m := range c.sink.messages() {
			if bytes.Contains(m, []byte(email)) {
				if s := mailCode.FindSubmatch(m); s != nil {
					code = string(s[1])
				}
			}
		}
	}
	for _, r := range c.replicas {
		b, _ := os.ReadFile(r.log)
		for _, line := range bytes.Split(b, []byte("\n")) {
			if bytes.Contains(line, []byte(`"account_mail"`)) && bytes.Contains(line, []byte(`"to":"`+email+`"`)) {
				if s := logCode.FindSubmatch(line); s != nil {
					code = string(s[1])
				}
			}
		}
	}
	if code == "" {
		t.Fatalf("no signup code for %s in the mail sink or the logs", email)
	}
	return code
}
