package imports

import (
	"errors"
	"io"
	"testing"
)

func TestParseAmount(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1 234,50", 123450, true},
		{"1\u00a0234,5", 123450, true},
		{"1234.50", 123450, true},
		{"1,234.50", 123450, true},
		{"1.234,50", 123450, true},
		{"1.234.567", 123456700, true},
		{"99,5", 9950, true},
		{"100", 10000, true},
		{"-12,30", -1230, true},
		{"0", 0, true},
		{"12.34.5", 0, false},
		{"1,234", 0, false}, // three decimals: ambiguous
		{"1,2,3", 0, false},
		{"abc", 0, false},
		{"", 0, false},
		{"1e5", 0, false},
		{"12,345.6.7", 0, false},
	} {
		got, err := ParseAmount("amount", tc.in)
		if tc.ok != (err == nil) || got != tc.want {
			t.Errorf("%q: got %d, %v; want %d (ok %v)", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestReader(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    string
		comma rune
		rows  [][]string
		lines []int
	}{
		{"commas", "a,b\n1,2\n", ',', [][]string{{"1", "2"}}, []int{2}},
		{"semicolons with BOM and CRLF", "\xEF\xBB\xBFa;b\r\n1,5;2\r\n", ';', [][]string{{"1,5", "2"}}, []int{2}},
		{"quoted separators and line breaks", "a;b\n\"x;y\";\"two\nlines\"\n3;4\n", ';', [][]string{{"x;y", "two\nlines"}, {"3", "4"}}, []int{2, 4}},
		{"quoted header commas", "\"a,1\";b\n1;2\n", ';', [][]string{{"1", "2"}}, []int{2}},
	} {
		r, err := NewReader([]byte(tc.in))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if r.Comma != tc.comma || r.Header()[0] != map[bool]string{true: "a,1", false: "a"}[tc.name == "quoted header commas"] {
			t.Errorf("%s: comma %q header %q", tc.name, r.Comma, r.Header())
		}
		for i := 0; ; i++ {
			line, rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				if i != len(tc.rows) {
					t.Errorf("%s: %d rows, want %d", tc.name, i, len(tc.rows))
				}
				break
			}
			if err != nil || i >= len(tc.rows) || line != tc.lines[i] || len(rec) != len(tc.rows[i]) || rec[0] != tc.rows[i][0] || rec[1] != tc.rows[i][1] {
				t.Errorf("%s row %d: got line %d %q %v", tc.name, i, line, rec, err)
			}
		}
	}
	r, _ := NewReader([]byte("a,b\n\"unterminated,2\n"))
	if _, _, err := r.Next(); err == nil {
		t.Error("an unterminated quote: got no error")
	}
	if _, err := NewReader([]byte("\xff\xfe,b\n")); err == nil {
		t.Error("a header that is not UTF-8: got no error")
	}
}
