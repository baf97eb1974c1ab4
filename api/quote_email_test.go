package api_test

import (
	"context"
	"net/http"
	"net/mail"
	"strings"
	"testing"

	"github.com/acme/crm/internal/app"
	"github.com/acme/crm/internal/testenv"
)

type draftJSON struct {
	To      []string `json:"to"`
	Cc      []string `json:"cc"`
	Subject string   `json:"subject"`
	Body    string   `json:"body"`
	Link    string   `json:"link"`
}

// quoteWithContact is a draft quote whose contact has an e-mail address.
func quoteWithContact(t *testing.T, env *testenv.Env, a testenv.Account) (quoteJSON, oppJSON) {
	t.Helper()
	o, _ := quotedOpportunity(t, env, a)
	person := postPerson(t, env, a.Token, map[string]any{"first_name": "Karin", "last_name": "Ek", "email": "karin@oberg.example"})
	if res := patchOpp(env, a, o.ID, map[string]any{"contact_person_id": person["id"]}); res.Status != 200 {
		t.Fatalf("set contact: %s", res)
	}
	return createQuote(t, env, a, o.ID, nil), o
}

// The e-mail draft fills the template's placeholders in the quote's
// language with the link the customer will get; sending by e-mail writes it
// to the outbox with the PDF attached and the link in the body, and the
// quote is sent exactly as by link.
func TestSendQuoteByEmail(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	q, o := quoteWithContact(t, env, a)
	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/quotes/" + q.ID + "/email-draft", Token: a.Token})
	var d draftJSON
	res.Decode(t, &d)
	if res.Status != http.StatusOK || len(d.To) != 1 || d.To[0] != "karin@oberg.example" ||
		!strings.HasPrefix(d.Subject, "Offert "+q.Number+" från ") || !strings.Contains(d.Body, "Hej Karin Ek") ||
		!strings.Contains(d.Body, d.Link) || !strings.HasPrefix(d.Link, "http://crm.test/q/") || strings.Contains(d.Body, "{{") {
		t.Fatalf("draft: got %s", res)
	}

	res = env.Do(testenv.Request{Method: "POST", Path: "/api/v1/quotes/" + q.ID + "/send", Token: a.Token, Body: map[string]any{
		"channel": "email", "to": []string{"karin@oberg.example"}, "cc": []string{"inköp@oberg.example"},
		"subject": "Vår offert", "body": "Hej Karin,\n\nhär kommer offerten.\n"}})
	var sent struct {
		Quote     quoteJSON `json:"quote"`
		PublicURL string    `json:"public_url"`
		EmailID   *string   `json:"email_id"`
	}
	res.Decode(t, &sent)
	if res.Status != http.StatusOK || sent.Quote.Status != "sent" || sent.PublicURL != d.Link || sent.EmailID == nil ||
		sent.Quote.SentChannel == nil || *sent.Quote.SentChannel != "email" {
		t.Fatalf("send: got %s, want sent by e-mail with the draft's link", res)
	}
	var e emailJSON
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/emails/" + *sent.EmailID, Token: a.Token}).Decode(t, &e)
	if e.Status != "not_configured" || e.Subject != "Vår offert" || !strings.HasSuffix(strings.TrimSpace(e.Body), d.Link) ||
		e.ReplyTo != a.Email || len(e.Attachments) != 1 || e.Attachments[0].FileName != "quote-"+q.Number+"-v1.pdf" ||
		len(e.Cc) != 1 {
		t.Errorf("e-mail: got %+v, want the edited text with the link appended and the PDF", e)
	}
	var att attachmentJSON
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/attachments/" + e.Attachments[0].ID, Token: a.Token}).Decode(t, &att)
	if att.Source != "quote" || att.SHA256 != *sent.Quote.DocumentSHA256 {
		t.Errorf("the attached PDF is %+v, want the quote's document %s", att, *sent.Quote.DocumentSHA256)
	}
	pl := defaultPipeline(t, env, a)
	if opp, _, _ := getOpp(t, env, a, o.ID); opp.PhaseID != *pl.QuoteSentPhaseID {
		t.Errorf("the opportunity is in %s, want the quote-sent phase", opp.PhaseID)
	}
	var timeline struct {
		Data []struct {
			Type    string `json:"type"`
			Summary string `json:"summary"`
		}
	}
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/opportunities/" + o.ID + "/timeline", Token: a.Token}).Decode(t, &timeline)
	found := false
	for _, ev := range timeline.Data {
		found = found || ev.Type == "email" && ev.Summary == "Vår offert"
	}
	if !found {
		t.Errorf("the timeline %+v lacks the e-mail", timeline.Data)
	}
}

// With an SMTP server the quote's e-mail is delivered by the job, with the
// link and the PDF.
func TestSendQuoteByEmailDelivered(t *testing.T) {
	t.Parallel()
	srv := startSMTP(t)
	env := testenv.New(t, func(c *app.Config) { c.SMTPURL = srv.url() })
	a := env.Signup()
	q, _ := quoteWithContact(t, env, a)
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/quotes/" + q.ID + "/send", Token: a.Token,
		Body: map[string]any{"channel": "email", "attach_pdf": true}})
	if res.Status != http.StatusOK {
		t.Fatalf("send: %s", res)
	}
	if _, err := env.App.Jobs.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	msgs := srv.delivered()
	if len(msgs) != 1 || len(msgs[0].To) != 1 || msgs[0].To[0] != "karin@oberg.example" {
		t.Fatalf("delivered %d messages, want one to the contact", len(msgs))
	}
	m, err := mail.ReadMessage(strings.NewReader(string(msgs[0].Data)))
	if err != nil {
		t.Fatal(err)
	}
	text, parts := mimeParts(t, m)
	if !strings.Contains(text, "http://crm.test/q/") || !strings.Contains(m.Header.Get("Subject"), q.Number) {
		t.Errorf("the message lacks the link or the number: %s", text)
	}
	if _, ok := parts["quote-"+q.Number+"-v1.pdf"]; !ok {
		t.Errorf("the message's parts are %v, want the quote's PDF", parts)
	}
}
