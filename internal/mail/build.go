package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/base32"
	"maps"
	"net/mail"
	"slices"
	"strings"

	gomail "github.com/wneessen/go-mail"
)

// idEncoding renders random Message-ID bytes with letters and digits only.
var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// newMessageID returns "<random@domain>", the domain taken from the sender
// so that the ID is globally unique and looks like it came from the sender
// (some spam filters score IDs from foreign domains).
func newMessageID(from string) string {
	b := make([]byte, 20)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	domain := "localhost"
	if i := strings.LastIndexByte(from, '@'); i >= 0 && i < len(from)-1 {
		domain = strings.ToLower(from[i+1:])
	}
	return "<" + strings.ToLower(idEncoding.EncodeToString(b)) + "@" + domain + ">"
}

// build converts a validated Message into a go-mail message with the given
// Message-ID. Header values are RFC 2047-encoded by go-mail where needed
// (UTF-8, quoted-printable bodies).
func build(m Message, id string) *gomail.Msg {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(addr(m.From))
	if len(m.To) > 0 {
		msg.ToMailAddress(addrs(m.To)...)
	}
	if len(m.Cc) > 0 {
		msg.CcMailAddress(addrs(m.Cc)...)
	}
	if m.ReplyTo != nil {
		msg.ReplyToMailAddress(addr(*m.ReplyTo))
	}
	msg.Subject(m.Subject)
	// SetMessageIDWithValue adds the angle brackets itself.
	msg.SetMessageIDWithValue(strings.Trim(id, "<>"))
	msg.SetDate()
	for _, name := range slices.Sorted(maps.Keys(m.Headers)) {
		msg.SetGenHeader(gomail.Header(name), m.Headers[name])
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	for _, a := range m.Attachments {
		ct := a.ContentType
		if ct == "" {
			ct = string(gomail.TypeAppOctetStream)
		}
		msg.AttachReadSeeker(a.Name, bytes.NewReader(a.Data),
			gomail.WithFileContentType(gomail.ContentType(ct)))
	}
	return msg
}

func addr(a Address) *mail.Address {
	return &mail.Address{Name: a.Name, Address: a.Email}
}

func addrs(as []Address) []*mail.Address {
	out := make([]*mail.Address, len(as))
	for i, a := range as {
		out[i] = addr(a)
	}
	return out
}
