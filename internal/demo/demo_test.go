package demo_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/acme/crm/internal/demo"
	"github.com/acme/crm/internal/testenv"
)

// TestSeedIsIdempotent: the demo workspace can be loaded twice, has its
// documented log-in, and enough data for the board and the forecast.
func TestSeedIsIdempotent(t *testing.T) {
	env := testenv.New(t)
	log := slog.New(slog.DiscardHandler)
	for i := 0; i < 2; i++ {
		if err := demo.Seed(context.Background(), env.App, log); err != nil {
			t.Fatalf("seed %d: %v", i+1, err)
		}
	}
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]any{"email": demo.AdminEmail, "password": demo.Password}})
	if res.Status != 200 {
		t.Fatalf("demo login: %s", res)
	}
	token := res.Map(t)["access_token"].(string)
	var opps struct{ Data []struct{ Status string } }
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/opportunities?limit=200", Token: token}).Decode(t, &opps)
	statuses := map[string]int{}
	for _, o := range opps.Data {
		statuses[o.Status]++
	}
	if len(opps.Data) != 40 || statuses["won"] == 0 || statuses["lost"] == 0 || statuses["open"] < 25 {
		t.Errorf("got %d opportunities %v, want 40 spread over open, won and lost", len(opps.Data), statuses)
	}
	var first struct{ Data []struct{ ID string } }
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/opportunities?sort=created_at&limit=1", Token: token}).Decode(t, &first)
	var tl struct{ Data []struct{ Type string } }
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/opportunities/" + first.Data[0].ID + "/timeline?limit=200", Token: token}).Decode(t, &tl)
	kinds := map[string]bool{}
	for _, e := range tl.Data {
		kinds[e.Type] = true
	}
	for _, k := range []string{"note", "appointment", "email", "phase_change"} {
		if !kinds[k] {
			t.Errorf("the first demo opportunity's timeline has no %s event (has %v)", k, kinds)
		}
	}
	var f struct{ Rows []any }
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/forecast", Token: token}).Decode(t, &f)
	if len(f.Rows) < 6 {
		t.Errorf("forecast rows: got %d, want the next 12 months mostly filled", len(f.Rows))
	}
}
