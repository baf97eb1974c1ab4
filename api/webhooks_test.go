package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/acme/crm/internal/app"
	"github.com/acme/crm/internal/testenv"
)

// receiver is a test webhook endpoint on 127.0.0.1 that records what it
// gets and answers with the codes it is given (then 200).
type receiver struct {
	srv   *httptest.Server
	mu    sync.Mutex
	got   []received
	codes []int
	body  []byte // the answer's body (default {"ok":true})
}

type received struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T, codes ...int) *receiver {
	r := &receiver{codes: codes}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, received{header: req.Header.Clone(), body: body})
		code := http.StatusOK
		if len(r.codes) > 0 {
			code, r.codes = r.codes[0], r.codes[1:]
		}
		r.mu.Unlock()
		w.WriteHeader(code)
		if r.body != nil {
			_, _ = w.Write(r.body)
			return
		}
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

// webhookEnv is the product with plain http to 127.0.0.1 allowed and
// retries without waiting.
func webhookEnv(t *testing.T) *testenv.Env {
	return testenv.New(t, func(c *app.Config) {
		c.Webhooks = app.WebhookConfig{AllowHTTP: []string{"127.0.0.1"},
			AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")},
			Retries:      []time.Duration{0, 0, 0, 0}}
	})
}

type webhookJSON struct {
	ID                      string   `json:"id"`
	URL                     string   `json:"url"`
	EventTypes              []string `json:"event_types"`
	Enabled                 bool     `json:"enabled"`
	DisabledReason          string   `json:"disabled_reason"`
	Secret                  string   `json:"secret"`
	PreviousSecretExpiresAt *string  `json:"previous_secret_expires_at"`
}

func createWebhook(t *testing.T, env *testenv.Env, a testenv.Account, body map[string]any) webhookJSON {
	t.Helper()
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/webhooks", Token: a.Token, Body: body})
	if res.Status != http.StatusCreated {
		t.Fatalf("create webhook: %s", res)
	}
	var w webhookJSON
	res.Decode(t, &w)
	return w
}

type deliveryJSON struct {
	ID         string `json:"id"`
	EventID    string `json:"event_id"`
	EventType  string `json:"event_type"`
	Attempt    int    `json:"attempt"`
	Trigger    string `json:"trigger"`
	Succeeded  bool   `json:"succeeded"`
	StatusCode *int   `json:"status_code"`
	Error      string `json:"error"`
	Response   string `json:"response"`
}

func deliveries(t *testing.T, env *testenv.Env, a testenv.Account, id string) []deliveryJSON {
	t.Helper()
	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/webhooks/" + id + "/deliveries?limit=200", Token: a.Token})
	if res.Status != http.StatusOK {
		t.Fatalf("deliveries: %s", res)
	}
	var list struct{ Data []deliveryJSON }
	res.Decode(t, &list)
	return list.Data
}

type deliveryBody struct {
	Type      string                     `json:"type"`
	Timestamp time.Time                  `json:"timestamp"`
	Data      map[string]json.RawMessage `json:"data"`
}

// verified checks every request's signature with the Standard Webhooks
// reference verifier and answers the bodies.
func verified(t *testing.T, secret string, rs []received) []deliveryBody {
	t.Helper()
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]deliveryBody, len(rs))
	for i, r := range rs {
		if err := wh.Verify(r.body, r.header); err != nil {
			t.Fatalf("delivery %d does not verify: %v (%s)", i, err, r.body)
		}
		if r.header.Get("webhook-id") == "" {
			t.Fatalf("delivery %d has no webhook-id", i)
		}
		if err := json.Unmarshal(r.body, &out[i]); err != nil {
			t.Fatalf("delivery %d: %v", i, err)
		}
	}
	return out
}

