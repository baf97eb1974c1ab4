package api

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/quoting"
)

// PublicQuote is a quote version as its customer sees it through the link:
// only what the quote shows, no internal ids but the lines'.
type PublicQuote struct {
	Number   string `json:"number" example:"2026-0042"`
	Revision int    `json:"revision" example:"2"`
	Status   string `json:"status" enums:"sent,viewed,signed,change_requested,rejected"`
	// State is open (the customer may act) or answered (signed, change
	// requested or rejected).
	State string `json:"state" enums:"open,answered"`
	// AllowedActions are the customer's possible answers.
	AllowedActions []string `json:"allowed_actions" enums:"sign,request_change,reject"`
	ValidUntil     Date     `json:"valid_until" swaggertype:"string" format:"date"`
	// ExpiresAt is the end of the last valid day in the seller's time zone.
	ExpiresAt time.Time `json:"expires_at"`
	Language  string    `json:"language" enums:"en,sv"`
	Currency  string    `json:"currency" example:"SEK"`
	// DocumentSHA256 is the SHA-256 of the PDF at pdf_url: what a
	// signature signs.
	DocumentSHA256 string              `json:"document_sha256" example:"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"`
	PDFURL         string              `json:"pdf_url" example:"/api/v1/public/quotes/3q2-7wEjX1c…/pdf"`
	Company        PublicCompany       `json:"company"`
	Customer       QuoteCustomer       `json:"customer"`
	Contact        *QuoteContact       `json:"contact" extensions:"x-nullable"`
	Salesperson    QuoteContact        `json:"salesperson"`
	IntroText      string              `json:"intro_text"`
	TermsText      string              `json:"terms_text"`
	FooterText     string              `json:"footer_text"`
	OfferDiscount  int                 `json:"offer_discount" example:"500"`
	Lines          []PublicQuoteLine   `json:"lines"`
	Totals         Totals              `json:"totals"`
	Changes        *PublicQuoteChanges `json:"changes" extensions:"x-nullable"`
	// Response is the customer's answer, once given.
	Response *PublicQuoteResponse `json:"response" extensions:"x-nullable"`
	// Consent is what a signer agrees to.
	Consent PublicConsent `json:"consent"`
} // @name PublicQuote

// PublicCompany is the seller as the quote shows it.
type PublicCompany struct {
	Name               string   `json:"name"`
	Address            []string `json:"address"`
	PostalCode         string   `json:"postal_code"`
	City               string   `json:"city"`
	Country            string   `json:"country"`
	RegistrationNumber string   `json:"registration_number"`
	VATNumber          string   `json:"vat_number"`
	Email              string   `json:"email"`
	Phone              string   `json:"phone"`
	Website            string   `json:"website"`
	PrimaryColor       string   `json:"primary_color"`
	// Logo is the logo as a data: URL.
	Logo *string `json:"logo" extensions:"x-nullable"`
} // @name PublicCompany

// PublicQuoteLine is one line as offered.
type PublicQuoteLine struct {
	// ID names the line in a change request's line_comments.
	ID          uuid.UUID   `json:"id"`
	Position    int         `json:"position" example:"1"`
	Code        string      `json:"code" example:"LIC-100"`
	Name        string      `json:"name" example:"CRM seat licence"`
	Description string      `json:"description"`
	Unit        string      `json:"unit" example:"month"`
	Quantity    json.Number `json:"quantity" swaggertype:"number" example:"1.5"`
	UnitPrice   int64       `json:"unit_price" example:"29900"`
	Discount    int         `json:"discount" example:"1000"`
	VATRate     int         `json:"vat_rate" example:"2500"`
	Net         int64       `json:"net" example:"40365"`
} // @name PublicQuoteLine

// PublicQuoteChanges is what a revision changed against the version before.
type PublicQuoteChanges struct {
	SinceRevision int                     `json:"since_revision" example:"1"`
	Added         []PublicQuoteLine       `json:"added"`
	Removed       []PublicQuoteLine       `json:"removed"`
	Changed       []PublicQuoteLineChange `json:"changed"`
	Texts         []string                `json:"texts"`
	TotalsBefore  TotalsSummary           `json:"totals_before"`
	TotalsAfter   TotalsSummary           `json:"totals_after"`
} // @name PublicQuoteChanges

