// Package mailtest is a real SMTP server (emersion/go-smtp) on 127.0.0.1 for
// tests: it records what it accepts and answers as the test scripts it
// (errors per command, STARTTLS or implicit TLS, AUTH PLAIN, a pause in
// DATA). Every package's e-mail tests use this one server.
package mailtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Message is one message as the server accepted it.
type Message struct {
	From string
	To   []string
	Data []byte
	TLS  bool   // the session was encrypted
	User string // the authenticated user, if any
}

// Server is a running test server. Its exported fields script its replies;
// set them in Options.Configure, before the first connection.
type Server struct {
	Addr string

	User, Pass string          // when set, AUTH PLAIN is required
	MailErr    error           // reply to MAIL FROM
	RcptErr    error           // reply to every RCPT TO
	DataErrs   []error         // replies to successive DATA commands (nil accepts); then accept
	InData     chan<- struct{} // signalled when DATA starts, if set
	Release    <-chan struct{} // DATA waits for it, if set
	Logouts    chan<- struct{} // signalled when a session ends, if set and not full

	mu       sync.Mutex
	sessions int
	msgs     []Message
}

// Options say how the server talks.
type Options struct {
	StartTLS bool // offer STARTTLS
	Implicit bool // speak TLS from the first byte
	// Configure scripts the server before it accepts connections.
	Configure func(*Server)
}

// Start starts a server and stops it when the test ends. The pool trusts
// its certificate when it speaks TLS (nil otherwise).
func Start(t testing.TB, opts Options) (*Server, *x509.CertPool) {
	t.Helper()
	ts := &Server{}
	if opts.Configure != nil {
		opts.Configure(ts)
	}
	s := smtp.NewServer(ts)
	s.Domain = "mx.test"
	s.AllowInsecureAuth = true
	// Long, so that only the client can end a session early.
	s.ReadTimeout, s.WriteTimeout = 5*time.Minute, 5*time.Minute
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	var pool *x509.CertPool
	if opts.StartTLS || opts.Implicit {
		cert, p := selfSigned(t)
		pool = p
		s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
		if opts.Implicit {
			l = tls.NewListener(l, s.TLSConfig)
		}
	}
	ts.Addr = l.Addr().String()
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := s.Serve(l); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			t.Errorf("smtp server: %v", err)
		}
	}()
	t.Cleanup(func() {
		_ = s.Close()
		// Close misses the listener when Serve has not registered it yet.
		_ = l.Close()
		<-done
	})
	return ts, pool
}

// URL is the server's SMTP_URL without TLS (it is on loopback).
func (ts *Server) URL() string { return "smtp://" + ts.Addr + "?tls=none" }

// Delivered returns a copy of the accepted messages.
func (ts *Server) Delivered() []Message {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]Message(nil), ts.msgs...)
}

// Sessions is how many sessions have begun.
func (ts *Server) Sessions() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.sessions
}

// Reply is an SMTP error reply with the code, and its class digit as the
// enhanced code.
func Reply(code int) error {
	return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0}, Message: "scripted reply"}
}

// NewSession implements smtp.Backend.
func (ts *Server) NewSession(c *smtp.Conn) (smtp.Session, error) {
	ts.mu.Lock()
	ts.sessions++
	ts.mu.Unlock()
	return &session{ts: ts, conn: c}, nil
}

type session struct {
	ts   *Server
	conn *smtp.Conn
	cur  Message
}

func (s *session) AuthMechanisms() []string {
	if s.ts.User == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.ts.User || pass != s.ts.Pass {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials"}
		}
		s.cur.User = user
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.ts.User != "" && s.cur.User == "" {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "log in first"}
	}
	s.cur.From = from
	return s.ts.MailErr
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.ts.RcptErr != nil {
		return s.ts.RcptErr
	}
	s.cur.To = append(s.cur.To, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if s.ts.InData != nil {
		s.ts.InData <- struct{}{}
	}
	if s.ts.Release != nil {
		<-s.ts.Release
	}
	s.ts.mu.Lock()
	defer s.ts.mu.Unlock()
	if len(s.ts.DataErrs) > 0 {
		reply := s.ts.DataErrs[0]
		s.ts.DataErrs = s.ts.DataErrs[1:]
		if reply != nil {
			return reply
		}
	}
	msg := s.cur
	msg.Data = data
	_, msg.TLS = s.conn.TLSConnectionState()
	s.ts.msgs = append(s.ts.msgs, msg)
	return nil
}

func (s *session) Reset() { s.cur = Message{User: s.cur.User} }

func (s *session) Logout() error {
	// Never block: STARTTLS ends a session too, and nobody may be listening.
	select {
	case s.ts.Logouts <- struct{}{}:
	default:
	}
	return nil
}

// selfSigned returns a certificate for 127.0.0.1 and a pool trusting it.
func selfSigned(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("generate key: %v", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "mx.test"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("create certificate: %v", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("parse certificate: %v", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}
