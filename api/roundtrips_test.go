package api_test

import (
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/acme/crm/internal/testenv"
)

// The hot reads make at most this many round trips to PostgreSQL (counted
// by the pool's tracer, whatever the layer that sends them), the rate
// limit's included.
func TestReadRoundTrips(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	o := newOpportunity(t, env, a, nil)
	addLine(t, env, a, o.ID, freeLine(2, 10000, 2500))
	tests := []struct {
		path string
		max  int64
	}{
		{"/api/v1/opportunities/" + o.ID, 1},
		{"/api/v1/opportunities?limit=50", 1},
		{"/api/v1/me", 1},
		{"/api/v1/dashboard", 4},
	}
	for _, tt := range tests {
		var n atomic.Int64
		res := env.Do(testenv.Request{Method: "GET", Path: tt.path, Token: a.Token, Queries: &n})
		if res.Status != http.StatusOK {
			t.Fatalf("GET %s: %s", tt.path, res)
		}
		if got := n.Load(); got > tt.max {
			t.Errorf("GET %s made %d round trips to PostgreSQL, want at most %d", tt.path, got, tt.max)
		}
	}
}
