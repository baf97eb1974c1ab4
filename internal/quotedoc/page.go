package quotedoc

import (
	"fmt"
	"strings"

	"github.com/acme/crm/internal/money"
	"github.com/acme/crm/internal/quoting"
	"github.com/acme/crm/internal/render"
)

// pageTexts are the customer page's words in one language.
type pageTexts struct {
	OpenTitle, OpenText                       string
	SignedTitle, SignedText                   string
	ChangeTitle, ChangeText                   string
	RejectedTitle, RejectedText               string
	ReplacedTitle, ReplacedText, ReplacedLink string
	WithdrawnTitle, WithdrawnText             string
	ExpiredTitle, ExpiredText                 string
	NotFoundTitle, NotFoundText               string
	TooManyTitle, TooManyText                 string
	ChangesTitle, Added, Removed, Changed     string
	TextsChanged, TotalsLabel                 string
	Contact, Download                         string
	Forms                                     render.FormLabels
	Footer                                    string
	Refused                                   string
	LineLabel                                 string // "Line %d: %s"
	ChangedFields                             map[string]string
}

var enPage = pageTexts{
	OpenTitle: "Quote %s from %s", OpenText: "Valid until %s. Read it below, then sign it, ask for a change or decline it.",
	SignedTitle: "Signed", SignedText: "%s signed this quote on %s (UTC). Thank you — %s has been told.",
	ChangeTitle: "Change requested", ChangeText: "%s asked for a change on %s (UTC). %s will send you a revised quote.",
	RejectedTitle: "Declined", RejectedText: "%s declined this quote on %s (UTC). %s has been told.",
	ReplacedTitle: "This quote has been replaced", ReplacedText: "A newer version of quote %s replaces this one.",
	ReplacedLink:   "Open the newest version",
	WithdrawnTitle: "This quote has been withdrawn", WithdrawnText: "Quote %s is no longer on offer. Contact %s with any questions.",
	ExpiredTitle: "This quote has expired", ExpiredText: "Quote %s was valid until %s. Contact %s for a new one.",
	NotFoundTitle: "No quote here", NotFoundText: "This link does not lead to a quote. Check that you copied the whole link, or ask the sender for a new one.",
	TooManyTitle: "Too many requests", TooManyText: "Please wait a minute and try again.",
	ChangesTitle: "What changed since version %d", Added: "Added: %s", Removed: "Removed: %s", Changed: "Changed: %s (%s)",
	TextsChanged: "Texts changed: %s", TotalsLabel: "Total to pay:",
	Contact: "Your contact", Download: "Download PDF",
	Forms: render.FormLabels{
		Heading: "Your answer", Intro: "Sign to accept the quote, ask for a change, or decline it.",
		SignHeading: "Sign the quote", Name: "Full name", Email: "E-mail", Title: "Job title", Optional: "(optional)",
		ConsentVersion: "consent text version " + quoting.ConsentVersion,
		DrawHint:       "Draw your signature", Clear: "Clear", SignButton: "Sign the quote",
		ChangeHeading: "Ask for a change", ChangeIntro: "Tell us what you would like to change; we will send you a revised quote.",
		Comment: "What should change?", LineComments: "Comments on lines", ChangeButton: "Send the request",
		RejectHeading: "Decline the quote", RejectIntro: "You can tell us why, if you like.", Reason: "Reason",
		Decline: "Decline the quote",
	},
	Footer:        "This page is private to you: do not share its address.",
	Refused:       "Please check the fields marked below.",
	LineLabel:     "Line %d: %s",
	ChangedFields: map[string]string{"quantity": "quantity", "unit_price": "unit price", "discount": "discount", "vat_rate": "VAT", "name": "name", "description": "description", "unit": "unit", "code": "item no."},
}

