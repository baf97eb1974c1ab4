package mail

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"slices"
	"strings"
	"testing"

	"github.com/acme/crm/internal/errs"
)

// sender returns an SMTP sender for rawURL that trusts pool, if given.
func sender(t *testing.T, rawURL string, pool *x509.CertPool) *SMTP {
	t.Helper()
	s, err := NewSMTP(rawURL)
	if err != nil {
		t.Fatalf("NewSMTP(%q): %v", rawURL, err)
	}
	s.tlsConfig.RootCAs = pool
	return s
}

func plainURL(ts *testServer) string { return "smtp://" + ts.Addr + "?tls=none" }

func simpleMessage() Message {
	return Message{
		From:    Address{Email: "crm@acme.test"},
		To:      []Address{{Email: "kund@example.se"}},
		Subject: "Hej",
		Text:    "Hej!",
	}
}

func TestSendDeliversFullMessage(t *testing.T) {
	ts, _ := startServer(t, serverOpts{}, nil)
	pdf := []byte("%PDF-1.7\n\x00\x01\x02\xff binary")
	m := Message{
		From:    Address{Name: "Åsa Säljare", Email: "asa@acme.test"},
		To:      []Address{{Name: "Örjan Kund", Email: "orjan@example.se"}, {Email: "inkop@example.se"}},
		Cc:      []Address{{Name: "Chef, Ärlig", Email: "chef@acme.test"}},
		ReplyTo: &Address{Name: "Säljteamet", Email: "salj@acme.test"},
		Subject: "Offert för kontorsmöbler – åäö ÅÄÖ",
		Text:    "Hej Örjan,\n\nhär kommer offerten. Lång rad: " + strings.Repeat("å", 120) + "\n",
		HTML:    "<p>Hej Örjan,</p><p>här kommer <b>offerten</b>.</p>",
		Attachments: []Attachment{
			{Name: "Offert Åre 2026.pdf", ContentType: "application/pdf", Data: pdf},
			{Name: "rader.csv", ContentType: "text/csv", Data: []byte("a;b\nå;ä\n")},
		},
		Headers: map[string]string{"X-CRM-Message-ID": "em_123", "In-Reply-To": "<abc@example.se>"},
	}
	id, err := sender(t, plainURL(ts), nil).Send(context.Background(), m)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@acme.test>") {
		t.Errorf("message ID = %q, want <…@acme.test>", id)
	}
	got := ts.Delivered()
	if len(got) != 1 {
		t.Fatalf("got %d delivered messages, want 1", len(got))
	}
	checkEnvelope(t, got[0], "asa@acme.test", []string{"orjan@example.se", "inkop@example.se", "chef@acme.test"})
	h, parts := parseReceived(t, got[0].Data)
	checkHeaders(t, got[0].Data, h, m, id)
	checkParts(t, parts, m)
}

func checkEnvelope(t *testing.T, r received, from string, to []string) {
	t.Helper()
	if r.From != from {
		t.Errorf("MAIL FROM = %q, want %q", r.From, from)
	}
	if !slices.Equal(r.To, to) {
		t.Errorf("RCPT TO = %v, want %v", r.To, to)
	}
}

