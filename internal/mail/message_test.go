package mail

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/acme/crm/internal/errs"
)

func TestValidate(t *testing.T) {
	many := make([]Address, MaxRecipients+1)
	for i := range many {
		many[i] = Address{Email: fmt.Sprintf("k%d@example.se", i)}
	}
	tests := []struct {
		name       string
		edit       func(*Message)
		wantFields []string // nil: valid
	}{
		{"valid minimal", func(*Message) {}, nil},
		{"valid full", func(m *Message) {
			m.From.Name = "Åsa Öberg"
			m.Cc = []Address{{Name: "Chef, Ärlig", Email: "chef@acme.test"}}
			m.ReplyTo = &Address{Email: "salj@acme.test"}
			m.HTML = "<p>Hej</p>"
			m.Headers = map[string]string{"X-CRM-Message-ID": "em_1", "In-Reply-To": "<a@b>"}
			m.Attachments = []Attachment{{Name: "Offert Åre.pdf", ContentType: "application/pdf", Data: []byte("x")}}
		}, nil},
		{"exactly max recipients", func(m *Message) { m.To = many[:MaxRecipients] }, nil},
		{"CR LF in subject", func(m *Message) { m.Subject = "Hej\r\nBcc: x@evil.test" }, []string{"subject"}},
		{"LF in subject", func(m *Message) { m.Subject = "Hej\ndär" }, []string{"subject"}},
		{"blank subject", func(m *Message) { m.Subject = " " }, []string{"subject"}},
		{"long subject", func(m *Message) { m.Subject = strings.Repeat("å", MaxSubjectLength+1) }, []string{"subject"}},
		{"CR in from name", func(m *Message) { m.From.Name = "Eve\rBcc: x@evil.test" }, []string{"from.name"}},
		{"LF in to email", func(m *Message) { m.To[0].Email = "a@b.se\nBcc: x@evil.test" }, []string{"to[0].email"}},
		{"missing from", func(m *Message) { m.From = Address{} }, []string{"from.email"}},
		{"invalid address", func(m *Message) { m.To[0].Email = "not an address" }, []string{"to[0].email"}},
		{"two addresses in one", func(m *Message) { m.To[0].Email = "a@b.se, c@d.se" }, []string{"to[0].email"}},
		{"name form in email", func(m *Message) { m.To[0].Email = "Eve <e@evil.test>" }, []string{"to[0].email"}},
		{"invalid cc and reply-to", func(m *Message) {
			m.Cc = []Address{{Email: "ok@b.se"}, {Email: "@b.se"}}
			m.ReplyTo = &Address{Email: "x"}
		}, []string{"reply_to.email", "cc[1].email"}},
		{"no recipient", func(m *Message) { m.To = nil }, []string{"to"}},
		{"cc only is enough", func(m *Message) { m.To, m.Cc = nil, []Address{{Email: "c@d.se"}} }, nil},
		{"too many recipients", func(m *Message) { m.To = many }, []string{"to"}},
		{"missing text", func(m *Message) { m.Text = "\n" }, []string{"text"}},
		{"header CR LF", func(m *Message) { m.Headers = map[string]string{"X-A": "1\r\nBcc: x@evil.test"} }, []string{"headers.X-A"}},
		{"header bad name", func(m *Message) { m.Headers = map[string]string{"X A": "1"} }, []string{"headers.X A"}},
		{"header reserved", func(m *Message) {
			m.Headers = map[string]string{"bcc": "x@evil.test", "Content-Type": "text/html", "Message-ID": "<x@y>"}
		}, []string{"headers.Content-Type", "headers.Message-ID", "headers.bcc"}},
		{"attachment without name", func(m *Message) { m.Attachments = []Attachment{{Data: []byte("x")}} }, []string{"attachments[0].name"}},
		{"attachment path", func(m *Message) { m.Attachments = []Attachment{{Name: "../etc/passwd"}} }, []string{"attachments[0].name"}},
		{"attachment name CR LF", func(m *Message) { m.Attachments = []Attachment{{Name: "a\r\n.pdf"}} }, []string{"attachments[0].name"}},
		{"attachment content type", func(m *Message) {
			m.Attachments = []Attachment{{Name: "a.pdf", ContentType: "not a type"}}
		}, []string{"attachments[0].content_type"}},
		{"attachments too large", func(m *Message) {
			m.Attachments = []Attachment{{Name: "a.bin", Data: make([]byte, MaxAttachmentSize/2+1)}, {Name: "b.bin", Data: make([]byte, MaxAttachmentSize/2)}}
		}, []string{"attachments"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := simpleMessage()
			tt.edit(&m)
			err := m.Validate()
			if tt.wantFields == nil {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				return
			}
			e, ok := errs.As(err)
			if !ok || e.Code != errs.Invalid {
				t.Fatalf("got %v, want an errs.Invalid error", err)
			}
			var got []string
			for _, f := range e.Fields {
				got = append(got, f.Field)
			}
			if !slices.Equal(got, tt.wantFields) {
				t.Errorf("got fields %v, want %v", got, tt.wantFields)
			}
		})
	}
}
