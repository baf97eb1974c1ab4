package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/acme/crm/internal/testenv"
)

// readBench is a workspace with 60 open opportunities of three lines each,
// dated so that they show on the board, and a request maker that goes through the real router without the spec
// check (benchmarks measure the server, not the test's validation).
func readBench(b *testing.B) (*testenv.Env, testenv.Account, []string, string) {
	b.Helper()
	env := testenv.New(b)
	a := env.Signup()
	ids := make([]string, 60)
	var pipeline string
	for i := range ids {
		res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/opportunities", Token: a.Token, Body: map[string]any{
			"title": fmt.Sprintf("Deal %d", i), "organization": map[string]any{"name": fmt.Sprintf("Org %d", i)},
			"estimated_amount": 100000 * (i + 1), "expected_order_date": fmt.Sprintf("2027-%02d-%02d", i%12+1, i%28+1)}})
		var o struct {
			ID         string
			PipelineID string `json:"pipeline_id"`
		}
		res.Decode(b, &o)
		ids[i], pipeline = o.ID, o.PipelineID
		for j := range 3 {
			res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/opportunities/" + o.ID + "/lines", Token: a.Token,
				Body: map[string]any{"name": fmt.Sprintf("Line %d", j), "quantity": 2, "unit_price": 10000 + j, "vat_rate": 2500}})
			if res.Status != http.StatusCreated {
				b.Fatalf("line: %s", res)
			}
		}
	}
	return env, a, ids, pipeline
}

func benchGET(b *testing.B, env *testenv.Env, token, path string) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		env.App.Handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
		}
	}
}

// BenchmarkReads measures the hot read paths through the router: one
// opportunity (with line totals), a page of 50, the page of 50 that bench/
// run.sh loads (one pipeline's open ones, last updated first), the board
// (20 cards per phase, as bench/run.sh asks for), /me, the forecast by month
// and the dashboard.
func BenchmarkReads(b *testing.B) {
	env, a, ids, pipeline := readBench(b)
	b.Run("GetOpportunity", func(b *testing.B) { benchGET(b, env, a.Token, "/api/v1/opportunities/"+ids[7]) })
	b.Run("ListOpportunities50", func(b *testing.B) { benchGET(b, env, a.Token, "/api/v1/opportunities?limit=50&sort=-created_at") })
	b.Run("ListOpenInPipeline50", func(b *testing.B) {
		benchGET(b, env, a.Token, "/api/v1/opportunities?pipeline_id="+pipeline+"&status=open&sort=-updated_at&limit=50")
	})
	b.Run("Board", func(b *testing.B) { benchGET(b, env, a.Token, "/api/v1/pipelines/"+pipeline+"/board") })
	b.Run("Me", func(b *testing.B) { benchGET(b, env, a.Token, "/api/v1/me") })
	b.Run("Forecast", func(b *testing.B) { benchGET(b, env, a.Token, "/api/v1/forecast?group_by=month") })
	b.Run("Dashboard", func(b *testing.B) { benchGET(b, env, a.Token, "/api/v1/dashboard") })
}
