package render

import (
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
)

//go:embed quote.html.tmpl customer.html.tmpl
var templates embed.FS

// pageTmpl escapes every value by context: text, attributes and CSS. The
// quote's sheet and styles are shared by the preview ("quote") and the
// customer's page ("customer").
var pageTmpl = template.Must(template.New("").ParseFS(templates, "*.tmpl"))

// htmlPage is what the template reads: the view plus values that are safe
// only after newView's checks (colours and the logo's data: URI).
type htmlPage struct {
	*view
	CSSColor, CSSTint, CSSCard   template.CSS
	LogoURI                      template.URL
	Metas                        []meta
	TotalRows                    []totalRow
	CompanyContact, CompanyLegal []string
	CustomerLegal                []string
	HasCode, HasDiscount         bool
}

// HTML writes d as a complete, self-contained HTML page: inline CSS in the
// primary colour, the logo as a data: URI, no external resources. All text is
// escaped. It fails with errs.Invalid when the logo is not a PNG or JPEG
// image, or with the writer's error.
func HTML(w io.Writer, d Document) error {
	page, err := newHTMLPage(d)
	if err != nil {
		return err
	}
	if err := pageTmpl.ExecuteTemplate(w, "quote", page); err != nil {
		return fmt.Errorf("render html %s: %w", d.Number, err)
	}
	return nil
}

// newHTMLPage derives what the quote's sheet shows from d.
func newHTMLPage(d Document) (htmlPage, error) {
	v, err := newView(d)
	if err != nil {
		return htmlPage{}, err
	}
	page := htmlPage{
		view:           v,
		CSSColor:       template.CSS(v.Color), // matched #RRGGBB in newView
		CSSTint:        template.CSS(hex(v.tint(0.12))),
		CSSCard:        template.CSS(hex(v.tint(0.07))),
		Metas:          v.metas(),
		TotalRows:      v.totalRows(),
		CompanyContact: v.contactLines(v.Company),
		CompanyLegal:   v.legalLines(v.Company),
		CustomerLegal:  v.legalLines(v.Customer),
		HasCode:        v.hasCode,
		HasDiscount:    v.hasDisc,
	}
	if v.logoMime != "" {
		// The bytes decoded as this very format in newView, so the URI cannot
		// carry anything but an image.
		page.LogoURI = template.URL("data:" + v.logoMime + ";base64," + base64.StdEncoding.EncodeToString(v.Logo))
	}
	return page, nil
}

func hex(c [3]uint8) string {
	return fmt.Sprintf("#%02X%02X%02X", c[0], c[1], c[2])
}