// Each event of the workspace reaches a "*" subscriber exactly once, signed
// so that the Standard Webhooks reference verifier accepts it, and the
// update carries the previous values of what changed.
func TestWebhookDeliversEveryTypeOnceSigned(t *testing.T) {
	env := webhookEnv(t)
	a := env.Signup()
	r := newReceiver(t)
	w := createWebhook(t, env, a, map[string]any{"url": r.srv.URL + "/hook", "event_types": []string{"*"}})
	if !strings.HasPrefix(w.Secret, "whsec_") || len(w.Secret) != len("whsec_")+44 {
		t.Fatalf("secret %q: want whsec_ and base64 of 32 bytes", w.Secret)
	}
	if res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/webhooks/" + w.ID, Token: a.Token}); strings.Contains(string(res.Body), w.Secret) {
		t.Fatalf("GET shows the secret: %s", res)
	}

	p := defaultPipeline(t, env, a)
	o := newOpportunity(t, env, a, map[string]any{"estimated_amount": 1000})
	if res := patchOpp(env, a, o.ID, map[string]any{"estimated_amount": 2500}); res.Status != 200 {
		t.Fatalf("patch: %s", res)
	}
	if res := patchOpp(env, a, o.ID, map[string]any{"phase_id": phaseNamed(t, p, "Won").ID}); res.Status != 200 {
		t.Fatalf("win: %s", res)
	}
	lost := newOpportunity(t, env, a, nil)
	if res := patchOpp(env, a, lost.ID, map[string]any{"phase_id": phaseNamed(t, p, "Lost").ID}); res.Status != 200 {
		t.Fatalf("lose: %s", res)
	}
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/tasks", Token: a.Token, Body: map[string]any{"title": "Call"}})
	var task struct{ ID string }
	res.Decode(t, &task)
	if res := env.Do(testenv.Request{Method: "PATCH", Path: "/api/v1/tasks/" + task.ID, Token: a.Token, Body: map[string]any{"status": "done"}}); res.Status != 200 {
		t.Fatalf("complete task: %s", res)
	}
	if res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/persons", Token: a.Token, Body: map[string]any{"first_name": "Åsa"}}); res.Status != 201 {
		t.Fatalf("person: %s", res)
	}
	_, token, _ := sentQuote(t, env, a)
	pq := openPublic(t, env, token)
	if res := env.Do(testenv.Request{Method: "POST", Path: publicPath(token) + "/sign", Body: signBody(pq.DocumentSHA256)}); res.Status != 200 {
		t.Fatalf("sign: %s", res)
	}
	_, token, _ = sentQuote(t, env, a)
	if res := env.Do(testenv.Request{Method: "POST", Path: publicPath(token) + "/reject", Body: map[string]any{
		"name": "Åsa", "email": "asa@oberg.example", "reason": "Too expensive"}}); res.Status != 200 {
		t.Fatalf("reject: %s", res)
	}
	_, token, _ = sentQuote(t, env, a)
	if res := env.Do(testenv.Request{Method: "POST", Path: publicPath(token) + "/change-request", Body: map[string]any{
		"name": "Åsa", "email": "asa@oberg.example", "comment": "Cheaper please"}}); res.Status != 200 {
		t.Fatalf("change request: %s", res)
	}
	inv := newInvoice(t, env, a, invoiceableOpportunity(t, env, a).ID, nil)
	issue(t, env, a, inv.ID, nil)
	if res := env.Do(testenv.Request{Method: "DELETE", Path: "/api/v1/opportunities/" + lost.ID, Token: a.Token}); res.Status != 204 {
		t.Fatalf("delete: %s", res)
	}
	drain(t, env)
	drain(t, env) // a second pass finds nothing more to send

	bodies := verified(t, w.Secret, r.requests())
	ids := map[string]int{}
	types := map[string]int{}
	for i, rq := range r.requests() {
		ids[rq.header.Get("webhook-id")]++
		types[bodies[i].Type]++
	}
	for id, n := range ids {
		if n != 1 {
			t.Errorf("event %s delivered %d times, want once", id, n)
		}
	}
	for _, want := range []string{"opportunity.created", "opportunity.updated", "opportunity.phase_changed", "opportunity.won",
		"opportunity.lost", "opportunity.deleted", "task.created", "task.completed", "organization.created",
		"person.created", "quote.sent", "quote.viewed", "quote.signed", "quote.rejected", "quote.change_requested",
		"invoice.issued"} {
		if types[want] == 0 {
			t.Errorf("no %s delivered; got %v", want, types)
		}
	}
	found := false
	for _, b := range bodies {
		var prev map[string]any
		_ = json.Unmarshal(b.Data["previous"], &prev)
		if b.Type == "opportunity.updated" && string(b.Data["id"]) == `"`+o.ID+`"` && prev["estimated_amount"] == float64(1000) {
			found = string(b.Data["estimated_amount"]) == "2500" && prev["title"] == nil
		}
	}
	if !found {
		t.Error("no opportunity.updated with estimated_amount 2500 and only the changed fields' previous values (1000)")
	}
	// Each delivery's data is the record as the API returns it: it matches
	// the type's schema in openapi.yaml, and where the record has not
	// changed since, it is exactly what GET answers now.
	for i, rq := range r.requests() {
		var raw struct{ Data json.RawMessage }
		if err := json.Unmarshal(rq.body, &raw); err != nil {
			t.Fatal(err)
		}
		testenv.CheckSchema(t, "WebhookData_"+strings.ReplaceAll(bodies[i].Type, ".", "_"), raw.Data)
	}
	last := func(typ string) json.RawMessage {
		for i := len(bodies) - 1; i >= 0; i-- {
			if bodies[i].Type == typ {
				var raw struct{ Data json.RawMessage }
				_ = json.Unmarshal(r.requests()[i].body, &raw)
				return raw.Data
			}
		}
		t.Fatalf("no %s delivered", typ)
		return nil
	}
	for typ, path := range map[string]string{"quote.signed": "/api/v1/quotes/", "invoice.issued": "/api/v1/invoices/",
		"task.completed": "/api/v1/tasks/", "person.created": "/api/v1/persons/", "opportunity.won": "/api/v1/opportunities/"} {
		data := last(typ)
		var id struct{ ID string }
		_ = json.Unmarshal(data, &id)
		got := env.OK(testenv.Request{Method: "GET", Path: path + id.ID, Token: a.Token})
		if !jsonEqual(t, data, got.Body, "previous") {
			t.Errorf("%s data is not the record as GET %s%s answers it:\n data %s\n GET  %s", typ, path, id.ID, data, got.Body)
		}
	}
	var won struct {
		Totals   json.RawMessage
		Previous map[string]any
	}
	_ = json.Unmarshal(last("opportunity.won"), &won)
	if won.Previous["phase_id"] == nil || len(won.Totals) == 0 {
		t.Errorf("opportunity.won: want totals and previous.phase_id, got %s", last("opportunity.won"))
	}
	if d := deliveries(t, env, a, w.ID); len(d) != len(bodies) || !d[0].Succeeded || d[0].StatusCode == nil || *d[0].StatusCode != 200 || d[0].Response != `{"ok":true}` {
		t.Errorf("deliveries: got %d (%+v), want %d succeeded with the answer", len(d), d[0], len(bodies))
	}
}

