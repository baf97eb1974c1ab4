package money

import "testing"

func TestFormat(t *testing.T) {
	const nb = "\u00a0"
	tests := []struct {
		amount int64
		c      Currency
		lang   string
		want   string
	}{
		{123450, "SEK", "sv", "1" + nb + "234,50" + nb + "kr"},
		{123450, "SEK", "sv-SE", "1" + nb + "234,50" + nb + "kr"},
		{5, "SEK", "sv", "0,05" + nb + "kr"},
		{0, "SEK", "sv", "0,00" + nb + "kr"},
		{-123450, "SEK", "sv", "-1" + nb + "234,50" + nb + "kr"},
		{123456789012, "SEK", "sv", "1" + nb + "234" + nb + "567" + nb + "890,12" + nb + "kr"},
		{123450, "EUR", "sv", "1" + nb + "234,50" + nb + "EUR"},
		{123450, "NOK", "sv", "1" + nb + "234,50" + nb + "NOK"},
		{1235, "JPY", "sv", "1" + nb + "235" + nb + "JPY"},
		{123450, "SEK", "en", "SEK" + nb + "1,234.50"},
		{123450, "EUR", "en", "€1,234.50"},
		{123450, "USD", "en", "$1,234.50"},
		{123450, "GBP", "en-GB", "£1,234.50"},
		{-123450, "EUR", "en", "-€1,234.50"},
		{-99, "SEK", "en", "-SEK" + nb + "0.99"},
		{100, "USD", "en", "$1.00"},
		{999, "USD", "en", "$9.99"},
		{100000, "USD", "en", "$1,000.00"},
		{1235, "JPY", "en", "JPY" + nb + "1,235"},
		{1500, "KWD", "en", "KWD" + nb + "1.500"},
		{7, "KWD", "sv", "0,007" + nb + "KWD"},
		{12345, "CLF", "en", "CLF" + nb + "1.2345"},
		{123450, "SEK", "", "SEK" + nb + "1,234.50"},   // no language: English
		{123450, "SEK", "de", "SEK" + nb + "1,234.50"}, // unsupported language: English
		{123450, "SEK", "svx", "SEK" + nb + "1,234.50"},
		{123450, "ZZZ", "en", "ZZZ" + nb + "1,234.50"}, // unknown: two decimals, code as given
		{MaxAmount, "SEK", "sv", "9" + nb + "999" + nb + "999" + nb + "999" + nb + "999,99" + nb + "kr"},
		{-9223372036854775808, "USD", "en", "-$92,233,720,368,547,758.08"},
	}
	for _, tt := range tests {
		if got := Format(tt.amount, tt.c, tt.lang); got != tt.want {
			t.Errorf("Format(%d, %s, %q): got %q, want %q", tt.amount, tt.c, tt.lang, got, tt.want)
		}
	}
}
