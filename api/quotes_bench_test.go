package api_test

import (
	"fmt"
	"testing"

	"github.com/acme/crm/internal/testenv"
)

// BenchmarkQuotePDF50HTTP is GET /quotes/{id}/pdf of a 50-line quote
// through the router: loading the quote, rendering and writing the PDF
// (and, as in every test, checking the response against openapi.yaml).
func BenchmarkQuotePDF50HTTP(b *testing.B) {
	env := testenv.New(b)
	a := env.Signup()
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/opportunities", Token: a.Token,
		Body: map[string]any{"title": "Bench", "organization": map[string]any{"name": "Åke Öberg Bygg AB"}}})
	if res.Status != 201 {
		b.Fatalf("create opportunity: %s", res)
	}
	oppID := res.Map(b)["id"].(string)
	for i := 0; i < 50; i++ {
		res := env.Do(testenv.Request{Method: "POST", Path: linesPath(oppID), Token: a.Token, Body: map[string]any{
			"name": fmt.Sprintf("Konsulttimmar, del %d – åäö", i+1), "description": "Arbete enligt överenskommelse.",
			"quantity": 1 + i%7, "unit_price": 125000, "vat_rate": 2500}})
		if res.Status != 201 {
			b.Fatalf("add line: %s", res)
		}
	}
	res = env.Do(testenv.Request{Method: "POST", Path: "/api/v1/opportunities/" + oppID + "/quotes", Token: a.Token, Body: map[string]any{}})
	if res.Status != 201 {
		b.Fatalf("create quote: %s", res)
	}
	path := "/api/v1/quotes/" + res.Map(b)["id"].(string) + "/pdf"
	b.ResetTimer()
	for range b.N {
		if res := env.Do(testenv.Request{Method: "GET", Path: path, Token: a.Token, NoCheck: true}); res.Status != 200 {
			b.Fatalf("pdf: %s", res)
		}
	}
}
