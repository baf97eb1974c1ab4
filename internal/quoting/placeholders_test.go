package quoting

import (
	"strings"
	"testing"
	"time"

	"github.com/acme/crm/internal/errs"
)

var values = PlaceholderValues{
	CustomerName: "Kund AB", ContactName: "Karin", QuoteNumber: "2026-0042",
	Link: "https://crm.example/q/abc", ValidUntil: "2026-03-31", Sender: "Sven",
	CompanyName: "Acme AB", Total: "18 431,88 kr",
}

func TestRenderPlaceholders(t *testing.T) {
	tests := []struct {
		name, tmpl, want string
	}{
		{"every placeholder",
			"{{customer_name}}|{{contact_name}}|{{quote_number}}|{{link}}|{{valid_until}}|{{sender}}|{{company_name}}|{{total}}",
			"Kund AB|Karin|2026-0042|https://crm.example/q/abc|2026-03-31|Sven|Acme AB|18 431,88 kr"},
		{"spaces inside braces", "Quote {{ quote_number }} ", "Quote 2026-0042 "},
		{"repeated", "{{sender}}, {{sender}}", "Sven, Sven"},
		{"no placeholders", "Hello", "Hello"},
		{"empty", "", ""},
		{"single braces and lone closers are text", "{x} }} {", "{x} }} {"},
		{"adjacent", "{{sender}}{{company_name}}", "SvenAcme AB"},
		{"no html escaping", "{{customer_name}} <b>&</b>", "Kund AB <b>&</b>"},
		{"multi-line body", "Hi {{contact_name}},\n\n{{link}}\n", "Hi Karin,\n\nhttps://crm.example/q/abc\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := RenderPlaceholders(tt.tmpl, values)
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v; want %q, nil", got, err, tt.want)
			}
		})
	}
}

func TestRenderPlaceholdersInvalid(t *testing.T) {
	tests := []struct {
		tmpl, msg string
	}{
		{"Hi {{name}}", "unknown placeholder {{name}}"},
		{"Hi {{Customer_Name}}", "unknown placeholder {{Customer_Name}}"},
		{"Hi {{customer_name", "not closed"},
		{"Hi {{}}", "empty placeholder"},
		{"Hi {{ }}", "empty placeholder"},
	}
	for _, tt := range tests {
		_, err := RenderPlaceholders(tt.tmpl, values)
		if !errs.Is(err, errs.Invalid) || !strings.Contains(errMessage(err), tt.msg) {
			t.Errorf("RenderPlaceholders(%q): got %v, want an invalid error containing %q", tt.tmpl, err, tt.msg)
		}
		verr := ValidatePlaceholders("email_body", tt.tmpl)
		e, ok := errs.As(verr)
		if !ok || e.Code != errs.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != "email_body" ||
			!strings.Contains(e.Fields[0].Message, tt.msg) {
			t.Errorf("ValidatePlaceholders(%q): got %v, want a field error on email_body containing %q", tt.tmpl, verr, tt.msg)
		}
	}
}

func TestUnknownPlaceholderListsKnownOnes(t *testing.T) {
	err := ValidatePlaceholders("email_subject", "{{nope}}")
	for _, name := range Placeholders() {
		if !strings.Contains(errMessage(err), "{{"+name+"}}") {
			t.Errorf("got %q, want it to name {{%s}}", errMessage(err), name)
		}
	}
}

func TestRenderSubject(t *testing.T) {
	tests := []struct {
		name string
		tmpl string
		v    PlaceholderValues
		want string // "" when refused
	}{
		{"plain", "Quote {{quote_number}}", values, "Quote 2026-0042"},
		{"LF in template", "Quote\n{{quote_number}}", values, ""},
		{"CR in template", "Quote\r{{quote_number}}", values, ""},
		{"LF in a value", "Quote for {{customer_name}}", PlaceholderValues{CustomerName: "Evil\nBcc: x@y"}, ""},
		{"CR in a value", "{{sender}}", PlaceholderValues{Sender: "a\rb"}, ""},
		{"unknown placeholder", "{{x}}", values, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := RenderSubject(tt.tmpl, tt.v)
			if tt.want == "" {
				if !errs.Is(err, errs.Invalid) {
					t.Errorf("got %q, %v; want an invalid error", got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v; want %q, nil", got, err, tt.want)
			}
		})
	}
}

func TestValidateSubject(t *testing.T) {
	tests := []struct {
		tmpl string
		ok   bool
	}{
		{"Quote {{quote_number}} from {{company_name}}", true},
		{"", true},
		{"Quote\n{{quote_number}}", false},
		{"Quote\r\n", false},
		{"{{quote}}", false},
	}
	for _, tt := range tests {
		err := ValidateSubject("email_subject", tt.tmpl)
		if tt.ok != (err == nil) {
			t.Errorf("ValidateSubject(%q): got %v, want ok %v", tt.tmpl, err, tt.ok)
		}
		if err != nil {
			if e, _ := errs.As(err); len(e.Fields) != 1 || e.Fields[0].Field != "email_subject" {
				t.Errorf("ValidateSubject(%q): got %v, want a field error on email_subject", tt.tmpl, err)
			}
		}
	}
}

func TestSnapshotPlaceholderValues(t *testing.T) {
	s := build(t, version1(t))
	validUntil := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	got := s.PlaceholderValues("2026-0042", "https://crm.example/q/abc", validUntil)
	want := PlaceholderValues{CustomerName: "Kund AB", ContactName: "Karin Kund", QuoteNumber: "2026-0042",
		Link: "https://crm.example/q/abc", ValidUntil: "2026-03-31", Sender: "Sven Säljare",
		CompanyName: "Acme AB", Total: "18\u00a0431,88\u00a0kr"}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	s.Contact = Contact{}
	s.Language = "en"
	got = s.PlaceholderValues("2026-0042", "", validUntil)
	if got.ContactName != "Kund AB" || got.ValidUntil != "31 March 2026" || got.Total != "SEK\u00a018,431.88" {
		t.Errorf("got %+v, want contact Kund AB, 31 March 2026, SEK 18,431.88", got)
	}
}
