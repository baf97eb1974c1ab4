package render

import (
	"strings"

	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/image"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/consts/border"
	"github.com/johnfercher/maroto/v2/pkg/consts/extension"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/props"
)

// segment is a run of wrapped lines in one style, stacked in a block.
type segment struct {
	text string
	st   style
	gap  float64 // space above the segment
}

// Caps on the height of header and footer blocks (mm): absurdly long
// addresses or footers are cut rather than pushing a row past the page.
const (
	maxBlock  = 60.0
	maxFooter = 30.0
)

// stack wraps segments into a column of width mm and returns its components
// and height, at most maxH; empty segments take no space.
func (p *pdfDoc) stack(segs []segment, width, pad, top, maxH float64) ([]core.Component, float64) {
	var out []core.Component
	y := top
	for _, s := range segs {
		lines := p.wrap(s.text, s.st, width, pad)
		if len(lines) == 0 {
			continue
		}
		if y > top {
			y += s.gap
		}
		lh := s.st.lineHeight()
		fit := min(len(lines), int((top+maxH-y)/lh))
		if fit <= 0 {
			break
		}
		out = append(out, p.texts(lines[:fit], s.st, y, pad, pad)...)
		y += float64(fit) * lh
	}
	return out, y - top
}

// header is the first page's top: logo and title, an optional notice, the
// two addresses and the reference strip.
func (p *pdfDoc) header() {
	p.titleRow()
	p.notice()
	p.spacer(5)
	p.addresses()
	p.spacer(5)
	p.metaStrip()
	p.spacer(6)
}

func (p *pdfDoc) titleRow() {
	const leftW = 90
	h := 24.0
	left := col.New(leftW)
	if p.v.logoMime != "" {
		ext := extension.Png
		if p.v.logoMime == "image/jpeg" {
			ext = extension.Jpeg
		}
		left.Add(image.NewFromBytes(p.v.Logo, ext, props.Rect{Percent: 100}))
	} else {
		name := style{size: 16, bold: true, color: p.v.rgb}
		comps, nh := p.stack([]segment{{text: p.v.Company.Name, st: name}}, leftW, 0, 2, 24)
		left.Add(comps...)
		h = max(h, nh+4)
	}
	rightW := pageWidth - leftW
	title := style{size: 22, bold: true, color: p.v.rgb}.right()
	number := style{size: 11, color: muted}.right()
	comps, _ := p.stack([]segment{
		{text: p.v.Title, st: title},
		{text: p.v.Number, st: number, gap: 0.5},
	}, rightW, 0, 0, maxBlock)
	p.add(h, left, col.New(int(rightW)).Add(comps...))
}

// notice is the banner for superseded or replacing versions.
func (p *pdfDoc) notice() {
	if p.v.Notice == "" {
		return
	}
	st := style{size: 9.5, bold: true, color: [3]uint8{110, 80, 0}}
	comps, h := p.stack([]segment{{text: p.v.Notice, st: st}}, pageWidth, 3, 2.2, maxBlock)
	p.spacer(3)
	p.addStyled(h+4, &props.Cell{BackgroundColor: pdfColor([3]uint8{255, 243, 205})},
		col.New(int(pageWidth)).Add(comps...))
}

// addresses puts the seller on the left and the customer, on a tinted card,
// on the right.
func (p *pdfDoc) addresses() {
	const w, gap, pad = 85.0, 10.0, 3.0
	c, v := p.v.Company, p.v
	body := style{size: 8.5, color: ink}
	small := style{size: 8, color: muted}
	seller, h1 := p.stack([]segment{
		{text: c.Name, st: style{size: 10, bold: true, color: ink}},
		{text: join(c.Address), st: body, gap: 0.8},
		{text: join(v.contactLines(c)), st: small, gap: 1.2},
	}, w, 0, pad, maxBlock)
	cu := v.Customer
	buyer, h2 := p.stack([]segment{
		{text: v.Labels.Customer, st: style{size: 7.5, bold: true, color: v.rgb}},
		{text: cu.Name, st: style{size: 10, bold: true, color: ink}, gap: 0.8},
		{text: join(cu.Address), st: body, gap: 0.8},
		{text: join(v.legalLines(cu)), st: small, gap: 1.2},
	}, w, pad, pad, maxBlock)
	h := max(h1, h2) + 2*pad
	p.add(h,
		col.New(int(w)).Add(seller...),
		col.New(int(gap)),
		col.New(int(w)).Add(buyer...).WithStyle(&props.Cell{BackgroundColor: pdfColor(v.tint(0.07))}),
	)
}

// metaStrip shows number, version, dates and references side by side.
func (p *pdfDoc) metaStrip() {
	ms := p.v.metas()
	if len(ms) == 0 {
		return
	}
	label := style{size: 7, color: muted}
	value := style{size: 9, bold: true, color: ink}
	widths := split(int(pageWidth), len(ms))
	cols := make([]core.Col, len(ms))
	h := 0.0
	for i, m := range ms {
		comps, ch := p.stack([]segment{
			{text: m.Label, st: label},
			{text: m.Value, st: value, gap: 0.6},
		}, float64(widths[i]), 2, 2.2, maxBlock)
		cols[i] = col.New(widths[i]).Add(comps...)
		h = max(h, ch)
	}
	p.addStyled(h+4.4, &props.Cell{
		BorderType: border.Top | border.Bottom, BorderColor: pdfColor(p.v.rgb), BorderThickness: 0.35,
	}, cols...)
}

// footer is repeated on every page: the footer text, the company's legal
// numbers and its bank details, above the page number.
func (p *pdfDoc) footer() []core.Row {
	const pad = 2.0
	st := style{size: 7, color: muted}
	c := p.v.Company
	textW, legalW, bankW := 86.0, 44.0, 50.0
	note, h1 := p.stack([]segment{{text: p.v.Footer, st: st}}, textW-3, 0, pad, maxFooter)
	legal, h2 := p.stack([]segment{
		{text: c.Name, st: style{size: 7, bold: true, color: muted}},
		{text: join(p.v.legalLines(c)), st: st},
	}, legalW, 0, pad, maxFooter)
	bank, h3 := p.stack([]segment{{text: c.Bank, st: st}}, bankW, 0, pad, maxFooter)
	h := quantize(max(h1, h2, h3) + pad + 1)
	r := row.New(h).Add(
		col.New(int(textW)).Add(note...),
		col.New(int(legalW)).Add(legal...),
		col.New(int(bankW)).Add(bank...),
	).WithStyle(&props.Cell{BorderType: border.Top, BorderColor: pdfColor(rule), BorderThickness: 0.2})
	return []core.Row{r}
}

// split divides total into n integer widths that add up to total.
func split(total, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = total / n
		if i < total%n {
			out[i]++
		}
	}
	return out
}

func join(lines []string) string { return strings.Join(lines, "\n") }
