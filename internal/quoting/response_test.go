package quoting

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/google/uuid"
)

func pngBytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 2, 1))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSignatureIsASmallPNGDataURL(t *testing.T) {
	img := pngBytes(t)
	enc := func(b []byte) string { return signatureDataPrefix + base64.StdEncoding.EncodeToString(b) }
	tests := []struct {
		name string
		in   string
		want []byte
		bad  bool
	}{
		{"no signature", "", nil, false},
		{"a PNG", enc(img), img, false},
		{"another media type", "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(img), nil, true},
		{"not base64", signatureDataPrefix + "!!!!", nil, true},
		{"not a PNG", enc([]byte("GIF89a")), nil, true},
		{"one byte too many", enc(make([]byte, MaxSignatureBytes+1)), nil, true},
		{"far too long", signatureDataPrefix + strings.Repeat("A", 4*(MaxSignatureBytes/3+2)), nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeSignature(tt.in)
			if tt.bad {
				wantFields(t, err, "signature_png")
				return
			}
			if err != nil || !bytes.Equal(got, tt.want) {
				t.Errorf("got %d bytes, %v; want %d bytes", len(got), err, len(tt.want))
			}
		})
	}
}

func TestSignatureNeedsPersonConsentAndDocumentHash(t *testing.T) {
	ok := SignInput{Name: "Ann", Email: "ann@example.com", Title: strings.Repeat("t", MaxSignerName), Consent: true,
		DocumentSHA256: strings.Repeat("a", 64)}
	tests := []struct {
		name   string
		change func(*SignInput)
		want   []string
	}{
		{"complete", func(*SignInput) {}, nil},
		{"name of 200 characters", func(in *SignInput) { in.Name = strings.Repeat("ö", 200) }, nil},
		{"blank name", func(in *SignInput) { in.Name = "  " }, []string{"name"}},
		{"name of 201 characters", func(in *SignInput) { in.Name = strings.Repeat("n", 201) }, []string{"name"}},
		{"address with a display name", func(in *SignInput) { in.Email = "Ann <ann@example.com>" }, []string{"email"}},
		{"not an address", func(in *SignInput) { in.Email = "ann" }, []string{"email"}},
		{"address over 254 bytes", func(in *SignInput) { in.Email = strings.Repeat("a", 64) + "@" + strings.Repeat("b", 186) + ".com" }, []string{"email"}},
		{"address padded with spaces", func(in *SignInput) { in.Email = " ann@example.com " }, nil},
		{"title of 201 characters", func(in *SignInput) { in.Title = strings.Repeat("t", 201) }, []string{"title"}},
		{"no consent", func(in *SignInput) { in.Consent = false }, []string{"consent"}},
		{"short hash", func(in *SignInput) { in.DocumentSHA256 = strings.Repeat("a", 63) }, []string{"document_sha256"}},
		{"everything missing", func(in *SignInput) { *in = SignInput{} }, []string{"name", "email", "consent", "document_sha256"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ok
			tt.change(&in)
			wantFields(t, in.Check(), tt.want...)
		})
	}
}

func TestChangeRequestNeedsACommentOnTheQuotesLines(t *testing.T) {
	l1, l2 := SnapshotLine{ID: uuid.New()}, SnapshotLine{ID: uuid.New()}
	lines := []SnapshotLine{l1, l2}
	person := ChangeRequestInput{Name: "Ann", Email: "ann@example.com", Comment: "Cheaper, please"}
	with := func(lc ...LineComment) ChangeRequestInput { in := person; in.LineComments = lc; return in }
	tests := []struct {
		name string
		in   ChangeRequestInput
		want []string
	}{
		{"comment only", person, nil},
		{"comment of 5000 characters", ChangeRequestInput{Name: "A", Email: "a@example.com", Comment: strings.Repeat("c", MaxComment)}, nil},
		{"blank comment", ChangeRequestInput{Name: "A", Email: "a@example.com", Comment: " \n "}, []string{"comment"}},
		{"comment of 5001 characters", ChangeRequestInput{Name: "A", Email: "a@example.com", Comment: strings.Repeat("c", MaxComment+1)}, []string{"comment"}},
		{"a comment per line", with(LineComment{LineID: l1.ID, Comment: "less"}, LineComment{LineID: l2.ID, Comment: strings.Repeat("m", MaxLineComment)}), nil},
		{"a line of another quote", with(LineComment{LineID: uuid.New(), Comment: "x"}), []string{"line_comments[0].line_id"}},
		{"no line id", with(LineComment{Comment: "x"}), []string{"line_comments[0].line_id"}},
		{"blank line comment", with(LineComment{LineID: l2.ID, Comment: " "}), []string{"line_comments[0].comment"}},
		{"line comment too long", with(LineComment{LineID: l2.ID, Comment: strings.Repeat("m", MaxLineComment+1)}), []string{"line_comments[0].comment"}},
		{"more comments than lines", with(LineComment{LineID: l1.ID, Comment: "a"}, LineComment{LineID: l2.ID, Comment: "b"}, LineComment{LineID: l1.ID, Comment: "c"}),
			[]string{"line_comments"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantFields(t, tt.in.Check(lines), tt.want...) })
	}
	if err := (ChangeRequestInput{Name: "A", Email: "a@example.com", Comment: "c"}).Check(nil); err != nil {
		t.Errorf("a quote without lines, no line comments: got %v, want none", err)
	}
}

func TestRejectionReasonIsOptionalButBounded(t *testing.T) {
	tests := []struct {
		in   RejectInput
		want []string
	}{
		{RejectInput{Name: "Ann", Email: "ann@example.com"}, nil},
		{RejectInput{Name: "Ann", Email: "ann@example.com", Reason: strings.Repeat("r", MaxComment)}, nil},
		{RejectInput{Name: "Ann", Email: "ann@example.com", Reason: strings.Repeat("r", MaxComment+1)}, []string{"reason"}},
		{RejectInput{Email: "ann@example.com"}, []string{"name"}},
	}
	for _, tt := range tests {
		wantFields(t, tt.in.Check(), tt.want...)
	}
}

func TestConsentTextFollowsTheLanguage(t *testing.T) {
	for _, lang := range []string{"sv", "sv-SE"} {
		if got := ConsentText(lang); !strings.HasPrefix(got, "Jag har läst offerten") {
			t.Errorf("%s: got %q, want the Swedish text", lang, got)
		}
	}
	for _, lang := range []string{"en", "", "de"} {
		if got := ConsentText(lang); !strings.HasPrefix(got, "I have read this quote") {
			t.Errorf("%q: got %q, want the English text", lang, got)
		}
	}
}
