package render

import (
	"bytes"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/acme/crm/internal/errs"
)

// pdfText extracts the text of a PDF with poppler's pdftotext in the given
// mode ("-layout" or "-raw"); pages are separated by form feeds.
func pdfText(t testing.TB, pdf []byte, mode string) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext not installed (Debian package poppler-utils)")
	}
	path := filepath.Join(t.TempDir(), "quote.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, mode, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// pages splits pdftotext output into pages (the output ends with a form feed).
func pages(text string) []string {
	return strings.Split(strings.TrimSuffix(text, "\f"), "\f")
}

func renderPDF(t testing.TB, d Document) []byte {
	t.Helper()
	b, err := PDF(d)
	if err != nil {
		t.Fatalf("PDF: got error %v, want none", err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("PDF: got %q…, want a PDF header", b[:min(8, len(b))])
	}
	return b
}

var spaces = regexp.MustCompile(`\s+`)

func squash(s string) string { return spaces.ReplaceAllString(strings.TrimSpace(s), " ") }

func TestPDFContent(t *testing.T) {
	d := sampleDoc(12)
	d.Intro += "\nSpecialtecken: å ä ö Å Ä Ö é ü ß"
	b := renderPDF(t, d)
	layout := pdfText(t, b, "-layout")
	for _, want := range []string{
		"Offert", "2026-0042", "Åke Öberg Bygg & Fastighet AB", "Östra Hamngatan 12",
		"Nordljus Programvara AB", "Märta Ekström", "Giltig till", "2026-04-13",
		"182 350,00", "−7 350,00", "175 000,00", "Moms 25 % på 175 000,00", "43 750,00",
		"218 750,00 kr", "å ä ö Å Ä Ö é ü ß", "IBAN SE45 5000 0000 0583 9825 7466",
		"Villkor", "Betalningsvillkor 30 dagar netto.", "Sida 1 av",
	} {
		if !strings.Contains(layout, want) {
			t.Errorf("PDF text: got no %q in\n%s", want, layout)
		}
	}
	// In layout mode wrapped text interleaves with the other columns, so
	// names and the footer are looked for in drawing order.
	raw := squash(pdfText(t, b, "-raw"))
	for _, want := range append(lineNames(d), d.Footer) {
		if !strings.Contains(raw, want) {
			t.Errorf("PDF text: got no %q", want)
		}
	}
}

// TestPDFPages checks that every physical page carries the footer and a page
// number whose total is the real page count, and that continued pages repeat
// the table header.
func TestPDFPages(t *testing.T) {
	long := sampleDoc(1)
	long.Lines[0].Description = strings.Repeat("En mycket lång beskrivningsrad som fortsätter.\n", 150) +
		strings.Repeat("ÖverlångtordutanmellanslagÅÄÖ", 20)
	huge := sampleDoc(5)
	many := strings.Repeat("Rad med text som upprepas\n", 100)
	huge.Footer = many + huge.Footer
	huge.Customer.Address = strings.Split(many, "\n")
	huge.Notice, huge.Company.Name, huge.Company.Bank = many, many, many
	tests := []struct {
		name      string
		doc       Document
		wantPages int // minimum
	}{
		{"one line", sampleDoc(1), 1},
		{"twelve lines", sampleDoc(12), 1},
		{"thirty lines", sampleDoc(30), 2},
		{"500 lines", sampleDoc(500), 10},
		{"one line with a 150-line description", long, 3},
		{"no lines", Document{Title: "Quote", Number: "Q-1"}, 1},
		{"oversized header and footer blocks", huge, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := renderPDF(t, tt.doc)
			ps := pages(pdfText(t, b, "-layout"))
			raw := pages(pdfText(t, b, "-raw"))
			if len(ps) < tt.wantPages {
				t.Fatalf("pages: got %d, want at least %d", len(ps), tt.wantPages)
			}
			pattern := tt.doc.Labels.Page
			if pattern == "" {
				pattern = EnglishLabels.Page
			}
			for i, p := range ps {
				want := strings.NewReplacer("{current}", fmt.Sprint(i+1), "{total}", fmt.Sprint(len(ps))).Replace(pattern)
				if !strings.Contains(p, want) {
					t.Errorf("page %d: got no %q in\n%s", i+1, want, p)
				}
				if len(tt.doc.Footer) < 200 && !strings.Contains(squash(raw[i]), tt.doc.Footer) {
					t.Errorf("page %d: got no footer %q", i+1, tt.doc.Footer)
				}
			}
			if len(ps) > 2 && len(tt.doc.Lines) > 0 && !strings.Contains(ps[1], tt.doc.Labels.Description) {
				t.Errorf("page 2: got no table header %q in\n%s", tt.doc.Labels.Description, ps[1])
			}
		})
	}
}

// TestPDFPageCount checks across quote lengths that the last page number's
// total is the real page count: row heights that do not add up exactly in
// floating point used to push the last footer onto an extra page.
func TestPDFPageCount(t *testing.T) {
	for n := 1; n <= 20; n++ {
		ps := pages(pdfText(t, renderPDF(t, sampleDoc(n)), "-layout"))
		want := fmt.Sprintf("Sida %d av %d", len(ps), len(ps))
		if !strings.Contains(ps[len(ps)-1], want) {
			t.Errorf("%d lines: got no %q on the last of %d pages", n, want, len(ps))
		}
	}
}

// TestConcurrent renders from several goroutines; with -race it checks that
// the fonts shared between renderings are only read.
func TestConcurrent(t *testing.T) {
	d := sampleDoc(20)
	errc := make(chan error, 4)
	for range 4 {
		go func() {
			_, err := PDF(d)
			if err == nil {
				err = HTML(io.Discard, d)
			}
			errc <- err
		}()
	}
	for range 4 {
		if err := <-errc; err != nil {
			t.Errorf("got error %v, want none", err)
		}
	}
}

func TestPDFDefaultsToEnglishLabels(t *testing.T) {
	d := sampleDoc(3)
	d.Labels = Labels{}
	layout := pdfText(t, renderPDF(t, d), "-layout")
	for _, want := range []string{"Qty", "Unit price", "Valid until", "Total excl. VAT", "Page 1 of 1"} {
		if !strings.Contains(layout, want) {
			t.Errorf("PDF text: got no %q", want)
		}
	}
}

func testImage(t *testing.T, enc func(*bytes.Buffer, image.Image) error) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 12))
	for x := range 40 {
		img.Set(x, x%12, color.RGBA{R: 200, A: 255})
	}
	var buf bytes.Buffer
	if err := enc(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestLogo(t *testing.T) {
	pngLogo := testImage(t, func(b *bytes.Buffer, i image.Image) error { return png.Encode(b, i) })
	jpgLogo := testImage(t, func(b *bytes.Buffer, i image.Image) error { return jpeg.Encode(b, i, nil) })
	tests := []struct {
		name     string
		logo     []byte
		wantErr  bool
		wantMime string
	}{
		{"png", pngLogo, false, "data:image/png;base64,"},
		{"jpeg", jpgLogo, false, "data:image/jpeg;base64,"},
		{"not an image", []byte("<svg onload=alert(1)>"), true, ""},
		{"truncated png", pngLogo[:30], true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := sampleDoc(2)
			d.Logo = tt.logo
			_, pdfErr := PDF(d)
			var page bytes.Buffer
			htmlErr := HTML(&page, d)
			for _, err := range []error{pdfErr, htmlErr} {
				if got := errs.Is(err, errs.Invalid); got != tt.wantErr {
					t.Errorf("got error %v, want invalid: %v", err, tt.wantErr)
				}
			}
			if tt.wantMime != "" && !strings.Contains(page.String(), `src="`+tt.wantMime) {
				t.Errorf("HTML: got no logo %q", tt.wantMime)
			}
		})
	}
}

