package api_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/acme/crm/internal/app"
	"github.com/acme/crm/internal/testenv"
)

type emailJSON struct {
	ID            string `json:"id"`
	OpportunityID string `json:"opportunity_id"`
	SenderID      string `json:"sender_id"`
	From          struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	} `json:"from"`
	ReplyTo     string   `json:"reply_to"`
	To          []string `json:"to"`
	Cc          []string `json:"cc"`
	Subject     string   `json:"subject"`
	Body        string   `json:"body"`
	Attachments []struct {
		ID       string `json:"id"`
		FileName string `json:"file_name"`
	} `json:"attachments"`
	Status    string  `json:"status"`
	MessageID *string `json:"message_id"`
	Error     *string `json:"error"`
	Attempts  int     `json:"attempts"`
}

func sendEmail(t *testing.T, env *testenv.Env, a testenv.Account, oppID string, body map[string]any) emailJSON {
	t.Helper()
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/opportunities/" + oppID + "/emails", Token: a.Token, Body: body})
	if res.Status != http.StatusAccepted {
		t.Fatalf("send e-mail: got %s, want 202", res)
	}
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/api/v1/emails/") {
		t.Errorf("Location: got %q, want /api/v1/emails/{id}", loc)
	}
	var e emailJSON
	res.Decode(t, &e)
	return e
}

// mailEnv is the product with an SMTP server. Its jobs run synchronously
// when a test drains them (awaitEmail); a failed attempt is due again at
// once, so one drain works it to its end.
func mailEnv(t *testing.T, srv *smtpServer) *testenv.Env {
	t.Helper()
	return testenv.New(t, func(c *app.Config) {
		c.SMTPURL = srv.url()
		c.JobRetryDelay = func(int) time.Duration { return 0 }
	})
}

// awaitEmail works the queued jobs (the e-mail's attempts included) and
// returns the e-mail, which must have left status queued.
func awaitEmail(t *testing.T, env *testenv.Env, a testenv.Account, id string) emailJSON {
	t.Helper()
	if _, err := env.App.Jobs.Drain(context.Background()); err != nil {
		t.Fatalf("drain jobs: %v", err)
	}
	var e emailJSON
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/emails/" + id, Token: a.Token}).Decode(t, &e)
	if e.Status == "queued" {
		t.Fatalf("e-mail %s still queued after its jobs ran: %+v", id, e)
	}
	return e
}

