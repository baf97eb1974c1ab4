package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/acme/crm/internal/app"
	"github.com/acme/crm/internal/testenv"
)

// sse is one event, or a comment line (heartbeat) with only Comment set.
type sse struct {
	ID, Event, Data, Comment string
}

// openStream connects to /api/v1/stream on srv and answers its events;
// the channel closes when the stream ends. Every event's data is checked
// against FeedChange in openapi.yaml.
func openStream(t *testing.T, srv *httptest.Server, token, lastEventID string) (<-chan sse, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/api/v1/stream", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if lastEventID != "" {
		req.Header.Set("Last-Event-ID", lastEventID)
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
		cancel()
		t.Fatalf("stream: got %d %s, want 200 text/event-stream", res.StatusCode, res.Header.Get("Content-Type"))
	}
	out := make(chan sse, 100)
	go func() {
		defer close(out)
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var ev sse
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev != (sse{}) {
					out <- ev
				}
				ev = sse{}
			case strings.HasPrefix(line, ":"):
				ev.Comment = strings.TrimSpace(line[1:])
			case strings.HasPrefix(line, "id: "):
				ev.ID = line[4:]
			case strings.HasPrefix(line, "event: "):
				ev.Event = line[7:]
			case strings.HasPrefix(line, "data: "):
				ev.Data = line[6:]
			}
		}
	}()
	return out, cancel
}

// nextChange waits up to within for the next change event.
func nextChange(t *testing.T, events <-chan sse, within time.Duration) (sse, feedItem) {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatal("the stream ended")
			}
			if ev.Event != "change" {
				continue
			}
			testenv.CheckSchema(t, "FeedChange", []byte(ev.Data))
			var it feedItem
			if err := json.Unmarshal([]byte(ev.Data), &it); err != nil {
				t.Fatal(err)
			}
			if ev.ID != it.Cursor {
				t.Errorf("event id %q, want the change's cursor %q", ev.ID, it.Cursor)
			}
			return ev, it
		case <-deadline:
			t.Fatalf("no change event within %s", within)
		}
	}
}

// noPolling leaves the stream to LISTEN/NOTIFY alone: a change that arrives
// at once came through a notification.
func noPolling(c *app.Config) { c.StreamPoll = time.Hour }

func TestStreamAcrossReplicas(t *testing.T) {
	envA := testenv.New(t, noPolling)
	envB := envA.Replica(noPolling)
	srvB := httptest.NewServer(envB.App.Handler)
	defer srvB.Close()
	x, y := envA.Signup(), envA.Signup()

	xs, closeX := openStream(t, srvB, x.Token, "")
	defer closeX()
	ys, closeY := openStream(t, srvB, y.Token, "")
	defer closeY()

	orgX := postOrganization(t, envA, x.Token, map[string]any{"name": "Through A AB"})["id"].(string)
	listable(t, envA)
	_, it := nextChange(t, xs, time.Second)
	if it.ID != orgX || it.Type != "organization" || it.Record["name"] != "Through A AB" {
		t.Fatalf("X's stream on B: got %+v, want the organization made through A", it)
	}
	orgY := postOrganization(t, envA, y.Token, map[string]any{"name": "Y AB"})["id"].(string)
	listable(t, envA)
	if _, it := nextChange(t, ys, time.Second); it.ID != orgY {
		t.Fatalf("Y's stream: got %+v, want Y's organization first (X's must never show)", it)
	}

	// Resume: a client that saw the first change and reconnects with its
	// id gets what came after, and only that.
	first, _ := nextChange(t, mustChange(t, envA, x, xs), time.Second)
	closeX()
	more := []string{
		postOrganization(t, envA, x.Token, map[string]any{"name": "While away 1"})["id"].(string),
		postOrganization(t, envA, x.Token, map[string]any{"name": "While away 2"})["id"].(string),
	}
	listable(t, envA)
	again, closeAgain := openStream(t, srvB, x.Token, first.ID)
	defer closeAgain()
	for _, want := range more {
		if _, it := nextChange(t, again, 2*time.Second); it.ID != want {
			t.Fatalf("after reconnecting: got %s, want %s", it.ID, want)
		}
	}
	select {
	case ev := <-ys:
		if ev.Event == "change" {
			t.Errorf("Y's stream got another change: %s", ev.Data)
		}
	default:
	}
}

