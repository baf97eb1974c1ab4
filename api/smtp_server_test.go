package api_test

import (
	"testing"

	"github.com/acme/crm/internal/mailtest"
)

// smtpServer is the shared test SMTP server (internal/mailtest) as the API
// tests use it: SMTP_URL in url, accepted messages in delivered.
type smtpServer struct{ *mailtest.Server }

// startSMTP starts a server that answers DATA with replies first, then
// accepts, and stops it when the test ends.
func startSMTP(t *testing.T, replies ...error) *smtpServer {
	t.Helper()
	s, _ := mailtest.Start(t, mailtest.Options{Configure: func(s *mailtest.Server) { s.DataErrs = replies }})
	return &smtpServer{s}
}

func (s *smtpServer) url() string                   { return s.URL() }
func (s *smtpServer) delivered() []mailtest.Message { return s.Delivered() }

// smtpReply is an SMTP error reply with the given code.
func smtpReply(code int) error { return mailtest.Reply(code) }
