package testenv

import (
	"context"
	"strings"
	"sync"
	"testing"
)

// Mail is one account e-mail the product sent.
type Mail struct{ To, Subject, Text string }

// Mailbox keeps the account e-mails (signup codes, "someone tried to sign
// up" notices) of an Env instead of sending them.
type Mailbox struct {
	mu   sync.Mutex
	mail []Mail
}

// SendAccountMail implements identity.AccountMail.
func (m *Mailbox) SendAccountMail(_ context.Context, to, subject, text string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.mail = append(m.mail, Mail{To: to, Subject: subject, Text: text})
	return nil
}

// To returns the e-mails sent to an address, oldest first.
func (m *Mailbox) To(addr string) []Mail {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Mail
	for _, x := range m.mail {
		if strings.EqualFold(x.To, addr) {
			out = append(out, x)
		}
	}
	return out
}

// Code returns the confirmation code of the last signup e-mail to addr,
// failing the test when there is none.
func (m *Mailbox) Code(t testing.TB, addr string) string {
	t.Helper()
	mails := m.To(addr)
	for i := len(mails) - 1; i >= 0; i-- {
		if c := SignupCode(mails[i].Text); c != "" {
			return c
		}
	}
	t.Fatalf("no signup code was mailed to %s (mails: %v)", addr, mails)
	return ""
}

// SignupCode finds the code in a signup e-mail's text: the line that is
// 43 base64url characters (32 random bytes).
func SignupCode(text string) string {
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if len(line) == 43 && strings.Trim(line, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == "" {
			return line
		}
	}
	return ""
}
