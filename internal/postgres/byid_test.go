package postgres_test

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/activity"
	"github.com/acme/crm/internal/catalog"
	"github.com/acme/crm/internal/postgres"
	"github.com/acme/crm/internal/quoting"
	"github.com/acme/crm/internal/relations"
	"github.com/acme/crm/internal/sales"
	"github.com/acme/crm/internal/tenant"
	"github.com/acme/crm/internal/testenv"
)

// TestReadsByID: each store's many-read by id returns exactly its single
// read of the workspace's ids; another workspace's ids and missing ones
// are skipped, and a duplicate id gives one record.
func TestReadsByID(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a, b := env.Signup(), env.Signup()
	mine, theirs := seedRecords(t, env, a), seedRecords(t, env, b)
	ctx := tenant.With(context.Background(), uuid.MustParse(a.WorkspaceID))
	rs, cs, ss := postgres.NewRelations(env.DB), postgres.NewCatalog(env.DB), postgres.NewSales(env.DB)
	as, qs := postgres.NewActivity(env.DB), postgres.NewQuoting(env.DB)
	check := func(typ string, got func([]uuid.UUID) (map[uuid.UUID]any, error), one func(uuid.UUID) (any, error)) {
		t.Helper()
		ids := append(mine[typ], mine[typ][0], theirs[typ][0], uuid.Must(uuid.NewV7()))
		recs, err := got(ids)
		if err != nil {
			t.Fatalf("%s by id: %v", typ, err)
		}
		if len(recs) != len(mine[typ]) {
			t.Errorf("%s by id of %v: got %d records, want the workspace's %d", typ, ids, len(recs), len(mine[typ]))
		}
		for _, id := range mine[typ] {
			want, err := one(id)
			if err != nil {
				t.Fatalf("%s %s: %v", typ, id, err)
			}
			if !reflect.DeepEqual(recs[id], want) {
				t.Errorf("%s %s: by id got\n%+v\nwant the single read\n%+v", typ, id, recs[id], want)
			}
		}
		if none, err := got(nil); err != nil || len(none) != 0 {
			t.Errorf("%s by no ids: got %v, %v; want nothing", typ, none, err)
		}
	}
	check("opportunity", keyed(ctx, ss.OpportunitiesByID, func(o sales.Opportunity) uuid.UUID { return o.ID }), single(ctx, ss.Opportunity))
	check("organization", keyed(ctx, rs.OrganizationsByID, func(o relations.Organization) uuid.UUID { return o.ID }), single(ctx, rs.Organization))
	check("person", keyed(ctx, rs.PersonsByID, func(p relations.Person) uuid.UUID { return p.ID }), single(ctx, rs.Person))
	check("product", keyed(ctx, cs.ProductsByID, func(p catalog.Product) uuid.UUID { return p.ID }), single(ctx, cs.Product))
	check("task", keyed(ctx, as.TasksByID, func(t activity.Task) uuid.UUID { return t.ID }), single(ctx, as.Task))
	check("note", keyed(ctx, as.NotesByID, func(n activity.Note) uuid.UUID { return n.ID }), single(ctx, as.Note))
	check("appointment", keyed(ctx, as.AppointmentsByID, func(a activity.Appointment) uuid.UUID { return a.ID }), single(ctx, as.Appointment))
	check("quote", keyed(ctx, qs.QuotesByID, func(q quoting.Quote) uuid.UUID { return q.ID }), single(ctx, qs.Quote))
}

// keyed turns a many-read into records by id, failing on an id read twice.
func keyed[T any](ctx context.Context, read func(context.Context, []uuid.UUID) ([]T, error), id func(T) uuid.UUID) func([]uuid.UUID) (map[uuid.UUID]any, error) {
	return func(ids []uuid.UUID) (map[uuid.UUID]any, error) {
		recs, err := read(ctx, ids)
		out := map[uuid.UUID]any{}
		for _, r := range recs {
			if _, dup := out[id(r)]; dup {
				return nil, fmt.Errorf("%s read twice", id(r))
			}
			out[id(r)] = r
		}
		return out, err
	}
}

func single[T any](ctx context.Context, read func(context.Context, uuid.UUID) (T, error)) func(uuid.UUID) (any, error) {
	return func(id uuid.UUID) (any, error) { return read(ctx, id) }
}

// seedRecords creates records of every type of the change feed in a's
// workspace through the API, at least two of most, and answers their ids
// by type.
func seedRecords(t *testing.T, env *testenv.Env, a testenv.Account) map[string][]uuid.UUID {
	t.Helper()
	out := map[string][]uuid.UUID{}
	post := func(typ, path string, body map[string]any) uuid.UUID {
		t.Helper()
		res := env.Do(testenv.Request{Method: "POST", Path: path, Token: a.Token, Body: body})
		if res.Status != http.StatusCreated {
			t.Fatalf("POST %s: %s", path, res)
		}
		id := uuid.MustParse(res.Map(t)["id"].(string))
		if typ != "" {
			out[typ] = append(out[typ], id)
		}
		return id
	}
	at := time.Now().Add(48 * time.Hour).Truncate(time.Hour)
	for i := range 2 {
		org := post("organization", "/api/v1/organizations", map[string]any{"name": "By id " + uuid.NewString()[:8]})
		person := post("person", "/api/v1/persons", map[string]any{"first_name": "By", "last_name": "Id", "organization_id": org})
		opp := post("opportunity", "/api/v1/opportunities", map[string]any{"title": "By id", "organization_id": org,
			"contact_person_id": person})
		product := post("product", "/api/v1/products", map[string]any{"code": "BY-" + uuid.NewString()[:8],
			"name": "By id", "unit_price": 10000, "vat_rate": 2500})
		post("", "/api/v1/opportunities/"+opp.String()+"/lines", map[string]any{"product_id": product, "quantity": i + 1})
		post("task", "/api/v1/tasks", map[string]any{"title": "By id", "opportunity_id": opp})
		post("note", "/api/v1/opportunities/"+opp.String()+"/notes", map[string]any{"body": "By id"})
		post("appointment", "/api/v1/appointments", map[string]any{"title": "By id", "opportunity_id": opp,
			"starts_at": at.Format(time.RFC3339), "ends_at": at.Add(time.Hour).Format(time.RFC3339),
			"attendee_ids": []string{a.UserID}, "person_ids": []uuid.UUID{person}})
		post("quote", "/api/v1/opportunities/"+opp.String()+"/quotes", map[string]any{})
	}
	return out
}
