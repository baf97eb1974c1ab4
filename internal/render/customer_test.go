package render

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"regexp"
	"strings"
	"testing"
)

// On a phone each line is a card whose facts are labelled from the column
// headers (data-label, shown by CSS): every fact cell of every line carries
// its column's label, and the amount its own class.
func TestLinesLabelledForPhones(t *testing.T) {
	d := sampleDoc(4)
	page := renderHTML(t, d)
	for _, label := range []string{d.Labels.Code, d.Labels.Quantity, d.Labels.UnitPrice, d.Labels.Discount, d.Labels.VAT} {
		if got := strings.Count(page, `data-label="`+label+`"`); got != len(d.Lines) {
			t.Errorf("cells labelled %q: got %d, want one per line (%d)", label, got, len(d.Lines))
		}
	}
	if got := strings.Count(page, `<td class="num net">`); got != len(d.Lines) {
		t.Errorf("amount cells: got %d, want %d", got, len(d.Lines))
	}
	if !strings.Contains(page, "content: attr(data-label)") {
		t.Error("the styles do not show the labels on narrow screens")
	}
}

func customerPage() CustomerPage {
	d := sampleDoc(3)
	return CustomerPage{Lang: "sv", Title: "Offert", Nonce: "n0nce", Quote: &d,
		Banner:  &Banner{Kind: "success", Title: "Signerad", Text: "Åsa signerade."},
		Contact: &ContactBox{Title: "Din kontaktperson", Name: "Märta", Email: "marta@example.com"},
		PDFURL:  "/q/t/pdf", PDFLabel: "Ladda ner PDF",
		Forms: &Forms{SignURL: "/q/t/sign", ChangeURL: "/q/t/change-request", RejectURL: "/q/t/reject",
			Lines: []FormLine{{ID: "l1", Label: "Rad 1"}}, Errors: map[string]string{"name": "saknas"},
			L: FormLabels{SignButton: "Signera"}},
	}
}

// The page's Content-Security-Policy allows only its own nonce'd <style>
// and <script>: no style attribute, no other inline code.
func TestCustomerPageOnlyNoncedStyleAndScript(t *testing.T) {
	var buf bytes.Buffer
	if err := CustomerHTML(&buf, customerPage()); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	if m := regexp.MustCompile(`(?i)\sstyle\s*=|\son[a-z]+\s*=|javascript:`).FindString(page); m != "" {
		t.Errorf("the page has %q, which its CSP refuses", m)
	}
	for _, tag := range regexp.MustCompile(`<(style|script)[^>]*>`).FindAllString(page, -1) {
		if tag != `<style nonce="n0nce">` && tag != `<script nonce="n0nce">` {
			t.Errorf("got %s, want the nonce on every style and script", tag)
		}
	}
	if !strings.Contains(page, `class="button secondary small" id="sig-clear"`) {
		t.Error("the signature pad's Clear button is not the small one")
	}
}

func signaturePNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 600, 200))
	for x := 40; x < 560; x++ {
		img.Set(x, 100+(x%80)-40, color.Black)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The certificate follows the signed document, whose own pages say "Sida 1
// av 1": it names itself in its footer and carries no page number of its
// own ("1 / 1" on the second page would read wrong).
func TestCertificatePage(t *testing.T) {
	c := Certificate{Title: "Signeringsintyg", Intro: "Den här sidan hör till det signerade dokumentet.",
		Reference: "Offert 2026-0042 · version 2", Company: "Nordljus Programvara AB", Color: "#1F4E79",
		Rows: []CertificateRow{
			{Label: "Signerad av", Value: "Åsa Ström"},
			{Label: "Webbläsare", Value: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36"},
			{Label: "Dokumentets SHA-256", Value: strings.Repeat("ab", 32), Mono: true},
		},
		Signature: signaturePNG(t), SignatureLabel: "Ritad underskrift"}
	signed, err := SignedPDF(renderPDF(t, sampleDoc(3)), c)
	if err != nil {
		t.Fatal(err)
	}
	ps := pages(pdfText(t, signed, "-layout"))
	if len(ps) != 2 {
		t.Fatalf("the signed PDF has %d pages, want the quote's and the certificate", len(ps))
	}
	quote, cert := squash(ps[0]), squash(ps[1])
	if !strings.Contains(quote, "Sida 1 av 1") {
		t.Errorf("the quote's page lost its number: %s", quote)
	}
	for _, want := range []string{"Signeringsintyg", "Åsa Ström", "HeadlessChrome/156.0.0.0", strings.Repeat("ab", 32),
		"Ritad underskrift", "Signeringsintyg · Nordljus Programvara AB · Offert 2026-0042 · version 2"} {
		if !strings.Contains(cert, want) {
			t.Errorf("the certificate lacks %q:\n%s", want, cert)
		}
	}
	if regexp.MustCompile(`(?i)\b(page|sida) \d|\b\d+ / \d+\b`).MatchString(cert) {
		t.Errorf("the certificate has a page number of its own:\n%s", cert)
	}
}