// A receiver that fails twice gets the event on the third attempt, with the
// same webhook-id; each attempt is in the log.
func TestWebhookRetriesUntilDelivered(t *testing.T) {
	env := webhookEnv(t)
	a := env.Signup()
	r := newReceiver(t, 500, 503)
	w := createWebhook(t, env, a, map[string]any{"url": r.srv.URL, "event_types": []string{"organization.created"}})
	if res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/organizations", Token: a.Token, Body: map[string]any{"name": "Acme"}}); res.Status != 201 {
		t.Fatalf("organization: %s", res)
	}
	drain(t, env)
	got := r.requests()
	verified(t, w.Secret, got)
	if len(got) != 3 || got[0].header.Get("webhook-id") != got[2].header.Get("webhook-id") {
		t.Fatalf("got %d requests, want 3 of one event", len(got))
	}
	d := deliveries(t, env, a, w.ID)
	if len(d) != 3 || !d[0].Succeeded || d[0].Attempt != 3 || *d[1].StatusCode != 503 || *d[2].StatusCode != 500 || d[2].Succeeded {
		t.Fatalf("deliveries: %+v", d)
	}
	if d[1].Trigger != "retry" || d[2].Trigger != "event" {
		t.Errorf("triggers: %s, %s", d[1].Trigger, d[2].Trigger)
	}
}

