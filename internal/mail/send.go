package mail

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"

	gomail "github.com/wneessen/go-mail"
)

// Send validates m, delivers it in one SMTP session and returns the
// Message-ID it set, with angle brackets ("<…@sender-domain>"), for
// threading replies and for the outbox record.
//
// Errors: an invalid message is errs.Invalid, before any network call. A
// 5xx reply to the mail transaction wraps ErrPermanent. Everything else
// (refused connection, time-out, 4xx, TLS, login, cancelled ctx) is
// errs.Unavailable and temporary; IsPermanent tells the two apart. Once
// the server has accepted the message, Send reports success even if
// closing the session fails, so that a retry cannot deliver it twice.
func (s *SMTP) Send(ctx context.Context, m Message) (string, error) {
	if err := m.Validate(); err != nil {
		return "", err
	}
	id := newMessageID(m.From.Email)
	msg := build(m, id)

	dial, release := s.dialer(ctx)
	defer release()
	client, err := gomail.NewClient(s.host, s.options(dial)...)
	if err != nil {
		return "", fmt.Errorf("configure SMTP client: %w", err)
	}
	conn, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return "", classify(ctx, "connect to "+s.Addr(), err)
	}
	// QUIT's outcome does not matter once the transaction is over.
	defer func() { _ = client.CloseWithSMTPClient(conn) }()

	err = client.SendWithSMTPClient(conn, msg)
	if msg.IsDelivered() {
		return id, nil
	}
	if err == nil { // defensive: go-mail reports every undelivered message
		err = fmt.Errorf("message %s not delivered", id)
	}
	return "", classify(ctx, "send via "+s.Addr(), err)
}

// dialer returns a dial function for go-mail and a release function to
// defer. The connection is closed when ctx ends, which interrupts a slow
// server mid-command (go-mail itself only uses ctx while dialling), and by
// release, since go-mail leaves it open when EHLO, STARTTLS or AUTH fails.
// go-mail dials on the calling goroutine, so the closure needs no lock.
func (s *SMTP) dialer(ctx context.Context) (dial gomail.DialContextFunc, release func()) {
	var conn net.Conn
	stop := func() bool { return false }
	dial = func(dctx context.Context, network, addr string) (net.Conn, error) {
		c, err := s.dial(dctx, network, addr)
		if err == nil {
			conn = c
			stop = context.AfterFunc(ctx, func() { _ = c.Close() })
		}
		return c, err
	}
	return dial, func() {
		stop()
		if conn != nil {
			_ = conn.Close() // usually closed by QUIT already
		}
	}
}

// dial opens the TCP connection, with TLS from the first byte in implicit
// mode (go-mail's own TLS dialling is bypassed by a custom dial function).
func (s *SMTP) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d := &net.Dialer{Timeout: s.timeout}
	if s.mode == TLSImplicit {
		td := &tls.Dialer{NetDialer: d, Config: s.tlsConfig.Clone()}
		return td.DialContext(ctx, network, addr)
	}
	return d.DialContext(ctx, network, addr)
}

func (s *SMTP) options(dial gomail.DialContextFunc) []gomail.Option {
	policy := gomail.NoTLS // implicit TLS is done by dial; none means none
	switch s.mode {
	case TLSOpportunistic:
		policy = gomail.TLSOpportunistic
	case TLSMandatory:
		policy = gomail.TLSMandatory
	}
	opts := []gomail.Option{
		gomail.WithPort(s.port),
		gomail.WithTimeout(s.timeout),
		gomail.WithDialContextFunc(dial),
		gomail.WithTLSConfig(s.tlsConfig.Clone()),
		gomail.WithTLSPolicy(policy),
		gomail.WithoutNoop(), // the connection is brand new
	}
	if s.helo != "" {
		opts = append(opts, gomail.WithHELO(s.helo))
	}
	if s.user != "" {
		opts = append(opts,
			gomail.WithUsername(s.user), gomail.WithPassword(s.pass),
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlain, gomail.SMTPAuthLogin))
	}
	return opts
}
