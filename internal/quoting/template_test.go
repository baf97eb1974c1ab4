package quoting

import (
	"bytes"
	"image"
	"image/gif"
	"image/jpeg"
	"reflect"
	"strings"
	"testing"

	"github.com/acme/crm/internal/errs"
)

func TestDefaultTemplateIsValidInEachLanguage(t *testing.T) {
	tests := []struct {
		lang, wantLang, wantName string
	}{
		{"en", LangEnglish, "Standard"},
		{"sv-SE", LangSwedish, "Standardmall"},
		{"fr", LangEnglish, "Standard"},
	}
	for _, tt := range tests {
		tpl := DefaultTemplate("Acme AB", tt.lang)
		if tpl.Language != tt.wantLang || tpl.Name != tt.wantName || !tpl.IsDefault || tpl.Company.Name != "Acme AB" ||
			tpl.ValidityDays != DefaultValidityDays || tpl.Version != 1 || tpl.Texts != DefaultTexts(tt.wantLang) {
			t.Errorf("%s: got %+v", tt.lang, tpl)
		}
		if err := tpl.Validate(); err != nil {
			t.Errorf("%s: the default template is invalid: %v", tt.lang, err)
		}
	}
	if DefaultTexts("sv").Intro == DefaultTexts("en").Intro {
		t.Error("the Swedish and English default texts are the same")
	}
}

func TestTemplateValidateNamesEachBrokenField(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	tests := []struct {
		name   string
		change func(*Template)
		want   []string
	}{
		{"default", func(*Template) {}, nil},
		{"every field at its limit", func(tp *Template) {
			c := &tp.Company
			tp.Name, c.Name, c.Address.Lines = strings.Repeat("ä", 200), long(200), []string{long(249), long(250)}
			c.Address.PostalCode, c.Address.City, c.Address.Country = long(20), long(100), long(100)
			c.OrganizationNumber, c.VATNumber, c.Email, c.Phone, c.Website = long(50), long(50), long(254), long(50), long(500)
			c.Bank = Bank{Name: long(100), Account: long(100), IBAN: long(50), BIC: long(20)}
			tp.Texts.Intro, tp.Texts.Terms, tp.Texts.Footer = long(10000), long(10000), long(1000)
			tp.Texts.EmailSubject, tp.Texts.EmailBody = long(300), long(10000)
			tp.Texts.InvoiceSubject, tp.Texts.InvoiceBody = long(300), long(10000)
			c.PrimaryColor, tp.ValidityDays = "#a1B2c3", 365
		}, nil},
		{"every field one over", func(tp *Template) {
			c := &tp.Company
			tp.Name, c.Name, c.Address.Lines = long(201), long(201), []string{long(250), long(250)}
			c.Address.PostalCode, c.Address.City, c.Address.Country = long(21), long(101), long(101)
			c.OrganizationNumber, c.VATNumber, c.Email, c.Phone, c.Website = long(51), long(51), long(255), long(51), long(501)
			c.Bank = Bank{Name: long(101), Account: long(101), IBAN: long(51), BIC: long(21)}
			tp.Texts.Intro, tp.Texts.Terms, tp.Texts.Footer = long(10001), long(10001), long(1001)
			tp.Texts.EmailSubject, tp.Texts.EmailBody = long(301), long(10001)
			tp.Texts.InvoiceSubject, tp.Texts.InvoiceBody = long(301), long(10001)
		}, []string{"name", "company_name", "address", "postal_code", "city", "country", "registration_number", "vat_number",
			"email", "phone", "website", "bank_name", "bank_account", "iban", "bic", "intro_text", "terms_text", "footer_text",
			"email_subject", "email_body", "invoice_email_subject", "invoice_email_body"}},
		{"empty name", func(tp *Template) { tp.Name = "" }, []string{"name"}},
		{"invoice subject with a line break", func(tp *Template) { tp.Texts.InvoiceSubject = "a\nb" }, []string{"invoice_email_subject"}},
		{"no colour", func(tp *Template) { tp.Company.PrimaryColor = "" }, nil},
		{"colour word", func(tp *Template) { tp.Company.PrimaryColor = "red" }, []string{"primary_color"}},
		{"validity 1 day", func(tp *Template) { tp.ValidityDays = 1 }, nil},
		{"validity 0 days", func(tp *Template) { tp.ValidityDays = 0 }, []string{"validity_days"}},
		{"validity 366 days", func(tp *Template) { tp.ValidityDays = 366 }, []string{"validity_days"}},
		{"Swedish", func(tp *Template) { tp.Language = LangSwedish }, nil},
		{"German", func(tp *Template) { tp.Language = "de" }, []string{"language"}},
		{"subject with a line break", func(tp *Template) { tp.Texts.EmailSubject = "a\r\nb" }, []string{"email_subject"}},
		{"unknown placeholder in the body", func(tp *Template) { tp.Texts.EmailBody = "{{nope}}" }, []string{"email_body"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tpl := DefaultTemplate("Acme", "en")
			tt.change(&tpl)
			wantFields(t, tpl.Validate(), tt.want...)
		})
	}
}

