package ical

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEscapeText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Möte med Åsa", "Möte med Åsa"},
		{"comma and semicolon", "a,b;c", `a\,b\;c`},
		{"backslash first", `C:\dir,x`, `C:\\dir\,x`},
		{"LF", "rad 1\nrad 2", `rad 1\nrad 2`},
		{"CRLF is one break", "rad 1\r\nrad 2", `rad 1\nrad 2`},
		{"lone CR", "rad 1\rrad 2", `rad 1\nrad 2`},
		{"controls dropped, tab kept", "a\x00b\x07c\td", "abc\td"},
		{"colon kept", "kl. 10:30", "kl. 10:30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := escapeText(tt.in); got != tt.want {
				t.Errorf("escapeText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParamValue(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Anna Öberg", `"Anna Öberg"`},
		{`Bo "Boss" Ek`, `"Bo Boss Ek"`},
		{"a;b:c,d", `"a;b:c,d"`},
		{"x\r\ny", `"xy"`},
	}
	for _, tt := range tests {
		if got := paramValue(tt.in); got != tt.want {
			t.Errorf("paramValue(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLineFolding(t *testing.T) {
	tests := []struct {
		name, line string
		wantLines  int
	}{
		{"short", "SUMMARY:kort", 1},
		{"exactly 75 octets", "X:" + strings.Repeat("a", 73), 1},
		{"76 octets", "X:" + strings.Repeat("a", 74), 2},
		{"ascii long", "DESCRIPTION:" + strings.Repeat("abcdefghij", 30), 5},
		{"two-byte runes", "DESCRIPTION:" + strings.Repeat("åäö", 60), 6},
		{"odd offset two-byte", "X:a" + strings.Repeat("ö", 100), 3},
		{"four-byte runes", "X:" + strings.Repeat("😀", 40), 3},
		{"three-byte runes", "X:" + strings.Repeat("€", 50), 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w writer
			w.line(tt.line)
			out := w.buf.String()
			if !strings.HasSuffix(out, "\r\n") {
				t.Fatalf("got %q, want a CRLF ending", out)
			}
			phys := strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n")
			if len(phys) != tt.wantLines {
				t.Errorf("got %d physical lines, want %d", len(phys), tt.wantLines)
			}
			var unfolded strings.Builder
			for i, p := range phys {
				checkPhysicalLine(t, p)
				if i > 0 {
					if !strings.HasPrefix(p, " ") {
						t.Fatalf("continuation %d = %q, want a leading space", i, p)
					}
					p = p[1:]
				}
				unfolded.WriteString(p)
			}
			if unfolded.String() != tt.line {
				t.Errorf("unfolded = %q, want %q", unfolded.String(), tt.line)
			}
		})
	}
}

// checkPhysicalLine fails when p is longer than RFC 5545 allows or is not
// valid UTF-8 on its own (a fold split a rune).
func checkPhysicalLine(t *testing.T, p string) {
	t.Helper()
	if len(p) > maxLineOctets {
		t.Errorf("line %q is %d octets, want at most %d", p, len(p), maxLineOctets)
	}
	if !utf8.ValidString(p) {
		t.Errorf("line %q is not valid UTF-8 on its own", p)
	}
}