func renderHTML(t *testing.T, d Document) string {
	t.Helper()
	var buf bytes.Buffer
	if err := HTML(&buf, d); err != nil {
		t.Fatalf("HTML: got error %v, want none", err)
	}
	return buf.String()
}

func TestHTMLContent(t *testing.T) {
	d := sampleDoc(12)
	page := renderHTML(t, d)
	if !strings.HasPrefix(page, "<!doctype html>") {
		t.Errorf("HTML: got start %q, want <!doctype html>", page[:min(20, len(page))])
	}
	want := []string{d.Number, d.Customer.Name, d.Date, d.ValidUntil, d.Contact, d.Footer,
		d.Totals.Subtotal, d.Totals.OfferDiscount, d.Totals.Net, d.Totals.VAT[0].Label,
		d.Totals.VAT[0].Amount, d.Totals.Total, "--primary: #1F4E79"}
	want = append(want, lineNames(d)...)
	for _, w := range want {
		if !strings.Contains(page, html.EscapeString(w)) && !strings.Contains(page, w) {
			t.Errorf("HTML: got no %q", w)
		}
	}
}

func TestHTMLEscapes(t *testing.T) {
	d := sampleDoc(3)
	d.Lines[1].Name = "<script>alert(1)</script>"
	d.Lines[1].Description = `"><img src=x onerror=alert(2)>`
	d.Customer.Name = "Ö & Co <b>"
	d.Color = "red;}</style><script>alert(3)</script>"
	d.Lang = `sv" onload="alert(4)`
	page := renderHTML(t, d)
	for _, bad := range []string{"<script>", "<img src=x", "Co <b>", "alert(3)", `" onload="`} {
		if strings.Contains(page, bad) {
			t.Errorf("HTML: got unescaped %q", bad)
		}
	}
	for _, good := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "Ö &amp; Co &lt;b&gt;", "--primary: " + DefaultColor} {
		if !strings.Contains(page, good) {
			t.Errorf("HTML: got no %q", good)
		}
	}
}