// A 410 answer disables the subscription and tells the admins.
func TestWebhookGoneDisables(t *testing.T) {
	env := webhookEnv(t)
	a := env.Signup()
	r := newReceiver(t, http.StatusGone)
	w := createWebhook(t, env, a, map[string]any{"url": r.srv.URL, "event_types": []string{"person.created"}})
	for range 2 {
		env.Do(testenv.Request{Method: "POST", Path: "/api/v1/persons", Token: a.Token, Body: map[string]any{"first_name": "P"}})
	}
	drain(t, env)
	if n := len(r.requests()); n != 1 {
		t.Errorf("got %d requests, want 1 (then disabled)", n)
	}
	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/webhooks/" + w.ID, Token: a.Token})
	var got webhookJSON
	res.Decode(t, &got)
	if got.Enabled || got.DisabledReason != "gone" {
		t.Fatalf("after 410: %s", res)
	}
	list := notificationsOf(t, env, a, "")
	if len(list) != 1 || list[0].Type != "webhook.disabled" {
		t.Fatalf("admin notifications: %+v", list)
	}
	// Enabling it again clears the reason.
	res = env.Do(testenv.Request{Method: "PATCH", Path: "/api/v1/webhooks/" + w.ID, Token: a.Token, Body: map[string]any{"enabled": true}})
	res.Decode(t, &got)
	if !got.Enabled || got.DisabledReason != "" {
		t.Fatalf("enable: %s", res)
	}
}

// A receiver failing for DisableAfter is disabled and the admins are
// told; only the first 1 KiB of its answers is kept.
func TestWebhookSustainedFailureDisables(t *testing.T) {
	env := testenv.New(t, func(c *app.Config) {
		c.Webhooks = app.WebhookConfig{AllowHTTP: []string{"127.0.0.1"},
			AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")},
			Retries:      []time.Duration{0, 0, 0}, DisableAfter: time.Microsecond}
	})
	a := env.Signup()
	r := newReceiver(t, 500, 500, 500, 500)
	r.body = []byte(strings.Repeat("x", 200<<10))
	w := createWebhook(t, env, a, map[string]any{"url": r.srv.URL, "event_types": []string{"person.created"}})
	env.Do(testenv.Request{Method: "POST", Path: "/api/v1/persons", Token: a.Token, Body: map[string]any{"first_name": "P"}})
	drain(t, env)
	var got webhookJSON
	env.Do(testenv.Request{Method: "GET", Path: "/api/v1/webhooks/" + w.ID, Token: a.Token}).Decode(t, &got)
	if got.Enabled || got.DisabledReason != "failing" {
		t.Fatalf("after failing: %+v", got)
	}
	d := deliveries(t, env, a, w.ID)
	if len(d) != len(r.requests()) || len(d) == 0 || len(d) > 2 || len(d[0].Response) != 1024 {
		t.Fatalf("got %d attempts (%d requests), excerpt %d bytes; want 1-2 attempts and 1024", len(d), len(r.requests()), len(d[0].Response))
	}
	if list := notificationsOf(t, env, a, ""); len(list) != 1 || list[0].Type != "webhook.disabled" {
		t.Fatalf("admin notifications: %+v", list)
	}
	// A disabled subscription gets nothing more, and cannot be replayed.
	env.Do(testenv.Request{Method: "POST", Path: "/api/v1/persons", Token: a.Token, Body: map[string]any{"first_name": "Q"}})
	drain(t, env)
	if n := len(deliveries(t, env, a, w.ID)); n != len(d) {
		t.Errorf("disabled subscription got %d more attempts", n-len(d))
	}
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/webhooks/" + w.ID + "/replay?since=" + time.Now().Add(-time.Hour).UTC().Format(time.RFC3339), Token: a.Token})
	if res.Status != http.StatusConflict {
		t.Errorf("replay of a disabled webhook: %s, want 409", res)
	}
}

