package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"testing"
	"time"
)

// TestReadReplica runs two replicas of the API on a primary with one real
// streaming replica (DATABASE_REPLICA_URLS). With the replica's replay
// paused, a member's heavy reads show the replica's older state, which
// proves where they were served; the user who just wrote sees the write
// (read-your-writes); single resources come from the primary. With the
// replica stopped the API keeps serving from the primary, and once it is
// back it is read again.
func TestReadReplica(t *testing.T) {
	pg := startPGPair(t)
	pg.Exec(false, "postgres", "CREATE DATABASE crm")
	c := startCluster(t, 2, map[string]string{
		"DATABASE_URL":          pg.URL(false, "crm"),
		"DATABASE_REPLICA_URLS": pg.URL(true, "crm"),
		// Paused replay counts as lag; this test pauses it on purpose.
		"CRM_REPLICA_MAX_LAG": "1h",
	})
	admin := c.signup(t, "admin@replica.test")
	c.must(t, http.StatusCreated, call{method: "POST", path: "/api/v1/users", token: admin,
		body: map[string]any{"email": "member@replica.test", "name": "Member", "password": "a long password 2", "role": "member"}})
	var login struct {
		AccessToken string `json:"access_token"`
	}
	c.must(t, http.StatusOK, call{method: "POST", path: "/api/v1/auth/login",
		body: map[string]any{"email": "member@replica.test", "password": "a long password 2"}}).decode(t, &login)
	member := login.AccessToken
	var pipelines struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	c.must(t, http.StatusOK, call{method: "GET", path: "/api/v1/pipelines", token: admin}).decode(t, &pipelines)
	board := "/api/v1/pipelines/" + pipelines.Data[0].ID + "/board"

	create := func(title string) string {
		return id(t, c.must(t, http.StatusCreated, call{method: "POST", path: "/api/v1/opportunities", token: admin,
			body: map[string]any{"title": title, "estimated_amount": 100000, "expected_order_date": "2030-01-15",
				"organization": map[string]any{"name": title + " AB"}}}))
	}
	// seen calls path on every API replica as token and returns how many
	// answers contain title; any status but 200 fails the test.
	seen := func(token, path, title string) int {
		n := 0
		for i := range c.replicas {
			r := c.on(t, i, call{method: "GET", path: path, token: token})
			if r.status != http.StatusOK {
				t.Fatalf("GET %s on replica %d: got %s", path, i, r)
			}
			if bytes.Contains(r.body, []byte(`"title":"`+title+`"`)) {
				n++
			}
		}
		return n
	}
	sees := func(token, path, title string) bool { return seen(token, path, title) == len(c.replicas) }
	heavy := []string{"/api/v1/opportunities?limit=200", board + "?per_phase=50"}
	// inUse reports whether every API replica has logged n times that it
	// reads the replica.
	inUse := func(n int) bool {
		for _, r := range c.replicas {
			if b, _ := os.ReadFile(r.log); bytes.Count(b, []byte(`"read replica in use"`)) < n {
				return false
			}
		}
		return true
	}

	create("Old")
	eventually(t, 30*time.Second, "both API replicas read the replica", func() bool { return inUse(1) })
	eventually(t, 30*time.Second, "the member sees Old", func() bool {
		return sees(member, heavy[0], "Old") && sees(member, heavy[1], "Old")
	})

	t.Run("heavy reads go to the replica, the writer's to the primary", func(t *testing.T) {
		pg.Exec(true, "postgres", "SELECT pg_wal_replay_pause()")
		fresh := create("Fresh")
		for _, path := range heavy {
			if !sees(admin, path, "Fresh") {
				t.Errorf("GET %s right after the admin's write: the admin does not see it (read-your-writes)", path)
			}
			if seen(member, path, "Fresh") > 0 {
				t.Errorf("GET %s: the member sees the write the paused replica has not replayed; want the replica's older state", path)
			}
		}
		for _, path := range []string{"/api/v1/forecast?group_by=month", "/api/v1/dashboard", "/api/v1/tasks", "/api/v1/organizations?q=Old"} {
			sees(member, path, "")
		}
		// A single resource (with its ETag) always comes from the primary.
		if r := c.do(t, call{method: "GET", path: "/api/v1/opportunities/" + fresh, token: member}); r.status != http.StatusOK {
			t.Errorf("GET the new opportunity as the member: got %s, want 200 from the primary", r)
		}
		pg.Exec(true, "postgres", "SELECT pg_wal_replay_resume()")
		eventually(t, 30*time.Second, "the member sees Fresh once the replica replays", func() bool {
			return sees(member, heavy[0], "Fresh")
		})
	})

	t.Run("the API keeps serving when the replica stops", func(t *testing.T) {
		pg.StopReplica()
		create("While down")
		for range 3 { // every API replica, several times, from the first request on
			for _, path := range append(heavy, "/api/v1/forecast?group_by=month", "/api/v1/dashboard") {
				sees(member, path, "")
			}
		}
		if !sees(member, heavy[0], "While down") {
			t.Error("with the replica down the member does not see the latest write; want reads from the primary")
		}
		for i, r := range c.replicas {
			if b, _ := os.ReadFile(r.log); !bytes.Contains(b, []byte("read replica not in use")) {
				t.Errorf("replica %d did not log that it stopped reading the replica", i)
			}
		}
	})

	t.Run("a replica that is back is read again", func(t *testing.T) {
		pg.StartReplica()
		eventually(t, 30*time.Second, "the replica caught up", func() bool { return sees(member, heavy[0], "While down") })
		pg.Exec(true, "postgres", "SELECT pg_wal_replay_pause()")
		// Each try writes anew: the member must miss the latest write on
		// every API replica, i.e. read the paused replica.
		n := 0
		eventually(t, 30*time.Second, "the member's reads go to the replica again", func() bool {
			n++
			title := fmt.Sprintf("After %d", n)
			create(title)
			return seen(member, heavy[0], title) == 0
		})
	})
}
