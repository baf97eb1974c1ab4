package mail

import (
	"crypto/x509"
	"testing"

	"github.com/acme/crm/internal/mailtest"
)

// The package's tests script the shared test server (internal/mailtest).
type (
	testServer = mailtest.Server
	received   = mailtest.Message
)

type serverOpts struct {
	startTLS bool // offer STARTTLS
	implicit bool // speak TLS from the first byte
}

// startServer starts a server configured by configure (which runs before
// the first connection) and stops it when the test ends.
func startServer(t *testing.T, opts serverOpts, configure func(*testServer)) (*testServer, *x509.CertPool) {
	t.Helper()
	return mailtest.Start(t, mailtest.Options{StartTLS: opts.startTLS, Implicit: opts.implicit, Configure: configure})
}

// replyErr is an SMTP reply with the class digit as enhanced code.
func replyErr(code int) error { return mailtest.Reply(code) }
