// Package mail is the product's one way to send e-mail: a Message is
// validated here, then delivered over SMTP (github.com/wneessen/go-mail).
//
// Errors are classified so that a job queue can decide what to do with a
// failed send: IsPermanent reports failures that a retry cannot fix (an
// invalid message, a 5xx reply to the mail transaction); everything else
// (connection refused, time-outs, 4xx replies, TLS or login problems, which
// are configuration the operator can fix) is temporary and worth retrying
// with backoff.
package mail

import (
	"fmt"
	"maps"
	"mime"
	"net/mail"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/acme/crm/internal/errs"
)

// Limits on one message. They protect the mail server and the job queue
// from runaway input; providers reject far less than this anyway.
const (
	MaxRecipients     = 50
	MaxSubjectLength  = 255 // runes
	MaxAttachmentSize = 25 << 20
	maxHeaders        = 20
)

// Message is one e-mail as the product composes it. Text is required; HTML,
// when set, is sent as an alternative to it.
type Message struct {
	From        Address
	To, Cc      []Address
	ReplyTo     *Address
	Subject     string
	Text        string
	HTML        string
	Attachments []Attachment
	// Headers are extra header fields such as X-CRM-Message-ID or
	// In-Reply-To. Fields this package sets itself cannot be overridden.
	Headers map[string]string
}

// Address is a mailbox with an optional display name.
type Address struct {
	Name, Email string
}

// Attachment is a file sent with the message. An empty ContentType means
// application/octet-stream.
type Attachment struct {
	Name, ContentType string
	Data              []byte
}

// reservedHeaders are set from Message's own fields or by this package; a
// caller's header must not duplicate or spoof them.
var reservedHeaders = map[string]bool{
	"from": true, "sender": true, "to": true, "cc": true, "bcc": true, "reply-to": true,
	"subject": true, "date": true, "message-id": true, "mime-version": true,
	"content-type": true, "content-transfer-encoding": true, "content-disposition": true,
	"return-path": true, "received": true,
}

// Validate checks m before any network call. It returns an errs.Invalid
// error that names every offending field (from.email, to[1].name, subject,
// headers.X-Foo, attachments[0].name …), or nil.
func (m Message) Validate() error {
	var v validator
	v.address("from", m.From)
	if m.ReplyTo != nil {
		v.address("reply_to", *m.ReplyTo)
	}
	for i, a := range m.To {
		v.address(fmt.Sprintf("to[%d]", i), a)
	}
	for i, a := range m.Cc {
		v.address(fmt.Sprintf("cc[%d]", i), a)
	}
	switch n := len(m.To) + len(m.Cc); {
	case n == 0:
		v.add("to", "at least one recipient is required")
	case n > MaxRecipients:
		v.add("to", fmt.Sprintf("at most %d recipients (to and cc) are allowed", MaxRecipients))
	}
	v.subject(m.Subject)
	if strings.TrimSpace(m.Text) == "" {
		v.add("text", "a plain-text body is required")
	}
	v.headers(m.Headers)
	v.attachments(m.Attachments)
	return errs.Fields("invalid e-mail message", v.fields...)
}

type validator struct {
	fields []errs.FieldError
}

func (v *validator) add(field, msg string) {
	v.fields = append(v.fields, errs.FieldError{Field: field, Message: msg})
}

// headerSafe reports whether s can go into a header without ending it:
// CR or LF would let a value inject further header fields (or a body).
func headerSafe(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool {
		return (r < 0x20 && r != '\t') || r == 0x7f
	})
}

func (v *validator) address(field string, a Address) {
	if !headerSafe(a.Name) {
		v.add(field+".name", "must not contain line breaks or control characters")
	}
	if !headerSafe(a.Email) {
		v.add(field+".email", "must not contain line breaks or control characters")
		return
	}
	if a.Email == "" {
		v.add(field+".email", "is required")
		return
	}
	// A bare addr-spec only: "x@y, z@w" or "Name <x@y>" would parse into a
	// different or extra mailbox than the one shown to the user.
	parsed, err := mail.ParseAddress(a.Email)
	if err != nil || parsed.Name != "" || parsed.Address != a.Email {
		v.add(field+".email", "must be a valid e-mail address")
	}
}

func (v *validator) subject(s string) {
	switch {
	case !headerSafe(s):
		v.add("subject", "must not contain line breaks or control characters")
	case strings.TrimSpace(s) == "":
		v.add("subject", "is required")
	case utf8.RuneCountInString(s) > MaxSubjectLength:
		v.add("subject", fmt.Sprintf("must be at most %d characters", MaxSubjectLength))
	}
}

func (v *validator) headers(h map[string]string) {
	if len(h) > maxHeaders {
		v.add("headers", fmt.Sprintf("at most %d extra headers are allowed", maxHeaders))
	}
	for _, name := range slices.Sorted(maps.Keys(h)) {
		field, value := "headers."+name, h[name]
		switch {
		case !validFieldName(name):
			v.add(field, "is not a valid header name")
		case reservedHeaders[strings.ToLower(name)] || strings.HasPrefix(strings.ToLower(name), "content-"):
			v.add(field, "is set by the mailer and cannot be overridden")
		case !headerSafe(value):
			v.add(field, "must not contain line breaks or control characters")
		}
	}
}

// validFieldName follows RFC 5322 §3.6.8: printable ASCII except colon.
func validFieldName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 33 || c > 126 || c == ':' {
			return false
		}
	}
	return true
}

func (v *validator) attachments(atts []Attachment) {
	total := 0
	for i, a := range atts {
		field := fmt.Sprintf("attachments[%d]", i)
		total += len(a.Data)
		switch {
		case strings.TrimSpace(a.Name) == "":
			v.add(field+".name", "is required")
		case !headerSafe(a.Name) || strings.ContainsAny(a.Name, `/\"`):
			v.add(field+".name", "must be a plain file name")
		}
		if a.ContentType != "" {
			if _, _, err := mime.ParseMediaType(a.ContentType); err != nil || !headerSafe(a.ContentType) {
				v.add(field+".content_type", "must be a valid media type")
			}
		}
	}
	if total > MaxAttachmentSize {
		v.add("attachments", fmt.Sprintf("must be at most %d MiB in total", MaxAttachmentSize>>20))
	}
}