var svPage = pageTexts{
	OpenTitle: "Offert %s från %s", OpenText: "Giltig till och med %s. Läs den nedan och signera, begär en ändring eller tacka nej.",
	SignedTitle: "Signerad", SignedText: "%s signerade offerten %s (UTC). Tack — %s har fått besked.",
	ChangeTitle: "Ändring begärd", ChangeText: "%s begärde en ändring %s (UTC). %s skickar en reviderad offert.",
	RejectedTitle: "Avböjd", RejectedText: "%s tackade nej till offerten %s (UTC). %s har fått besked.",
	ReplacedTitle: "Offerten har ersatts", ReplacedText: "En nyare version av offert %s ersätter den här.",
	ReplacedLink:   "Öppna den senaste versionen",
	WithdrawnTitle: "Offerten har återkallats", WithdrawnText: "Offert %s gäller inte längre. Kontakta %s om du har frågor.",
	ExpiredTitle: "Offerten har gått ut", ExpiredText: "Offert %s gällde till och med %s. Kontakta %s för en ny.",
	NotFoundTitle: "Ingen offert här", NotFoundText: "Länken leder inte till någon offert. Kontrollera att du kopierade hela länken, eller be avsändaren om en ny.",
	TooManyTitle: "För många förfrågningar", TooManyText: "Vänta en minut och försök igen.",
	ChangesTitle: "Ändringar sedan version %d", Added: "Tillagt: %s", Removed: "Borttaget: %s", Changed: "Ändrat: %s (%s)",
	TextsChanged: "Ändrade texter: %s", TotalsLabel: "Att betala:",
	Contact: "Din kontaktperson", Download: "Ladda ner PDF",
	Forms: render.FormLabels{
		Heading: "Ditt svar", Intro: "Signera för att acceptera offerten, begär en ändring eller tacka nej.",
		SignHeading: "Signera offerten", Name: "Namn", Email: "E-post", Title: "Titel", Optional: "(valfritt)",
		ConsentVersion: "samtyckestext version " + quoting.ConsentVersion,
		DrawHint:       "Rita din underskrift", Clear: "Rensa", SignButton: "Signera offerten",
		ChangeHeading: "Begär en ändring", ChangeIntro: "Berätta vad du vill ändra så skickar vi en reviderad offert.",
		Comment: "Vad ska ändras?", LineComments: "Kommentarer per rad", ChangeButton: "Skicka begäran",
		RejectHeading: "Tacka nej", RejectIntro: "Berätta gärna varför.", Reason: "Anledning", Decline: "Tacka nej till offerten",
	},
	Footer:        "Sidan är personlig: dela inte dess adress.",
	Refused:       "Kontrollera de markerade fälten nedan.",
	LineLabel:     "Rad %d: %s",
	ChangedFields: map[string]string{"quantity": "antal", "unit_price": "à-pris", "discount": "rabatt", "vat_rate": "moms", "name": "namn", "description": "beskrivning", "unit": "enhet", "code": "art.nr"},
}

func textsFor(lang string) pageTexts {
	if quoting.Language(lang) == quoting.LangSwedish {
		return svPage
	}
	return enPage
}

// PageForm is a refused submission to show again: its values, the errors
// by field, and a message above the forms.
type PageForm struct {
	Values render.FormValues
	Errors map[string]string
	Error  string
}

// CustomerPage builds the page of a link's visit. base is the page's own
// path ("/q/<token>"), nonce the CSP nonce; form is a refused submission,
// or nil.
func CustomerPage(v quoting.Visit, base, nonce string, form *PageForm) render.CustomerPage {
	q, s := v.Quote, v.Quote.Snapshot
	lang := quoting.Language(s.Language)
	t := textsFor(lang)
	sp := s.Salesperson
	p := render.CustomerPage{Lang: lang, Nonce: nonce, Color: s.Company.PrimaryColor, Footer: t.Footer,
		Title:   fmt.Sprintf(t.OpenTitle, q.Number, s.Company.Name),
		Contact: &render.ContactBox{Title: t.Contact, Name: sp.Name, Email: sp.Email, Phone: sp.Phone}}
	if v.State.Gone() {
		p.Brand = &render.Party{Name: s.Company.Name, Address: address(s.Company.Address)}
		p.Banner = goneBanner(v, t, lang)
		return p
	}
	doc := Document(q)
	// The banner says where the quote stands, in the colour of the outcome;
	// the sheet's own notice ("Signed" on amber) would only repeat it.
	doc.Notice = ""
	p.Quote = &doc
	p.PDFURL, p.PDFLabel = base+"/pdf", t.Download
	p.Changes = changesBox(q, t, lang)
	p.Banner = stateBanner(v, t, lang)
	if v.State == quoting.LinkOpen {
		p.Forms = forms(v, base, t, form)
	}
	return p
}

// NotFoundPage is the page of a link that leads nowhere: the same for every
// token, naming no seller.
func NotFoundPage(nonce string) render.CustomerPage {
	t := enPage
	return render.CustomerPage{Lang: "en", Nonce: nonce, Title: t.NotFoundTitle,
		Banner: &render.Banner{Kind: "warning", Title: t.NotFoundTitle, Text: t.NotFoundText}}
}

// TooManyPage is the page of a refused, rate-limited request.
func TooManyPage(nonce string) render.CustomerPage {
	t := enPage
	return render.CustomerPage{Lang: "en", Nonce: nonce, Title: t.TooManyTitle,
		Banner: &render.Banner{Kind: "warning", Title: t.TooManyTitle, Text: t.TooManyText}}
}

