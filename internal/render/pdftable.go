package render

import (
	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/border"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/props"
)

const (
	cellPad   = 1.2 // left and right padding inside table cells
	rowPadTop = 1.8
	rowPadBot = 1.6
	// chunkLines caps the description lines per row: a longer description
	// continues in further rows, so that no row is taller than a page.
	chunkLines = 12
	// keepTogether is the item height (mm) below which an item is never split
	// over two pages.
	keepTogether = 60.0
)

// column is one column of the lines table.
type column struct {
	label string
	width float64
	align align.Type
	value func(Line) string // nil for the description column
}

// tableColumns picks the columns; code and discount only appear when some
// line has one, and the description takes the remaining width.
func (p *pdfDoc) tableColumns() []column {
	l, v := p.v.Labels, p.v
	cols := []column{{label: l.Position, width: 8, value: func(x Line) string { return x.Position }}}
	if v.hasCode {
		cols = append(cols, column{label: l.Code, width: 19, value: func(x Line) string { return x.Code }})
	}
	cols = append(cols,
		column{label: l.Description},
		column{label: l.Quantity, width: 12, align: align.Right, value: func(x Line) string { return x.Quantity }},
		column{label: l.Unit, width: 11, value: func(x Line) string { return x.Unit }},
		column{label: l.UnitPrice, width: 22, align: align.Right, value: func(x Line) string { return x.UnitPrice }},
	)
	if v.hasDisc {
		cols = append(cols, column{label: l.Discount, width: 13, align: align.Right, value: func(x Line) string { return x.Discount }})
	}
	cols = append(cols,
		column{label: l.VAT, width: 11, align: align.Right, value: func(x Line) string { return x.VAT }},
		column{label: l.Net, width: 24, align: align.Right, value: func(x Line) string { return x.Net }},
	)
	rest := pageWidth
	for _, c := range cols {
		rest -= c.width
	}
	for i := range cols {
		if cols[i].value == nil {
			cols[i].width = rest
		}
	}
	return cols
}

var (
	headStyle = style{size: 7.5, bold: true, color: white}
	nameStyle = style{size: 8.5, bold: true, color: ink}
	descStyle = style{size: 7.5, color: muted}
	cellStyle = style{size: 8.5, color: ink}
)

func (c column) st(base style) style {
	base.align = c.align
	return base
}

// tableHeader is the coloured row of column labels.
func (p *pdfDoc) tableHeader() core.Row {
	cols := make([]core.Col, len(p.cols))
	for i, c := range p.cols {
		lines := p.wrap(c.label, headStyle, c.width, cellPad)
		cols[i] = col.New(int(c.width)).Add(p.texts(firstLine(lines), c.st(headStyle), 2, cellPad, cellPad)...)
	}
	return row.New(7).Add(cols...).WithStyle(&props.Cell{BackgroundColor: pdfColor(p.v.rgb)})
}

func (p *pdfDoc) table() {
	if len(p.v.Lines) == 0 {
		return
	}
	p.ensure(7 + 12) // the header never stands alone at the bottom of a page
	p.m.AddRows(p.tableHeader())
	p.inTable = true
	for _, l := range p.v.Lines {
		p.item(l)
	}
	p.inTable = false
}

// descLine is one line of the description column.
type descLine struct {
	text string
	st   style
	gap  float64
}

// item adds one quote line: a first row with all values and the start of the
// description, then continuation rows for very long descriptions.
func (p *pdfDoc) item(l Line) {
	var desc column
	for _, c := range p.cols {
		if c.value == nil {
			desc = c
		}
	}
	var lines []descLine
	for _, s := range p.wrap(l.Name, nameStyle, desc.width, cellPad) {
		lines = append(lines, descLine{text: s, st: nameStyle})
	}
	for i, s := range p.wrap(l.Description, descStyle, desc.width, cellPad) {
		gap := 0.0
		if i == 0 && len(lines) > 0 {
			gap = 0.5
		}
		lines = append(lines, descLine{text: s, st: descStyle, gap: gap})
	}
	if total := descHeight(lines) + rowPadTop + rowPadBot; total < keepTogether {
		p.ensure(total)
	}
	for start := 0; start == 0 || start < len(lines); start += chunkLines {
		chunk := lines[start:min(start+chunkLines, len(lines))]
		last := start+chunkLines >= len(lines)
		p.itemRow(l, chunk, start == 0, last)
	}
}

