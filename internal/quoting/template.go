package quoting

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // registers JPEG for logo sniffing
	_ "image/png"  // registers PNG for logo sniffing
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
)

// MaxLogoBytes is the largest logo a template takes (1 MiB).
const MaxLogoBytes = 1 << 20

// DefaultValidityDays is how long a quote is valid when its template says
// nothing else.
const DefaultValidityDays = 30

// Template is a quote template: the company profile (the seller), the
// quote's texts, its validity and language, and the e-mail that sends it.
// A workspace has exactly one default template.
type Template struct {
	ID           uuid.UUID
	Name         string
	IsDefault    bool
	Company      Company // Logo is filled only by reads that need the image
	HasLogo      bool
	Texts        TemplateTexts
	ValidityDays int
	Language     string // "en" or "sv"
	Version      int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// TemplatePatch changes a template; nil fields stay.
type TemplatePatch struct {
	Name                                   *string
	IsDefault                              *bool
	CompanyName, Address, PostalCode, City *string
	Country, RegistrationNumber, VATNumber *string
	Email, Phone, Website                  *string
	BankName, BankAccount, IBAN, BIC       *string
	PrimaryColor                           *string
	IntroText, TermsText, FooterText       *string
	EmailSubject, EmailBody                *string
	InvoiceSubject, InvoiceBody            *string
	ValidityDays                           *int
	Language                               *string
}

// apply copies the patch onto t.
func (p TemplatePatch) apply(t *Template) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	set(&t.Name, p.Name)
	c := &t.Company
	set(&c.Name, p.CompanyName)
	if p.Address != nil {
		c.Address.Lines = splitLines(*p.Address)
	}
	set(&c.Address.PostalCode, p.PostalCode)
	set(&c.Address.City, p.City)
	set(&c.Address.Country, p.Country)
	set(&c.OrganizationNumber, p.RegistrationNumber)
	set(&c.VATNumber, p.VATNumber)
	set(&c.Email, p.Email)
	set(&c.Phone, p.Phone)
	set(&c.Website, p.Website)
	set(&c.Bank.Name, p.BankName)
	set(&c.Bank.Account, p.BankAccount)
	set(&c.Bank.IBAN, p.IBAN)
	set(&c.Bank.BIC, p.BIC)
	set(&c.PrimaryColor, p.PrimaryColor)
	setText := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimRight(*v, " \t\r\n")
		}
	}
	setText(&t.Texts.Intro, p.IntroText)
	setText(&t.Texts.Terms, p.TermsText)
	setText(&t.Texts.Footer, p.FooterText)
	set(&t.Texts.EmailSubject, p.EmailSubject)
	setText(&t.Texts.EmailBody, p.EmailBody)
	set(&t.Texts.InvoiceSubject, p.InvoiceSubject)
	setText(&t.Texts.InvoiceBody, p.InvoiceBody)
	if p.ValidityDays != nil {
		t.ValidityDays = *p.ValidityDays
	}
	if p.Language != nil {
		t.Language = *p.Language
	}
	if p.IsDefault != nil {
		t.IsDefault = *p.IsDefault
	}
}

// splitLines turns a multi-line address into its non-empty lines.
func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

var hexColor = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

// Validate lists every invalid field of t by its JSON name: lengths, the
// colour (#RRGGBB or empty), validity 1..365 days, language en|sv, and the
// placeholders of the e-mail subject and body.
func (t Template) Validate() error {
	var fe []errs.FieldError
	add := func(field, msg string) { fe = append(fe, errs.FieldError{Field: field, Message: msg}) }
	if n := utf8.RuneCountInString(t.Name); n == 0 || n > 200 {
		add("name", "must be between 1 and 200 characters")
	}
	c := t.Company
	for _, f := range []struct {
		name, value string
		max         int
	}{
		{"company_name", c.Name, 200}, {"address", strings.Join(c.Address.Lines, "\n"), 500},
		{"postal_code", c.Address.PostalCode, 20}, {"city", c.Address.City, 100}, {"country", c.Address.Country, 100},
		{"registration_number", c.OrganizationNumber, 50}, {"vat_number", c.VATNumber, 50},
		{"email", c.Email, 254}, {"phone", c.Phone, 50}, {"website", c.Website, 500},
		{"bank_name", c.Bank.Name, 100}, {"bank_account", c.Bank.Account, 100}, {"iban", c.Bank.IBAN, 50},
		{"bic", c.Bank.BIC, 20}, {"intro_text", t.Texts.Intro, 10000}, {"terms_text", t.Texts.Terms, 10000},
		{"footer_text", t.Texts.Footer, 1000}, {"email_subject", t.Texts.EmailSubject, 300},
		{"email_body", t.Texts.EmailBody, 10000}, {"invoice_email_subject", t.Texts.InvoiceSubject, 300},
		{"invoice_email_body", t.Texts.InvoiceBody, 10000},
	} {
		if utf8.RuneCountInString(f.value) > f.max {
			add(f.name, fmt.Sprintf("must be at most %d characters", f.max))
		}
	}
	if strings.ContainsAny(t.Texts.InvoiceSubject, "\r\n") {
		add("invoice_email_subject", "must not contain line breaks")
	}
	if c.PrimaryColor != "" && !hexColor.MatchString(c.PrimaryColor) {
		add("primary_color", "must be a colour like #1A2B3C")
	}
	if t.ValidityDays < 1 || t.ValidityDays > 365 {
		add("validity_days", "must be from 1 to 365")
	}
	if t.Language != LangEnglish && t.Language != LangSwedish {
		add("language", "must be one of: en, sv")
	}
	if e, ok := errs.As(ValidateSubject("email_subject", t.Texts.EmailSubject)); ok {
		fe = append(fe, e.Fields...)
	}
	if e, ok := errs.As(ValidatePlaceholders("email_body", t.Texts.EmailBody)); ok {
		fe = append(fe, e.Fields...)
	}
	return errs.Fields("invalid quote template", fe...)
}

// DefaultTemplate is the template signup gives a workspace: the workspace's
// name as the company, the default texts in lang.
func DefaultTemplate(companyName, lang string) Template {
	lang = Language(lang)
	name := "Standard"
	if lang == LangSwedish {
		name = "Standardmall"
	}
	return Template{ID: newID(), Name: name, IsDefault: true, Company: Company{Name: companyName},
		Texts: DefaultTexts(lang), ValidityDays: DefaultValidityDays, Language: lang, Version: 1}
}

// SniffLogo checks that data is a PNG or JPEG image of at most MaxLogoBytes
// and returns its MIME type; what the client claimed is not trusted. Too
// large is errs.TooLarge, anything else errs.Invalid on "logo".
func SniffLogo(data []byte) (string, error) {
	if len(data) > MaxLogoBytes {
		return "", errs.New(errs.TooLarge, "the logo is larger than %d bytes", MaxLogoBytes)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width == 0 || cfg.Height == 0 {
		return "", errs.Field("logo", "must be a PNG or JPEG image")
	}
	switch format {
	case "png":
		return "image/png", nil
	case "jpeg":
		return "image/jpeg", nil
	}
	return "", errs.Field("logo", "must be a PNG or JPEG image, not "+format)
}

func newID() uuid.UUID { return uuid.Must(uuid.NewV7()) }