// TestEmailsWithoutSMTP: without SMTP_URL an e-mail is stored as
// not_configured, readable, listed and on the timeline; invalid input is
// 422 naming the field.
func TestEmailsWithoutSMTP(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	o, other := newOpportunity(t, env, a, nil), newOpportunity(t, env, a, nil)
	att := uploadOK(t, env, a, o.ID, "offer.txt", []byte("the offer"))
	foreign := uploadOK(t, env, a, other.ID, "other.txt", []byte("another offer"))
	e := sendEmail(t, env, a, o.ID, map[string]any{"to": []string{"buyer@customer.example"}, "subject": "Your offer",
		"body": "Dear buyer,\nhere it is.", "attachment_ids": []string{att.ID}})
	if e.Status != "not_configured" || e.MessageID != nil || e.OpportunityID != o.ID || e.SenderID != a.UserID ||
		e.From.Email != "crm@crm.test" || e.From.Name != "Admin" || e.ReplyTo != a.Email ||
		len(e.Attachments) != 1 || e.Attachments[0].FileName != "offer.txt" {
		t.Fatalf("got %+v, want a not_configured e-mail from Admin <crm@crm.test>, Reply-To %s, with offer.txt", e, a.Email)
	}
	var got emailJSON
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/emails/" + e.ID, Token: a.Token}).Decode(t, &got)
	if got.ID != e.ID || got.Status != "not_configured" || got.Body != e.Body {
		t.Errorf("GET: got %+v, want %+v", got, e)
	}
	var list struct{ Data []emailJSON }
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/opportunities/" + o.ID + "/emails", Token: a.Token}).Decode(t, &list)
	if len(list.Data) != 1 || list.Data[0].ID != e.ID {
		t.Errorf("list: got %+v, want the one e-mail", list.Data)
	}
	var tl struct {
		Data []struct{ Type, Summary string }
	}
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/opportunities/" + o.ID + "/timeline", Token: a.Token}).Decode(t, &tl)
	if !slices.ContainsFunc(tl.Data, func(ev struct{ Type, Summary string }) bool { return ev.Type == "email" && ev.Summary == "Your offer" }) {
		t.Errorf("timeline: got %+v, want an email event \"Your offer\"", tl.Data)
	}

	valid := func(change map[string]any) map[string]any {
		b := map[string]any{"to": []string{"buyer@customer.example"}, "subject": "Hi", "body": "Hello"}
		for k, v := range change {
			b[k] = v
		}
		return b
	}
	path := "/api/v1/opportunities/" + o.ID + "/emails"
	tests := []struct {
		name   string
		path   string
		body   map[string]any
		want   int
		fields string
	}{
		{"CR LF in subject", path, valid(map[string]any{"subject": "Hi\r\nBcc: spy@evil.example"}), 422, "subject"},
		{"LF in to", path, valid(map[string]any{"to": []string{"buyer@customer.example\nBcc: spy@evil.example"}}), 422, "to[0]"},
		{"invalid to", path, valid(map[string]any{"to": []string{"buyer@customer.example", "not an address"}}), 422, "to[1]"},
		{"name in to", path, valid(map[string]any{"to": []string{"Buyer <buyer@customer.example>"}}), 422, "to[0]"},
		{"invalid cc", path, valid(map[string]any{"cc": []string{"@nowhere"}}), 422, "cc[0]"},
		{"no recipient", path, valid(map[string]any{"to": []string{}}), 422, "to"},
		{"blank subject", path, valid(map[string]any{"subject": "  "}), 422, "subject"},
		{"another opportunity's attachment", path, valid(map[string]any{"attachment_ids": []string{att.ID, foreign.ID}}), 422, "attachment_ids[1]"},
		{"unknown attachment", path, valid(map[string]any{"attachment_ids": []string{newID()}}), 422, "attachment_ids[0]"},
		{"missing opportunity", "/api/v1/opportunities/" + newID() + "/emails", valid(nil), 404, ""},
	}
	for _, tt := range tests {
		res := env.Do(testenv.Request{Method: "POST", Path: tt.path, Token: a.Token, Body: tt.body})
		if res.Status != tt.want {
			t.Errorf("%s: got %s, want %d", tt.name, res, tt.want)
			continue
		}
		if tt.fields != "" && problemOf(t, res).fields() != tt.fields {
			t.Errorf("%s: got fields %q, want %q", tt.name, problemOf(t, res).fields(), tt.fields)
		}
	}
	for _, p := range []string{"/api/v1/emails/" + newID(), "/api/v1/opportunities/" + newID() + "/emails"} {
		if res := env.Do(testenv.Request{Method: "GET", Path: p, Token: a.Token}); res.Status != http.StatusNotFound {
			t.Errorf("GET %s: got %s, want 404", p, res)
		}
	}
}

// TestEmailDelivery sends through a real SMTP server and checks the
// message as received: envelope, headers, body and attachment.
func TestEmailDelivery(t *testing.T) {
	t.Parallel()
	srv := startSMTP(t)
	env := mailEnv(t, srv)
	a := env.Signup()
	o := newOpportunity(t, env, a, nil)
	att := uploadOK(t, env, a, o.ID, "offer.txt", []byte("Offer: 3 widgets, 300 SEK"))
	e := sendEmail(t, env, a, o.ID, map[string]any{"to": []string{"buyer@customer.example"}, "cc": []string{"boss@customer.example"},
		"subject": "Your offer – räksmörgås", "body": "Dear buyer,\nplease find the offer attached.", "attachment_ids": []string{att.ID}})
	if e.Status != "queued" {
		t.Fatalf("status: got %q, want queued", e.Status)
	}
	done := awaitEmail(t, env, a, e.ID)
	if done.Status != "sent" || done.MessageID == nil || done.Attempts != 1 {
		t.Fatalf("got %+v, want sent with a message id after 1 attempt", done)
	}
	msgs := srv.delivered()
	if len(msgs) != 1 {
		t.Fatalf("delivered: got %d messages, want 1", len(msgs))
	}
	got := msgs[0]
	if got.From != "crm@crm.test" || !slices.Equal(got.To, []string{"buyer@customer.example", "boss@customer.example"}) {
		t.Errorf("envelope: got from %q to %v, want crm@crm.test to buyer and boss", got.From, got.To)
	}
	m, err := mail.ReadMessage(bytes.NewReader(got.Data))
	if err != nil {
		t.Fatalf("parse message: %v", err)
	}
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(m.Header.Get("Subject"))
	headers := map[string]string{"Subject": subject, "Message-Id": m.Header.Get("Message-Id"), "X-Crm-Email-Id": m.Header.Get("X-Crm-Email-Id")}
	want := map[string]string{"Subject": "Your offer – räksmörgås", "Message-Id": *done.MessageID, "X-Crm-Email-Id": e.ID}
	for k, v := range want {
		if headers[k] != v {
			t.Errorf("%s: got %q, want %q", k, headers[k], v)
		}
	}
	checkAddress(t, m.Header, "From", "Admin", "crm@crm.test")
	checkAddress(t, m.Header, "Reply-To", "", a.Email)
	checkAddress(t, m.Header, "To", "", "buyer@customer.example")
	checkAddress(t, m.Header, "Cc", "", "boss@customer.example")
	text, files := mimeParts(t, m)
	if strings.ReplaceAll(text, "\r\n", "\n") != "Dear buyer,\nplease find the offer attached." {
		t.Errorf("body: got %q", text)
	}
	if files["offer.txt"] != "Offer: 3 widgets, 300 SEK" || len(files) != 1 {
		t.Errorf("attachments: got %v, want offer.txt with its content", files)
	}
}