func stateBanner(v quoting.Visit, t pageTexts, lang string) *render.Banner {
	q := v.Quote
	sp := q.Snapshot.Salesperson.Name
	if r := q.Response; r != nil {
		at := r.At.UTC().Format("2006-01-02 15:04")
		switch r.Kind {
		case quoting.ResponseSigned:
			return &render.Banner{Kind: "success", Title: t.SignedTitle, Text: fmt.Sprintf(t.SignedText, r.Name, at, sp)}
		case quoting.ResponseChangeRequested:
			return &render.Banner{Kind: "info", Title: t.ChangeTitle, Text: fmt.Sprintf(t.ChangeText, r.Name, at, sp)}
		case quoting.ResponseRejected:
			return &render.Banner{Kind: "danger", Title: t.RejectedTitle, Text: fmt.Sprintf(t.RejectedText, r.Name, at, sp)}
		}
	}
	return &render.Banner{Kind: "info", Title: fmt.Sprintf(t.OpenTitle, q.Number, q.Snapshot.Company.Name),
		Text: fmt.Sprintf(t.OpenText, quoting.FormatDate(q.ValidUntil, lang))}
}

func goneBanner(v quoting.Visit, t pageTexts, lang string) *render.Banner {
	q := v.Quote
	sp := q.Snapshot.Salesperson.Name
	switch v.State {
	case quoting.LinkReplaced:
		b := &render.Banner{Kind: "warning", Title: t.ReplacedTitle, Text: fmt.Sprintf(t.ReplacedText, q.Number)}
		if v.NewestURL != "" {
			b.Link, b.LinkLabel = v.NewestURL, t.ReplacedLink
		}
		return b
	case quoting.LinkWithdrawn:
		return &render.Banner{Kind: "warning", Title: t.WithdrawnTitle, Text: fmt.Sprintf(t.WithdrawnText, q.Number, sp)}
	}
	return &render.Banner{Kind: "warning", Title: t.ExpiredTitle,
		Text: fmt.Sprintf(t.ExpiredText, q.Number, quoting.FormatDate(q.ValidUntil, lang), sp)}
}

// changesBox summarises what a revision changed, for the customer.
func changesBox(q quoting.Quote, t pageTexts, lang string) *render.ChangesBox {
	c := q.Changes
	if c == nil || q.QuoteVersion < 2 || c.Empty() {
		return nil
	}
	s := q.Snapshot
	b := &render.ChangesBox{Title: fmt.Sprintf(t.ChangesTitle, q.QuoteVersion-1), TotalsLabel: t.TotalsLabel}
	for _, l := range c.Added {
		b.Items = append(b.Items, fmt.Sprintf(t.Added, l.Name))
	}
	for _, l := range c.Removed {
		b.Items = append(b.Items, fmt.Sprintf(t.Removed, l.Name))
	}
	for _, lc := range c.Changed {
		fields := make([]string, len(lc.Fields))
		for i, f := range lc.Fields {
			fields[i] = t.ChangedFields[f]
			if fields[i] == "" {
				fields[i] = f
			}
		}
		b.Items = append(b.Items, fmt.Sprintf(t.Changed, lc.After.Name, strings.Join(fields, ", ")))
	}
	if len(c.Texts) > 0 {
		b.Items = append(b.Items, fmt.Sprintf(t.TextsChanged, strings.Join(c.Texts, ", ")))
	}
	if c.Totals.Before.Total != c.Totals.After.Total {
		b.Totals = money.Format(c.Totals.Before.Total, s.Currency, lang) + " → " + money.Format(c.Totals.After.Total, s.Currency, lang)
	}
	return b
}

func forms(v quoting.Visit, base string, t pageTexts, form *PageForm) *render.Forms {
	q := v.Quote
	f := &render.Forms{SignURL: base + "/sign", ChangeURL: base + "/change-request", RejectURL: base + "/reject",
		DocumentSHA256: q.DocumentSHA256, L: t.Forms}
	f.L.Consent = quoting.ConsentText(q.Snapshot.Language)
	for _, l := range q.Snapshot.Lines {
		f.Lines = append(f.Lines, render.FormLine{ID: l.ID.String(), Label: fmt.Sprintf(t.LineLabel, l.Position, l.Name)})
	}
	if form != nil {
		f.Values, f.Errors = form.Values, form.Errors
		f.Error = form.Error
		if f.Error == "" && len(form.Errors) > 0 {
			f.Error = t.Refused
		}
	}
	return f
}
