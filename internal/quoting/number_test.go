package quoting

import (
	"testing"

	"github.com/acme/crm/internal/errs"
)

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		year, seq int
		want      string
	}{
		{2026, 42, "2026-0042"},
		{2026, 1, "2026-0001"},
		{2026, 9999, "2026-9999"},
		{2026, 10000, "2026-10000"},
		{2027, 123456, "2027-123456"},
	}
	for _, tt := range tests {
		if got := FormatNumber(tt.year, tt.seq); got != tt.want {
			t.Errorf("FormatNumber(%d, %d): got %q, want %q", tt.year, tt.seq, got, tt.want)
		}
	}
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in        string
		year, seq int
		ok        bool
	}{
		{"2026-0042", 2026, 42, true},
		{"2026-0001", 2026, 1, true},
		{"2026-10000", 2026, 10000, true},
		{"2026-999999999", 2026, 999999999, true},
		{"2026-1000000000", 0, 0, false}, // ten digits
		{"2026-42", 0, 0, false},         // not padded
		{"2026-00042", 0, 0, false},      // padded beyond four digits
		{"2026-0000", 0, 0, false},       // sequences start at 1
		{"0000-0001", 0, 0, false},
		{"26-0042", 0, 0, false},
		{"2026-+042", 0, 0, false},
		{"2026-004a", 0, 0, false},
		{"2026_0042", 0, 0, false},
		{"2026-0042-1", 0, 0, false},
		{" 2026-0042", 0, 0, false},
		{"", 0, 0, false},
	}
	for _, tt := range tests {
		year, seq, err := ParseNumber(tt.in)
		if !tt.ok {
			if !errs.Is(err, errs.Invalid) {
				t.Errorf("ParseNumber(%q): got %d, %d, %v; want an invalid error", tt.in, year, seq, err)
			}
			continue
		}
		if err != nil || year != tt.year || seq != tt.seq {
			t.Errorf("ParseNumber(%q): got %d, %d, %v; want %d, %d, nil", tt.in, year, seq, err, tt.year, tt.seq)
		}
		if back := FormatNumber(year, seq); back != tt.in {
			t.Errorf("FormatNumber(ParseNumber(%q)): got %q, want it back", tt.in, back)
		}
	}
}