// PublicQuoteLineChange is a line whose content changed.
type PublicQuoteLineChange struct {
	Before PublicQuoteLine `json:"before"`
	After  PublicQuoteLine `json:"after"`
	Fields []string        `json:"fields"`
} // @name PublicQuoteLineChange

// PublicQuoteResponse is the customer's answer as the link shows it.
type PublicQuoteResponse struct {
	Kind         string             `json:"kind" enums:"signed,change_requested,rejected"`
	Name         string             `json:"name"`
	At           time.Time          `json:"at"`
	Comment      string             `json:"comment"`
	LineComments []QuoteLineComment `json:"line_comments"`
	Reason       string             `json:"reason"`
} // @name PublicQuoteResponse

// PublicConsent is the text a signer agrees to; text_version names it in
// the evidence.
type PublicConsent struct {
	TextVersion string `json:"text_version" example:"2026-12-01"`
	Text        string `json:"text"`
} // @name PublicConsent

// PublicGone is the 410 answer for a link that no longer leads to a quote
// the customer can use: replaced by a newer version (newest_url links to
// it once it is sent), withdrawn, or expired. The salesperson's contact
// comes with it.
type PublicGone struct {
	Type        string       `json:"type" example:"/problems/gone"`
	Title       string       `json:"title" example:"Gone"`
	Status      int          `json:"status" example:"410"`
	Detail      string       `json:"detail" example:"this quote has been replaced by a newer version"`
	RequestID   string       `json:"request_id,omitempty"`
	Reason      string       `json:"reason" enums:"replaced,withdrawn,expired"`
	NewestURL   *string      `json:"newest_url" extensions:"x-nullable"`
	Number      string       `json:"number" example:"2026-0042"`
	Salesperson QuoteContact `json:"salesperson"`
} // @name PublicGone

// SignQuoteRequest signs a quote. document_sha256 must be the hash the
// customer was shown; signature_png is an optional drawn signature as a
// data URL (at most 200 KB, a real PNG).
type SignQuoteRequest struct {
	Name           string `json:"name" validate:"required,max=200" example:"Åsa Öberg"`
	Email          string `json:"email" validate:"required,max=254" example:"asa@oberg.example"`
	Title          string `json:"title,omitempty" validate:"max=200" example:"CEO"`
	Consent        bool   `json:"consent" example:"true"`
	DocumentSHA256 string `json:"document_sha256" validate:"required" example:"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"`
	SignaturePNG   string `json:"signature_png,omitempty" example:"data:image/png;base64,iVBORw0KGgo…"`
} // @name SignQuoteRequest

// ChangeRequestRequest asks for a change, with an optional comment per line.
type ChangeRequestRequest struct {
	Name         string             `json:"name" validate:"required,max=200"`
	Email        string             `json:"email" validate:"required,max=254"`
	Comment      string             `json:"comment" validate:"required,max=5000"`
	LineComments []LineCommentInput `json:"line_comments,omitempty" validate:"max=1000,dive"`
} // @name ChangeRequestRequest

// LineCommentInput comments on one line of the quote (its id from lines[].id).
type LineCommentInput struct {
	LineID  uuid.UUID `json:"line_id" validate:"required"`
	Comment string    `json:"comment" validate:"required,max=2000"`
} // @name LineCommentInput

// RejectQuoteRequest declines a quote.
type RejectQuoteRequest struct {
	Name   string `json:"name" validate:"required,max=200"`
	Email  string `json:"email" validate:"required,max=254"`
	Reason string `json:"reason,omitempty" validate:"max=5000"`
} // @name RejectQuoteRequest

