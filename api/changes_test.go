package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/acme/crm/internal/app"
	"github.com/acme/crm/internal/testenv"
)

type feedItem struct {
	Type      string         `json:"type"`
	ID        string         `json:"id"`
	Cursor    string         `json:"cursor"`
	DeletedAt *string        `json:"deleted_at"`
	Record    map[string]any `json:"record"`
}

type feedPage struct {
	Data       []feedItem `json:"data"`
	NextCursor string     `json:"next_cursor"`
	HasMore    bool       `json:"has_more"`
}

func readFeed(t *testing.T, env *testenv.Env, token, query string) feedPage {
	t.Helper()
	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/changes?" + query, Token: token})
	if res.Status != http.StatusOK {
		t.Fatalf("GET /changes?%s: got %s, want 200", query, res)
	}
	var p feedPage
	res.Decode(t, &p)
	return p
}

// drainFeed reads every page after since and answers the items and the
// cursor to continue from.
func drainFeed(t *testing.T, env *testenv.Env, token, since, extra string) ([]feedItem, string) {
	t.Helper()
	var all []feedItem
	for range 100 {
		p := readFeed(t, env, token, "since="+url.QueryEscape(since)+extra)
		all = append(all, p.Data...)
		since = p.NextCursor
		if !p.HasMore {
			return all, since
		}
	}
	t.Fatal("the feed never ended")
	return nil, ""
}

func TestChangeFeed(t *testing.T) {
	env := testenv.New(t)
	a, b := env.Signup(), env.Signup()
	_, start := drainFeed(t, env, a.Token, "", "")

	org := postOrganization(t, env, a.Token, map[string]any{"name": "Feed AB"})["id"].(string)
	person := postPerson(t, env, a.Token, map[string]any{"first_name": "Gone", "organization_id": org})["id"].(string)
	opp := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/opportunities", Token: a.Token,
		Body: map[string]any{"title": "Feed deal", "organization_id": org}}).Map(t)["id"].(string)
	if res := env.Do(testenv.Request{Method: "PATCH", Path: "/api/v1/organizations/" + org, Token: a.Token,
		Body: map[string]any{"phone": "+46 46 123"}}); res.Status != http.StatusOK {
		t.Fatalf("patch: %s", res)
	}
	if res := env.Do(testenv.Request{Method: "DELETE", Path: "/api/v1/persons/" + person, Token: a.Token}); res.Status != http.StatusNoContent {
		t.Fatalf("delete: %s", res)
	}
	postOrganization(t, env, b.Token, map[string]any{"name": "Other workspace AB"})
	listable(t, env)

	items, _ := drainFeed(t, env, a.Token, start, "")
	byID := map[string]feedItem{}
	for _, it := range items {
		if _, dup := byID[it.ID]; dup {
			t.Errorf("%s %s listed twice in one page", it.Type, it.ID)
		}
		byID[it.ID] = it
	}
	if it := byID[org]; it.Type != "organization" || it.Record["phone"] != "+46 46 123" || it.DeletedAt != nil {
		t.Errorf("organization: got %+v, want its current representation (the new phone)", it)
	}
	if it := byID[person]; it.Type != "person" || it.DeletedAt == nil || it.Record != nil {
		t.Errorf("person: got %+v, want a tombstone", it)
	}
	if it := byID[opp]; it.Type != "opportunity" || it.Record["title"] != "Feed deal" {
		t.Errorf("opportunity: got %+v", it)
	}
	for _, it := range items {
		if it.Record != nil && it.Record["name"] == "Other workspace AB" {
			t.Errorf("A's feed shows B's organization")
		}
	}

	// One at a time with limit=1 and the types filter: the same records,
	// each cursor leading on.
	var seen []string
	cur := start
	for range 50 {
		p := readFeed(t, env, a.Token, "limit=1&types=organization,person&since="+url.QueryEscape(cur))
		for _, it := range p.Data {
			if it.Type != "organization" && it.Type != "person" {
				t.Errorf("types=organization,person listed a %s", it.Type)
			}
			seen = append(seen, it.ID)
		}
		cur = p.NextCursor
		if !p.HasMore {
			break
		}
	}
	if len(seen) < 2 || seen[len(seen)-1] != person {
		t.Errorf("paged one by one: got %v, want the organization's changes, then the person's deletion last", seen)
	}
	if p := readFeed(t, env, a.Token, "since="+url.QueryEscape(cur)); len(p.Data) != 0 || p.HasMore {
		t.Errorf("after the end: got %+v, want nothing", p)
	}
}

func TestChangeFeedValidation(t *testing.T) {
	env := testenv.New(t)
	a := env.Signup()
	for _, tc := range []struct {
		query string
		want  int
		field string
	}{
		{"types=opportunity,unicorn", 422, "types"},
		{"limit=0", 422, "limit"},
		{"limit=201", 422, "limit"},
		{"since=garbage", 400, ""},
		{"since=eyJ4IjoxLCJzIjoxLCJ0IjoxfQ.AAAAAAAAAAAAAAAAAAAAAA", 400, ""},
	} {
		res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/changes?" + tc.query, Token: a.Token})
		if res.Status != tc.want {
			t.Errorf("%s: got %s, want %d", tc.query, res, tc.want)
			continue
		}
		if tc.field != "" {
			wantFields(t, res, tc.field)
		}
	}
	if res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/changes"}); res.Status != http.StatusUnauthorized {
		t.Errorf("without a token: got %s, want 401", res)
	}
}

