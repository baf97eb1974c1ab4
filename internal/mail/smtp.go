package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"time"
)

// Sender sends one message and returns the Message-ID it was sent with.
// Consumers (the outbox job, say) declare this interface where they use it;
// it is repeated here as the contract SMTP fulfils.
type Sender interface {
	Send(ctx context.Context, m Message) (messageID string, err error)
}

// TLSMode says how a connection is protected.
type TLSMode string

const (
	// TLSNone never encrypts; for a relay on the same host or in tests.
	TLSNone TLSMode = "none"
	// TLSOpportunistic upgrades with STARTTLS when the server offers it.
	TLSOpportunistic TLSMode = "opportunistic"
	// TLSMandatory requires STARTTLS and fails when it is not offered.
	TLSMandatory TLSMode = "mandatory"
	// TLSImplicit speaks TLS from the first byte (smtps://, port 465).
	TLSImplicit TLSMode = "implicit"
)

// DefaultTimeout bounds connecting and each SMTP command.
const DefaultTimeout = 30 * time.Second

// SMTP sends mail through one SMTP server. It holds configuration only and
// opens a fresh connection per Send, so it is safe for concurrent use.
type SMTP struct {
	host       string
	port       int
	mode       TLSMode
	user, pass string
	helo       string
	timeout    time.Duration
	tlsConfig  *tls.Config
}

var _ Sender = (*SMTP)(nil)

// NewSMTP configures a sender from an SMTP_URL:
//
//	smtp://user:pass@host:port?tls=opportunistic&timeout=30s&helo=crm.example.com
//	smtps://user:pass@host:port
//
// smtp:// uses STARTTLS when the server offers it (port 587 by default);
// ?tls=mandatory requires it and ?tls=none never uses it. smtps:// is
// implicit TLS (port 465 by default). Credentials are optional; with them
// the sender logs in with PLAIN or LOGIN, which go-mail only does over TLS
// or to localhost, so a stripped STARTTLS makes the send fail rather than
// leak the password. ?tls=none with credentials is refused for any host
// but loopback. Errors never echo the URL, which may hold a password.
func NewSMTP(rawURL string) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the URL, password and all
		}
		return nil, fmt.Errorf("parse SMTP URL: %w", err)
	}
	s := &SMTP{host: u.Hostname(), timeout: DefaultTimeout}
	if err := s.scheme(u.Scheme); err != nil {
		return nil, err
	}
	if s.host == "" || (u.Path != "" && u.Path != "/") || u.Opaque != "" {
		return nil, errors.New("parse SMTP URL: want smtp://[user:pass@]host[:port]")
	}
	if p := u.Port(); p != "" {
		if s.port, err = strconv.Atoi(p); err != nil || s.port < 1 || s.port > 65535 {
			return nil, fmt.Errorf("parse SMTP URL: invalid port %q", p)
		}
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	if err := s.query(u.Query()); err != nil {
		return nil, err
	}
	return s, s.check()
}

func (s *SMTP) scheme(scheme string) error {
	switch scheme {
	case "smtp":
		s.mode, s.port = TLSOpportunistic, 587
	case "smtps":
		s.mode, s.port = TLSImplicit, 465
	default:
		return fmt.Errorf("parse SMTP URL: scheme %q, want smtp or smtps", scheme)
	}
	return nil
}

func (s *SMTP) query(q url.Values) error {
	for key, vals := range q {
		if len(vals) != 1 {
			return fmt.Errorf("parse SMTP URL: %s given %d times", key, len(vals))
		}
		v := vals[0]
		switch key {
		case "tls":
			switch mode := TLSMode(v); {
			case s.mode == TLSImplicit:
				return errors.New("parse SMTP URL: smtps:// is always implicit TLS; use smtp:// with ?tls=")
			case mode == TLSNone || mode == TLSOpportunistic || mode == TLSMandatory:
				s.mode = mode
			default:
				return fmt.Errorf("parse SMTP URL: tls=%q, want none, opportunistic or mandatory", v)
			}
		case "timeout":
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return fmt.Errorf("parse SMTP URL: timeout=%q, want a positive duration such as 30s", v)
			}
			s.timeout = d
		case "helo":
			s.helo = v
		default:
			return fmt.Errorf("parse SMTP URL: unknown option %q", key)
		}
	}
	return nil
}

// check rejects a configuration that would send a password in clear text.
func (s *SMTP) check() error {
	s.tlsConfig = &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
	if s.user != "" && s.mode == TLSNone && !isLoopback(s.host) {
		return errors.New("parse SMTP URL: credentials need TLS; tls=none is only allowed for localhost")
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Mode returns the TLS mode in use, for start-up logs.
func (s *SMTP) Mode() TLSMode { return s.mode }

// Addr returns host:port, for start-up logs; it never includes credentials.
func (s *SMTP) Addr() string { return net.JoinHostPort(s.host, strconv.Itoa(s.port)) }
