package render

import (
	"fmt"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// The PDF wraps text itself instead of leaving it to maroto: rows then have a
// height known before they are added, which lets the layout decide page
// breaks (and repeat the table header) instead of discovering them.

const ptToMM = 25.4 / 72

// tableRunes is how many code points get a precomputed advance: Latin,
// Greek, Cyrillic and general punctuation are all below it.
const tableRunes = 0x2100

// face holds the advance widths of one font in em units.
type face struct {
	advance [tableRunes]float32 // em units; 0 for a missing glyph
	missing float32             // advance of .notdef
}

var (
	facesOnce sync.Once
	faces     [2]*face // regular, bold
	facesErr  error
)

// loadFaces parses the Go fonts once per process: parsing costs more than
// laying out a whole quote.
func loadFaces() ([2]*face, error) {
	facesOnce.Do(func() {
		for i, ttf := range [][]byte{goregular.TTF, gobold.TTF} {
			f, err := newFace(ttf)
			if err != nil {
				facesErr = fmt.Errorf("parse go font: %w", err)
				return
			}
			faces[i] = f
		}
	})
	return faces, facesErr
}

func newFace(ttf []byte) (*face, error) {
	f, err := sfnt.Parse(ttf)
	if err != nil {
		return nil, err
	}
	fc := &face{}
	var buf sfnt.Buffer
	upem := fixed.Int26_6(f.UnitsPerEm())
	em := float32(f.UnitsPerEm())
	adv, err := f.GlyphAdvance(&buf, 0, upem, font.HintingNone)
	if err != nil {
		return nil, err
	}
	fc.missing = float32(adv) / em
	for r := rune(0); r < tableRunes; r++ {
		idx, err := f.GlyphIndex(&buf, r)
		if err != nil || idx == 0 {
			continue
		}
		if adv, err := f.GlyphAdvance(&buf, idx, upem, font.HintingNone); err == nil {
			fc.advance[r] = float32(adv) / em
		}
	}
	return fc, nil
}

// width is the width of s in mm at size points.
func (f *face) width(s string, size float64) float64 {
	var em float32
	for _, r := range s {
		if r >= 0 && r < tableRunes && f.advance[r] > 0 {
			em += f.advance[r]
		} else {
			em += f.missing
		}
	}
	return float64(em) * size * ptToMM
}

// wrap breaks text into lines no wider than maxMM: on "\n", then between
// words, and inside words that are wider than a line on their own.
// An empty paragraph yields an empty line; empty text yields none.
func (f *face) wrap(text string, size, maxMM float64) []string {
	text = clean(text)
	if strings.TrimSpace(text) == "" {
		return nil
	}
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		lines = append(lines, f.wrapParagraph(para, size, maxMM)...)
	}
	return lines
}

func (f *face) wrapParagraph(para string, size, maxMM float64) []string {
	words := strings.Fields(para)
	if len(words) == 0 {
		return []string{""}
	}
	var lines []string
	cur := ""
	for _, w := range words {
		for _, piece := range f.splitWord(w, size, maxMM) {
			cand := piece
			if cur != "" {
				cand = cur + " " + piece
			}
			if cur == "" || f.width(cand, size) <= maxMM {
				cur = cand
				continue
			}
			lines = append(lines, cur)
			cur = piece
		}
	}
	return append(lines, cur)
}

// splitWord cuts a word wider than maxMM into pieces that fit.
func (f *face) splitWord(w string, size, maxMM float64) []string {
	if f.width(w, size) <= maxMM {
		return []string{w}
	}
	var pieces []string
	var cur []rune
	for _, r := range w {
		if len(cur) > 0 && f.width(string(append(cur, r)), size) > maxMM {
			pieces = append(pieces, string(cur))
			cur = cur[:0]
		}
		cur = append(cur, r)
	}
	return append(pieces, string(cur))
}

// clean drops carriage returns and control characters and turns tabs into
// spaces: the PDF would show them as boxes.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}
