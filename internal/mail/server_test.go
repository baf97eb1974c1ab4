package mail

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

// received is one message as the test server accepted it.
type received struct {
	from string
	to   []string
	data []byte
	tls  bool   // the session was encrypted
	user string // the authenticated user, if any
}

// testServer is a real SMTP server (emersion/go-smtp) on 127.0.0.1 with a
// free port. Its fields script its replies; set them before sending.
type testServer struct {
	addr string

	user, pass string          // when set, AUTH PLAIN is required
	mailErr    error           // reply to MAIL FROM
	rcptErr    error           // reply to every RCPT TO
	dataErrs   []error         // replies to successive DATA commands; then accept
	inData     chan<- struct{} // signalled when DATA starts, if set
	release    <-chan struct{} // DATA waits for it, if set
	logouts    chan<- struct{} // signalled when a session ends, if set and not full

	mu       sync.Mutex
	sessions int
	msgs     []received
}

type serverOpts struct {
	startTLS bool // offer STARTTLS
	implicit bool // speak TLS from the first byte
}

// startServer starts a server configured by configure (which runs before
// the first connection) and stops it when the test ends.
func startServer(t *testing.T, opts serverOpts, configure func(*testServer)) (*testServer, *x509.CertPool) {
	t.Helper()
	ts := &testServer{}
	if configure != nil {
		configure(ts)
	}
	s := smtp.NewServer(ts)
	s.Domain = "mx.test"
	s.AllowInsecureAuth = true
	// Longer than waitLogout, so that only the client can end a session early.
	s.ReadTimeout, s.WriteTimeout = 5*time.Minute, 5*time.Minute
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	var pool *x509.CertPool
	if opts.startTLS || opts.implicit {
		cert, p := selfSigned(t)
		pool = p
		s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
		if opts.implicit {
			l = tls.NewListener(l, s.TLSConfig)
		}
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
		// Close misses the listener when Serve has not registered it yet.
		_ = l.Close()
		<-done
	})
	return ts, pool
}

// delivered returns a copy of the accepted messages.
func (ts *testServer) delivered() []received {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]received(nil), ts.msgs...)
}

func (ts *testServer) sessionCount() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.sessions
}

// NewSession implements smtp.Backend.
func (ts *testServer) NewSession(c *smtp.Conn) (smtp.Session, error) {
	ts.mu.Lock()
	ts.sessions++
	ts.mu.Unlock()
	return &session{ts: ts, conn: c}, nil
}

type session struct {
	ts   *testServer
	conn *smtp.Conn
	cur  received
}

func (s *session) AuthMechanisms() []string {
	if s.ts.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.ts.user || pass != s.ts.pass {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials"}
		}
		s.cur.user = user
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.ts.user != "" && s.cur.user == "" {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "log in first"}
	}
	s.cur.from = from
	return s.ts.mailErr
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.ts.rcptErr != nil {
		return s.ts.rcptErr
	}
	s.cur.to = append(s.cur.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if s.ts.inData != nil {
		s.ts.inData <- struct{}{}
	}
	if s.ts.release != nil {
		<-s.ts.release
	}
	s.ts.mu.Lock()
	defer s.ts.mu.Unlock()
	if len(s.ts.dataErrs) > 0 {
		reply := s.ts.dataErrs[0]
		s.ts.dataErrs = s.ts.dataErrs[1:]
		if reply != nil {
			return reply
		}
	}
	msg := s.cur
	msg.data = data
	_, msg.tls = s.conn.TLSConnectionState()
	s.ts.msgs = append(s.ts.msgs, msg)
	return nil
}

func (s *session) Reset() {
	s.cur = received{user: s.cur.user}
}

func (s *session) Logout() error {
	// Never block: STARTTLS ends a session too, and nobody may be listening.
	select {
	case s.ts.logouts <- struct{}{}:
	default:
	}
	return nil
}

// replyErr is an SMTP reply with the class digit as enhanced code.
func replyErr(code int) error {
	return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0}, Message: "scripted reply"}
}

// selfSigned returns a certificate for 127.0.0.1 and a pool trusting it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
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
