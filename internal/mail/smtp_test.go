package mail

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/acme/crm/internal/errs"
)

func TestNewSMTP(t *testing.T) {
	tests := []struct {
		url         string
		wantMode    TLSMode
		wantAddr    string
		wantUser    string
		wantPass    string
		wantTimeout time.Duration
		wantErr     string // substring; empty: no error
	}{
		{url: "smtp://mail.example.com", wantMode: TLSOpportunistic, wantAddr: "mail.example.com:587", wantTimeout: DefaultTimeout},
		{url: "smtps://mail.example.com", wantMode: TLSImplicit, wantAddr: "mail.example.com:465", wantTimeout: DefaultTimeout},
		{url: "smtp://u%40x:p%3Ass@mail.example.com:2525?tls=mandatory&timeout=5s", wantMode: TLSMandatory,
			wantAddr: "mail.example.com:2525", wantUser: "u@x", wantPass: "p:ss", wantTimeout: 5 * time.Second},
		{url: "smtp://127.0.0.1:1025?tls=none", wantMode: TLSNone, wantAddr: "127.0.0.1:1025", wantTimeout: DefaultTimeout},
		{url: "smtp://u:p@localhost:1025?tls=none", wantMode: TLSNone, wantAddr: "localhost:1025", wantUser: "u", wantPass: "p", wantTimeout: DefaultTimeout},
		{url: "smtp://[::1]:25?tls=opportunistic&helo=crm.example.com", wantMode: TLSOpportunistic, wantAddr: "[::1]:25", wantTimeout: DefaultTimeout},
		{url: "smtp://u:secret@mail.example.com?tls=none", wantErr: "credentials need TLS"},
		{url: "smtps://mail.example.com?tls=none", wantErr: "always implicit TLS"},
		{url: "smtp://mail.example.com?tls=maybe", wantErr: "tls="},
		{url: "smtp://mail.example.com?timeout=soon", wantErr: "timeout="},
		{url: "smtp://mail.example.com?timeout=-1s", wantErr: "timeout="},
		{url: "smtp://mail.example.com?tsl=none", wantErr: "unknown option"},
		{url: "smtp://mail.example.com?tls=none&tls=mandatory", wantErr: "2 times"},
		{url: "http://mail.example.com", wantErr: "scheme"},
		{url: "mail.example.com:25", wantErr: "scheme"},
		{url: "smtp://:25", wantErr: "want smtp://"},
		{url: "smtp://mail.example.com/path", wantErr: "want smtp://"},
		{url: "smtp://mail.example.com:99999", wantErr: "invalid port"},
		{url: "smtp://u:secret@mail.example.com:bad", wantErr: "parse SMTP URL"},
		{url: "smtp://u:secret@mail.example.com/%zz", wantErr: "parse SMTP URL"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			s, err := NewSMTP(tt.url)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "secret") {
					t.Errorf("error %q leaks the password", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("got %v, want no error", err)
			}
			if s.Mode() != tt.wantMode || s.Addr() != tt.wantAddr || s.user != tt.wantUser ||
				s.pass != tt.wantPass || s.timeout != tt.wantTimeout {
				t.Errorf("got mode %s addr %s user %q pass %q timeout %v, want %s %s %q %q %v",
					s.Mode(), s.Addr(), s.user, s.pass, s.timeout,
					tt.wantMode, tt.wantAddr, tt.wantUser, tt.wantPass, tt.wantTimeout)
			}
		})
	}
}

func TestSendTLSModes(t *testing.T) {
	tests := []struct {
		name        string
		server      serverOpts
		url         func(addr string) string
		creds       bool // the server requires AUTH PLAIN as u/p
		wantTLS     bool
		wantFailure bool
	}{
		{"opportunistic upgrades", serverOpts{startTLS: true}, func(a string) string { return "smtp://" + a }, false, true, false},
		{"opportunistic falls back", serverOpts{}, func(a string) string { return "smtp://" + a }, false, false, false},
		{"mandatory with STARTTLS and login", serverOpts{startTLS: true},
			func(a string) string { return "smtp://u:p@" + a + "?tls=mandatory" }, true, true, false},
		{"mandatory without STARTTLS fails", serverOpts{}, func(a string) string { return "smtp://" + a + "?tls=mandatory" }, false, false, true},
		{"none ignores STARTTLS", serverOpts{startTLS: true}, func(a string) string { return "smtp://" + a + "?tls=none" }, false, false, false},
		{"implicit TLS with login", serverOpts{implicit: true}, func(a string) string { return "smtps://u:p@" + a }, true, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logouts := make(chan struct{}, 1)
			ts, pool := startServer(t, tt.server, func(ts *testServer) {
				ts.Logouts = logouts
				if tt.creds {
					ts.User, ts.Pass = "u", "p"
				}
			})
			_, err := sender(t, tt.url(ts.Addr), pool).Send(context.Background(), simpleMessage())
			got := ts.Delivered()
			if tt.wantFailure {
				if err == nil || IsPermanent(err) || len(got) != 0 {
					t.Fatalf("got error %v and %d messages, want a temporary error and none", err, len(got))
				}
				waitLogout(t, logouts)
				return
			}
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			if len(got) != 1 || got[0].TLS != tt.wantTLS {
				t.Fatalf("got %d messages (%+v), want 1 with TLS %v", len(got), got, tt.wantTLS)
			}
			if tt.creds && got[0].User != "u" {
				t.Errorf("authenticated user = %q, want %q", got[0].User, "u")
			}
		})
	}
}

func TestSendLogin(t *testing.T) {
	tests := []struct {
		name, userinfo string
		wantOK         bool
	}{
		{"right password", "crm:hemligt%C3%A5", true},
		{"wrong password", "crm:fel", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logouts := make(chan struct{}, 1)
			ts, _ := startServer(t, serverOpts{}, func(ts *testServer) {
				ts.User, ts.Pass, ts.Logouts = "crm", "hemligtå", logouts
			})
			// Plain-text login is allowed here only because the host is loopback.
			_, err := sender(t, "smtp://"+tt.userinfo+"@"+ts.Addr+"?tls=none", nil).Send(context.Background(), simpleMessage())
			if tt.wantOK {
				if err != nil {
					t.Fatalf("Send: %v", err)
				}
				if got := ts.Delivered(); len(got) != 1 || got[0].User != "crm" {
					t.Errorf("got %+v, want one message sent as crm", got)
				}
				return
			}
			// A refused login is configuration: temporary, so queued mail
			// survives until an operator fixes the password.
			if err == nil || IsPermanent(err) || !errs.Is(err, errs.Unavailable) {
				t.Errorf("got %v, want a temporary errs.Unavailable", err)
			}
			waitLogout(t, logouts)
		})
	}
}

// waitLogout waits until the server has seen a session end, which happens
// only when the client closed its connection. The bound turns a leaked
// connection into a failure instead of a hung test run; it is not a timing
// assertion.
func waitLogout(t *testing.T, logouts <-chan struct{}) {
	t.Helper()
	select {
	case <-logouts:
	case <-time.After(30 * time.Second):
		t.Fatal("got no session end, want the failed connection closed")
	}
}
