package quoting

import (
	"bytes"
	"strings"
	"testing"
)

func testLinks(t *testing.T, base string, key byte) *Links {
	t.Helper()
	l, err := NewLinks(base, bytes.Repeat([]byte{key}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestLinkKeyIs32Bytes(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33} {
		if _, err := NewLinks("https://crm.example", make([]byte, n)); err == nil {
			t.Errorf("a %d-byte key: got no error, want one", n)
		}
	}
}

func TestLinkSealsTheTokenForItsKeyOnly(t *testing.T) {
	l := testLinks(t, "https://crm.example/", 1)
	token, hash, sealed, err := l.New()
	if err != nil {
		t.Fatal(err)
	}
	if !WellFormedToken(token) || !bytes.Equal(hash, HashToken(token)) {
		t.Fatalf("got token %q with hash %x, want a well-formed token and its hash", token, hash)
	}
	if got, err := l.Unseal(sealed, hash); err != nil || got != token {
		t.Fatalf("unseal: got %q, %v, want %q", got, err, token)
	}
	if got := l.URL(Quote{TokenSealed: sealed, TokenHash: hash}); got != "https://crm.example/q/"+token {
		t.Errorf("got URL %q, want the page of the token without a double slash", got)
	}

	other := testLinks(t, "https://crm.example", 2)
	tests := []struct {
		name         string
		links        *Links
		sealed, hash []byte
	}{
		{"another key", other, sealed, hash},
		{"another hash", l, sealed, HashToken("x")},
		{"shorter than a nonce", l, sealed[:11], hash},
		{"nothing", l, nil, hash},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := tt.links.Unseal(tt.sealed, tt.hash); err == nil || got != "" {
				t.Errorf("got %q, %v, want an error", got, err)
			}
			if got := tt.links.URL(Quote{TokenSealed: tt.sealed, TokenHash: tt.hash}); got != "" {
				t.Errorf("URL: got %q, want none", got)
			}
		})
	}
}

func TestLinkURLs(t *testing.T) {
	l := testLinks(t, "https://crm.example//", 1)
	if got, want := l.PageURL("abc"), "https://crm.example/q/abc"; got != want {
		t.Errorf("page: got %q, want %q", got, want)
	}
	if got, want := l.PDFURL("42"), "https://crm.example/api/v1/quotes/42/pdf"; got != want {
		t.Errorf("pdf: got %q, want %q", got, want)
	}
}

func TestTokensAreFreshAndWellFormed(t *testing.T) {
	a, ha, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := NewToken()
	if a == b || !WellFormedToken(a) || len(ha) != 32 {
		t.Errorf("got tokens %q and %q (hash of %d bytes), want two different well-formed tokens", a, b, len(ha))
	}
}

func TestTokenIDShowsEightBytesOfTheHash(t *testing.T) {
	tests := []struct {
		hash []byte
		want string
	}{
		{nil, ""},
		{[]byte{1, 2, 3, 4, 5, 6, 7}, ""},
		{[]byte{1, 2, 3, 4, 5, 6, 7, 0xff}, "tok_01020304050607ff"},
		{bytes.Repeat([]byte{0xab}, 32), "tok_abababababababab"},
	}
	for _, tt := range tests {
		if got := TokenID(tt.hash); got != tt.want {
			t.Errorf("TokenID(%x): got %q, want %q", tt.hash, got, tt.want)
		}
	}
}

func TestWellFormedTokenIs43URLSafeCharacters(t *testing.T) {
	good := strings.Repeat("A", 43)
	tests := []struct {
		s    string
		want bool
	}{
		{good, true},
		{"azAZ09-_" + strings.Repeat("x", 35), true},
		{strings.Repeat("Z", 21) + strings.Repeat("z", 22), true},
		{strings.Repeat("0", 20) + strings.Repeat("9", 23), true},
		{good[:42], false},
		{good + "A", false},
		{"", false},
		{good[:42] + "=", false},
		{good[:42] + "+", false},
		{good[:42] + "/", false},
		{good[:42] + ".", false},
		{good[:42] + "@", false}, // just before A
		{good[:42] + "[", false}, // just after Z
		{good[:42] + "`", false}, // just before a
		{good[:42] + "{", false}, // just after z
		{good[:42] + "/", false}, // just before 0
		{good[:42] + ":", false}, // just after 9
		{good[:41] + "é", false}, // 43 bytes, 42 characters
	}
	for _, tt := range tests {
		if got := WellFormedToken(tt.s); got != tt.want {
			t.Errorf("WellFormedToken(%q): got %v, want %v", tt.s, got, tt.want)
		}
	}
}
