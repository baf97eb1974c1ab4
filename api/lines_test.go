package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/acme/crm/internal/testenv"
)

type lineJSON struct {
	ID        string  `json:"id"`
	ProductID *string `json:"product_id"`
	Name      string  `json:"name"`
	Unit      string  `json:"unit"`
	Quantity  float64 `json:"quantity"`
	UnitPrice int64   `json:"unit_price"`
	Discount  int     `json:"discount"`
	VATRate   int     `json:"vat_rate"`
	Position  int     `json:"position"`
	Net       int64   `json:"net"`
	Version   int64   `json:"version"`
}

type totalsJSON struct {
	Subtotal            int64 `json:"subtotal"`
	OfferDiscountAmount int64 `json:"offer_discount_amount"`
	Net                 int64 `json:"net"`
	VAT                 []struct {
		Rate   int   `json:"rate"`
		Base   int64 `json:"base"`
		Amount int64 `json:"amount"`
	} `json:"vat"`
	VATTotal int64  `json:"vat_total"`
	Total    int64  `json:"total"`
	Currency string `json:"currency"`
}

type lineListJSON struct {
	Data   []lineJSON `json:"data"`
	Totals totalsJSON `json:"totals"`
}

func linesPath(oppID string) string { return "/api/v1/opportunities/" + oppID + "/lines" }

// addLine adds a line and fails the test unless it is created.
func addLine(t *testing.T, env *testenv.Env, a testenv.Account, oppID string, body map[string]any) lineJSON {
	t.Helper()
	res := env.Do(testenv.Request{Method: "POST", Path: linesPath(oppID), Token: a.Token, Body: body})
	if res.Status != http.StatusCreated {
		t.Fatalf("add line: %s", res)
	}
	var l lineJSON
	res.Decode(t, &l)
	return l
}

func freeLine(qty any, price, vat int) map[string]any {
	return map[string]any{"name": "Work", "quantity": qty, "unit_price": price, "vat_rate": vat}
}

func listLines(t *testing.T, env *testenv.Env, a testenv.Account, oppID string) lineListJSON {
	t.Helper()
	res := env.Do(testenv.Request{Method: "GET", Path: linesPath(oppID), Token: a.Token})
	if res.Status != 200 {
		t.Fatalf("list lines: %s", res)
	}
	var l lineListJSON
	res.Decode(t, &l)
	return l
}

func getOpp(t *testing.T, env *testenv.Env, a testenv.Account, id string) (oppJSON, totalsJSON, bool) {
	t.Helper()
	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/opportunities/" + id, Token: a.Token})
	var o oppJSON
	res.Decode(t, &o)
	var withTotals struct{ Totals *totalsJSON }
	res.Decode(t, &withTotals)
	if withTotals.Totals == nil {
		return o, totalsJSON{}, false
	}
	return o, *withTotals.Totals, true
}

// TestLineTotalsPinned: VAT per rate on the summed base, rounded once
// (EN 16931 BR-CO-17): three lines of 0.5 × 66.67 at 19 % are 100.02 net
// and 19.00 VAT, where rounding per line would give 18.99.
func TestLineTotalsPinned(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	o := newOpportunity(t, env, a, map[string]any{"estimated_amount": 500})
	for i := 0; i < 3; i++ {
		l := addLine(t, env, a, o.ID, freeLine(0.5, 6667, 1900))
		if l.Net != 3334 || l.Position != i || l.Quantity != 0.5 {
			t.Fatalf("line %d: got %+v, want net 3334 at position %d", i, l, i)
		}
	}
	got := listLines(t, env, a, o.ID).Totals
	if got.Subtotal != 10002 || got.Net != 10002 || got.VATTotal != 1900 || got.Total != 11902 || got.Currency != "SEK" ||
		len(got.VAT) != 1 || got.VAT[0].Rate != 1900 || got.VAT[0].Base != 10002 || got.VAT[0].Amount != 1900 {
		t.Fatalf("totals: got %+v, want net 10002, one VAT rate 1900 on 10002 = 1900, total 11902", got)
	}
	opp, totals, ok := getOpp(t, env, a, o.ID)
	if !ok || opp.EstimatedAmount != 10002 || totals.VATTotal != 1900 {
		t.Errorf("opportunity: got amount %d, totals %+v (present %v), want 10002 and the same totals", opp.EstimatedAmount, totals, ok)
	}
	// The offer discount reduces each base; 100 % gives zeros.
	for _, tc := range []struct {
		discount                 int
		net, vat, offer, amounts int64
	}{
		{1000, 9002, 1710, 1000, 9002},
		{10000, 0, 0, 10002, 0},
	} {
		res := patchOpp(env, a, o.ID, map[string]any{"offer_discount": tc.discount})
		if res.Status != 200 {
			t.Fatalf("offer discount %d: %s", tc.discount, res)
		}
		got := listLines(t, env, a, o.ID).Totals
		opp, _, _ := getOpp(t, env, a, o.ID)
		if got.Net != tc.net || got.VATTotal != tc.vat || got.OfferDiscountAmount != tc.offer || got.Total != tc.net+tc.vat || opp.EstimatedAmount != tc.amounts {
			t.Errorf("offer discount %d: got %+v and amount %d, want net %d, VAT %d, discount %d", tc.discount, got, opp.EstimatedAmount, tc.net, tc.vat, tc.offer)
		}
	}
}

