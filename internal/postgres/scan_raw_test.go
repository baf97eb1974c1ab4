package postgres_test

import (
	"fmt"
	"net/http"
	"reflect"
	"testing"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/postgres"
	"github.com/acme/crm/internal/tenant"
	"github.com/acme/crm/internal/testenv"
)

// TestOpportunityRawDecode: reading an opportunity's binary values gives
// what pgx's Scan gives, for rows with and without every nullable column.
func TestOpportunityRawDecode(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	var pipelines struct {
		Data []struct {
			Phases []struct {
				ID   string
				Kind string
			}
		}
	}
	env.Do(testenv.Request{Method: "GET", Path: "/api/v1/pipelines", Token: a.Token}).Decode(t, &pipelines)
	phases := map[string]string{}
	for _, ph := range pipelines.Data[0].Phases {
		phases[ph.Kind] = ph.ID
	}
	bodies := []map[string]any{
		{"title": "Plain", "organization": map[string]any{"name": "Org"}},
		{"title": "Åsa's <deal> & \u2028", "person": map[string]any{"first_name": "Åsa", "last_name": "Öberg"},
			"probability_override": 0, "estimated_amount": 999999999999999, "currency": "EUR",
			"expected_order_date": "1999-12-31", "description": "multi\nline", "external_id": "ERP-1"},
		{"title": "Dated", "organization": map[string]any{"name": "Org 2"}, "expected_order_date": "2100-02-28",
			"probability_override": 100},
	}
	for i, body := range bodies {
		res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/opportunities", Token: a.Token, Body: body})
		if res.Status != http.StatusCreated {
			t.Fatalf("create %d: %s", i, res)
		}
		var o struct{ ID string }
		res.Decode(t, &o)
		if i > 0 {
			for j := range 2 {
				res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/opportunities/" + o.ID + "/lines", Token: a.Token,
					Body: map[string]any{"name": fmt.Sprintf("Line %d", j), "quantity": 3, "unit_price": 1999 + j, "vat_rate": 2500 - 1300*j}})
				if res.Status != http.StatusCreated {
					t.Fatalf("line: %s", res)
				}
			}
		}
		if i == 1 {
			res := env.Do(testenv.Request{Method: "PATCH", Path: "/api/v1/opportunities/" + o.ID, Token: a.Token,
				Body: map[string]any{"phase_id": phases["lost"], "lost_reason": "price"}})
			if res.Status != http.StatusOK {
				t.Fatalf("lose: %s", res)
			}
		}
	}
	ws := uuid.MustParse(a.WorkspaceID)
	raw, scanned, err := postgres.OpportunitiesBothWays(tenant.With(t.Context(), ws), env.DB, ws)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != len(bodies) {
		t.Fatalf("got %d opportunities, want %d", len(raw), len(bodies))
	}
	for i := range raw {
		if !reflect.DeepEqual(raw[i], scanned[i]) {
			t.Errorf("opportunity %d:\nraw     %+v\nscanned %+v", i, raw[i], scanned[i])
		}
	}
	if raw[0].LostReason == nil && raw[1].LostReason == nil && raw[2].LostReason == nil {
		t.Error("no opportunity was lost: the test does not cover closed_at and lost_reason")
	}
}
