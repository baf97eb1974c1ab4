package invoicing

import (
	"testing"

	"github.com/acme/crm/internal/errs"
)

// Published Luhn examples: Wikipedia's 7992739871 → 3; the Swedish Tax
// Agency's example personal identity number 811218-9876; the classic test
// card number 49927398716.
func TestLuhnPublishedExamples(t *testing.T) {
	for _, tc := range []struct {
		digits string
		check  byte
	}{
		{"7992739871", '3'}, {"811218987", '6'}, {"4992739871", '6'}, {"0", '0'}, {"18", '2'}, {"123456789", '7'},
	} {
		if got := LuhnDigit(tc.digits); got != tc.check {
			t.Errorf("LuhnDigit(%s) = %c, want %c", tc.digits, got, tc.check)
		}
		if !ValidLuhn(tc.digits + string(tc.check)) {
			t.Errorf("ValidLuhn(%s%c) = false", tc.digits, tc.check)
		}
	}
	for _, bad := range []string{"79927398710", "8112189875", "49927398717", "1", "", "12a4", "２０"} {
		if ValidLuhn(bad) {
			t.Errorf("ValidLuhn(%q) = true, want false", bad)
		}
	}
}

func TestOCR(t *testing.T) {
	for _, tc := range []struct {
		year, seq int
		want      string
	}{
		{2026, 1, "202600011"}, {2026, 42, "202600425"}, {2026, 9999, "202699997"}, {2027, 12345, "2027123450"},
	} {
		got, err := OCR(tc.year, tc.seq)
		if err != nil || got != tc.want || !ValidLuhn(got) {
			t.Errorf("OCR(%d, %d) = %q, %v; want %q", tc.year, tc.seq, got, err, tc.want)
		}
		if err := CheckOCR("ocr", got); err != nil {
			t.Errorf("CheckOCR(%s): %v", got, err)
		}
	}
	if _, err := OCR(2026, 0); !errs.Is(err, errs.Invalid) {
		t.Errorf("OCR of sequence 0: got %v, want invalid", err)
	}
	for _, bad := range []string{"202600424", "2", "12345678901234567890123455"} {
		if CheckOCR("ocr", bad) == nil {
			t.Errorf("CheckOCR(%s) accepted", bad)
		}
	}
}

func TestNumberFormat(t *testing.T) {
	for _, tc := range []struct {
		format    string
		year, seq int
		want      string
	}{
		{DefaultNumberFormat, 2026, 42, "2026-0042"},
		{"{year}-{seq}", 2026, 123456, "2026-123456"},
		{"F{yy}{seq:6}", 2026, 42, "F26000042"},
		{"INV/{year}/{seq:1}", 2031, 7, "INV/2031/7"},
		{"no sequence", 2026, 1, "2026-0001"}, // invalid formats fall back to the default
	} {
		if got := FormatNumber(tc.format, tc.year, tc.seq); got != tc.want {
			t.Errorf("FormatNumber(%q, %d, %d) = %q, want %q", tc.format, tc.year, tc.seq, got, tc.want)
		}
	}
	for format, ok := range map[string]bool{
		"{year}-{seq}": true, "F{yy}-{seq:5}": true, "{seq}": false, "{year}": false, "{year}{seq}{seq}": false,
		"{year}-{seq}<script>": false, "{year:4}-{seq}": false, "": false, "{year}-{seq}-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa": false,
	} {
		if err := CheckNumberFormat("invoice_number_format", format); (err == nil) != ok {
			t.Errorf("CheckNumberFormat(%q) = %v, want ok %v", format, err, ok)
		}
	}
}