// Redelivery and replay send events again with their webhook-id.
func TestWebhookRedeliverAndReplay(t *testing.T) {
	env := webhookEnv(t)
	a := env.Signup()
	r := newReceiver(t)
	start := time.Now().Add(-time.Second)
	w := createWebhook(t, env, a, map[string]any{"url": r.srv.URL, "event_types": []string{"person.created"}})
	for range 3 {
		env.Do(testenv.Request{Method: "POST", Path: "/api/v1/persons", Token: a.Token, Body: map[string]any{"first_name": "P"}})
	}
	drain(t, env)
	first := r.requests()
	if len(first) != 3 {
		t.Fatalf("got %d, want 3", len(first))
	}
	d := deliveries(t, env, a, w.ID)
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/webhooks/" + w.ID + "/deliveries/" + d[0].ID + "/redeliver", Token: a.Token})
	if res.Status != http.StatusAccepted {
		t.Fatalf("redeliver: %s", res)
	}
	drain(t, env)
	got := r.requests()
	if len(got) != 4 || got[3].header.Get("webhook-id") != d[0].EventID {
		t.Fatalf("after redeliver: %d requests, last %s; want 4, last %s", len(got), got[len(got)-1].header.Get("webhook-id"), d[0].EventID)
	}
	verified(t, w.Secret, got)
	if d := deliveries(t, env, a, w.ID); d[0].Trigger != "redeliver" || d[0].Attempt != 2 {
		t.Errorf("redelivery logged as %+v", d[0])
	}

	res = env.Do(testenv.Request{Method: "POST", Path: "/api/v1/webhooks/" + w.ID + "/replay?since=" + start.UTC().Format(time.RFC3339), Token: a.Token})
	var replay struct{ Queued int }
	res.Decode(t, &replay)
	if res.Status != http.StatusAccepted || replay.Queued != 3 {
		t.Fatalf("replay: %s", res)
	}
	drain(t, env)
	got = r.requests()
	if len(got) != 7 {
		t.Fatalf("after replay: %d requests, want 7", len(got))
	}
	for i := range 3 {
		if got[4+i].header.Get("webhook-id") != first[i].header.Get("webhook-id") {
			t.Errorf("replay %d: id %s, want %s in order", i, got[4+i].header.Get("webhook-id"), first[i].header.Get("webhook-id"))
		}
	}
	for _, q := range []string{"", "?since=yesterday", "?since=2000-01-01T00:00:00Z"} {
		res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/webhooks/" + w.ID + "/replay" + q, Token: a.Token})
		if res.Status != 422 || !strings.Contains(string(res.Body), `"since"`) {
			t.Errorf("replay%s: got %s, want 422 naming since", q, res)
		}
	}
}

// A subscription filtered to one pipeline hears nothing of another.
func TestWebhookPipelineFilter(t *testing.T) {
	env := webhookEnv(t)
	a := env.Signup()
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/pipelines", Token: a.Token, Body: map[string]any{
		"name": "Second", "phases": phases("A 10 open", "Won 100 won", "Lost 0 lost")}})
	var second pipelineJSON
	res.Decode(t, &second)
	r := newReceiver(t)
	createWebhook(t, env, a, map[string]any{"url": r.srv.URL, "event_types": []string{"*"}, "pipeline_id": second.ID})
	newOpportunity(t, env, a, nil) // in the default pipeline
	drain(t, env)
	if n := len(r.requests()); n != 0 {
		t.Fatalf("got %d deliveries from another pipeline, want 0", n)
	}
	o := newOpportunity(t, env, a, map[string]any{"pipeline_id": second.ID})
	drain(t, env)
	got := r.requests()
	if len(got) == 0 {
		t.Fatal("nothing delivered from the subscribed pipeline")
	}
	for _, rq := range got {
		if !strings.Contains(string(rq.body), o.ID) {
			t.Errorf("unexpected delivery %s", rq.body)
		}
	}
}

