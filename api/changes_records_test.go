package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/acme/crm/internal/testenv"
)

// feedPaths are the GET by id of each record type of the change feed.
var feedPaths = map[string]string{
	"opportunity": "/api/v1/opportunities/", "organization": "/api/v1/organizations/",
	"person": "/api/v1/persons/", "product": "/api/v1/products/", "task": "/api/v1/tasks/",
	"note": "/api/v1/notes/", "appointment": "/api/v1/appointments/", "quote": "/api/v1/quotes/",
}

// feedFixture is a workspace with changes of every record type after
// start: several of most types, opportunities with lines, a sent quote,
// appointments with participants, and a deleted person (a tombstone).
type feedFixture struct {
	a     testenv.Account
	start string
	// doomed is an organization created before the others: deleteDoomed
	// removes it after the feed's first changes were counted.
	doomed string
	// deleted is the person deleted within the fixture.
	deleted string
	// before is the number of the workspace's changes at start.
	before int
}

func newFeedFixture(t *testing.T, env *testenv.Env) feedFixture {
	t.Helper()
	a := env.Signup()
	listable(t, env)
	_, start := drainFeed(t, env, a.Token, "", "")
	fx := feedFixture{a: a, start: start, before: changeCount(t, env, a)}
	fx.doomed = postOrganization(t, env, a.Token, map[string]any{"name": "Doomed AB"})["id"].(string)
	var opps []string
	for i := range 2 {
		o, _ := quotedOpportunity(t, env, a) // organization, opportunity, its task, person, product, lines
		q := createQuote(t, env, a, o.ID, nil)
		if i == 0 { // a sent version carries its customer link, which the read computes
			quoteDo(t, env, a, "POST", "/api/v1/quotes/"+q.ID+"/send", map[string]any{"channel": "link"}, http.StatusOK)
		}
		opps = append(opps, o.ID)
	}
	o := newOpportunity(t, env, a, nil)
	addLine(t, env, a, o.ID, freeLine(3, 12000, 2500))
	opps = append(opps, o.ID)
	for i := range 2 {
		postOrganization(t, env, a.Token, map[string]any{"name": "Feed " + strconv.Itoa(i) + " AB", "phone": "+46 46 1"})
		newProduct(t, env, a, nil)
		createTask(t, env, a, map[string]any{"title": "Call " + strconv.Itoa(i), "opportunity_id": opps[i],
			"due_at": time.Now().Add(-48 * time.Hour).Format(time.RFC3339)})
	}
	person := postPerson(t, env, a.Token, map[string]any{"first_name": "Kvar", "last_name": "Kvist"})["id"].(string)
	for i, opp := range opps {
		createNote(t, env, a, opp, "Note "+strconv.Itoa(i))
	}
	at := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
	createAppointment(t, env, a, appointmentBody(at, map[string]any{"attendee_ids": []string{a.UserID},
		"person_ids": []string{person}, "opportunity_id": opps[0]}))
	createAppointment(t, env, a, appointmentBody(at.Add(2*time.Hour), nil))
	fx.deleted = postPerson(t, env, a.Token, map[string]any{"first_name": "Borta"})["id"].(string)
	if res := env.Do(testenv.Request{Method: "DELETE", Path: "/api/v1/persons/" + fx.deleted, Token: a.Token}); res.Status != http.StatusNoContent {
		t.Fatalf("delete person: %s", res)
	}
	listable(t, env)
	return fx
}

// changeCount counts the workspace's changes.
func changeCount(t *testing.T, env *testenv.Env, a testenv.Account) int {
	t.Helper()
	var n int
	err := env.DB.Pool().QueryRow(context.Background(), `SELECT count(*) FROM changes WHERE workspace_id = $1`, a.WorkspaceID).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestChangeFeedRoundTrips: a page of the feed loads each record type
// once, whatever the number of changes on it (it made one or more round
// trips per change before).
func TestChangeFeedRoundTrips(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	fx := newFeedFixture(t, env)
	var n atomic.Int64
	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/changes?limit=200&since=" + url.QueryEscape(fx.start),
		Token: fx.a.Token, Queries: &n})
	if res.Status != http.StatusOK {
		t.Fatalf("GET /changes: %s", res)
	}
	var p feedPage
	res.Decode(t, &p)
	types := map[string]int{}
	records := 0
	for _, it := range p.Data {
		if it.Record != nil {
			types[it.Type]++
			records++
		}
	}
	if len(types) != 8 || records < 20 || p.HasMore {
		t.Fatalf("got %d records of %d types (%v), has_more %v: want at least 20 of all 8 in one page", records, len(types), types, p.HasMore)
	}
	// The page of changes (the token and the rate limit need none), one
	// query per type, and the appointments' attendees and persons.
	const fixed, perType, participants = 1, 1, 2
	if got, want := n.Load(), int64(fixed+perType*len(types)+participants); got != want {
		t.Errorf("a page of %d records made %d round trips to PostgreSQL, want %d", records, got, want)
	}
}

// TestChangeFeedRecords: each record of the feed is exactly its GET by id;
// a record deleted after its change is left out of the page that holds
// that change, and its tombstone follows.
func TestChangeFeedRecords(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	fx := newFeedFixture(t, env)
	limit := changeCount(t, env, fx.a) - fx.before // a page that ends at the newest change
	if res := env.Do(testenv.Request{Method: "DELETE", Path: "/api/v1/organizations/" + fx.doomed, Token: fx.a.Token}); res.Status != http.StatusNoContent {
		t.Fatalf("delete organization: %s", res)
	}
	listable(t, env)

	res := env.Do(testenv.Request{Method: "GET", Token: fx.a.Token,
		Path: "/api/v1/changes?limit=" + strconv.Itoa(limit) + "&since=" + url.QueryEscape(fx.start)})
	if res.Status != http.StatusOK {
		t.Fatalf("GET /changes: %s", res)
	}
	var p struct {
		Data []struct {
			Type      string          `json:"type"`
			ID        string          `json:"id"`
			DeletedAt *string         `json:"deleted_at"`
			Record    json.RawMessage `json:"record"`
		} `json:"data"`
		NextCursor string `json:"next_cursor"`
		HasMore    bool   `json:"has_more"`
	}
	res.Decode(t, &p)
	if !p.HasMore {
		t.Fatalf("a page of the %d changes before the deletion: has_more false, want the deletion to follow", limit)
	}
	seen := map[string]int{}
	for _, it := range p.Data {
		switch {
		case it.ID == fx.doomed:
			t.Errorf("the organization deleted after its change is listed: %+v", it)
		case it.ID == fx.deleted:
			if it.DeletedAt == nil || it.Record != nil {
				t.Errorf("deleted person: got %s, want a tombstone", it.Record)
			}
		default:
			seen[it.Type]++
			got := env.Do(testenv.Request{Method: "GET", Path: feedPaths[it.Type] + it.ID, Token: fx.a.Token})
			if got.Status != http.StatusOK {
				t.Fatalf("GET %s %s: %s", it.Type, it.ID, got)
			}
			if !sameJSON(t, it.Record, got.Body) {
				t.Errorf("%s %s: feed record\n%s\nGET by id\n%s", it.Type, it.ID, it.Record, got.Body)
			}
		}
	}
	if len(seen) != 8 {
		t.Errorf("records of %v, want all 8 types", seen)
	}
	next := readFeed(t, env, fx.a.Token, "since="+url.QueryEscape(p.NextCursor))
	if len(next.Data) != 1 || next.Data[0].ID != fx.doomed || next.Data[0].DeletedAt == nil {
		t.Errorf("after the page: got %+v, want the organization's tombstone", next.Data)
	}
}