func toPublicQuote(v quoting.Visit, token string) PublicQuote {
	q, s := v.Quote, v.Quote.Snapshot
	out := PublicQuote{Number: q.Number, Revision: q.QuoteVersion, Status: string(q.Status), State: string(v.State),
		AllowedActions: mapSlice(v.Allowed, func(a quoting.Action) string { return string(a) }),
		ValidUntil:     Date{q.ValidUntil}, ExpiresAt: utc(v.ExpiresAt), Language: s.Language, Currency: string(s.Currency),
		DocumentSHA256: q.DocumentSHA256, PDFURL: "/api/v1/public/quotes/" + token + "/pdf",
		Company: toPublicCompany(s.Company), Customer: toQuoteCustomer(s.Customer),
		Salesperson: QuoteContact{Name: s.Salesperson.Name, Email: s.Salesperson.Email, Phone: s.Salesperson.Phone},
		IntroText:   s.Texts.Intro, TermsText: s.Texts.Terms, FooterText: s.Texts.Footer,
		OfferDiscount: int(s.OfferDiscount), Lines: mapSlice(s.Lines, toPublicLine), Totals: toTotals(s.Totals),
		Consent: PublicConsent{TextVersion: quoting.ConsentVersion, Text: quoting.ConsentText(s.Language)}}
	if s.Contact != (quoting.Contact{}) {
		out.Contact = &QuoteContact{Name: s.Contact.Name, Email: s.Contact.Email, Phone: s.Contact.Phone}
	}
	if c := q.Changes; c != nil && !c.Empty() {
		out.Changes = &PublicQuoteChanges{SinceRevision: q.QuoteVersion - 1, Added: mapSlice(c.Added, toPublicLine),
			Removed: mapSlice(c.Removed, toPublicLine), Texts: c.Texts,
			Changed: mapSlice(c.Changed, func(lc quoting.LineChange) PublicQuoteLineChange {
				return PublicQuoteLineChange{Before: toPublicLine(lc.Before), After: toPublicLine(lc.After), Fields: lc.Fields}
			}),
			TotalsBefore: TotalsSummary(c.Totals.Before), TotalsAfter: TotalsSummary(c.Totals.After)}
	}
	if r := q.Response; r != nil {
		out.Response = &PublicQuoteResponse{Kind: string(r.Kind), Name: r.Name, At: utc(r.At), Comment: r.Comment,
			Reason: r.Reason, LineComments: mapSlice(r.LineComments, func(lc quoting.LineComment) QuoteLineComment {
				return QuoteLineComment{LineID: lc.LineID, Comment: lc.Comment}
			})}
	}
	return out
}

func toPublicCompany(c quoting.Company) PublicCompany {
	out := PublicCompany{Name: c.Name, Address: c.Address.Lines, PostalCode: c.Address.PostalCode, City: c.Address.City,
		Country: c.Address.Country, RegistrationNumber: c.OrganizationNumber, VATNumber: c.VATNumber, Email: c.Email,
		Phone: c.Phone, Website: c.Website, PrimaryColor: c.PrimaryColor}
	if out.Address == nil {
		out.Address = []string{}
	}
	if len(c.Logo.Data) > 0 && strings.HasPrefix(c.Logo.MIME, "image/") {
		uri := "data:" + c.Logo.MIME + ";base64," + base64.StdEncoding.EncodeToString(c.Logo.Data)
		out.Logo = &uri
	}
	return out
}

func toPublicLine(l quoting.SnapshotLine) PublicQuoteLine {
	return PublicQuoteLine{ID: l.ID, Position: l.Position, Code: l.Code, Name: l.Name, Description: l.Description,
		Unit: l.Unit, Quantity: json.Number(l.Quantity.String()), UnitPrice: l.UnitPrice, Discount: int(l.Discount),
		VATRate: int(l.VATRate), Net: l.Net}
}

func (r ChangeRequestRequest) domain() quoting.ChangeRequestInput {
	return quoting.ChangeRequestInput{Name: r.Name, Email: r.Email, Comment: r.Comment,
		LineComments: mapSlice(r.LineComments, func(lc LineCommentInput) quoting.LineComment {
			return quoting.LineComment{LineID: lc.LineID, Comment: lc.Comment}
		})}
}