// After a rotation, deliveries carry two signatures: receivers with the old
// or the new secret both verify them.
func TestWebhookRotateSecret(t *testing.T) {
	env := webhookEnv(t)
	a := env.Signup()
	r := newReceiver(t)
	w := createWebhook(t, env, a, map[string]any{"url": r.srv.URL, "event_types": []string{"person.created"}})
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/webhooks/" + w.ID + "/rotate-secret", Token: a.Token})
	var rotated webhookJSON
	res.Decode(t, &rotated)
	if res.Status != 200 || rotated.Secret == w.Secret || !strings.HasPrefix(rotated.Secret, "whsec_") || rotated.PreviousSecretExpiresAt == nil {
		t.Fatalf("rotate: %s", res)
	}
	env.Do(testenv.Request{Method: "POST", Path: "/api/v1/persons", Token: a.Token, Body: map[string]any{"first_name": "P"}})
	drain(t, env)
	got := r.requests()
	verified(t, w.Secret, got)
	verified(t, rotated.Secret, got)
	if sigs := strings.Fields(got[0].header.Get("webhook-signature")); len(sigs) != 2 {
		t.Errorf("signatures %v, want two", sigs)
	}
}

// The ping goes to the one subscription and is logged.
func TestWebhookTestPing(t *testing.T) {
	env := webhookEnv(t)
	a := env.Signup()
	r, other := newReceiver(t), newReceiver(t)
	w := createWebhook(t, env, a, map[string]any{"url": r.srv.URL, "event_types": []string{"*"}})
	createWebhook(t, env, a, map[string]any{"url": other.srv.URL, "event_types": []string{"*"}})
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/webhooks/" + w.ID + "/test", Token: a.Token})
	if res.Status != http.StatusAccepted {
		t.Fatalf("test: %s", res)
	}
	drain(t, env)
	bodies := verified(t, w.Secret, r.requests())
	if len(bodies) != 1 || bodies[0].Type != "webhook.ping" || len(other.requests()) != 0 {
		t.Fatalf("ping: got %+v here and %d elsewhere", bodies, len(other.requests()))
	}
	if d := deliveries(t, env, a, w.ID); len(d) != 1 || d[0].Trigger != "test" {
		t.Errorf("deliveries: %+v", d)
	}
}

// Bad subscriptions are 422 naming the field; members cannot manage them.
func TestWebhookValidation(t *testing.T) {
	env := webhookEnv(t)
	a := env.Signup()
	for _, tc := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"http", map[string]any{"url": "http://hooks.example.com/", "event_types": []string{"*"}}, "url"},
		{"user-info", map[string]any{"url": "https://u:p@hooks.example.com/", "event_types": []string{"*"}}, "url"},
		{"loopback literal", map[string]any{"url": "https://127.0.0.2/", "event_types": []string{"*"}}, "url"},
		{"metadata", map[string]any{"url": "https://169.254.169.254/latest", "event_types": []string{"*"}}, "url"},
		{"ftp", map[string]any{"url": "ftp://hooks.example.com/", "event_types": []string{"*"}}, "url"},
		{"unknown type", map[string]any{"url": "https://hooks.example.com/", "event_types": []string{"deal.done"}}, "event_types"},
		{"no types", map[string]any{"url": "https://hooks.example.com/", "event_types": []string{}}, "event_types"},
		{"other pipeline", map[string]any{"url": "https://hooks.example.com/", "event_types": []string{"*"}, "pipeline_id": newID()}, "pipeline_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/webhooks", Token: a.Token, Body: tc.body})
			if res.Status != 422 || !strings.Contains(string(res.Body), `"`+tc.field+`"`) {
				t.Fatalf("got %s, want 422 naming %s", res, tc.field)
			}
		})
	}
	if n := count(t, env, `SELECT count(*) FROM webhook_subscriptions`); n != 0 {
		t.Errorf("bad input stored %d subscriptions", n)
	}
	m := env.Member(a)
	if res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/webhooks", Token: m.Token}); res.Status != 403 {
		t.Errorf("member lists webhooks: %s", res)
	}
	var types struct {
		Data []struct {
			Type    string
			Example map[string]any
		}
	}
	env.Do(testenv.Request{Method: "GET", Path: "/api/v1/webhook-event-types", Token: m.Token}).Decode(t, &types)
	if len(types.Data) < 20 || types.Data[0].Example == nil {
		t.Errorf("event types: %+v", types.Data)
	}
}

