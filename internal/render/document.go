// Package render turns a quote view model into an A4 PDF (maroto v2) and a
// self-contained HTML page (html/template) that show the same content.
//
// The package knows nothing about quotes as domain objects: the caller fills
// a Document whose values are already formatted for the reader's locale
// (amounts, dates, percentages), so that both renderings only lay text out.
package render

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // registers JPEG for logo sniffing
	_ "image/png"  // registers PNG for logo sniffing
	"regexp"
	"strconv"

	"github.com/acme/crm/internal/errs"
)

// DefaultColor is the primary colour used when Document.Color is empty or
// not a #RRGGBB value: a sober dark blue.
const DefaultColor = "#1F4E79"

// maxLogoBytes caps the embedded logo; larger files bloat every PDF and page.
const maxLogoBytes = 2 << 20

// Document is everything a quote rendering shows. All values are plain text;
// multi-line fields use "\n". Empty optional values are left out.
type Document struct {
	Labels Labels // fixed texts in the reader's language; empty ones fall back to English
	// Lang is the BCP 47 tag of the texts ("sv"), for the HTML page; optional.
	Lang    string
	Title   string // "Quote" / "Offert"
	Number  string // "2026-0042"
	Version int    // shown when > 0
	// Date and ValidUntil are formatted dates.
	Date, ValidUntil string
	// Color is the primary colour "#RRGGBB" used for accents.
	Color string
	// Logo is an optional PNG or JPEG image (the format is detected from the bytes).
	Logo     []byte
	Company  Party
	Customer Party
	// Contact is the customer's contact person ("your reference"),
	// Salesperson the seller's ("our reference").
	Contact, Salesperson string
	// Intro is printed above the lines, Terms below the totals, Footer at the
	// bottom of every page.
	Intro, Terms, Footer string
	Lines                []Line
	Totals               Totals
	// Notice is an optional banner under the title, e.g. "This version
	// replaces version 1" or "Superseded".
	Notice string
	// Extra are more label/value pairs for the reference block after the
	// standard ones (an invoice's OCR reference, a credit note's invoice).
	Extra []Meta
}

// Meta is one label/value pair of the reference block.
type Meta struct{ Label, Value string }

// Party is the company or the customer.
type Party struct {
	Name    string
	Address []string // street, postcode and city, country…
	RegNo   string   // company registration number
	VATNo   string
	Email   string
	Phone   string
	Website string
	Bank    string // payment details, may be multi-line ("Bankgiro 123-4567\nIBAN …")
}

// Line is one quote line, already formatted.
type Line struct {
	Position    string // "1"
	Code        string // article number, optional
	Name        string
	Description string // optional, multi-line
	Quantity    string
	Unit        string
	UnitPrice   string
	Discount    string // "10 %" or ""
	VAT         string // "25 %"
	Net         string // line amount after discount, before VAT
}

// Totals are the offer's sums, already formatted.
type Totals struct {
	Subtotal      string   // sum of the lines
	OfferDiscount string   // optional, e.g. "−100,00"; Subtotal is shown only with it
	Net           string   // after the offer discount, before VAT
	VAT           []VATRow // one row per rate
	Total         string   // amount to pay, VAT included
}

// VATRow is the VAT of one rate: Label "VAT 25 % on 1 000,00", Amount "250,00".
type VATRow struct {
	Label  string
	Amount string
}

// Labels are the fixed texts of a rendering.
type Labels struct {
	Number, Version, Date, ValidUntil   string
	Customer, OurReference, YourRef     string
	Position, Code, Description         string
	Quantity, Unit, UnitPrice, Discount string
	VAT, Net                            string
	Subtotal, OfferDiscount, NetTotal   string
	Total, Terms                        string
	RegNo, VATNo, Phone, Email, Website string
	// Page is the page-number pattern, with {current} and {total}.
	Page string
}

// EnglishLabels are the defaults for every empty Labels field.
var EnglishLabels = Labels{
	Number: "Number", Version: "Version", Date: "Date", ValidUntil: "Valid until",
	Customer: "Customer", OurReference: "Our reference", YourRef: "Your reference",
	Position: "#", Code: "Item no.", Description: "Description",
	Quantity: "Qty", Unit: "Unit", UnitPrice: "Unit price", Discount: "Discount",
	VAT: "VAT", Net: "Amount",
	Subtotal: "Subtotal", OfferDiscount: "Offer discount", NetTotal: "Total excl. VAT",
	Total: "Total", Terms: "Terms",
	RegNo: "Reg. no.", VATNo: "VAT no.", Phone: "Phone", Email: "E-mail", Website: "Web",
	Page: "Page {current} of {total}",
}

var colorRE = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

// view is a Document with defaults applied and the derived values both
// renderers need, so that the PDF and the HTML cannot drift apart.
type view struct {
	Document
	rgb      [3]uint8
	logoMime string // "image/png" or "image/jpeg"; empty without logo
	hasCode  bool   // some line has a code: show the column
	hasDisc  bool   // some line has a discount: show the column
}