func TestLinesFromProducts(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	p := newProduct(t, env, a, map[string]any{"name": "Seat", "unit": "month", "unit_price": 29900, "vat_rate": 2500})
	eur := newProduct(t, env, a, map[string]any{"currency": "EUR"})
	off := newProduct(t, env, a, map[string]any{"active": false})
	o := newOpportunity(t, env, a, nil)
	l := addLine(t, env, a, o.ID, map[string]any{"product_id": p.ID, "quantity": 2, "discount": 1000, "description": "Annual"})
	if l.Name != "Seat" || l.Unit != "month" || l.UnitPrice != 29900 || l.VATRate != 2500 || l.Net != 53820 || l.ProductID == nil {
		t.Fatalf("copied line: got %+v, want the product's name, unit, price and VAT, net 2 × 29900 − 10 %% = 53820", l)
	}
	over := addLine(t, env, a, o.ID, map[string]any{"product_id": p.ID, "quantity": 1, "name": "Seat (special)", "unit_price": 100, "vat_rate": 600})
	if over.Name != "Seat (special)" || over.UnitPrice != 100 || over.VATRate != 600 {
		t.Errorf("overridden line: got %+v", over)
	}
	// Changing the product later leaves the lines as they were made.
	env.OK(testenv.Request{Method: "PATCH", Path: "/api/v1/products/" + p.ID, Token: a.Token, Body: map[string]any{"unit_price": 1}})
	var again lineJSON
	env.OK(testenv.Request{Method: "GET", Path: linesPath(o.ID) + "/" + l.ID, Token: a.Token}).Decode(t, &again)
	if again.UnitPrice != 29900 {
		t.Errorf("line after a product price change: got %d, want 29900 kept", again.UnitPrice)
	}
	for _, tc := range []struct {
		name  string
		body  map[string]any
		field string
		text  string
	}{
		{"other currency", map[string]any{"product_id": eur.ID, "quantity": 1}, "product_id", "priced in EUR"},
		{"inactive product", map[string]any{"product_id": off.ID, "quantity": 1}, "product_id", "inactive"},
		{"missing product", map[string]any{"product_id": newID(), "quantity": 1}, "product_id", "no such product"},
		{"free line without price", map[string]any{"name": "x", "quantity": 1, "vat_rate": 0}, "unit_price", ""},
		{"free line without name", map[string]any{"unit_price": 1, "quantity": 1, "vat_rate": 0}, "name", ""},
		{"no quantity", map[string]any{"name": "x", "unit_price": 1, "vat_rate": 0}, "quantity", "required"},
		{"zero quantity", freeLine(0, 1, 0), "quantity", ""},
		{"negative quantity", freeLine(-1, 1, 0), "quantity", ""},
		{"four decimals", freeLine(0.0001, 1, 0), "quantity", "3 decimals"},
		{"discount over 100 %", map[string]any{"name": "x", "quantity": 1, "unit_price": 1, "vat_rate": 0, "discount": 10001}, "discount", ""},
		{"negative price", freeLine(1, -1, 0), "unit_price", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := env.Do(testenv.Request{Method: "POST", Path: linesPath(o.ID), Token: a.Token, Body: tc.body})
			if res.Status != 422 || !strings.Contains(string(res.Body), `"field":"`+tc.field+`"`) || !strings.Contains(string(res.Body), tc.text) {
				t.Fatalf("got %s, want 422 on %s saying %q", res, tc.field, tc.text)
			}
		})
	}
	if res := env.Do(testenv.Request{Method: "POST", Path: linesPath(o.ID), Token: a.Token, Body: freeLine("1", 1, 0)}); res.Status != 400 {
		t.Errorf("quantity as a string: got %s, want 400", res)
	}
	if n := len(listLines(t, env, a, o.ID).Data); n != 2 {
		t.Errorf("lines after the refusals: got %d, want 2", n)
	}
}

