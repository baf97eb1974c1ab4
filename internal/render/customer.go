package render

import (
	"fmt"
	"io"
)

// CustomerPage is the page a customer opens from a quote's link: the quote
// (when it can still be read), a banner saying where it stands, what a
// revision changed, the salesperson's contact and, while it is open, the
// forms to sign, ask for a change or decline. All values are plain text in
// the reader's language; the template escapes them.
type CustomerPage struct {
	Lang  string
	Title string // the browser tab's title
	// Nonce authorises the page's own <style> and <script> under its
	// Content-Security-Policy.
	Nonce string
	// Quote is the quote to show; nil on pages without one (unknown link,
	// replaced, withdrawn or expired).
	Quote *Document
	// Brand names the seller on pages without a quote (nil: none at all,
	// as for an unknown link).
	Brand   *Party
	Color   string
	Banner  *Banner
	Changes *ChangesBox
	Contact *ContactBox
	// PDFURL and PDFLabel make the download link.
	PDFURL, PDFLabel string
	Forms            *Forms
	Footer           string // a short line at the very bottom
}

// Banner says where the quote stands. Kind is "info", "success",
// "warning" or "danger"; Link, when set, is the one thing to click.
type Banner struct {
	Kind, Title, Text string
	Link, LinkLabel   string
}

// ChangesBox summarises a revision.
type ChangesBox struct {
	Title string
	Items []string
	// Totals is "before → after".
	TotalsLabel, Totals string
}

// ContactBox is the salesperson's contact.
type ContactBox struct {
	Title, Name, Email, Phone string
}

// Forms are the customer's three answers with their fields' labels,
// values (kept when a submission is refused) and errors.
type Forms struct {
	SignURL, ChangeURL, RejectURL string
	DocumentSHA256                string
	// Error is shown above the forms when a submission was refused.
	Error  string
	Values FormValues
	Errors map[string]string
	Lines  []FormLine
	L      FormLabels
}

// FormValues are a submission's values.
type FormValues struct {
	Name, Email, Title, Comment, Reason string
	LineComments                        map[string]string
}

// FormLine is a line the customer may comment on.
type FormLine struct {
	ID, Label string
}

// FormLabels are the forms' words.
type FormLabels struct {
	Heading, Intro                              string
	SignHeading, Name, Email, Title, Optional   string
	Consent, ConsentVersion, DrawHint, Clear    string
	SignButton                                  string
	ChangeHeading, ChangeIntro, Comment         string
	LineComments, ChangeButton                  string
	RejectHeading, RejectIntro, Reason, Decline string
}

// customerView is what the customer template reads.
type customerView struct {
	CustomerPage
	Sheet    *htmlPage
	CSSColor string
}

// CustomerHTML writes the customer's page.
func CustomerHTML(w io.Writer, p CustomerPage) error {
	v := customerView{CustomerPage: p}
	color := DefaultColor
	if colorRE.MatchString(p.Color) {
		color = p.Color
	}
	if p.Quote != nil {
		sheet, err := newHTMLPage(*p.Quote)
		if err != nil {
			return err
		}
		v.Sheet = &sheet
		color = sheet.Color
	} else {
		// The shared styles read the sheet's colours.
		d := Document{Color: color}
		sheet, err := newHTMLPage(d)
		if err != nil {
			return err
		}
		v.Sheet = &sheet
	}
	v.CSSColor = color
	if err := pageTmpl.ExecuteTemplate(w, "customer", v); err != nil {
		return fmt.Errorf("render customer page: %w", err)
	}
	return nil
}
