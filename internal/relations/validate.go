package relations

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/upsert"
)

// Field limits, in characters. The migration's CHECK constraints repeat them.
const (
	maxName       = 200
	maxPersonName = 100
	maxNumber     = 50 // registration and VAT numbers
	maxEmail      = 254
	maxPhone      = 50
	maxWebsite    = 500
	maxStreet     = 200
	maxPostalCode = 20
	maxCity       = 100
	maxJobTitle   = 200
)

// checker collects every invalid field of an input, so that one answer
// lists them all.
type checker struct{ fields []errs.FieldError }

func (c *checker) fail(field, format string, args ...any) {
	c.fields = append(c.fields, errs.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (c *checker) err(what string) error { return errs.Fields("invalid "+what, c.fields...) }

// text trims s and checks that it is one line of at most max characters,
// and not empty when required.
func (c *checker) text(field, s string, required bool, max int) string {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	switch {
	case !utf8.ValidString(s):
		c.fail(field, "must be valid UTF-8")
	case required && n == 0:
		c.fail(field, "is required")
	case n > max:
		c.fail(field, "must be at most %d characters", max)
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		c.fail(field, "must be a single line without control characters")
	}
	return s
}

// email accepts an empty string or one plain address ("name@example.com",
// without a display name).
func (c *checker) email(field, s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || utf8.RuneCountInString(s) > maxEmail {
		c.fail(field, "must be a valid e-mail address")
	}
	return s
}

// phone accepts an empty string or a number as people write it ("+46 8 123
// 45 67", "(030) 1234-56 ext. 7"): one line with at least one digit.
func (c *checker) phone(field, s string) string {
	n := len(c.fields)
	s = c.text(field, s, false, maxPhone)
	if len(c.fields) == n && s != "" && strings.IndexFunc(s, unicode.IsDigit) < 0 {
		c.fail(field, "must contain a phone number")
	}
	return s
}

// website accepts an empty string or an absolute http or https URL.
func (c *checker) website(field, s string) string {
	n := len(c.fields)
	s = c.text(field, s, false, maxWebsite)
	if len(c.fields) > n || s == "" {
		return s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		c.fail(field, "must be an http or https URL, like https://example.com")
	}
	return s
}

// country accepts an empty string or an ISO 3166-1 alpha-2 code in any
// case, and returns it in upper case.
func (c *checker) country(field, s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s != "" && !IsCountry(s) {
		c.fail(field, "must be an ISO 3166-1 alpha-2 country code, like SE")
	}
	return s
}

// patch applies check to *p when it is set, replacing it by the result.
func patch(p **string, check func(string) string) {
	if *p != nil {
		v := check(**p)
		*p = &v
	}
}

func (in NewOrganization) normalize() (NewOrganization, error) {
	var c checker
	out := NewOrganization{
		Name:               c.text("name", in.Name, true, maxName),
		RegistrationNumber: c.text("registration_number", in.RegistrationNumber, false, maxNumber),
		VATNumber:          c.text("vat_number", in.VATNumber, false, maxNumber),
		Email:              c.email("email", in.Email),
		Phone:              c.phone("phone", in.Phone),
		Website:            c.website("website", in.Website),
		Address: Address{
			Street:     c.text("address.street", in.Address.Street, false, maxStreet),
			PostalCode: c.text("address.postal_code", in.Address.PostalCode, false, maxPostalCode),
			City:       c.text("address.city", in.Address.City, false, maxCity),
			Country:    c.country("address.country", in.Address.Country),
		},
		PaymentTermsDays: c.terms(in.PaymentTermsDays),
		ExternalID:       c.external(in.ExternalID),
	}
	return out, c.err("organization")
}

func (p OrganizationPatch) normalize() (OrganizationPatch, error) {
	var c checker
	text := func(field string, required bool, max int) func(string) string {
		return func(s string) string { return c.text(field, s, required, max) }
	}
	patch(&p.Name, text("name", true, maxName))
	patch(&p.RegistrationNumber, text("registration_number", false, maxNumber))
	patch(&p.VATNumber, text("vat_number", false, maxNumber))
	patch(&p.Email, func(s string) string { return c.email("email", s) })
	patch(&p.Phone, func(s string) string { return c.phone("phone", s) })
	patch(&p.Website, func(s string) string { return c.website("website", s) })
	patch(&p.Street, text("address.street", false, maxStreet))
	patch(&p.PostalCode, text("address.postal_code", false, maxPostalCode))
	patch(&p.City, text("address.city", false, maxCity))
	patch(&p.Country, func(s string) string { return c.country("address.country", s) })
	if p.PaymentTermsDays != nil {
		c.terms(p.PaymentTermsDays.Days)
	}
	if p.ExternalID != nil {
		c.external(p.ExternalID.Value)
	}
	return p, c.err("organization")
}

func (in NewPerson) normalize() (NewPerson, error) {
	var c checker
	out := NewPerson{
		FirstName:      c.text("first_name", in.FirstName, false, maxPersonName),
		LastName:       c.text("last_name", in.LastName, false, maxPersonName),
		Email:          c.email("email", in.Email),
		Phone:          c.phone("phone", in.Phone),
		JobTitle:       c.text("job_title", in.JobTitle, false, maxJobTitle),
		OrganizationID: in.OrganizationID,
		ExternalID:     c.external(in.ExternalID),
	}
	if out.FirstName == "" && out.LastName == "" && len(c.fields) == 0 {
		c.fail("first_name", errNoName)
		c.fail("last_name", errNoName)
	}
	return out, c.err("person")
}

func (p PersonPatch) normalize() (PersonPatch, error) {
	var c checker
	patch(&p.FirstName, func(s string) string { return c.text("first_name", s, false, maxPersonName) })
	patch(&p.LastName, func(s string) string { return c.text("last_name", s, false, maxPersonName) })
	patch(&p.Email, func(s string) string { return c.email("email", s) })
	patch(&p.Phone, func(s string) string { return c.phone("phone", s) })
	patch(&p.JobTitle, func(s string) string { return c.text("job_title", s, false, maxJobTitle) })
	if p.ExternalID != nil {
		c.external(p.ExternalID.Value)
	}
	return p, c.err("person")
}

const errNoName = "a person needs a first name or a last name"

// checkName fails when applying p to cur would leave the person nameless.
func (p PersonPatch) checkName(cur Person) error {
	first, last := cur.FirstName, cur.LastName
	if p.FirstName != nil {
		first = *p.FirstName
	}
	if p.LastName != nil {
		last = *p.LastName
	}
	if first != "" || last != "" {
		return nil
	}
	return errs.Fields("invalid person",
		errs.FieldError{Field: "first_name", Message: errNoName}, errs.FieldError{Field: "last_name", Message: errNoName})
}

// removesName reports whether p empties a name, so that the result needs
// checkName against the stored person.
func (p PersonPatch) removesName() bool {
	return (p.FirstName != nil && *p.FirstName == "") || (p.LastName != nil && *p.LastName == "")
}

// terms checks payment terms of 0 to 365 days.
func (c *checker) terms(days *int) *int {
	if days != nil && (*days < 0 || *days > 365) {
		c.fail("payment_terms_days", "must be from 0 to 365 days")
	}
	return days
}

// external checks an optional external id.
func (c *checker) external(s *string) *string {
	if err := upsert.CheckOptional("external_id", s); err != nil {
		e, _ := errs.As(err)
		c.fields = append(c.fields, e.Fields...)
	}
	return s
}
