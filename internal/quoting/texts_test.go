package quoting

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestLanguage(t *testing.T) {
	tests := map[string]string{
		"sv": "sv", "SV": "sv", "sv-SE": "sv", "sv_FI": "sv", "en": "en", "en-GB": "en",
		"": "en", "de": "en", "svenska": "en",
	}
	for in, want := range tests {
		if got := Language(in); got != want {
			t.Errorf("Language(%q): got %q, want %q", in, got, want)
		}
	}
}

func TestFormatDate(t *testing.T) {
	d := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		d    time.Time
		lang string
		want string
	}{
		{d, "sv", "2026-03-05"},
		{d, "en", "5 March 2026"},
		{d, "", "5 March 2026"},
		{time.Time{}, "sv", ""},
	}
	for _, tt := range tests {
		if got := FormatDate(tt.d, tt.lang); got != tt.want {
			t.Errorf("FormatDate(%v, %q): got %q, want %q", tt.d, tt.lang, got, tt.want)
		}
	}
}

func TestDefaultTexts(t *testing.T) {
	for _, lang := range []string{"en", "sv"} {
		t.Run(lang, func(t *testing.T) {
			d := DefaultTexts(lang)
			if d.Intro == "" || d.Terms == "" || d.Footer == "" || d.EmailSubject == "" || d.EmailBody == "" {
				t.Errorf("got an empty text in %+v", d)
			}
			if err := ValidateSubject("email_subject", d.EmailSubject); err != nil {
				t.Errorf("subject: got %v, want nil", err)
			}
			if err := ValidatePlaceholders("email_body", d.EmailBody); err != nil {
				t.Errorf("body: got %v, want nil", err)
			}
			body, err := RenderPlaceholders(d.EmailBody, values)
			if err != nil || !strings.Contains(body, values.Link) || !strings.Contains(body, values.ValidUntil) {
				t.Errorf("got body %q, %v; want it to hold the link and the validity date", body, err)
			}
		})
	}
	if DefaultTexts("sv-SE").EmailSubject != "Offert {{quote_number}} från {{company_name}}" {
		t.Errorf("got %q, want the Swedish subject", DefaultTexts("sv-SE").EmailSubject)
	}
	if DefaultTexts("fr") != DefaultTexts("en") {
		t.Errorf("got other texts for fr, want the English ones")
	}
}

// TestLabelsComplete fails when a label is left empty in a language, and
// checks that the format labels take their verbs.
func TestLabelsComplete(t *testing.T) {
	for _, lang := range []string{"en", "sv"} {
		l := LabelsFor(lang)
		v := reflect.ValueOf(l)
		for i := range v.NumField() {
			if v.Field(i).String() == "" {
				t.Errorf("%s: label %s is empty", lang, v.Type().Field(i).Name)
			}
		}
		for _, f := range []string{l.Page, l.ChangesSince, l.SupersededBy} {
			if !strings.Contains(f, "%d") {
				t.Errorf("%s: got %q, want a %%d verb", lang, f)
			}
		}
	}
	if got := LabelsFor("sv-SE").Quantity; got != "Antal" {
		t.Errorf("got %q, want Antal", got)
	}
	if got := LabelsFor("").Page; got != "Page %d of %d" {
		t.Errorf("got %q, want Page %%d of %%d", got)
	}
}
