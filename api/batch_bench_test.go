package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/acme/crm/internal/testenv"
)

// BenchmarkBatchVsSingle writes 100 organizations per iteration, through
// the real router and PostgreSQL: as one POST /organizations/batch, and as
// 100 POST /organizations one after the other (what an integration
// without batches does). Half of each batch's items carry a new
// external_id (upserts), half do not (creates); the singles carry the same
// external ids. ns/op is per 100 organizations.
func BenchmarkBatchVsSingle(b *testing.B) {
	env := testenv.New(b)
	a := env.Signup()
	run := 0
	items := func() []map[string]any {
		run++
		out := make([]map[string]any, 100)
		for i := range out {
			out[i] = map[string]any{"name": fmt.Sprintf("Org %d-%d", run, i), "email": "info@example.com"}
			if i%2 == 0 {
				out[i]["external_id"] = fmt.Sprintf("ERP-%d-%d", run, i)
			}
		}
		return out
	}
	post := func(b *testing.B, path string, body any, want int) {
		raw, err := json.Marshal(body)
		if err != nil {
			b.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(raw))
		req.Header.Set("Authorization", "Bearer "+a.Token)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		env.App.Handler.ServeHTTP(rec, req)
		if rec.Code != want {
			b.Fatalf("POST %s: %d %s", path, rec.Code, rec.Body)
		}
	}
	b.Run("Batch100", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			post(b, "/api/v1/organizations/batch", map[string]any{"items": items()}, http.StatusOK)
		}
	})
	b.Run("Single100", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, it := range items() {
				post(b, "/api/v1/organizations", it, http.StatusCreated)
			}
		}
	})
}