func TestLineUpdateAndDelete(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	p := newProduct(t, env, a, map[string]any{"name": "Hosting", "unit": "month", "unit_price": 5000, "vat_rate": 2500})
	o := newOpportunity(t, env, a, map[string]any{"estimated_amount": 777})
	l := addLine(t, env, a, o.ID, freeLine(1, 1000, 2500))
	path := linesPath(o.ID) + "/" + l.ID
	step := func(body map[string]any, want func(l lineJSON) bool) lineJSON {
		t.Helper()
		res := env.Do(testenv.Request{Method: "PATCH", Path: path, Token: a.Token, Body: body})
		var got lineJSON
		res.Decode(t, &got)
		if res.Status != 200 || !want(got) {
			t.Fatalf("PATCH %v: got %s", body, res)
		}
		return got
	}
	step(map[string]any{"quantity": 1.125, "discount": 0}, func(l lineJSON) bool { return l.Quantity == 1.125 && l.Net == 1125 && l.Version == 2 })
	step(map[string]any{"product_id": p.ID}, func(l lineJSON) bool {
		return l.ProductID != nil && l.Name == "Hosting" && l.UnitPrice == 5000 && l.Unit == "month"
	})
	step(map[string]any{"product_id": nil, "unit_price": 0}, func(l lineJSON) bool { return l.ProductID == nil && l.Name == "Hosting" && l.Net == 0 })
	if opp, _, _ := getOpp(t, env, a, o.ID); opp.EstimatedAmount != 0 {
		t.Errorf("amount after a zero price: got %d, want 0", opp.EstimatedAmount)
	}
	for _, tc := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"quantity": 0}, "quantity"},
		{map[string]any{"name": ""}, "name"},
		{map[string]any{"vat_rate": -1}, "vat_rate"},
		{map[string]any{"product_id": newID()}, "product_id"},
	} {
		if res := env.Do(testenv.Request{Method: "PATCH", Path: path, Token: a.Token, Body: tc.body}); res.Status != 422 || !strings.Contains(string(res.Body), tc.field) {
			t.Errorf("PATCH %v: got %s, want 422 on %s", tc.body, res, tc.field)
		}
	}
	for _, tc := range []struct {
		method string
		path   string
		header map[string]string
		want   int
	}{
		{"GET", linesPath(o.ID) + "/" + newID(), nil, 404},
		{"GET", linesPath(newID()), nil, 404},
		{"PATCH", path, map[string]string{"If-Match": `"1"`}, 412},
		{"DELETE", path, map[string]string{"If-Match": `"1"`}, 412},
		{"DELETE", linesPath(o.ID) + "/" + newID(), nil, 404},
		{"DELETE", path, nil, 204},
		{"GET", path, nil, 404},
	} {
		var body any
		if tc.method == "PATCH" {
			body = map[string]any{"name": "x"}
		}
		if res := env.Do(testenv.Request{Method: tc.method, Path: tc.path, Token: a.Token, Header: tc.header, Body: body}); res.Status != tc.want {
			t.Errorf("%s %s: got %s, want %d", tc.method, tc.path, res, tc.want)
		}
	}
}

