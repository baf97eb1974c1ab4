package main

import (
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// mailSink is a real SMTP server (emersion/go-smtp) on 127.0.0.1 that
// accepts every message and keeps them.
type mailSink struct {
	addr string

	mu   sync.Mutex
	msgs [][]byte
}

// startMailSink starts the server and stops it when the test ends.
func startMailSink(t *testing.T) *mailSink {
	t.Helper()
	ms := &mailSink{}
	s := smtp.NewServer(ms)
	s.Domain = "mx.test"
	s.ReadTimeout, s.WriteTimeout = time.Minute, time.Minute
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	ms.addr = l.Addr().String()
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := s.Serve(l); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			t.Errorf("smtp server: %v", err)
		}
	}()
	t.Cleanup(func() {
		_ = s.Close()
		<-done
	})
	return ms
}

// url is the SMTP_URL of the server (plain text: it is on loopback).
func (ms *mailSink) url() string { return "smtp://" + ms.addr + "?tls=none" }

// messages returns a copy of the accepted messages.
func (ms *mailSink) messages() [][]byte {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return append([][]byte(nil), ms.msgs...)
}

// NewSession implements smtp.Backend.
func (ms *mailSink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{ms: ms}, nil }

type sinkSession struct{ ms *mailSink }

func (s *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *sinkSession) Reset()                               {}
func (s *sinkSession) Logout() error                        { return nil }

func (s *sinkSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.ms.mu.Lock()
	s.ms.msgs = append(s.ms.msgs, data)
	s.ms.mu.Unlock()
	return nil
}
