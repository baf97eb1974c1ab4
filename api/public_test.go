package api_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/acme/crm/internal/app"
	"github.com/acme/crm/internal/testenv"
)

type publicQuoteJSON struct {
	Number         string   `json:"number"`
	Revision       int      `json:"revision"`
	Status         string   `json:"status"`
	State          string   `json:"state"`
	AllowedActions []string `json:"allowed_actions"`
	DocumentSHA256 string   `json:"document_sha256"`
	PDFURL         string   `json:"pdf_url"`
	Lines          []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"lines"`
	Changes *struct {
		SinceRevision int `json:"since_revision"`
		Changed       []struct {
			Fields []string `json:"fields"`
		} `json:"changed"`
		TotalsBefore summaryJSON `json:"totals_before"`
		TotalsAfter  summaryJSON `json:"totals_after"`
	} `json:"changes"`
	Response *struct {
		Kind string `json:"kind"`
		Name string `json:"name"`
	} `json:"response"`
}

type goneJSON struct {
	Status      int     `json:"status"`
	Reason      string  `json:"reason"`
	NewestURL   *string `json:"newest_url"`
	Salesperson struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	} `json:"salesperson"`
}

// sentQuote makes a quote of a new opportunity, sends it by link and
// answers it with its token.
func sentQuote(t *testing.T, env *testenv.Env, a testenv.Account) (quoteJSON, string, oppJSON) {
	t.Helper()
	o, _ := quotedOpportunity(t, env, a)
	q := createQuote(t, env, a, o.ID, nil)
	return q, sendLink(t, env, a, q.ID), o
}

// sendLink sends a draft by link and answers the link's token.
func sendLink(t *testing.T, env *testenv.Env, a testenv.Account, quoteID string) string {
	t.Helper()
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/quotes/" + quoteID + "/send", Token: a.Token,
		Body: map[string]any{"channel": "link"}})
	var sent struct {
		PublicURL string `json:"public_url"`
	}
	res.Decode(t, &sent)
	if res.Status != http.StatusOK || !strings.HasPrefix(sent.PublicURL, "http://crm.test/q/") {
		t.Fatalf("send: %s", res)
	}
	return strings.TrimPrefix(sent.PublicURL, "http://crm.test/q/")
}

func publicPath(token string) string { return "/api/v1/public/quotes/" + token }

func openPublic(t *testing.T, env *testenv.Env, token string) publicQuoteJSON {
	t.Helper()
	res := env.Do(testenv.Request{Method: "GET", Path: publicPath(token)})
	if res.Status != http.StatusOK {
		t.Fatalf("open %s: %s", token, res)
	}
	var p publicQuoteJSON
	res.Decode(t, &p)
	return p
}

func signBody(hash string) map[string]any {
	return map[string]any{"name": "Åsa Ström", "email": "asa@oberg.example", "title": "VD", "consent": true,
		"document_sha256": hash}
}

func count(t *testing.T, env *testenv.Env, query string, args ...any) int {
	t.Helper()
	var n int
	if err := env.DB.SQL().QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// The customer reads the quote with customer-safe fields only, the first
// view is recorded once, the PDF is exactly the document whose hash the
// quote names, and every public answer carries the privacy headers.
func TestPublicQuoteRead(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	q, token, o := sentQuote(t, env, a)
	if res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/quotes/" + q.ID + "/preview", Token: a.Token}); res.Status != 200 {
		t.Fatalf("preview: %s", res)
	}
	if n := count(t, env, `SELECT count(*) FROM quotes WHERE id = $1 AND status = 'sent'`, q.ID); n != 1 {
		t.Error("the salesperson's own preview counted as the customer's view")
	}

	res := env.Do(testenv.Request{Method: "GET", Path: publicPath(token), Header: map[string]string{"User-Agent": "Probe/1.0"}})
	if res.Status != http.StatusOK {
		t.Fatalf("open: %s", res)
	}
	for h, want := range map[string]string{"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"} {
		if got := res.Header.Get(h); got != want {
			t.Errorf("%s: got %q, want %q", h, got, want)
		}
	}
	var p publicQuoteJSON
	res.Decode(t, &p)
	if p.Status != "viewed" || p.State != "open" || strings.Join(p.AllowedActions, ",") != "sign,request_change,reject" ||
		len(p.Lines) != 2 || p.Lines[0].ID == "" || p.Number != q.Number {
		t.Errorf("got %+v, want an open viewed quote with two lines", p)
	}
	body := string(res.Body)
	for _, internal := range []string{q.ID, o.ID, a.UserID, a.WorkspaceID, `"product_id"`, `"opportunity_id"`} {
		if strings.Contains(body, internal) {
			t.Errorf("the customer's answer contains %s: %s", internal, body)
		}
	}
	openPublic(t, env, token)
	if n := count(t, env, `SELECT count(*) FROM events WHERE type = 'quote.viewed' AND subject_id = $1`, q.ID); n != 1 {
		t.Errorf("two views on one day made %d quote.viewed events, want 1", n)
	}

	for _, path := range []string{publicPath(token) + "/pdf", "/q/" + token + "/pdf"} {
		pdf := env.Do(testenv.Request{Method: "GET", Path: path})
		if pdf.Status != http.StatusOK || pdf.Header.Get("Content-Type") != "application/pdf" ||
			sha256Hex(pdf.Body) != p.DocumentSHA256 || pdf.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s: got %d %s with sha256 %s, want the PDF of hash %s", path, pdf.Status,
				pdf.Header.Get("Content-Type"), sha256Hex(pdf.Body), p.DocumentSHA256)
		}
	}
	var quote quoteJSON
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/quotes/" + q.ID, Token: a.Token}).Decode(t, &quote)
	if quote.Status != "viewed" || quote.ViewedAt == nil || quote.PublicURL == nil || !strings.HasSuffix(*quote.PublicURL, token) {
		t.Errorf("the salesperson sees %+v, want viewed with viewed_at and the link", quote)
	}
}

// Unknown, malformed and unsent links all answer the same 404.
func TestPublicQuoteUnknownLinks(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	o, _ := quotedOpportunity(t, env, a)
	draft := createQuote(t, env, a, o.ID, nil)
	var draftLink string
	env.DB.SQL().QueryRow(`SELECT 'x' FROM quotes WHERE id = $1`, draft.ID).Scan(&draftLink)
	draftRes := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/quotes/" + draft.ID + "/email-draft", Token: a.Token})
	var d struct{ Link string }
	draftRes.Decode(t, &d)
	draftToken := strings.TrimPrefix(d.Link, "http://crm.test/q/")
	if len(draftToken) != 43 {
		t.Fatalf("the draft's link is %q, want one with a 43-character token", d.Link)
	}
	tokens := []string{strings.Repeat("A", 43), "short", strings.Repeat("é", 20), draftToken}
	var first string
	for _, tok := range tokens {
		res := env.Do(testenv.Request{Method: "GET", Path: publicPath(url.PathEscape(tok))})
		if res.Status != http.StatusNotFound {
			t.Errorf("token %q: got %s, want 404", tok, res)
			continue
		}
		if first == "" {
			first = detail(t, res)
		} else if got := detail(t, res); got != first {
			t.Errorf("token %q: got %q, want the same 404 as every other (%q)", tok, got, first)
		}
		page := env.Do(testenv.Request{Method: "GET", Path: "/q/" + url.PathEscape(tok)})
		if page.Status != http.StatusNotFound || !strings.Contains(string(page.Body), "No quote here") ||
			strings.Contains(string(page.Body), "Åke") {
			t.Errorf("page of token %q: got %d, want the one 404 page", tok, page.Status)
		}
	}
}

// Signing: one transaction files the signed PDF, moves the opportunity with
// the customer as the actor, records evidence in an intact hash chain and
// publishes quote.signed; a retry with the same Idempotency-Key replays.
func TestPublicSign(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	q, token, o := sentQuote(t, env, a)
	p := openPublic(t, env, token)

	res := env.Do(testenv.Request{Method: "POST", Path: publicPath(token) + "/sign", Body: signBody(strings.Repeat("0", 64))})
	if res.Status != http.StatusConflict || !strings.Contains(string(res.Body), "reload") {
		t.Errorf("sign with another document's hash: got %s, want 409 asking to reload", res)
	}
	body := signBody(p.DocumentSHA256)
	key := map[string]string{"Idempotency-Key": "sign-1", "User-Agent": "Mozilla/5.0 (Test)"}
	res = env.Do(testenv.Request{Method: "POST", Path: publicPath(token) + "/sign", Body: body, Header: key,
		RemoteAddr: "203.0.113.7:4321"})
	if res.Status != http.StatusOK {
		t.Fatalf("sign: %s", res)
	}
	var signed publicQuoteJSON
	res.Decode(t, &signed)
	if signed.Status != "signed" || signed.State != "answered" || len(signed.AllowedActions) != 0 ||
		signed.Response == nil || signed.Response.Name != "Åsa Ström" {
		t.Errorf("got %+v, want signed by Åsa Ström with no actions left", signed)
	}
	replay := env.Do(testenv.Request{Method: "POST", Path: publicPath(token) + "/sign", Body: body, Header: key})
	if replay.Status != http.StatusOK || replay.Header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(replay.Body, res.Body) {
		t.Errorf("retry with the same key: got %s, want the first answer replayed", replay)
	}
	again := env.Do(testenv.Request{Method: "POST", Path: publicPath(token) + "/sign", Body: body})
	if again.Status != http.StatusConflict || !strings.Contains(detail(t, again), "quote is signed") {
		t.Errorf("sign again: got %s, want 409 naming the state", again)
	}

	var quote quoteJSON
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/quotes/" + q.ID, Token: a.Token}).Decode(t, &quote)
	r := quote.Response
	if quote.Status != "signed" || r == nil || r.Kind != "signed" || r.Email != "asa@oberg.example" || r.Title != "VD" ||
		r.SignedAttachmentID == nil || !r.OpportunityMoved || r.Channel != "link" {
		t.Fatalf("the salesperson sees %+v, want the signature with its attachment", quote)
	}
	att := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/attachments/" + *r.SignedAttachmentID + "/content", Token: a.Token})
	var meta attachmentJSON
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/attachments/" + *r.SignedAttachmentID, Token: a.Token}).Decode(t, &meta)
	if att.Status != http.StatusOK || sha256Hex(att.Body) != meta.SHA256 || meta.Source != "signed_quote" || meta.UploadedBy != "" {
		t.Errorf("signed PDF: got %d, sha %s vs %s, source %q", att.Status, sha256Hex(att.Body), meta.SHA256, meta.Source)
	}
	text := pdfToText(t, att.Body)
	for _, want := range []string{"Signeringsintyg", "Åsa Ström", "203.0.113.7", "Mozilla/5.0 (Test)", p.DocumentSHA256, q.Number} {
		if !strings.Contains(text, want) {
			t.Errorf("the signed PDF lacks %q:\n%s", want, text)
		}
	}

	pl := defaultPipeline(t, env, a)
	opp, _, _ := getOpp(t, env, a, o.ID)
	if opp.PhaseID != *pl.QuoteSignedPhaseID {
		t.Errorf("the opportunity is in phase %s, want the quote-signed phase %s", opp.PhaseID, *pl.QuoteSignedPhaseID)
	}
	var history struct {
		Data []struct {
			ToPhaseID     string  `json:"to_phase_id"`
			ChangedBy     *string `json:"changed_by"`
			ChangedByKind string  `json:"changed_by_kind"`
			ChangedByName string  `json:"changed_by_name"`
		}
	}
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/opportunities/" + o.ID + "/phase-history", Token: a.Token}).Decode(t, &history)
	last := history.Data[len(history.Data)-1]
	if last.ToPhaseID != *pl.QuoteSignedPhaseID || last.ChangedByKind != "customer" || last.ChangedByName != "Åsa Ström" || last.ChangedBy != nil {
		t.Errorf("the last phase change is %+v, want to quote-signed by the customer Åsa Ström", last)
	}
	if n := count(t, env, `SELECT count(*) FROM events WHERE type = 'quote.signed' AND subject_id = $1 AND actor_kind = 'customer'`, q.ID); n != 1 {
		t.Errorf("%d quote.signed events by the customer, want 1", n)
	}
	var timeline struct {
		Data []struct {
			Type    string `json:"type"`
			Summary string `json:"summary"`
			Ref     struct{ Type, ID string }
		}
	}
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/opportunities/" + o.ID + "/timeline", Token: a.Token}).Decode(t, &timeline)
	if len(timeline.Data) == 0 || timeline.Data[0].Summary != "Quote "+q.Number+" signed by Åsa Ström" || timeline.Data[0].Ref.ID != q.ID {
		t.Errorf("the timeline starts with %+v, want the signature by Åsa Ström", timeline.Data)
	}

	ev := evidenceOf(t, env, a, q.ID)
	if !ev.ChainValid || strings.Join(ev.actions(), ",") != "send,view,sign" {
		t.Fatalf("evidence: valid %v, actions %v; want a valid chain of send, view, sign", ev.ChainValid, ev.actions())
	}
	sign := ev.Records[2]
	if sign.ActorKind != "customer" || sign.Data["ip"] != "203.0.113.7" || sign.Data["document_sha256"] != p.DocumentSHA256 ||
		sign.Data["user_agent"] != "Mozilla/5.0 (Test)" || sign.Data["channel"] != "link" || sign.ID != r.EvidenceID ||
		!strings.HasPrefix(sign.Data["token_id"].(string), "tok_") || strings.Contains(string(mustJSON(t, sign.Data)), token) {
		t.Errorf("the sign record is %+v", sign)
	}
	consent, _ := sign.Data["consent"].(map[string]any)
	if consent["version"] == "" || !strings.Contains(consent["text"].(string), "behörig") {
		t.Errorf("the sign record's consent is %v", consent)
	}
}

// Editing any stored evidence row by hand (past the trigger that refuses
// it) turns chain_valid false.
func TestEvidenceChainDetectsTampering(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	q, token, _ := sentQuote(t, env, a)
	p := openPublic(t, env, token)
	if res := env.Do(testenv.Request{Method: "POST", Path: publicPath(token) + "/sign", Body: signBody(p.DocumentSHA256)}); res.Status != 200 {
		t.Fatalf("sign: %s", res)
	}
	if _, err := env.DB.SQL().Exec(`UPDATE audit_log SET data = data || '{"ip":"198.51.100.1"}' WHERE quote_id = $1 AND action = 'sign'`, q.ID); err == nil ||
		!strings.Contains(err.Error(), "append-only") {
		t.Fatalf("UPDATE of an evidence row: got %v, want the trigger to refuse it", err)
	}
	if _, err := env.DB.SQL().Exec(`DELETE FROM audit_log WHERE quote_id = $1`, q.ID); err == nil {
		t.Fatal("DELETE of evidence rows succeeded, want the trigger to refuse it")
	}
	if !evidenceOf(t, env, a, q.ID).ChainValid {
		t.Fatal("the untouched chain is not valid")
	}
	// The tables' owner can switch the trigger off; the chain still tells.
	tx, err := env.DB.SQL().Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for _, stmt := range []string{`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change`,
		`UPDATE audit_log SET data = data || '{"ip":"198.51.100.1"}' WHERE quote_id = '` + q.ID + `' AND action = 'sign'`,
		`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change`} {
		if _, err := tx.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if evidenceOf(t, env, a, q.ID).ChainValid {
		t.Error("chain_valid stayed true after a row was changed by hand")
	}
}

type evidenceJSON struct {
	ChainValid bool `json:"chain_valid"`
	Records    []struct {
		ID        string         `json:"id"`
		Action    string         `json:"action"`
		ActorKind string         `json:"actor_kind"`
		Data      map[string]any `json:"data"`
		Hash      string         `json:"hash"`
		PrevHash  string         `json:"prev_hash"`
	} `json:"records"`
}

func (e evidenceJSON) actions() []string {
	out := make([]string, len(e.Records))
	for i, r := range e.Records {
		out[i] = r.Action
	}
	return out
}

func evidenceOf(t *testing.T, env *testenv.Env, a testenv.Account, quoteID string) evidenceJSON {
	t.Helper()
	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/quotes/" + quoteID + "/evidence", Token: a.Token})
	if res.Status != http.StatusOK {
		t.Fatalf("evidence: %s", res)
	}
	var e evidenceJSON
	res.Decode(t, &e)
	return e
}

// 50 customers signing one quote at once: exactly one signature, one
// attachment, one event.
func TestPublicSignConcurrently(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	q, token, o := sentQuote(t, env, a)
	p := openPublic(t, env, token)
	statuses := make([]int, 50)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := signBody(p.DocumentSHA256)
			body["name"] = "Signer " + string(rune('A'+i%26))
			statuses[i] = env.Do(testenv.Request{Method: "POST", Path: publicPath(token) + "/sign", Body: body}).Status
		}()
	}
	wg.Wait()
	byStatus := map[int]int{}
	for _, s := range statuses {
		byStatus[s]++
	}
	if byStatus[200] != 1 || byStatus[409] != 49 {
		t.Errorf("got statuses %v, want one 200 and 49 409", byStatus)
	}
	if n := count(t, env, `SELECT count(*) FROM attachments WHERE opportunity_id = $1 AND source = 'signed_quote'`, o.ID); n != 1 {
		t.Errorf("%d signed attachments, want 1", n)
	}
	if n := count(t, env, `SELECT count(*) FROM events WHERE type = 'quote.signed' AND subject_id = $1`, q.ID); n != 1 {
		t.Errorf("%d quote.signed events, want 1", n)
	}
	if n := count(t, env, `SELECT count(*) FROM audit_log WHERE quote_id = $1 AND action = 'sign'`, q.ID); n != 1 {
		t.Errorf("%d sign records, want 1", n)
	}
	if !evidenceOf(t, env, a, q.ID).ChainValid {
		t.Error("the chain is broken after concurrent signing")
	}
}

// A drawn signature must be a real PNG of at most 200 KB; a good one lands
// on the certificate page.
func TestPublicSignSignatureImage(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	_, token, _ := sentQuote(t, env, a)
	p := openPublic(t, env, token)
	for name, sig := range map[string]string{
		"not a data URL": "iVBORw0KGgo=",
		"not a PNG":      "data:image/png;base64," + base64.StdEncoding.EncodeToString([]byte("GIF89a fake")),
		"too large":      "data:image/png;base64," + strings.Repeat("A", 300<<10),
	} {
		body := signBody(p.DocumentSHA256)
		body["signature_png"] = sig
		res := env.Do(testenv.Request{Method: "POST", Path: publicPath(token) + "/sign", Body: body})
		if res.Status != http.StatusUnprocessableEntity || problemOf(t, res).fields() != "signature_png" {
			t.Errorf("%s: got %s, want 422 on signature_png", name, res)
		}
	}
	img := image.NewRGBA(image.Rect(0, 0, 120, 40))
	for x := 10; x < 110; x++ {
		img.Set(x, 20+x%7, color.Black)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	body := signBody(p.DocumentSHA256)
	body["signature_png"] = "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
	if res := env.Do(testenv.Request{Method: "POST", Path: publicPath(token) + "/sign", Body: body}); res.Status != 200 {
		t.Errorf("sign with a drawn signature: %s", res)
	}
}

// A change request carries comments on lines of this version; the
// salesperson sees it, revises, and the old link says it was replaced and,
// once the new version is sent, links to it.
func TestPublicChangeRequestAndRevision(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	q, token, _ := sentQuote(t, env, a)
	p := openPublic(t, env, token)
	path := publicPath(token) + "/change-request"
	res := env.Do(testenv.Request{Method: "POST", Path: path, Body: map[string]any{"name": "Åsa", "email": "asa@oberg.example",
		"comment": "Cheaper please", "line_comments": []any{map[string]any{"line_id": newID(), "comment": "?"}}}})
	if res.Status != http.StatusUnprocessableEntity || problemOf(t, res).fields() != "line_comments[0].line_id" {
		t.Errorf("comment on a line not on the quote: got %s, want 422 naming it", res)
	}
	res = env.Do(testenv.Request{Method: "POST", Path: path, Body: map[string]any{"name": "Åsa", "email": "asa@oberg.example",
		"comment": "Could you do 3 licences?", "line_comments": []any{map[string]any{"line_id": p.Lines[0].ID, "comment": "3 instead of 2"}}}})
	if res.Status != http.StatusOK {
		t.Fatalf("change request: %s", res)
	}
	var quote quoteJSON
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/quotes/" + q.ID, Token: a.Token}).Decode(t, &quote)
	if quote.Status != "change_requested" || quote.Response == nil || quote.Response.Comment != "Could you do 3 licences?" ||
		len(quote.Response.LineComments) != 1 || quote.Response.LineComments[0].LineID != p.Lines[0].ID {
		t.Fatalf("the salesperson sees %+v, want the request with its line comment", quote.Response)
	}
	if res := env.Do(testenv.Request{Method: "POST", Path: publicPath(token) + "/reject", Body: map[string]any{"name": "Åsa", "email": "asa@oberg.example"}}); res.Status != http.StatusConflict {
		t.Errorf("reject after a change request: got %s, want 409", res)
	}

	v2 := quoteDo(t, env, a, "POST", "/api/v1/quotes/"+q.ID+"/revise", nil, http.StatusCreated)
	gone := env.Do(testenv.Request{Method: "GET", Path: publicPath(token)})
	var g goneJSON
	gone.Decode(t, &g)
	if gone.Status != http.StatusGone || g.Reason != "replaced" || g.NewestURL != nil || g.Salesperson.Name == "" {
		t.Errorf("old link before the new version is sent: got %s, want 410 replaced without a link", gone)
	}
	lines := []any{map[string]any{"name": "Licens Företag", "quantity": 3, "unit_price": 100000, "vat_rate": 2500}}
	quoteDo(t, env, a, "PUT", "/api/v1/quotes/"+v2.ID+"/lines", map[string]any{"lines": lines}, http.StatusOK)
	newToken := sendLink(t, env, a, v2.ID)
	gone = env.Do(testenv.Request{Method: "GET", Path: publicPath(token)})
	gone.Decode(t, &g)
	if gone.Status != http.StatusGone || g.NewestURL == nil || *g.NewestURL != "http://crm.test/q/"+newToken {
		t.Errorf("old link after the new version is sent: got %s, want 410 linking to the new one", gone)
	}
	page := env.Do(testenv.Request{Method: "GET", Path: "/q/" + token})
	if page.Status != http.StatusGone || !strings.Contains(string(page.Body), "http://crm.test/q/"+newToken) {
		t.Errorf("old page: got %d, want 410 linking to the new version", page.Status)
	}
	np := openPublic(t, env, newToken)
	if np.Revision != 2 || np.Changes == nil || np.Changes.SinceRevision != 1 || np.Changes.TotalsBefore.Total == np.Changes.TotalsAfter.Total {
		t.Errorf("the new version shows %+v, want what changed since version 1 with totals before and after", np.Changes)
	}
	if res := env.Do(testenv.Request{Method: "POST", Path: publicPath(token) + "/sign", Body: signBody(p.DocumentSHA256)}); res.Status != http.StatusGone {
		t.Errorf("sign the replaced version: got %s, want 410", res)
	}
}

// A rejection records the reason and leaves the opportunity open; a
// withdrawn quote's link and an expired quote's link are gone.
func TestPublicRejectWithdrawExpire(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	q, token, o := sentQuote(t, env, a)
	res := env.Do(testenv.Request{Method: "POST", Path: publicPath(token) + "/reject", Body: map[string]any{
		"name": "Åsa", "email": "asa@oberg.example", "reason": "Too expensive"}})
	if res.Status != http.StatusOK {
		t.Fatalf("reject: %s", res)
	}
	var quote quoteJSON
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/quotes/" + q.ID, Token: a.Token}).Decode(t, &quote)
	opp, _, _ := getOpp(t, env, a, o.ID)
	if quote.Status != "rejected" || quote.Response == nil || quote.Response.Reason != "Too expensive" || opp.Status != "open" {
		t.Errorf("got quote %s with %+v and opportunity %s, want rejected with the reason and the opportunity open",
			quote.Status, quote.Response, opp.Status)
	}

	q2, token2, _ := sentQuote(t, env, a)
	quoteDo(t, env, a, "POST", "/api/v1/quotes/"+q2.ID+"/withdraw", nil, http.StatusOK)
	var g goneJSON
	gone := env.Do(testenv.Request{Method: "GET", Path: publicPath(token2)})
	gone.Decode(t, &g)
	if gone.Status != http.StatusGone || g.Reason != "withdrawn" {
		t.Errorf("withdrawn: got %s, want 410 withdrawn", gone)
	}

	q3, token3, _ := sentQuote(t, env, a)
	if _, err := env.DB.SQL().Exec(`UPDATE quotes SET valid_until = current_date - 2 WHERE id = $1`, q3.ID); err != nil {
		t.Fatal(err)
	}
	gone = env.Do(testenv.Request{Method: "GET", Path: publicPath(token3)})
	gone.Decode(t, &g)
	if gone.Status != http.StatusGone || g.Reason != "expired" || g.Salesperson.Email == "" {
		t.Errorf("expired: got %s, want 410 expired with the salesperson's contact", gone)
	}
	sign := env.Do(testenv.Request{Method: "POST", Path: publicPath(token3) + "/sign", Body: signBody(strings.Repeat("a", 64))})
	if sign.Status != http.StatusGone {
		t.Errorf("sign an expired quote: got %s, want 410", sign)
	}
}

// A quote opened on the spot (channel direct) records that the customer
// answered in the salesperson's presence.
func TestPublicSignDirect(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	o, _ := quotedOpportunity(t, env, a)
	q := createQuote(t, env, a, o.ID, nil)
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/quotes/" + q.ID + "/send", Token: a.Token,
		Body: map[string]any{"channel": "direct"}})
	var sent struct {
		PublicURL string `json:"public_url"`
	}
	res.Decode(t, &sent)
	token := strings.TrimPrefix(sent.PublicURL, "http://crm.test/q/")
	p := openPublic(t, env, token)
	if res := env.Do(testenv.Request{Method: "POST", Path: publicPath(token) + "/sign", Body: signBody(p.DocumentSHA256)}); res.Status != 200 {
		t.Fatalf("sign: %s", res)
	}
	ev := evidenceOf(t, env, a, q.ID)
	sign := ev.Records[len(ev.Records)-1]
	if sign.Action != "sign" || sign.Data["channel"] != "direct" {
		t.Errorf("the sign record is %+v, want channel direct", sign)
	}
	var quote quoteJSON
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/quotes/" + q.ID, Token: a.Token}).Decode(t, &quote)
	pdf := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/attachments/" + *quote.Response.SignedAttachmentID + "/content", Token: a.Token})
	if text := pdfToText(t, pdf.Body); !strings.Contains(text, "i säljarens närvaro (direkt)") {
		t.Errorf("the certificate does not say the quote was signed in the salesperson's presence:\n%s", text)
	}
}

// The customer's routes are rate-limited per link (429 with Retry-After).
func TestPublicRateLimit(t *testing.T) {
	t.Parallel()
	env := testenv.New(t, func(c *app.Config) { c.PublicPerToken = 3 })
	a := env.Signup()
	_, token, _ := sentQuote(t, env, a)
	for i := range 3 {
		if res := env.Do(testenv.Request{Method: "GET", Path: publicPath(token)}); res.Status != http.StatusOK {
			t.Fatalf("request %d: %s", i+1, res)
		}
	}
	res := env.Do(testenv.Request{Method: "GET", Path: publicPath(token)})
	if res.Status != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Errorf("fourth request: got %s, want 429 with Retry-After", res)
	}
	page := env.Do(testenv.Request{Method: "GET", Path: "/q/" + token})
	if page.Status != http.StatusTooManyRequests || !strings.Contains(page.Header.Get("Content-Type"), "text/html") {
		t.Errorf("page past the limit: got %d %s, want a 429 page", page.Status, page.Header.Get("Content-Type"))
	}
}

// The page signs through its form without JavaScript: 303 back to the
// page, which shows the outcome; a refused form comes back with its errors.
func TestQuotePageForms(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	_, token, _ := sentQuote(t, env, a)
	page := env.Do(testenv.Request{Method: "GET", Path: "/q/" + token})
	csp := page.Header.Get("Content-Security-Policy")
	html := string(page.Body)
	if page.Status != http.StatusOK || !strings.Contains(csp, "script-src 'nonce-") || strings.Contains(csp, "unsafe-inline") ||
		!strings.Contains(html, `<form method="post" action="/q/`+token+`/sign"`) || page.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("page: got %d, CSP %q", page.Status, csp)
	}
	nonce := csp[strings.Index(csp, "'nonce-")+7:]
	nonce = nonce[:strings.Index(nonce, "'")]
	if !strings.Contains(html, `<script nonce="`+nonce+`">`) || !strings.Contains(html, `<style nonce="`+nonce+`">`) {
		t.Error("the page's style and script do not carry the CSP nonce")
	}
	p := openPublic(t, env, token)
	form := func(v url.Values) *testenv.Response {
		return env.Do(testenv.Request{Method: "POST", Path: "/q/" + token + "/sign", Raw: []byte(v.Encode()),
			Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}})
	}
	bad := form(url.Values{"name": {"Åsa Ström"}, "email": {"not-an-address"}, "document_sha256": {p.DocumentSHA256}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(string(bad.Body), "must be an e-mail address") ||
		!strings.Contains(string(bad.Body), `value="Åsa Ström"`) {
		t.Errorf("refused form: got %d, want 422 with the errors and the values kept", bad.Status)
	}
	ok := form(url.Values{"name": {"Åsa Ström"}, "email": {"asa@oberg.example"}, "consent": {"yes"},
		"document_sha256": {p.DocumentSHA256}})
	if ok.Status != http.StatusSeeOther || ok.Header.Get("Location") != "/q/"+token {
		t.Fatalf("signed form: got %s, want 303 back to the page", ok)
	}
	after := env.Do(testenv.Request{Method: "GET", Path: "/q/" + token})
	if after.Status != http.StatusOK || !strings.Contains(string(after.Body), "Åsa Ström signerade offerten") ||
		strings.Contains(string(after.Body), `id="sign-form"`) {
		t.Errorf("page after signing: got %d without the outcome", after.Status)
	}
}

func init() {
	link := func(body any) probe { return probe{kind: public, setup: linkOfA, body: body, check: linkOfAUnanswered} }
	addProbes(map[string]probe{
		"GET /api/v1/public/quotes/:token":                 link(nil),
		"GET /api/v1/public/quotes/:token/pdf":             link(nil),
		"POST /api/v1/public/quotes/:token/sign":           link(signBody(strings.Repeat("0", 64))),
		"POST /api/v1/public/quotes/:token/change-request": link(map[string]any{"name": "B", "email": "b@example.com"}),
		"POST /api/v1/public/quotes/:token/reject":         link(map[string]any{"name": "B", "email": "not an address"}),
	})
}

// linkOfA is a sent quote of A's; its internal ids must never reach the
// link's holder.
func linkOfA(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
	q, token, o := sentQuote(t, env, a)
	return fixture{params: map[string]string{"token": token}, ids: []string{q.ID, o.ID, a.UserID, a.WorkspaceID, q.OpportunityID}}
}

// linkOfAUnanswered: the probes' requests (a wrong hash, a missing comment,
// a bad address) leave A's quote unanswered.
func linkOfAUnanswered(t *testing.T, env *testenv.Env, a testenv.Account, fx fixture) {
	res := env.Do(testenv.Request{Method: "GET", Path: publicPath(fx.params["token"])})
	var p publicQuoteJSON
	res.Decode(t, &p)
	if res.Status != 200 || p.State != "open" {
		t.Errorf("A's quote changed: %s", res)
	}
}
