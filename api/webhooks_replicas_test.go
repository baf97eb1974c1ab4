package api_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/acme/crm/internal/app"
	"github.com/acme/crm/internal/auth"
	"github.com/acme/crm/internal/testenv"
)

// Two replicas working the same queue deliver each event once: the fan-out
// makes one message per (subscription, event), and an attempt runs only for
// the replica whose conditional claim of the message succeeds.
func TestWebhookTwoReplicasDeliverOnce(t *testing.T) {
	cfg := func(c *app.Config) {
		c.Webhooks = app.WebhookConfig{AllowHTTP: []string{"127.0.0.1"},
			AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, Retries: []time.Duration{0, 0}}
		c.JobPollInterval = 100 * time.Millisecond
	}
	env := testenv.New(t, cfg)
	keys, err := auth.ParseKeyring(env.Keys)
	if err != nil {
		t.Fatal(err)
	}
	second := app.Config{TokenKeys: keys, PublicURL: "http://crm.test"}
	cfg(&second)
	other, err := app.New(second, env.DB, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []*app.App{env.App, other} {
		if err := a.Jobs.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_ = a.Jobs.Stop(ctx)
		})
	}
	a := env.Signup()
	r := newReceiver(t)
	w := createWebhook(t, env, a, map[string]any{"url": r.srv.URL, "event_types": []string{"person.created"}})
	const n = 20
	for range n {
		if res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/persons", Token: a.Token, Body: map[string]any{"first_name": "P"}}); res.Status != http.StatusCreated {
			t.Fatalf("person: %s", res)
		}
	}
	// Wait until every webhook job is finished, then count.
	deadline := time.Now().Add(60 * time.Second)
	for {
		pending := count(t, env, `SELECT count(*) FROM river_job WHERE kind IN ('event_reaction', 'deliver_webhook')
			AND state NOT IN ('completed', 'discarded', 'cancelled')`)
		if pending == 0 && len(r.requests()) >= n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 60 s: %d jobs pending, %d requests", pending, len(r.requests()))
		}
		time.Sleep(50 * time.Millisecond)
	}
	workers := count(t, env, `SELECT count(DISTINCT attempted_by[array_length(attempted_by, 1)]) FROM river_job WHERE kind = 'deliver_webhook'`)
	t.Logf("deliveries worked by %d replicas", workers)
	ids := map[string]int{}
	for _, rq := range verifiedRequests(t, w.Secret, r) {
		ids[rq]++
	}
	if len(ids) != n {
		t.Errorf("got %d distinct events, want %d", len(ids), n)
	}
	for id, c := range ids {
		if c != 1 {
			t.Errorf("event %s delivered %d times, want once", id, c)
		}
	}
}

func verifiedRequests(t *testing.T, secret string, r *receiver) []string {
	t.Helper()
	got := r.requests()
	verified(t, secret, got)
	out := make([]string, len(got))
	for i, rq := range got {
		out[i] = rq.header.Get("webhook-id")
	}
	return out
}
