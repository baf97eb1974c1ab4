package quoting

import (
	"fmt"
	"strings"
	"time"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/money"
)

// Placeholder syntax in a template's e-mail subject and body: a known name in
// double braces, spaces inside allowed ("{{quote_number}}",
// "{{ quote_number }}"). Single braces and a lone "}}" are plain text; an
// opening "{{" without its "}}" is an error. There is no escape for a
// literal "{{": e-mails have no use for one. Output is plain text, so values
// are inserted as they are, without HTML escaping.
const (
	PlaceholderCustomerName = "customer_name" // the customer relation's name
	PlaceholderContactName  = "contact_name"  // the contact person, else the customer's name
	PlaceholderQuoteNumber  = "quote_number"  // "2026-0042"
	PlaceholderLink         = "link"          // the customer's quote page
	PlaceholderValidUntil   = "valid_until"   // last valid day, as FormatDate writes it
	PlaceholderSender       = "sender"        // the salesperson's name
	PlaceholderCompanyName  = "company_name"  // the seller, from the company profile
	PlaceholderTotal        = "total"         // the total to pay, formatted with its currency
)

// Placeholders lists the known placeholder names, for template editors.
func Placeholders() []string {
	return []string{PlaceholderCustomerName, PlaceholderContactName, PlaceholderQuoteNumber,
		PlaceholderLink, PlaceholderValidUntil, PlaceholderSender, PlaceholderCompanyName, PlaceholderTotal}
}

// PlaceholderValues are the texts that replace the placeholders, already
// formatted for the quote's language.
type PlaceholderValues struct {
	CustomerName string
	ContactName  string
	QuoteNumber  string
	Link         string
	ValidUntil   string
	Sender       string
	CompanyName  string
	Total        string
}

// lookup returns the value of a known placeholder name.
func (v PlaceholderValues) lookup(name string) (string, bool) {
	m := map[string]string{
		PlaceholderCustomerName: v.CustomerName, PlaceholderContactName: v.ContactName,
		PlaceholderQuoteNumber: v.QuoteNumber, PlaceholderLink: v.Link,
		PlaceholderValidUntil: v.ValidUntil, PlaceholderSender: v.Sender,
		PlaceholderCompanyName: v.CompanyName, PlaceholderTotal: v.Total,
	}
	s, ok := m[name]
	return s, ok
}

// PlaceholderValues fills the values from the snapshot, in its language:
// the contact's name falls back to the customer's so that a greeting never
// reads "Hello ,". number is the formatted quote number, link the customer's
// page, validUntil the last valid day.
func (s Snapshot) PlaceholderValues(number, link string, validUntil time.Time) PlaceholderValues {
	contact := s.Contact.Name
	if contact == "" {
		contact = s.Customer.Name
	}
	return PlaceholderValues{
		CustomerName: s.Customer.Name, ContactName: contact, QuoteNumber: number, Link: link,
		ValidUntil: FormatDate(validUntil, s.Language), Sender: s.Salesperson.Name,
		CompanyName: s.Company.Name, Total: money.Format(s.Totals.Total, s.Currency, s.Language),
	}
}

// RenderPlaceholders replaces every placeholder of tmpl with its value. A
// malformed template or an unknown placeholder answers an errs.Invalid error
// (ValidatePlaceholders reports the same when the template is saved).
func RenderPlaceholders(tmpl string, v PlaceholderValues) (string, error) {
	var b strings.Builder
	err := scan(tmpl, func(text, name string) error {
		b.WriteString(text)
		if name == "" {
			return nil
		}
		val, ok := v.lookup(name)
		if !ok {
			return unknownPlaceholder(name)
		}
		b.WriteString(val)
		return nil
	})
	if err != nil {
		return "", errs.Invalidf("%s", err.Error())
	}
	return b.String(), nil
}

// RenderSubject renders an e-mail subject like RenderPlaceholders and also
// refuses a CR or LF in the result, from the template or from a value such
// as a customer name, since either would let a header be injected.
func RenderSubject(tmpl string, v PlaceholderValues) (string, error) {
	s, err := RenderPlaceholders(tmpl, v)
	if err != nil {
		return "", err
	}
	if strings.ContainsAny(s, "\r\n") {
		return "", errs.Invalidf("the e-mail subject must not contain line breaks")
	}
	return s, nil
}

// ValidatePlaceholders checks a template text as an editor saves it and
// answers an errs.Invalid error for field naming the first problem: an
// unclosed "{{" or an unknown placeholder, with the known ones listed.
func ValidatePlaceholders(field, tmpl string) error {
	if err := scan(tmpl, func(_, name string) error {
		if name == "" {
			return nil
		}
		if _, ok := (PlaceholderValues{}).lookup(name); !ok {
			return unknownPlaceholder(name)
		}
		return nil
	}); err != nil {
		return errs.Field(field, err.Error())
	}
	return nil
}

// ValidateSubject is ValidatePlaceholders for an e-mail subject, which must
// also be one line.
func ValidateSubject(field, tmpl string) error {
	if strings.ContainsAny(tmpl, "\r\n") {
		return errs.Field(field, "must not contain line breaks")
	}
	return ValidatePlaceholders(field, tmpl)
}

// scan walks tmpl and calls fn with each run of plain text and the
// placeholder name that follows it ("" after the last run).
func scan(tmpl string, fn func(text, name string) error) error {
	for {
		before, rest, found := strings.Cut(tmpl, "{{")
		if !found {
			return fn(tmpl, "")
		}
		inner, after, closed := strings.Cut(rest, "}}")
		if !closed {
			return fmt.Errorf("placeholder %q is not closed with }}", "{{"+shorten(rest))
		}
		name := strings.TrimSpace(inner)
		if name == "" {
			return fmt.Errorf("empty placeholder {{}}")
		}
		if err := fn(before, name); err != nil {
			return err
		}
		tmpl = after
	}
}

func unknownPlaceholder(name string) error {
	return fmt.Errorf("unknown placeholder {{%s}}; known: {{%s}}", shorten(name),
		strings.Join(Placeholders(), "}}, {{"))
}

// shorten keeps error messages readable when a brace opens a long text.
func shorten(s string) string {
	const limit = 30
	if r := []rune(s); len(r) > limit {
		return string(r[:limit]) + "…"
	}
	return s
}
