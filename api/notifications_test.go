package api_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/acme/crm/internal/testenv"
)

type notificationJSON struct {
	ID            string  `json:"id"`
	Type          string  `json:"type"`
	Title         string  `json:"title"`
	Text          string  `json:"text"`
	QuoteID       *string `json:"quote_id"`
	OpportunityID *string `json:"opportunity_id"`
	Read          bool    `json:"read"`
}

func drain(t *testing.T, env *testenv.Env) {
	t.Helper()
	if _, err := env.App.Jobs.Drain(context.Background()); err != nil {
		t.Fatalf("run background jobs: %v", err)
	}
}

func notificationsOf(t *testing.T, env *testenv.Env, a testenv.Account, query string) []notificationJSON {
	t.Helper()
	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/notifications" + query, Token: a.Token})
	if res.Status != http.StatusOK {
		t.Fatalf("notifications: %s", res)
	}
	var list struct{ Data []notificationJSON }
	res.Decode(t, &list)
	return list.Data
}

func unread(t *testing.T, env *testenv.Env, a testenv.Account) int {
	t.Helper()
	var me struct {
		UnreadNotifications int `json:"unread_notifications"`
	}
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/me", Token: a.Token}).Decode(t, &me)
	return me.UnreadNotifications
}

// The owner is told of the first view and of the signature, in the app and
// by e-mail in their language; reading them clears the unread count; with
// e-mail notifications off only the app tells.
func TestNotifications(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	q, token, o := sentQuote(t, env, a)
	p := openPublic(t, env, token)
	openPublic(t, env, token) // the same day: no second notification
	if res := env.Do(testenv.Request{Method: "POST", Path: publicPath(token) + "/sign", Body: signBody(p.DocumentSHA256)}); res.Status != 200 {
		t.Fatalf("sign: %s", res)
	}
	drain(t, env)
	drain(t, env) // a second run finds nothing to do twice
	list := notificationsOf(t, env, a, "")
	if len(list) != 2 || list[0].Type != "quote.signed" || list[1].Type != "quote.viewed" {
		t.Fatalf("got %+v, want signed then viewed", list)
	}
	signed := list[0]
	if signed.QuoteID == nil || *signed.QuoteID != q.ID || signed.OpportunityID == nil || *signed.OpportunityID != o.ID ||
		!strings.Contains(signed.Title, "signerad") || !strings.Contains(signed.Text, "Åsa Ström") {
		t.Errorf("got %+v, want a Swedish notification naming the signer", signed)
	}
	if n := unread(t, env, a); n != 2 {
		t.Errorf("unread: got %d, want 2", n)
	}
	var mails []string
	rows, err := env.DB.SQL().Query(`SELECT subject || ' → ' || (to_addrs->>0) FROM emails WHERE purpose = 'notification' ORDER BY created_at`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		_ = rows.Scan(&s)
		mails = append(mails, s)
	}
	if len(mails) != 2 || !strings.HasSuffix(mails[1], "→ "+a.Email) || !strings.Contains(mails[1], "signerad") {
		t.Errorf("notification e-mails: got %q, want two to %s in Swedish", mails, a.Email)
	}
	var listed struct{ Data []emailJSON }
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/opportunities/" + o.ID + "/emails", Token: a.Token}).Decode(t, &listed)
	if len(listed.Data) != 0 {
		t.Errorf("the opportunity's e-mails list %d notification e-mails, want none", len(listed.Data))
	}

	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/notifications/" + signed.ID + "/read", Token: a.Token})
	var read notificationJSON
	res.Decode(t, &read)
	if res.Status != http.StatusOK || !read.Read {
		t.Errorf("read: got %s", res)
	}
	if got := notificationsOf(t, env, a, "?unread=true"); len(got) != 1 || got[0].Type != "quote.viewed" {
		t.Errorf("unread list: got %+v, want only the view", got)
	}
	member := env.Member(a)
	if res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/notifications/" + signed.ID + "/read", Token: member.Token}); res.Status != http.StatusNotFound {
		t.Errorf("a colleague reads my notification: got %s, want 404", res)
	}
	res = env.Do(testenv.Request{Method: "POST", Path: "/api/v1/notifications/read-all", Token: a.Token})
	if res.Status != http.StatusOK || !strings.Contains(string(res.Body), `"marked":1`) || unread(t, env, a) != 0 {
		t.Errorf("read-all: got %s and %d unread", res, unread(t, env, a))
	}

	res = env.Do(testenv.Request{Method: "PATCH", Path: "/api/v1/me", Token: a.Token, Body: map[string]any{
		"email_notifications": false, "language": "en"}})
	if res.Status != http.StatusOK || !strings.Contains(string(res.Body), `"email_notifications":false`) {
		t.Fatalf("turn e-mail off: %s", res)
	}
	_, token2, _ := sentQuote(t, env, a)
	if res := env.Do(testenv.Request{Method: "POST", Path: publicPath(token2) + "/reject", Body: map[string]any{
		"name": "Bo", "email": "bo@example.com", "reason": "Not now"}}); res.Status != 200 {
		t.Fatalf("reject: %s", res)
	}
	drain(t, env)
	latest := notificationsOf(t, env, a, "?unread=true")
	if len(latest) != 1 || latest[0].Type != "quote.rejected" || !strings.Contains(latest[0].Title, "declined") ||
		!strings.Contains(latest[0].Text, "Not now") {
		t.Errorf("after rejection: got %+v, want one English notification with the reason", latest)
	}
	if n := count(t, env, `SELECT count(*) FROM emails WHERE purpose = 'notification'`); n != 2 {
		t.Errorf("%d notification e-mails after turning them off, want still 2", n)
	}
}