// TestAmountFollowsLines: while an opportunity has lines its amount is
// their net total, also on the board and in the forecast; setting it by hand
// is refused; removing the last line leaves it and makes it editable.
func TestAmountFollowsLines(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	p := defaultPipeline(t, env, a)
	o := newOpportunity(t, env, a, map[string]any{"estimated_amount": 5000, "expected_order_date": "2027-05-01"})
	l1 := addLine(t, env, a, o.ID, freeLine(2, 1500, 2500))
	l2 := addLine(t, env, a, o.ID, freeLine(1, 250, 0))
	if opp, _, _ := getOpp(t, env, a, o.ID); opp.EstimatedAmount != 3250 || opp.WeightedAmount != 325 {
		t.Fatalf("amount with lines: got %d (weighted %d), want 3250 (325 at 10 %%)", opp.EstimatedAmount, opp.WeightedAmount)
	}
	var board struct {
		Phases []struct {
			Phase  struct{ Name string }
			Totals []struct{ Amount int64 }
		}
	}
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/pipelines/" + p.ID + "/board", Token: a.Token}).Decode(t, &board)
	if c := board.Phases[0]; c.Phase.Name != "Lead" || len(c.Totals) != 1 || c.Totals[0].Amount != 3250 {
		t.Errorf("board: got %+v, want Lead totalling 3250", c)
	}
	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/forecast?from=2027-01-01&to=2027-12-31", Token: a.Token})
	if res.Status != 200 || !strings.Contains(string(res.Body), `"amount":3250`) {
		t.Errorf("forecast: got %s, want an amount of 3250", res)
	}
	res = patchOpp(env, a, o.ID, map[string]any{"estimated_amount": 9999})
	if res.Status != 422 || !strings.Contains(string(res.Body), `"field":"estimated_amount"`) || !strings.Contains(string(res.Body), "product lines") {
		t.Fatalf("amount by hand with lines: got %s, want 422 naming the lines", res)
	}
	if res := patchOpp(env, a, o.ID, map[string]any{"estimated_amount": 3250, "title": "Echoed"}); res.Status != 200 {
		t.Errorf("echoing the current amount: got %s, want 200", res)
	}
	if res := patchOpp(env, a, o.ID, map[string]any{"currency": "EUR"}); res.Status != 422 || !strings.Contains(string(res.Body), `"field":"currency"`) {
		t.Errorf("currency change under lines: got %s, want 422 on currency", res)
	}
	for _, id := range []string{l1.ID, l2.ID} {
		if res := env.Do(testenv.Request{Method: "DELETE", Path: linesPath(o.ID) + "/" + id, Token: a.Token}); res.Status != 204 {
			t.Fatalf("delete line: %s", res)
		}
	}
	opp, _, hasTotals := getOpp(t, env, a, o.ID)
	if opp.EstimatedAmount != 250 || hasTotals {
		t.Errorf("after removing the lines: got amount %d, totals %v, want 250 kept (the last net) and no totals", opp.EstimatedAmount, hasTotals)
	}
	if res := patchOpp(env, a, o.ID, map[string]any{"estimated_amount": 9999}); res.Status != 200 {
		t.Errorf("amount by hand without lines: got %s, want 200", res)
	}
}

func TestClosedOpportunityLines(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	p := defaultPipeline(t, env, a)
	o := newOpportunity(t, env, a, nil)
	l := addLine(t, env, a, o.ID, freeLine(1, 100, 2500))
	if res := patchOpp(env, a, o.ID, map[string]any{"phase_id": phaseNamed(t, p, "Won").ID}); res.Status != 200 {
		t.Fatalf("win: %s", res)
	}
	for _, r := range []testenv.Request{
		{Method: "POST", Path: linesPath(o.ID), Body: freeLine(1, 1, 0)},
		{Method: "PATCH", Path: linesPath(o.ID) + "/" + l.ID, Body: map[string]any{"quantity": 2}},
		{Method: "DELETE", Path: linesPath(o.ID) + "/" + l.ID},
		{Method: "PUT", Path: linesPath(o.ID) + "/order", Body: map[string]any{"line_ids": []string{l.ID}}},
	} {
		r.Token = a.Token
		if res := env.Do(r); res.Status != 409 || !strings.Contains(string(res.Body), "closed") {
			t.Errorf("%s %s on a won opportunity: got %s, want 409", r.Method, r.Path, res)
		}
	}
	if res := patchOpp(env, a, o.ID, map[string]any{"offer_discount": 500}); res.Status != 409 {
		t.Errorf("offer discount on a won opportunity with lines: got %s, want 409", res)
	}
	if got := listLines(t, env, a, o.ID); len(got.Data) != 1 || got.Data[0].Quantity != 1 || got.Totals.Net != 100 {
		t.Errorf("lines of the won opportunity: got %+v, want unchanged", got)
	}
}

