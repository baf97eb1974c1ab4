package activity

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSanitizeFileName(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"offer.pdf", "offer.pdf"},
		{"../../etc/passwd", "passwd"},
		{`C:\Users\anna\Desktop\Offert ÅÄÖ.docx`, "Offert ÅÄÖ.docx"},
		{"evil\r\nX-Header: 1.txt", "evilX-Header 1.txt"},
		{"invoice\u202Efdp.exe", "invoicefdp.exe"},
		{`a"b<c>d|e?f*.txt`, "abcdef.txt"},
		{" ..hidden. ", "hidden"},
		{"", "attachment"},
		{"..", "attachment"},
		{"/", "attachment"},
		{"bad\xffutf8.txt", "badutf8.txt"},
	}
	for _, tt := range tests {
		if got := SanitizeFileName(tt.in); got != tt.want {
			t.Errorf("SanitizeFileName(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
	long := SanitizeFileName(strings.Repeat("ä", 300) + ".pdf")
	if n := utf8.RuneCountInString(long); n != 255 || !strings.HasSuffix(long, ".pdf") {
		t.Errorf("long name: got %d characters ending %q, want 255 ending .pdf", n, long[len(long)-4:])
	}
}