func init() {
	webhookOfA := func(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
		res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/webhooks", Token: a.Token,
			Body: map[string]any{"url": "https://localhost/a", "event_types": []string{"person.created"}}})
		var w webhookJSON
		res.Decode(t, &w)
		return fixture{params: map[string]string{"id": w.ID}, ids: []string{w.ID}}
	}
	deliveryOfA := func(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
		fx := webhookOfA(t, env, a)
		env.Do(testenv.Request{Method: "POST", Path: "/api/v1/webhooks/" + fx.params["id"] + "/test", Token: a.Token})
		drain(t, env) // localhost is refused at dial time: the attempt fails and is logged
		d := deliveries(t, env, a, fx.params["id"])
		if len(d) == 0 {
			t.Fatal("A has no delivery")
		}
		fx.params["delivery_id"] = d[0].ID
		fx.ids = append(fx.ids, d[0].ID)
		return fx
	}
	addProbes(map[string]probe{
		"GET /api/v1/webhook-event-types":                             {kind: own},
		"GET /api/v1/webhooks":                                        {kind: list, setup: webhookOfA},
		"POST /api/v1/webhooks":                                       {kind: own, body: map[string]any{"url": "https://localhost/b", "event_types": []string{"*"}}},
		"GET /api/v1/webhooks/:id":                                    {kind: item, setup: webhookOfA},
		"PATCH /api/v1/webhooks/:id":                                  {kind: item, setup: webhookOfA, body: map[string]any{"enabled": false}},
		"DELETE /api/v1/webhooks/:id":                                 {kind: item, setup: webhookOfA},
		"POST /api/v1/webhooks/:id/rotate-secret":                     {kind: item, setup: webhookOfA},
		"POST /api/v1/webhooks/:id/test":                              {kind: item, setup: webhookOfA},
		"POST /api/v1/webhooks/:id/replay":                            {kind: item, setup: webhookOfA},
		"GET /api/v1/webhooks/:id/deliveries":                         {kind: item, setup: webhookOfA},
		"POST /api/v1/webhooks/:id/deliveries/:delivery_id/redeliver": {kind: item, setup: deliveryOfA},
	})
}

// The periodic prune drops events past the retention, with their messages,
// but keeps the quote and invoice events the timeline shows.
func TestWebhookPruneEvents(t *testing.T) {
	env := webhookEnv(t)
	a := env.Signup()
	r := newReceiver(t)
	createWebhook(t, env, a, map[string]any{"url": r.srv.URL, "event_types": []string{"*"}})
	env.Do(testenv.Request{Method: "POST", Path: "/api/v1/persons", Token: a.Token, Body: map[string]any{"first_name": "P"}})
	sentQuote(t, env, a)
	drain(t, env)
	if _, err := env.DB.SQL().Exec(`UPDATE events SET occurred_at = occurred_at - interval '31 days'`); err != nil {
		t.Fatal(err)
	}
	if _, err := env.DB.SQL().Exec(`UPDATE webhook_messages SET created_at = created_at - interval '31 days'`); err != nil {
		t.Fatal(err)
	}
	quoteEvents := count(t, env, `SELECT count(*) FROM events WHERE type LIKE 'quote.%'`)
	if n, err := env.App.Webhooks.Prune(context.Background()); err != nil || n == 0 {
		t.Fatalf("prune: %d, %v", n, err)
	}
	if n := count(t, env, `SELECT count(*) FROM events WHERE type NOT LIKE 'quote.%' AND type NOT LIKE 'invoice.%'`); n != 0 {
		t.Errorf("%d old events left", n)
	}
	if n := count(t, env, `SELECT count(*) FROM events WHERE type LIKE 'quote.%'`); n != quoteEvents || n == 0 {
		t.Errorf("quote events: %d left of %d", n, quoteEvents)
	}
	if n := count(t, env, `SELECT count(*) FROM webhook_messages`) + count(t, env, `SELECT count(*) FROM webhook_deliveries`); n != 0 {
		t.Errorf("%d old messages and attempts left", n)
	}
}

// jsonEqual reports whether two JSON objects hold the same value, leaving
// out a's fields named in except.
func jsonEqual(t *testing.T, a, b []byte, except ...string) bool {
	t.Helper()
	var va, vb map[string]any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatal(err)
	}
	for _, k := range except {
		delete(va, k)
	}
	return reflect.DeepEqual(va, vb)
}