// listable waits until every committed change can be listed: until no
// transaction older than the newest change is running on the server. Other
// tests' CREATE DATABASE holds that back for a while; the stream's latency
// is measured from then.
func listable(t *testing.T, env *testenv.Env) {
	t.Helper()
	for range 600 {
		var ok bool
		err := env.DB.Pool().QueryRow(context.Background(), `SELECT coalesce(max(xid), 0) < pg_snapshot_xmin(pg_current_snapshot())::text::bigint FROM changes`).Scan(&ok)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("a transaction held the change feed back for 30 s")
}

// mustChange makes one more change in a's workspace and answers the stream.
func mustChange(t *testing.T, env *testenv.Env, a testenv.Account, events <-chan sse) <-chan sse {
	t.Helper()
	postOrganization(t, env, a.Token, map[string]any{"name": "One more AB"})
	listable(t, env)
	return events
}

func TestStreamHeartbeatsAndLimits(t *testing.T) {
	env := testenv.New(t, func(c *app.Config) {
		c.StreamHeartbeat = 50 * time.Millisecond
		c.StreamsPerUser = 2
	})
	// A write timeout far shorter than the stream: each write moves the
	// deadline, so the stream outlives it.
	srv := httptest.NewUnstartedServer(env.App.Handler)
	srv.Config.WriteTimeout = 200 * time.Millisecond
	srv.Start()
	defer srv.Close()
	a := env.Signup()

	s1, close1 := openStream(t, srv, a.Token, "")
	defer close1()
	_, close2 := openStream(t, srv, a.Token, "")
	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/stream", Token: a.Token})
	if res.Status != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Errorf("a third stream: got %s, want 429 with Retry-After", res)
	}
	close2()

	beats := 0
	deadline := time.After(10 * time.Second)
	for beats < 10 {
		select {
		case ev, ok := <-s1:
			if !ok {
				t.Fatalf("the stream ended after %d heartbeats (the write timeout cut it?)", beats)
			}
			if ev.Comment == "heartbeat" {
				beats++
			}
		case <-deadline:
			t.Fatalf("%d heartbeats in 10 s, want 10 (every 50 ms)", beats)
		}
	}
	// The closed stream's slot is free again (its handler may take a
	// moment to notice the client left).
	ok := false
	for range 100 {
		if s, c := tryStream(srv, a.Token); s == http.StatusOK {
			c()
			ok = true
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !ok {
		t.Error("a closed stream's slot was never freed")
	}

	// Shutdown ends open streams.
	env.App.CloseStreams()
	select {
	case <-drained(s1):
	case <-time.After(5 * time.Second):
		t.Fatal("the stream stayed open after CloseStreams")
	}
}

func tryStream(srv *httptest.Server, token string) (int, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/api/v1/stream", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := srv.Client().Do(req)
	if err != nil {
		cancel()
		return 0, func() {}
	}
	return res.StatusCode, func() { cancel(); res.Body.Close() }
}

func drained(events <-chan sse) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		for range events {
		}
		close(done)
	}()
	return done
}

func TestStreamErrors(t *testing.T) {
	env := testenv.New(t)
	a := env.Signup()
	for _, tc := range []struct {
		name   string
		header map[string]string
		query  string
		want   int
	}{
		{"tampered Last-Event-ID", map[string]string{"Last-Event-ID": "eyJ4IjoxfQ.AAAA"}, "", 400},
		{"unknown type", nil, "?types=unicorn", 422},
	} {
		res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/stream" + tc.query, Token: a.Token, Header: tc.header})
		if res.Status != tc.want {
			t.Errorf("%s: got %s, want %d", tc.name, res, tc.want)
		}
	}
	if res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/stream"}); res.Status != http.StatusUnauthorized {
		t.Errorf("without a token: got %s, want 401", res)
	}
}

func TestStreamWithAPIKey(t *testing.T) {
	env := testenv.New(t, noPolling)
	srv := httptest.NewServer(env.App.Handler)
	defer srv.Close()
	a := env.Signup()
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/api-keys", Token: a.Token, Body: map[string]any{"name": "sync"}})
	if res.Status != http.StatusCreated {
		t.Fatalf("api key: %s", res)
	}
	events, stop := openStream(t, srv, res.Map(t)["key"].(string), "")
	defer stop()
	id := postOrganization(t, env, a.Token, map[string]any{"name": "Keyed AB"})["id"].(string)
	listable(t, env)
	if _, it := nextChange(t, events, time.Second); it.ID != id {
		t.Errorf("got %+v, want the new organization", it)
	}
}
