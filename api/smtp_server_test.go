package api_test

import (
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// smtpMessage is one message as the test SMTP server accepted it.
type smtpMessage struct {
	from string
	to   []string
	data []byte
}

// smtpServer is a real SMTP server (emersion/go-smtp) on 127.0.0.1 that
// answers DATA with its scripted replies in turn, then accepts.
type smtpServer struct {
	addr string

	mu      sync.Mutex
	replies []error
	msgs    []smtpMessage
}

// startSMTP starts a server that answers DATA with replies first, and stops
// it when the test ends.
func startSMTP(t *testing.T, replies ...error) *smtpServer {
	t.Helper()
	ts := &smtpServer{replies: replies}
	s := smtp.NewServer(ts)
	s.Domain = "mx.test"
	s.ReadTimeout, s.WriteTimeout = time.Minute, time.Minute
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	ts.addr = l.Addr().String()
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := s.Serve(l); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			t.Errorf("smtp server: %v", err)
		}
	}()
	t.Cleanup(func() {
		_ = s.Close()
		_ = l.Close()
		<-done
	})
	return ts
}

// url is the SMTP_URL of the server (plain text: it is on loopback).
func (ts *smtpServer) url() string { return "smtp://" + ts.addr + "?tls=none" }

// delivered returns a copy of the accepted messages.
func (ts *smtpServer) delivered() []smtpMessage {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]smtpMessage(nil), ts.msgs...)
}

// NewSession implements smtp.Backend.
func (ts *smtpServer) NewSession(*smtp.Conn) (smtp.Session, error) { return &smtpSession{ts: ts}, nil }

type smtpSession struct {
	ts  *smtpServer
	cur smtpMessage
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	s.cur.from = from
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.to = append(s.cur.to, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.ts.mu.Lock()
	defer s.ts.mu.Unlock()
	if len(s.ts.replies) > 0 {
		reply := s.ts.replies[0]
		s.ts.replies = s.ts.replies[1:]
		return reply
	}
	msg := s.cur
	msg.data = data
	s.ts.msgs = append(s.ts.msgs, msg)
	return nil
}

func (s *smtpSession) Reset()        { s.cur = smtpMessage{} }
func (s *smtpSession) Logout() error { return nil }

// smtpReply is an SMTP error reply with the given code.
func smtpReply(code int) error {
	return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0}, Message: "scripted reply"}
}