func TestReorderLines(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	o := newOpportunity(t, env, a, nil)
	var ids []string
	for i := 0; i < 3; i++ {
		ids = append(ids, addLine(t, env, a, o.ID, freeLine(1, 100*(i+1), 0)).ID)
	}
	order := func(ids ...string) *testenv.Response {
		return env.Do(testenv.Request{Method: "PUT", Path: linesPath(o.ID) + "/order", Token: a.Token, Body: map[string]any{"line_ids": ids}})
	}
	res := order(ids[2], ids[0], ids[1])
	var got lineListJSON
	res.Decode(t, &got)
	if res.Status != 200 || len(got.Data) != 3 || got.Data[0].ID != ids[2] || got.Data[1].ID != ids[0] || got.Data[2].Position != 2 || got.Totals.Net != 600 {
		t.Fatalf("reorder: got %s", res)
	}
	for name, list := range map[string][]string{
		"missing one": {ids[0], ids[1]},
		"duplicate":   {ids[0], ids[0], ids[1]},
		"unknown":     {ids[0], ids[1], newID()},
		"extra":       {ids[0], ids[1], ids[2], newID()},
		"empty":       {},
	} {
		if res := order(list...); res.Status != 422 || !strings.Contains(string(res.Body), "line_ids") {
			t.Errorf("%s: got %s, want 422 on line_ids", name, res)
		}
	}
	if res := env.Do(testenv.Request{Method: "PUT", Path: linesPath(newID()) + "/order", Token: a.Token, Body: map[string]any{"line_ids": ids}}); res.Status != 404 {
		t.Errorf("missing opportunity: got %s, want 404", res)
	}
}

// TestConcurrentLineEdits: two edits of one line version, one wins and one
// gets 412; concurrent adds all land and the amount counts every one.
func TestConcurrentLineEdits(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	o := newOpportunity(t, env, a, nil)
	l := addLine(t, env, a, o.ID, freeLine(1, 100, 0))
	patch := func(q int) testenv.Request {
		return testenv.Request{Method: "PATCH", Path: linesPath(o.ID) + "/" + l.ID, Token: a.Token, Body: map[string]any{"quantity": q}}
	}
	env.RaceIfMatch(`"1"`, patch(2), patch(3))
	const n = 8
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			if res := env.Do(testenv.Request{Method: "POST", Path: linesPath(o.ID), Token: a.Token, Body: freeLine(1, 1000, 0)}); res.Status != http.StatusCreated {
				t.Errorf("concurrent add: %s", res)
			}
		})
	}
	wg.Wait()
	list := listLines(t, env, a, o.ID)
	opp, _, _ := getOpp(t, env, a, o.ID)
	want := int64(n*1000) + list.Data[0].Net
	if len(list.Data) != n+1 || opp.EstimatedAmount != want || list.Totals.Net != want {
		t.Errorf("after %d concurrent adds: got %d lines, amount %d, net %d; want %d lines and %d", n, len(list.Data), opp.EstimatedAmount, list.Totals.Net, n+1, want)
	}
}

// TestLineWithAnotherWorkspacesProduct: naming another workspace's product
// is the same 422 as a missing product, and nothing is written.
func TestLineWithAnotherWorkspacesProduct(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a, b := env.Signup(), env.Signup()
	theirs := newProduct(t, env, a, nil)
	o := newOpportunity(t, env, b, map[string]any{"estimated_amount": 42})
	l := addLine(t, env, b, o.ID, freeLine(1, 100, 0))
	for _, r := range []testenv.Request{
		{Method: "POST", Path: linesPath(o.ID), Body: map[string]any{"product_id": theirs.ID, "quantity": 1}},
		{Method: "POST", Path: linesPath(o.ID), Body: map[string]any{"product_id": theirs.ID, "quantity": 1, "name": "x", "unit_price": 1, "vat_rate": 0}},
		{Method: "PATCH", Path: linesPath(o.ID) + "/" + l.ID, Body: map[string]any{"product_id": theirs.ID}},
	} {
		r.Token = b.Token
		res := env.Do(r)
		if res.Status != 422 || !strings.Contains(string(res.Body), `"field":"product_id"`) || !strings.Contains(string(res.Body), "no such product") {
			t.Errorf("%s with A's product: got %s, want 422 no such product", r.Method, res)
		}
	}
	got := listLines(t, env, b, o.ID)
	if len(got.Data) != 1 || got.Data[0].Version != 1 || got.Data[0].ProductID != nil {
		t.Errorf("B's lines after the refusals: got %+v, want the one free line unchanged", got.Data)
	}
	if _, after, _ := getOpp(t, env, b, o.ID); after.Net != 100 {
		t.Errorf("B's totals: got %+v", after)
	}
}