// 50 concurrent signatures notify the salesperson once, in the app and by
// e-mail.
func TestNotificationOncePerSignature(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	_, token, _ := sentQuote(t, env, a)
	p := openPublic(t, env, token)
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			env.Do(testenv.Request{Method: "POST", Path: publicPath(token) + "/sign", Body: signBody(p.DocumentSHA256)})
		}()
	}
	wg.Wait()
	drain(t, env)
	if n := count(t, env, `SELECT count(*) FROM notifications WHERE type = 'quote.signed'`); n != 1 {
		t.Errorf("%d signed notifications, want 1", n)
	}
	if n := count(t, env, `SELECT count(*) FROM emails WHERE purpose = 'notification' AND subject LIKE '%signerad%'`); n != 1 {
		t.Errorf("%d signed e-mails to the salesperson, want 1", n)
	}
}

// The expiry job expires lapsed quotes once, tells the salesperson, and in
// workspaces that ask for it moves the opportunity to the expired phase.
func TestQuoteExpiry(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	res := env.Do(testenv.Request{Method: "PATCH", Path: "/api/v1/workspace", Token: a.Token, Body: map[string]any{
		"expire_opportunities": true, "time_zone": "Pacific/Kiritimati"}})
	if res.Status != http.StatusOK || !strings.Contains(string(res.Body), `"time_zone":"Pacific/Kiritimati"`) {
		t.Fatalf("settings: %s", res)
	}
	if res := env.Do(testenv.Request{Method: "PATCH", Path: "/api/v1/workspace", Token: a.Token, Body: map[string]any{
		"time_zone": "Mars/Olympus"}}); res.Status != http.StatusUnprocessableEntity || problemOf(t, res).fields() != "time_zone" {
		t.Errorf("unknown time zone: got %s, want 422 on time_zone", res)
	}
	lapsed, _, lapsedOpp := sentQuote(t, env, a)
	current, _, _ := sentQuote(t, env, a)
	for id, days := range map[string]int{lapsed.ID: 1, current.ID: 0} {
		if _, err := env.DB.SQL().Exec(`UPDATE quotes SET valid_until = (now() AT TIME ZONE 'Pacific/Kiritimati')::date - $2::int WHERE id = $1`, id, days); err != nil {
			t.Fatal(err)
		}
	}
	n, err := env.App.Quoting.ExpireDue(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("expire: got %d, %v; want 1 (the one whose last day ended in Kiritimati)", n, err)
	}
	if n, _ := env.App.Quoting.ExpireDue(context.Background()); n != 0 {
		t.Errorf("a second run expired %d more, want 0", n)
	}
	drain(t, env)
	var q quoteJSON
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/quotes/" + lapsed.ID, Token: a.Token}).Decode(t, &q)
	opp, _, _ := getOpp(t, env, a, lapsedOpp.ID)
	if q.Status != "expired" || opp.Status != "expired" {
		t.Errorf("got quote %s and opportunity %s, want both expired", q.Status, opp.Status)
	}
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/quotes/" + current.ID, Token: a.Token}).Decode(t, &q)
	if q.Status != "sent" {
		t.Errorf("the quote valid through today is %s, want sent", q.Status)
	}
	if got := notificationsOf(t, env, a, ""); len(got) != 1 || got[0].Type != "quote.expired" {
		t.Errorf("got %+v, want one quote.expired notification", got)
	}
	ev := evidenceOf(t, env, a, lapsed.ID)
	if last := ev.Records[len(ev.Records)-1]; last.Action != "expire" || last.ActorKind != "system" || !ev.ChainValid {
		t.Errorf("evidence ends with %+v, want expire by the system in a valid chain", last)
	}
}

func init() {
	addProbes(map[string]probe{
		"GET /api/v1/notifications":           {kind: list, setup: notificationOfA},
		"POST /api/v1/notifications/:id/read": {kind: item, setup: notificationOfA},
		"POST /api/v1/notifications/read-all": {kind: own, setup: notificationOfA, check: notificationOfAUnread},
		"PATCH /api/v1/me":                    {kind: own, body: map[string]any{"language": "sv"}},
	})
}

func notificationOfA(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
	_, token, _ := sentQuote(t, env, a)
	openPublic(t, env, token)
	drain(t, env)
	list := notificationsOf(t, env, a, "?unread=true")
	if len(list) == 0 {
		t.Fatal("A has no notification")
	}
	return fixture{params: map[string]string{"id": list[0].ID}, ids: []string{list[0].ID}}
}

func notificationOfAUnread(t *testing.T, env *testenv.Env, a testenv.Account, fx fixture) {
	if unread(t, env, a) == 0 {
		t.Error("B's read-all marked A's notifications read")
	}
}