// newView validates d and applies defaults. The only rejected input is a
// logo that is not a PNG or JPEG image (errs.Invalid).
func newView(d Document) (*view, error) {
	v := &view{Document: d}
	v.Labels = withDefaults(d.Labels)
	if !colorRE.MatchString(v.Color) {
		v.Color = DefaultColor
	}
	v.rgb = parseColor(v.Color)
	if len(d.Logo) > 0 {
		mime, err := sniffLogo(d.Logo)
		if err != nil {
			return nil, err
		}
		v.logoMime = mime
	}
	for _, l := range d.Lines {
		v.hasCode = v.hasCode || l.Code != ""
		v.hasDisc = v.hasDisc || l.Discount != ""
	}
	return v, nil
}

func withDefaults(l Labels) Labels {
	def := EnglishLabels
	fields := []struct {
		dst *string
		def string
	}{
		{&l.Number, def.Number}, {&l.Version, def.Version}, {&l.Date, def.Date},
		{&l.ValidUntil, def.ValidUntil}, {&l.Customer, def.Customer},
		{&l.OurReference, def.OurReference}, {&l.YourRef, def.YourRef},
		{&l.Position, def.Position}, {&l.Code, def.Code}, {&l.Description, def.Description},
		{&l.Quantity, def.Quantity}, {&l.Unit, def.Unit}, {&l.UnitPrice, def.UnitPrice},
		{&l.Discount, def.Discount}, {&l.VAT, def.VAT}, {&l.Net, def.Net},
		{&l.Subtotal, def.Subtotal}, {&l.OfferDiscount, def.OfferDiscount},
		{&l.NetTotal, def.NetTotal}, {&l.Total, def.Total}, {&l.Terms, def.Terms},
		{&l.RegNo, def.RegNo}, {&l.VATNo, def.VATNo}, {&l.Phone, def.Phone},
		{&l.Email, def.Email}, {&l.Website, def.Website}, {&l.Page, def.Page},
	}
	for _, f := range fields {
		if *f.dst == "" {
			*f.dst = f.def
		}
	}
	return l
}

func parseColor(hex string) [3]uint8 {
	var rgb [3]uint8
	for i := range rgb {
		n, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		rgb[i] = uint8(n)
	}
	return rgb
}

// tint mixes the primary colour with white; share is the colour's part (0..1).
func (v *view) tint(share float64) [3]uint8 {
	var out [3]uint8
	for i, c := range v.rgb {
		out[i] = uint8(float64(c)*share + 255*(1-share) + 0.5)
	}
	return out
}

// sniffLogo checks that the logo decodes as PNG or JPEG and returns its MIME
// type; the caller's claim about the format is not trusted.
func sniffLogo(b []byte) (string, error) {
	if len(b) > maxLogoBytes {
		return "", errs.Field("logo", fmt.Sprintf("must be at most %d bytes", maxLogoBytes))
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || cfg.Width == 0 || cfg.Height == 0 {
		return "", errs.Field("logo", "must be a PNG or JPEG image")
	}
	switch format {
	case "png":
		return "image/png", nil
	case "jpeg":
		return "image/jpeg", nil
	}
	return "", errs.Field("logo", "must be a PNG or JPEG image, not "+format)
}

// meta is one label/value pair of the quote's reference block.
type meta struct{ Label, Value string }

// metas lists the reference block in display order, without empty values.
func (v *view) metas() []meta {
	version := ""
	if v.Version > 0 {
		version = strconv.Itoa(v.Version)
	}
	all := []meta{
		{v.Labels.Number, v.Number},
		{v.Labels.Version, version},
		{v.Labels.Date, v.Date},
		{v.Labels.ValidUntil, v.ValidUntil},
		{v.Labels.OurReference, v.Salesperson},
		{v.Labels.YourRef, v.Contact},
	}
	for _, e := range v.Extra {
		all = append(all, meta(e))
	}
	out := all[:0]
	for _, m := range all {
		if m.Value != "" {
			out = append(out, m)
		}
	}
	return out
}

// contactLines are the company's phone, e-mail and website, labelled.
func (v *view) contactLines(p Party) []string {
	return nonEmpty(
		labelled(v.Labels.Phone, p.Phone),
		labelled(v.Labels.Email, p.Email),
		labelled(v.Labels.Website, p.Website),
	)
}

// legalLines are a party's registration and VAT numbers, labelled.
func (v *view) legalLines(p Party) []string {
	return nonEmpty(labelled(v.Labels.RegNo, p.RegNo), labelled(v.Labels.VATNo, p.VATNo))
}

// totalRow is one line of the totals block.
type totalRow struct {
	Label, Amount string
	Grand         bool // the amount to pay
}

// totalRows lists the totals block. Subtotal and Net would be equal without
// an offer discount, so the subtotal is shown only with one.
func (v *view) totalRows() []totalRow {
	t := v.Totals
	var rows []totalRow
	if t.OfferDiscount != "" {
		rows = append(rows,
			totalRow{Label: v.Labels.Subtotal, Amount: t.Subtotal},
			totalRow{Label: v.Labels.OfferDiscount, Amount: t.OfferDiscount})
	}
	net := t.Net
	if net == "" {
		net = t.Subtotal
	}
	rows = append(rows, totalRow{Label: v.Labels.NetTotal, Amount: net})
	for _, r := range t.VAT {
		rows = append(rows, totalRow{Label: r.Label, Amount: r.Amount})
	}
	return append(rows, totalRow{Label: v.Labels.Total, Amount: t.Total, Grand: true})
}

func labelled(label, value string) string {
	if value == "" {
		return ""
	}
	return label + " " + value
}

func nonEmpty(ss ...string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