func checkHeaders(t *testing.T, raw []byte, h mail.Header, m Message, id string) {
	t.Helper()
	for i, c := range headerSection(raw) {
		if c > 127 {
			t.Fatalf("header section has raw non-ASCII %q at %d; want RFC 2047 encoding", c, i)
		}
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if err != nil || subject != m.Subject {
		t.Errorf("Subject = %q (%v), want %q", subject, err, m.Subject)
	}
	checkAddresses(t, h, "From", []Address{m.From})
	checkAddresses(t, h, "To", m.To)
	checkAddresses(t, h, "Cc", m.Cc)
	checkAddresses(t, h, "Reply-To", []Address{*m.ReplyTo})
	if got := h.Get("Message-Id"); got != id {
		t.Errorf("Message-ID = %q, want %q", got, id)
	}
	if _, err := h.Date(); err != nil {
		t.Errorf("Date header %q: %v", h.Get("Date"), err)
	}
	for name, want := range m.Headers {
		if got := h.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

func checkAddresses(t *testing.T, h mail.Header, name string, want []Address) {
	t.Helper()
	list, err := h.AddressList(name)
	if err != nil {
		t.Fatalf("%s header %q: %v", name, h.Get(name), err)
	}
	var got []Address
	for _, a := range list {
		got = append(got, Address{Name: a.Name, Email: a.Address})
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s = %v, want %v", name, got, want)
	}
}

func checkParts(t *testing.T, parts []leaf, m Message) {
	t.Helper()
	want := []leaf{
		{contentType: "text/plain", body: m.Text},
		{contentType: "text/html", body: m.HTML},
	}
	for _, a := range m.Attachments {
		want = append(want, leaf{contentType: a.ContentType, filename: a.Name, disposition: "attachment", body: string(a.Data)})
	}
	if len(parts) != len(want) {
		t.Fatalf("got %d parts %+v, want %d", len(parts), parts, len(want))
	}
	for i := range want {
		if parts[i] != want[i] {
			t.Errorf("part %d = %q, want %q", i, fmt.Sprintf("%+v", parts[i]), fmt.Sprintf("%+v", want[i]))
		}
	}
}

func TestSendRetryAfterTemporaryFailures(t *testing.T) {
	ts, _ := startServer(t, serverOpts{}, func(ts *testServer) {
		ts.DataErrs = []error{replyErr(451), replyErr(451)}
	})
	s := sender(t, plainURL(ts), nil)
	var lastID string
	for attempt := 1; attempt <= 3; attempt++ {
		id, err := s.Send(context.Background(), simpleMessage())
		if attempt < 3 {
			if err == nil || IsPermanent(err) || !errs.Is(err, errs.Unavailable) {
				t.Fatalf("attempt %d: got error %v, want a temporary errs.Unavailable", attempt, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("attempt 3: got %v, want delivery", err)
		}
		lastID = id
	}
	got := ts.Delivered()
	if len(got) != 1 {
		t.Fatalf("got %d delivered messages, want exactly 1", len(got))
	}
	h, _ := parseReceived(t, got[0].Data)
	if h.Get("Message-Id") != lastID {
		t.Errorf("delivered Message-ID = %q, want the successful attempt's %q", h.Get("Message-Id"), lastID)
	}
}

func TestSendClassifiesReplies(t *testing.T) {
	tests := []struct {
		name          string
		configure     func(*testServer)
		wantPermanent bool
	}{
		{"550 to RCPT", func(ts *testServer) { ts.RcptErr = replyErr(550) }, true},
		{"450 to RCPT", func(ts *testServer) { ts.RcptErr = replyErr(450) }, false},
		{"553 to MAIL", func(ts *testServer) { ts.MailErr = replyErr(553) }, true},
		{"421 to MAIL", func(ts *testServer) { ts.MailErr = replyErr(421) }, false},
		{"554 after DATA", func(ts *testServer) { ts.DataErrs = []error{replyErr(554)} }, true},
		{"452 after DATA", func(ts *testServer) { ts.DataErrs = []error{replyErr(452)} }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, _ := startServer(t, serverOpts{}, tt.configure)
			_, err := sender(t, plainURL(ts), nil).Send(context.Background(), simpleMessage())
			if err == nil {
				t.Fatal("got nil error, want a failure")
			}
			if got := IsPermanent(err); got != tt.wantPermanent {
				t.Errorf("IsPermanent(%v) = %v, want %v", err, got, tt.wantPermanent)
			}
			if got := errors.Is(err, ErrPermanent); got != tt.wantPermanent {
				t.Errorf("errors.Is(err, ErrPermanent) = %v, want %v", got, tt.wantPermanent)
			}
			if n := len(ts.Delivered()); n != 0 {
				t.Errorf("got %d delivered messages, want 0", n)
			}
		})
	}
}

func TestSendConnectionRefusedIsTemporary(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	addr := l.Addr().String()
	_ = l.Close() // nothing listens there now
	_, err = sender(t, "smtp://"+addr+"?tls=none", nil).Send(context.Background(), simpleMessage())
	if err == nil || IsPermanent(err) || !errs.Is(err, errs.Unavailable) {
		t.Errorf("got %v, want a temporary errs.Unavailable", err)
	}
}

func TestSendRejectsInvalidBeforeConnecting(t *testing.T) {
	ts, _ := startServer(t, serverOpts{}, nil)
	m := simpleMessage()
	m.Subject = "Hej\r\nBcc: victim@example.com"
	_, err := sender(t, plainURL(ts), nil).Send(context.Background(), m)
	e, ok := errs.As(err)
	if !ok || e.Code != errs.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != "subject" {
		t.Fatalf("got %v, want errs.Invalid on field subject", err)
	}
	if !IsPermanent(err) {
		t.Errorf("IsPermanent(%v) = false, want true", err)
	}
	if n := ts.Sessions(); n != 0 {
		t.Errorf("server saw %d sessions, want 0", n)
	}
}

func TestSendCancelledMidTransaction(t *testing.T) {
	inData := make(chan struct{}, 1)
	release := make(chan struct{})
	ts, _ := startServer(t, serverOpts{}, func(ts *testServer) {
		ts.InData, ts.Release = inData, release
	})
	t.Cleanup(func() { close(release) }) // runs before the server stops
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-inData
		cancel()
	}()
	// The long timeout makes the test hang, not pass, if ctx were ignored.
	_, err := sender(t, plainURL(ts)+"&timeout=1h", nil).Send(ctx, simpleMessage())
	if !errors.Is(err, context.Canceled) || IsPermanent(err) {
		t.Errorf("got %v, want a temporary error wrapping context.Canceled", err)
	}
}
