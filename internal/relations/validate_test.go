package relations

import (
	"strings"
	"testing"

	"github.com/acme/crm/internal/errs"
)

// fieldsOf lists the field names of an Invalid error, "" for nil.
func fieldsOf(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	e, ok := errs.As(err)
	if !ok || e.Code != errs.Invalid {
		t.Fatalf("got %v, want an Invalid error", err)
	}
	var names []string
	for _, f := range e.Fields {
		names = append(names, f.Field)
	}
	return strings.Join(names, ",")
}

func TestNewOrganizationNormalize(t *testing.T) {
	for _, tc := range []struct {
		name   string
		in     NewOrganization
		fields string
	}{
		{"name only", NewOrganization{Name: "Acme"}, ""},
		{"everything", NewOrganization{Name: "Acme", RegistrationNumber: "556677-8899", VATNumber: "SE556677889901",
			Email: "info@acme.example", Phone: "+46 8 12 34 56", Website: "https://acme.example/about?x=1",
			Address: Address{Street: "Storgatan 1", PostalCode: "111 22", City: "Stockholm", Country: "se"}}, ""},
		{"name missing", NewOrganization{}, "name"},
		{"name of spaces", NewOrganization{Name: " \t "}, "name"},
		{"name of 200 runes", NewOrganization{Name: strings.Repeat("å", 200)}, ""},
		{"name of 201 runes", NewOrganization{Name: strings.Repeat("å", 201)}, "name"},
		{"name with a control character", NewOrganization{Name: "Acme\x00"}, "name"},
		{"name not UTF-8", NewOrganization{Name: "Acme \xff"}, "name"},
		{"vat number of 51", NewOrganization{Name: "A", VATNumber: strings.Repeat("9", 51)}, "vat_number"},
		{"registration number of 51", NewOrganization{Name: "A", RegistrationNumber: strings.Repeat("9", 51)}, "registration_number"},
		{"e-mail without @", NewOrganization{Name: "A", Email: "info.acme.example"}, "email"},
		{"e-mail with a name", NewOrganization{Name: "A", Email: "Acme <info@acme.example>"}, "email"},
		{"two e-mails", NewOrganization{Name: "A", Email: "a@x.example, b@x.example"}, "email"},
		{"e-mail too long", NewOrganization{Name: "A", Email: strings.Repeat("a", 250) + "@x.se"}, "email"},
		{"phone with extension", NewOrganization{Name: "A", Phone: "(030) 1234-56 ext. 7"}, ""},
		{"phone without digits", NewOrganization{Name: "A", Phone: "ask reception"}, "phone"},
		{"phone on two lines", NewOrganization{Name: "A", Phone: "123\n456"}, "phone"},
		{"website http", NewOrganization{Name: "A", Website: "http://acme.example"}, ""},
		{"website without scheme", NewOrganization{Name: "A", Website: "www.acme.example"}, "website"},
		{"website javascript", NewOrganization{Name: "A", Website: "javascript:alert(1)"}, "website"},
		{"website with credentials", NewOrganization{Name: "A", Website: "https://user:pw@acme.example"}, "website"},
		{"website without host", NewOrganization{Name: "A", Website: "https://"}, "website"},
		{"country unknown", NewOrganization{Name: "A", Address: Address{Country: "XX"}}, "address.country"},
		{"country of three letters", NewOrganization{Name: "A", Address: Address{Country: "SWE"}}, "address.country"},
		{"Kosovo", NewOrganization{Name: "A", Address: Address{Country: "xk"}}, ""},
		{"postal code of 21", NewOrganization{Name: "A", Address: Address{PostalCode: strings.Repeat("1", 21)}}, "address.postal_code"},
		{"every field wrong", NewOrganization{Email: "x", Phone: "x", Website: "x", Address: Address{Country: "x"}},
			"name,email,phone,website,address.country"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.in.normalize()
			if got := fieldsOf(t, err); got != tc.fields {
				t.Errorf("got invalid fields %q, want %q", got, tc.fields)
			}
		})
	}
}

