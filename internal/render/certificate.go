package render

import (
	"bytes"
	"fmt"
	"io"

	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/image"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/consts/border"
	"github.com/johnfercher/maroto/v2/pkg/consts/extension"
	"github.com/johnfercher/maroto/v2/pkg/props"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

func init() { api.DisableConfigDir() } // pdfcpu must not write ~/.config

// Certificate is the signature page appended to a signed quote: a title,
// an introduction, label/value rows (already formatted) and the drawn
// signature, if any.
type Certificate struct {
	Title     string // "Signature certificate"
	Intro     string // one paragraph saying what the page attests
	Reference string // "Quote 2026-0042 · version 2", on the page's top line
	Company   string
	Rows      []CertificateRow
	// Signature is the drawn signature (PNG), shown in a box; optional.
	Signature      []byte
	SignatureLabel string
	Color          string // "#RRGGBB"
}

// CertificateRow is one attested fact.
type CertificateRow struct {
	Label, Value string
	Mono         bool // hashes and ids, set apart from prose
}

// SignedPDF appends the certificate page to document (a PDF) and answers
// the merged PDF. The document's own pages are kept as they are.
func SignedPDF(document []byte, c Certificate) ([]byte, error) {
	page, err := CertificatePDF(c)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	if err := api.MergeRaw([]io.ReadSeeker{bytes.NewReader(document), bytes.NewReader(page)}, &out, false, conf); err != nil {
		return nil, fmt.Errorf("append certificate page: %w", err)
	}
	return out.Bytes(), nil
}

// CertificatePDF renders the certificate as a one-page A4 PDF. The page
// carries no page number: it follows a document whose own numbers ("Page 1
// of 1") are part of what was signed, so "1 / 1" here would read wrong. Its
// footer names it instead.
func CertificatePDF(c Certificate) ([]byte, error) {
	v, err := newView(Document{Title: c.Title, Number: c.Reference, Color: c.Color, Company: Party{Name: c.Company}})
	if err != nil {
		return nil, err
	}
	p, err := newPDFDoc(v, false)
	if err != nil {
		return nil, err
	}
	footer := style{size: 7, color: muted}.right()
	if err := p.m.RegisterFooter(row.New(6).Add(col.New(int(pageWidth)).Add(
		p.texts([]string{c.Title + " · " + c.Company + " · " + c.Reference}, footer, 2, 0, 0)...))); err != nil {
		return nil, fmt.Errorf("register certificate footer: %w", err)
	}
	p.certificate(c)
	out, err := p.m.Generate()
	if err != nil {
		return nil, fmt.Errorf("generate certificate: %w", err)
	}
	return out.GetBytes(), nil
}

// certificate lays the page out: title, introduction, a two-column table
// of facts and the signature box.
func (p *pdfDoc) certificate(c Certificate) {
	full := int(pageWidth)
	title := style{size: 18, bold: true, color: p.v.rgb}
	ref := style{size: 9, color: muted}
	p.add(10, col.New(full).Add(p.texts([]string{c.Title}, title, 0, 0, 0)...))
	p.add(6, col.New(full).Add(p.texts([]string{c.Company + " · " + c.Reference}, ref, 0, 0, 0)...))
	body := style{size: 9.5, color: ink}
	intro := p.wrap(c.Intro, body, pageWidth, 0)
	p.add(float64(len(intro))*body.lineHeight()+4, col.New(full).Add(p.texts(intro, body, 2, 0, 0)...))
	labelW, valueW := 52.0, pageWidth-52.0
	lab := style{size: 9, bold: true, color: muted}
	for i, r := range c.Rows {
		st := style{size: 9.5, color: ink}
		if r.Mono {
			st.size = 8.5
		}
		lines := p.wrap(r.Value, st, valueW, 1.5)
		h := float64(max(len(lines), 1))*st.lineHeight() + 3
		cell := &props.Cell{BorderType: border.Bottom, BorderColor: pdfColor(rule), BorderThickness: 0.2}
		if i%2 == 0 {
			cell.BackgroundColor = pdfColor(p.v.tint(0.06))
		}
		p.addStyled(h, cell,
			col.New(int(labelW)).Add(p.texts([]string{r.Label}, lab, 1.5, 1.5, 1.5)...),
			col.New(int(valueW)).Add(p.texts(lines, st, 1.5, 1.5, 1.5)...))
	}
	if len(c.Signature) == 0 {
		return
	}
	// The label and the box stay together; the box is about the size of a
	// signature on paper, and the drawing keeps its proportions inside it.
	p.ensure(6 + 6 + signatureH)
	p.spacer(6)
	p.add(6, col.New(full).Add(p.texts([]string{c.SignatureLabel}, lab, 0, 0, 0)...))
	box := &props.Cell{BorderType: border.Full, BorderColor: pdfColor(rule), BorderThickness: 0.3}
	p.m.AddRows(row.New(signatureH).Add(
		col.New(signatureW).WithStyle(box).Add(image.NewFromBytes(c.Signature, extension.Png, props.Rect{Center: true, Percent: 90})),
		col.New(full-signatureW)))
}

// The signature box on the certificate, in mm.
const (
	signatureW = 90
	signatureH = 32
)