func TestTemplatePatchTrimsAndChangesOnlyGivenFields(t *testing.T) {
	tpl := DefaultTemplate("Acme", "en")
	before := tpl
	TemplatePatch{}.apply(&tpl)
	if !reflect.DeepEqual(tpl, before) {
		t.Fatalf("an empty patch changed the template:\ngot  %+v\nwant %+v", tpl, before)
	}
	s := func(v string) *string { return &v }
	TemplatePatch{Name: s(" Main "), IsDefault: ptr(false), CompanyName: s(" Acme AB "), Address: s(" Street 1 \n\n  Floor 2\n"),
		PostalCode: s(" 111 22 "), City: s(" Stockholm "), Country: s(" SE "), RegistrationNumber: s(" 556000-0000 "),
		VATNumber: s(" SE556000000001 "), Email: s(" sales@acme.example "), Phone: s(" +46 8 123 "), Website: s(" acme.example "),
		BankName: s(" Bank "), BankAccount: s(" BG 123-4567 "), IBAN: s(" SE35 "), BIC: s(" ESSESESS "), PrimaryColor: s(" #112233 "),
		IntroText: s("  Hello\n  \n"), TermsText: s("Terms\t"), FooterText: s(" Bye "), EmailSubject: s(" Quote "),
		EmailBody: s("Body\r\n"), InvoiceSubject: s(" Invoice "), InvoiceBody: s(" Pay \n"), ValidityDays: ptr(14),
		Language: s("sv")}.apply(&tpl)
	c := tpl.Company
	got := []string{tpl.Name, c.Name, strings.Join(c.Address.Lines, "|"), c.Address.PostalCode, c.Address.City, c.Address.Country,
		c.OrganizationNumber, c.VATNumber, c.Email, c.Phone, c.Website, c.Bank.Name, c.Bank.Account, c.Bank.IBAN, c.Bank.BIC,
		c.PrimaryColor, tpl.Texts.Intro, tpl.Texts.Terms, tpl.Texts.Footer, tpl.Texts.EmailSubject, tpl.Texts.EmailBody,
		tpl.Texts.InvoiceSubject, tpl.Texts.InvoiceBody, tpl.Language}
	want := []string{"Main", "Acme AB", "Street 1|Floor 2", "111 22", "Stockholm", "SE", "556000-0000", "SE556000000001",
		"sales@acme.example", "+46 8 123", "acme.example", "Bank", "BG 123-4567", "SE35", "ESSESESS", "#112233",
		"  Hello", "Terms", " Bye", "Quote", "Body", "Invoice", " Pay", "sv"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if tpl.ValidityDays != 14 || tpl.IsDefault {
		t.Errorf("got validity %d, default %v; want 14, false", tpl.ValidityDays, tpl.IsDefault)
	}
	TemplatePatch{Address: s(" \n ")}.apply(&tpl)
	if tpl.Company.Address.Lines != nil {
		t.Errorf("a blank address: got lines %q, want none", tpl.Company.Address.Lines)
	}
}

func TestLogoIsASmallPNGOrJPEG(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	var jpg, gf bytes.Buffer
	if err := jpeg.Encode(&jpg, img, nil); err != nil {
		t.Fatal(err)
	}
	if err := gif.Encode(&gf, img, nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		want string
		code errs.Code
	}{
		{"PNG", pngBytes(t), "image/png", ""},
		{"JPEG", jpg.Bytes(), "image/jpeg", ""},
		{"GIF", gf.Bytes(), "", errs.Invalid}, // decodable only because a test registered it
		{"text", []byte("hello"), "", errs.Invalid},
		{"empty", nil, "", errs.Invalid},
		{"over 1 MiB", append(pngBytes(t), make([]byte, MaxLogoBytes)...), "", errs.TooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SniffLogo(tt.data)
			if tt.code != "" {
				wantCode(t, err, tt.code)
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v, want %q", got, err, tt.want)
			}
		})
	}
	exact := append(pngBytes(t), make([]byte, MaxLogoBytes-len(pngBytes(t)))...)
	if got, err := SniffLogo(exact); err != nil || got != "image/png" {
		t.Errorf("a PNG of exactly 1 MiB: got %q, %v, want image/png", got, err)
	}
}