func TestHTMLSelfContained(t *testing.T) {
	page := renderHTML(t, sampleDoc(12))
	for _, external := range []string{"http://", "https://", "@import", "url(", "<link", "<script"} {
		if strings.Contains(page, external) {
			t.Errorf("HTML: got external reference %q", external)
		}
	}
}

func TestOptionalColumns(t *testing.T) {
	d := sampleDoc(3)
	for i := range d.Lines {
		d.Lines[i].Code, d.Lines[i].Discount = "", ""
	}
	page := renderHTML(t, d)
	layout := pdfText(t, renderPDF(t, d), "-layout")
	for _, hidden := range []string{d.Labels.Code, d.Labels.Discount} {
		if strings.Contains(page, ">"+hidden+"<") {
			t.Errorf("HTML: got column %q, want it hidden without values", hidden)
		}
		if strings.Contains(layout, hidden) {
			t.Errorf("PDF: got column %q, want it hidden without values", hidden)
		}
	}
}

func TestWrap(t *testing.T) {
	fc, err := loadFaces()
	if err != nil {
		t.Fatal(err)
	}
	reg := fc[0]
	longWord := strings.Repeat("Ö", 30)
	tests := []struct {
		name  string
		text  string
		width float64
		want  []string // nil: only the joined text and the widths are checked
	}{
		{"empty", "  ", 50, []string{}},
		{"fits", "Grundläggande konfiguration", 100, []string{"Grundläggande konfiguration"}},
		{"breaks between words", "Grundläggande konfiguration", 30, []string{"Grundläggande", "konfiguration"}},
		{"keeps newlines and blank lines", "a\n\nb\r\n", 50, []string{"a", "", "b", ""}},
		{"tabs become spaces", "a\tb", 50, []string{"a b"}},
		{"splits long words", longWord, 20, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := reg.wrap(tt.text, 9, tt.width)
			if tt.want != nil && strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("wrap: got %q, want %q", got, tt.want)
			}
			if tt.want == nil && (len(got) < 2 || strings.Join(got, "") != tt.text) {
				t.Errorf("wrap: got %q, want %q split into pieces", got, tt.text)
			}
			for _, l := range got {
				if w := reg.width(l, 9); w > tt.width {
					t.Errorf("wrap: got line %q of %.1f mm, want at most %.1f", l, w, tt.width)
				}
			}
		})
	}
}

func BenchmarkPDF50(b *testing.B)  { benchmarkPDF(b, 50) }
func BenchmarkPDF500(b *testing.B) { benchmarkPDF(b, 500) }

func benchmarkPDF(b *testing.B, n int) {
	d := sampleDoc(n)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PDF(d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHTML50(b *testing.B) {
	d := sampleDoc(50)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := HTML(&buf, d); err != nil {
			b.Fatal(err)
		}
	}
}