func TestNewOrganizationNormalizeCleans(t *testing.T) {
	got, err := NewOrganization{Name: "  Acme AB ", Email: " info@acme.example ", Address: Address{City: " Malmö ", Country: " se "}}.normalize()
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Acme AB" || got.Email != "info@acme.example" || got.Address.City != "Malmö" || got.Address.Country != "SE" {
		t.Errorf("got %+v, want trimmed values and the country upper-cased", got)
	}
}

func TestOrganizationPatchNormalize(t *testing.T) {
	s := func(v string) *string { return &v }
	for _, tc := range []struct {
		name   string
		in     OrganizationPatch
		fields string
	}{
		{"nothing", OrganizationPatch{}, ""},
		{"clear optional fields", OrganizationPatch{Email: s(""), Website: s(""), Country: s(""), Phone: s("")}, ""},
		{"clear the name", OrganizationPatch{Name: s("  ")}, "name"},
		{"bad values", OrganizationPatch{Email: s("x"), Country: s("ZZ"), City: s(strings.Repeat("c", 101))}, "email,address.city,address.country"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.in.normalize()
			if got := fieldsOf(t, err); got != tc.fields {
				t.Errorf("got invalid fields %q, want %q", got, tc.fields)
			}
		})
	}
	got, _ := OrganizationPatch{Name: s(" Acme "), Country: s("no")}.normalize()
	if *got.Name != "Acme" || *got.Country != "NO" || got.Email != nil {
		t.Errorf("got name %q country %q email %v, want Acme, NO, nil", *got.Name, *got.Country, got.Email)
	}
}

func TestPersonNormalize(t *testing.T) {
	s := func(v string) *string { return &v }
	for _, tc := range []struct {
		name   string
		in     NewPerson
		fields string
	}{
		{"first name only", NewPerson{FirstName: "Karin"}, ""},
		{"last name only", NewPerson{LastName: "Lindqvist"}, ""},
		{"no name", NewPerson{Email: "k@x.example"}, "first_name,last_name"},
		{"blank names", NewPerson{FirstName: " ", LastName: "\t"}, "first_name,last_name"},
		{"first name of 101", NewPerson{FirstName: strings.Repeat("a", 101)}, "first_name"},
		{"job title of 201", NewPerson{FirstName: "K", JobTitle: strings.Repeat("a", 201)}, "job_title"},
		{"e-mail", NewPerson{FirstName: "K", Email: "k@"}, "email"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.in.normalize()
			if got := fieldsOf(t, err); got != tc.fields {
				t.Errorf("got invalid fields %q, want %q", got, tc.fields)
			}
		})
	}
	for _, tc := range []struct {
		name  string
		cur   Person
		patch PersonPatch
		want  string
	}{
		{"clear the first of two names", Person{FirstName: "K", LastName: "L"}, PersonPatch{FirstName: s("")}, ""},
		{"clear the only name", Person{FirstName: "K"}, PersonPatch{FirstName: s("")}, "first_name,last_name"},
		{"swap names", Person{FirstName: "K"}, PersonPatch{FirstName: s(""), LastName: s("L")}, ""},
		{"clear both", Person{FirstName: "K", LastName: "L"}, PersonPatch{FirstName: s(""), LastName: s("")}, "first_name,last_name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := tc.patch.normalize()
			if err != nil {
				t.Fatal(err)
			}
			if got := fieldsOf(t, p.checkName(tc.cur)); got != tc.want {
				t.Errorf("got invalid fields %q, want %q", got, tc.want)
			}
		})
	}
}

func TestIsCountry(t *testing.T) {
	if n := len(countries); n != 250 {
		t.Errorf("got %d country codes, want 249 assigned ones and XK", n)
	}
	for code, want := range map[string]bool{"SE": true, "DE": true, "US": true, "GB": true, "XK": true,
		"se": false, "UK": false, "EU": false, "XX": false, "": false, "SWE": false} {
		if got := IsCountry(code); got != want {
			t.Errorf("IsCountry(%q): got %v, want %v", code, got, want)
		}
	}
}