// TestChangeFeedInterleaved is the case a timestamp or sequence cursor
// gets wrong: transaction 1 writes first but commits last, and a client
// polls in between. It must get transaction 1's change afterwards.
func TestChangeFeedInterleaved(t *testing.T) {
	env := testenv.New(t)
	a := env.Signup()
	_, cur := drainFeed(t, env, a.Token, "", "")
	ctx := context.Background()
	pool := env.DB.Pool()
	insert := `INSERT INTO organizations (id, workspace_id, name) VALUES ($1, $2, $3)`

	tx1, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx1.Rollback(ctx)
	first, second := newID(), newID()
	if _, err := tx1.Exec(ctx, insert, first, a.WorkspaceID, "Started first AB"); err != nil {
		t.Fatal(err)
	}
	tx2, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx2.Exec(ctx, insert, second, a.WorkspaceID, "Committed first AB"); err != nil {
		t.Fatal(err)
	}
	if err := tx2.Commit(ctx); err != nil {
		t.Fatal(err)
	}

	got := map[string]int{}
	poll := func() {
		items, next := drainFeed(t, env, a.Token, cur, "&types=organization")
		for _, it := range items {
			got[it.ID]++
		}
		cur = next
	}
	poll() // transaction 1 still running
	if got[second] != 0 {
		t.Errorf("the feed listed a change while an older transaction was still running: %v", got)
	}
	if err := tx1.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	listable(t, env)
	poll()
	poll()
	if got[first] != 1 || got[second] != 1 {
		t.Errorf("after both commits: got %v, want each organization exactly once (%s, %s)", got, first, second)
	}
}

func TestChangeFeedRetention(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	env := testenv.New(t, func(c *app.Config) { c.Now = clock })
	a := env.Signup()
	_, cur := drainFeed(t, env, a.Token, "", "")

	now.Add(int64(29 * 24 * time.Hour))
	token := relogin(t, env, a)
	p := readFeed(t, env, token, "since="+url.QueryEscape(cur))
	now.Add(int64(2 * 24 * time.Hour))
	token = relogin(t, env, a)
	if res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/changes?since=" + url.QueryEscape(cur), Token: token}); res.Status != http.StatusGone {
		t.Errorf("a cursor of 31 days ago: got %s, want 410", res)
	}
	if res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/changes?since=" + url.QueryEscape(p.NextCursor), Token: token}); res.Status != http.StatusOK {
		t.Errorf("a cursor of 2 days ago: got %s, want 200", res)
	}

	// The prune job drops changes past the retention and a day.
	ctx := context.Background()
	if _, err := env.DB.Pool().Exec(ctx, `UPDATE changes SET changed_at = $1`, clock().Add(-32*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	postOrganization(t, env, token, map[string]any{"name": "Fresh AB"})
	if _, err := env.App.Changes.Prune(ctx); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := env.DB.Pool().QueryRow(ctx, `SELECT count(*) FROM changes`).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 1 {
		t.Errorf("after pruning: %d changes left, want the fresh one", left)
	}
}

// relogin logs a in again and returns the new access token.
func relogin(t *testing.T, env *testenv.Env, a testenv.Account) string {
	t.Helper()
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]any{"email": a.Email, "password": a.Password}})
	if res.Status != http.StatusOK {
		t.Fatalf("login: %s", res)
	}
	return fmt.Sprint(res.Map(t)["access_token"])
}

func init() {
	addProbes(map[string]probe{
		"GET /api/v1/changes": {kind: list, setup: changesOfA},
		"GET /api/v1/stream":  {kind: list, setup: changesOfA, do: streamOfB},
	})
}

// changesOfA makes an organization in A, whose id must not reach B.
func changesOfA(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
	id := postOrganization(t, env, a.Token, map[string]any{"name": "A's secret AB"})["id"].(string)
	return fixture{ids: []string{id, "A's secret AB"}}
}

// streamOfB listens on B's stream while A changes a record, until B's own
// change arrives, and answers everything B's stream carried.
func streamOfB(t *testing.T, env *testenv.Env, a, b testenv.Account, fx fixture) *testenv.Response {
	srv := httptest.NewServer(env.App.Handler)
	defer srv.Close()
	events, stop := openStream(t, srv, b.Token, "")
	defer stop()
	if res := env.Do(testenv.Request{Method: "PATCH", Path: "/api/v1/organizations/" + fx.ids[0], Token: a.Token,
		Body: map[string]any{"phone": "+46 1"}}); res.Status != http.StatusOK {
		t.Fatalf("A's change: %s", res)
	}
	own := postOrganization(t, env, b.Token, map[string]any{"name": "B's own AB"})["id"].(string)
	listable(t, env)
	var body strings.Builder
	for {
		ev, it := nextChange(t, events, 30*time.Second)
		body.WriteString(ev.Data + "\n")
		if it.ID == own {
			return &testenv.Response{Status: http.StatusOK, Body: []byte(body.String())}
		}
	}
}
