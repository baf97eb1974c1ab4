package render

import (
	"bytes"
	"fmt"
	"math"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/page"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/config"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/consts/pagesize"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/core/entity"
	"github.com/johnfercher/maroto/v2/pkg/props"
	"github.com/johnfercher/maroto/v2/pkg/repository"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// Page geometry in mm. The grid has one unit per mm of the printable width,
// so column sizes read as widths.
const (
	marginX      = 15.0
	marginTop    = 12.0
	marginBottom = 14.0
	pageWidth    = 210.0 - 2*marginX
	family       = "go"
	// wrapSlack keeps our line breaking on the safe side of maroto's own
	// measurement (rounded widths), which would otherwise wrap again.
	wrapSlack = 0.4
)

var (
	ink   = [3]uint8{34, 34, 34}
	muted = [3]uint8{102, 102, 102}
	rule  = [3]uint8{210, 210, 210}
	white = [3]uint8{255, 255, 255}
)

// customFonts registers the Go fonts with maroto. Every document gets its own
// copy of the font bytes: gofpdf appends padding to slices of them while
// subsetting, which would write into a shared array (a data race between
// concurrent renderings, caught by TestConcurrent under -race).
func customFonts() ([]*entity.CustomFont, error) {
	return repository.New().
		AddUTF8FontFromBytes(family, fontstyle.Normal, bytes.Clone(goregular.TTF)).
		AddUTF8FontFromBytes(family, fontstyle.Bold, bytes.Clone(gobold.TTF)).
		Load()
}

// PDF renders d as an A4 PDF. Long quotes flow over as many pages as needed,
// repeating the table header; every page carries the footer and "Page x of
// y". It fails with errs.Invalid when the logo is not a PNG or JPEG image.
func PDF(d Document) ([]byte, error) {
	v, err := newView(d)
	if err != nil {
		return nil, err
	}
	p, err := newPDFDoc(v, true)
	if err != nil {
		return nil, err
	}
	if err := p.build(); err != nil {
		return nil, err
	}
	out, err := p.m.Generate()
	if err != nil {
		return nil, fmt.Errorf("generate pdf %s: %w", d.Number, err)
	}
	return out.GetBytes(), nil
}

// pdfDoc lays a view out on maroto rows of known heights.
type pdfDoc struct {
	v         *view
	m         core.Maroto
	reg, bold *face
	cols      []column
	// inTable makes a page break repeat the table header.
	inTable bool
}

// newPDFDoc starts an A4 document of v; numbered puts "Page x of y" (the
// pattern v.Labels.Page) on every page.
func newPDFDoc(v *view, numbered bool) (*pdfDoc, error) {
	fc, err := loadFaces()
	if err != nil {
		return nil, err
	}
	cf, err := customFonts()
	if err != nil {
		return nil, fmt.Errorf("load fonts: %w", err)
	}
	b := config.NewBuilder().
		WithPageSize(pagesize.A4).
		WithLeftMargin(marginX).WithRightMargin(marginX).
		WithTopMargin(marginTop).WithBottomMargin(marginBottom).
		WithMaxGridSize(int(pageWidth)).
		WithCustomFonts(cf).
		WithDefaultFont(&props.Font{Family: family, Size: 9, Color: pdfColor(ink)})
	if numbered {
		b = b.WithPageNumber(props.PageNumber{
			Pattern: v.Labels.Page, Place: props.RightBottom,
			Family: family, Size: 7, Color: pdfColor(muted),
		})
	}
	cfg := b.
		WithTitle(v.Title+" "+v.Number, true).
		WithAuthor(v.Company.Name, true).
		WithCompression(true).
		Build()
	p := &pdfDoc{v: v, m: maroto.New(cfg), reg: fc[0], bold: fc[1]}
	p.cols = p.tableColumns()
	return p, nil
}

func (p *pdfDoc) build() error {
	if err := p.m.RegisterFooter(p.footer()...); err != nil {
		return fmt.Errorf("register footer: %w", err)
	}
	p.header()
	p.paragraphs(p.v.Intro, "")
	p.table()
	p.totals()
	p.paragraphs(p.v.Terms, p.v.Labels.Terms)
	return nil
}

// add appends a row of height h, starting a new page first when it would not
// fit, so that maroto never breaks a page on its own.
func (p *pdfDoc) add(h float64, cols ...core.Col) {
	h = quantize(h)
	p.ensure(h)
	p.m.AddRows(row.New(h).Add(cols...))
}

// addStyled is add for a row with a background or border.
func (p *pdfDoc) addStyled(h float64, style *props.Cell, cols ...core.Col) {
	h = quantize(h)
	p.ensure(h)
	p.m.AddRows(row.New(h).Add(cols...).WithStyle(style))
}

// ensure starts a new page unless h mm still fit on this one.
func (p *pdfDoc) ensure(h float64) {
	if p.m.FitlnCurrentPage(h) {
		return
	}
	p.m.AddPages(page.New())
	p.continuation()
}

// continuation opens every page after the first: a slim reference line and,
// inside the lines table, its header again.
func (p *pdfDoc) continuation() {
	ref := p.v.Title + " " + p.v.Number
	if p.v.Version > 0 {
		ref += " · " + p.v.Labels.Version + " " + fmt.Sprint(p.v.Version)
	}
	st := style{size: 7.5, color: muted}
	p.m.AddRows(row.New(8).Add(
		col.New(int(pageWidth/2)).Add(p.texts([]string{p.v.Company.Name}, st, 0, 0, 0)...),
		col.New(int(pageWidth/2)).Add(p.texts([]string{ref}, st.right(), 0, 0, 0)...),
	))
	if p.inTable {
		p.m.AddRows(p.tableHeader())
	}
}

// spacer adds vertical space; it never starts a page on its own.
func (p *pdfDoc) spacer(h float64) {
	h = quantize(h)
	if p.m.FitlnCurrentPage(h) {
		p.m.AddRows(row.New(h).Add(col.New(int(pageWidth))))
	}
}

// quantize rounds a row height up to 1/64 mm. Such heights add up exactly in
// floating point, so maroto's page filling and gofpdf's own page-break check
// agree to the last bit; with arbitrary heights a rounding error can push the
// footer of the last page onto an extra, unnumbered page.
func quantize(h float64) float64 {
	return math.Ceil(h*64) / 64
}

// style is how a run of text is set.
type style struct {
	size  float64
	bold  bool
	color [3]uint8
	align align.Type
}

func (s style) right() style { s.align = align.Right; return s }

func (s style) lineHeight() float64 { return s.size * ptToMM * 1.35 }

func (p *pdfDoc) face(s style) *face {
	if s.bold {
		return p.bold
	}
	return p.reg
}

// wrap breaks text for a column of width mm with the given side padding.
func (p *pdfDoc) wrap(s string, st style, width, pad float64) []string {
	return p.face(st).wrap(s, st.size, width-2*pad-wrapSlack)
}

// texts places lines one under the other from top, padded left and right.
func (p *pdfDoc) texts(lines []string, st style, top, padL, padR float64) []core.Component {
	fs := fontstyle.Normal
	if st.bold {
		fs = fontstyle.Bold
	}
	a := st.align
	if a == "" {
		a = align.Left
	}
	out := make([]core.Component, 0, len(lines))
	for i, l := range lines {
		if l == "" {
			continue
		}
		out = append(out, text.New(l, props.Text{
			Family: family, Style: fs, Size: st.size, Color: pdfColor(st.color), Align: a,
			Top: top + float64(i)*st.lineHeight(), Left: padL, Right: padR,
		}))
	}
	return out
}

func pdfColor(c [3]uint8) *props.Color {
	return &props.Color{Red: int(c[0]), Green: int(c[1]), Blue: int(c[2])}
}