func TestOpportunityListTotals(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	with := newOpportunity(t, env, a, map[string]any{"title": "With lines"})
	newOpportunity(t, env, a, map[string]any{"title": "Without"})
	addLine(t, env, a, with.ID, freeLine(3, 100, 2500))
	var list struct {
		Data []struct {
			Title  string
			Totals *totalsJSON
		}
	}
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/opportunities?sort=created_at", Token: a.Token}).Decode(t, &list)
	got := fmt.Sprint(len(list.Data))
	for _, o := range list.Data {
		if o.Totals != nil {
			got += fmt.Sprintf(" %s:%d/%d", o.Title, o.Totals.Net, o.Totals.Total)
		} else {
			got += " " + o.Title + ":null"
		}
	}
	if want := "2 With lines:300/375 Without:null"; got != want {
		t.Errorf("list: got %q, want %q", got, want)
	}
}

func init() {
	lineOfA := func(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
		o := newOpportunity(t, env, a, map[string]any{"title": "A's secret deal"})
		l := addLine(t, env, a, o.ID, map[string]any{"name": "A's secret line", "quantity": 1, "unit_price": 100, "vat_rate": 0})
		return fixture{params: map[string]string{"id": o.ID, "line_id": l.ID}, ids: []string{o.ID, l.ID}}
	}
	linesUnchanged := func(t *testing.T, env *testenv.Env, a testenv.Account, fx fixture) {
		got := listLines(t, env, a, fx.ids[0])
		if len(got.Data) != 1 || got.Data[0].Version != 1 || got.Data[0].Name != "A's secret line" {
			t.Errorf("A's lines changed: %+v", got.Data)
		}
	}
	line := map[string]any{"name": "B's", "quantity": 1, "unit_price": 1, "vat_rate": 0}
	addProbes(map[string]probe{
		"GET /api/v1/opportunities/:id/lines":             {kind: item, setup: lineOfA},
		"POST /api/v1/opportunities/:id/lines":            {kind: item, setup: lineOfA, body: line, check: linesUnchanged},
		"PUT /api/v1/opportunities/:id/lines/order":       {kind: item, setup: lineOfA, body: map[string]any{"line_ids": []string{}}, check: linesUnchanged},
		"GET /api/v1/opportunities/:id/lines/:line_id":    {kind: item, setup: lineOfA},
		"PATCH /api/v1/opportunities/:id/lines/:line_id":  {kind: item, setup: lineOfA, body: map[string]any{"name": "Hijacked"}, check: linesUnchanged},
		"DELETE /api/v1/opportunities/:id/lines/:line_id": {kind: item, setup: lineOfA, check: linesUnchanged},
	})
}

// The opportunity keeps its lines' totals with it (reads touch no lines),
// and an opportunity whose totals predate that is computed from its lines.
func TestOpportunityTotalsStored(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	o := newOpportunity(t, env, a, nil)
	addLine(t, env, a, o.ID, freeLine(3, 10000, 2500))
	addLine(t, env, a, o.ID, freeLine(1.5, 2000, 1200))
	_, before, ok := getOpp(t, env, a, o.ID)
	if !ok || before.Total == 0 {
		t.Fatalf("got totals %+v, want the lines' totals", before)
	}
	if n := count(t, env, `SELECT count(*) FROM opportunities WHERE id = $1 AND line_count = 2 AND totals_total = $2`, o.ID, before.Total); n != 1 {
		t.Errorf("the stored totals and line count do not match what the API shows (%+v)", before)
	}
	if _, err := env.DB.SQL().Exec(`UPDATE opportunities SET totals_total = NULL WHERE id = $1`, o.ID); err != nil {
		t.Fatal(err)
	}
	if _, legacy, _ := getOpp(t, env, a, o.ID); legacy.Total != before.Total || legacy.Net != before.Net {
		t.Errorf("without stored totals: got %+v, want %+v computed from the lines", legacy, before)
	}
	var list struct {
		Data []struct {
			ID     string      `json:"id"`
			Totals *totalsJSON `json:"totals"`
		}
	}
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/opportunities", Token: a.Token}).Decode(t, &list)
	if len(list.Data) != 1 || list.Data[0].Totals == nil || list.Data[0].Totals.Total != before.Total {
		t.Errorf("the list shows %+v, want the totals", list.Data)
	}
}