// itemRow adds one row of an item; only the first carries the values, and
// padding goes above the first and below the last row of the item.
func (p *pdfDoc) itemRow(l Line, chunk []descLine, first, last bool) {
	top, bottom := 0.0, 0.0
	if first {
		top = rowPadTop
	}
	if last {
		bottom = rowPadBot
	}
	h := max(descHeight(chunk), cellStyle.lineHeight()) + top + bottom
	cols := make([]core.Col, len(p.cols))
	for i, c := range p.cols {
		cc := col.New(int(c.width))
		switch {
		case c.value == nil:
			cc.Add(p.descComponents(chunk, top)...)
		case first:
			lines := p.wrap(c.value(l), cellStyle, c.width, cellPad)
			cc.Add(p.texts(lines, c.st(cellStyle), top, cellPad, cellPad)...)
			h = max(h, float64(len(lines))*cellStyle.lineHeight()+top+bottom)
		}
		cols[i] = cc
	}
	if !last {
		p.add(h, cols...)
		return
	}
	p.addStyled(h, &props.Cell{BorderType: border.Bottom, BorderColor: pdfColor(rule), BorderThickness: 0.15}, cols...)
}

func (p *pdfDoc) descComponents(chunk []descLine, top float64) []core.Component {
	var out []core.Component
	y := top
	for _, d := range chunk {
		y += d.gap
		out = append(out, p.texts([]string{d.text}, d.st, y, cellPad, cellPad)...)
		y += d.st.lineHeight()
	}
	return out
}

func descHeight(lines []descLine) float64 {
	h := 0.0
	for _, d := range lines {
		h += d.gap + d.st.lineHeight()
	}
	return h
}

// totals is the right-aligned block of sums, kept together on one page.
func (p *pdfDoc) totals() {
	const labelW, amountW = 58.0, 32.0
	rows := p.v.totalRows()
	plain := style{size: 8.5, color: ink}
	grand := style{size: 10, bold: true, color: ink}
	height := func(r totalRow) float64 {
		if r.Grand {
			return 8
		}
		return 5.2
	}
	sum := 3.0
	for _, r := range rows {
		sum += height(r)
	}
	p.spacer(3)
	p.ensure(sum)
	for _, r := range rows {
		st, top := plain, 1.2
		var cell *props.Cell
		if r.Grand {
			st, top = grand, 2.2
			cell = &props.Cell{BackgroundColor: pdfColor(p.v.tint(0.12))}
		}
		label := firstLine(p.wrap(r.Label, st, labelW, 2))
		amount := firstLine(p.wrap(r.Amount, st, amountW, cellPad))
		p.add(height(r),
			col.New(int(pageWidth-labelW-amountW)),
			col.New(int(labelW)).Add(p.texts(label, st, top, 2, 2)...).WithStyle(cell),
			col.New(int(amountW)).Add(p.texts(amount, st.right(), top, cellPad, cellPad)...).WithStyle(cell),
		)
	}
}

// paragraphs adds free text line by line, so that it can break anywhere,
// under an optional heading kept with the first lines.
func (p *pdfDoc) paragraphs(text, heading string) {
	body := style{size: 9, color: ink}
	lines := p.wrap(text, body, pageWidth, 0)
	if len(lines) == 0 {
		return
	}
	p.spacer(4)
	lh := body.lineHeight()
	if heading != "" {
		head := style{size: 9.5, bold: true, color: p.v.rgb}
		p.ensure(head.lineHeight() + 1 + 2*lh)
		p.add(head.lineHeight()+1, col.New(int(pageWidth)).Add(p.texts([]string{heading}, head, 0, 0, 0)...))
	}
	for _, l := range lines {
		if l == "" {
			p.spacer(lh / 2)
			continue
		}
		p.add(lh, col.New(int(pageWidth)).Add(p.texts([]string{l}, body, 0, 0, 0)...))
	}
	p.spacer(2)
}

// firstLine keeps the first of lines: labels and amounts get one line each.
func firstLine(lines []string) []string {
	return lines[:min(1, len(lines))]
}