func checkAddress(t *testing.T, h mail.Header, field, name, email string) {
	t.Helper()
	list, err := h.AddressList(field)
	if err != nil || len(list) != 1 || list[0].Name != name || list[0].Address != email {
		t.Errorf("%s: got %v (%v), want %q <%s>", field, list, err, name, email)
	}
}

// mimeParts returns the text part and the attachments (name → content) of
// a multipart/mixed message.
func mimeParts(t *testing.T, m *mail.Message) (string, map[string]string) {
	t.Helper()
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || params["boundary"] == "" {
		t.Fatalf("Content-Type %q: want multipart (%v)", m.Header.Get("Content-Type"), err)
	}
	var text string
	files := map[string]string{}
	r := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := r.NextPart() // decodes quoted-printable, not base64
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("read part: %v", err)
		}
		body := decodePart(t, p)
		if name := p.FileName(); name != "" {
			files[name] = body
		} else if strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain") {
			text = body
		}
	}
	return text, files
}

// TestEmailRetries: a server that fails twice with 451 and then accepts
// gets exactly one message, and the e-mail is sent after three attempts.
func TestEmailRetries(t *testing.T) {
	t.Parallel()
	srv := startSMTP(t, smtpReply(451), smtpReply(451))
	env := mailEnv(t, srv)
	a := env.Signup()
	o := newOpportunity(t, env, a, nil)
	e := sendEmail(t, env, a, o.ID, map[string]any{"to": []string{"buyer@customer.example"}, "subject": "Hi", "body": "Hello"})
	done := awaitEmail(t, env, a, e.ID)
	if done.Status != "sent" || done.MessageID == nil || *done.MessageID == "" || done.Attempts != 3 {
		t.Fatalf("got %+v, want sent with a message id after 3 attempts", done)
	}
	if n := len(srv.delivered()); n != 1 {
		t.Errorf("delivered: got %d messages, want exactly 1", n)
	}
}

// TestEmailPermanentFailure: a 550 is not retried; the e-mail fails with
// the server's reason.
func TestEmailPermanentFailure(t *testing.T) {
	t.Parallel()
	srv := startSMTP(t, smtpReply(550), smtpReply(550))
	env := mailEnv(t, srv)
	a := env.Signup()
	o := newOpportunity(t, env, a, nil)
	e := sendEmail(t, env, a, o.ID, map[string]any{"to": []string{"nobody@customer.example"}, "subject": "Hi", "body": "Hello"})
	done := awaitEmail(t, env, a, e.ID)
	if done.Status != "failed" || done.Error == nil || !strings.Contains(*done.Error, "550") || done.Attempts != 1 || done.MessageID != nil {
		t.Fatalf("got %+v, want failed after 1 attempt with the 550 reply as error", done)
	}
	if n := len(srv.delivered()); n != 0 {
		t.Errorf("delivered: got %d messages, want 0", n)
	}
}

func init() {
	addProbes(map[string]probe{
		"GET /api/v1/opportunities/:id/emails": {kind: item, setup: onOpportunityOfA(emailOfA)},
		"POST /api/v1/opportunities/:id/emails": {kind: item, setup: onOpportunityOfA(emailOfA),
			body: map[string]any{"to": []string{"b@example.com"}, "subject": "B's", "body": "B's"}},
		"GET /api/v1/emails/:id": {kind: item, setup: emailOfA},
	})
}

func emailOfA(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
	o := newOpportunity(t, env, a, nil)
	subject := "A's secret " + newID()
	e := sendEmail(t, env, a, o.ID, map[string]any{"to": []string{"buyer@customer.example"}, "subject": subject, "body": "secret"})
	return fixture{params: map[string]string{"id": e.ID, "opp": o.ID}, ids: []string{e.ID, subject}}
}

// decodePart reads a MIME part, decoding base64 (multipart.Reader decodes
// only quoted-printable itself).
func decodePart(t *testing.T, p *multipart.Part) string {
	t.Helper()
	var r io.Reader = p
	if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "base64") {
		r = base64.NewDecoder(base64.StdEncoding, p)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read part: %v", err)
	}
	return string(b)
}
