package api

import (
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/audit"
	"github.com/acme/crm/internal/money"
	"github.com/acme/crm/internal/quoting"
)

// Quote is one version of a quote: the frozen snapshot of what is offered to
// whom, with its number, revision and status. The ETag header is the row's
// version for If-Match; revision is the quote's version number (1, 2, …).
type Quote struct {
	ID            uuid.UUID  `json:"id"`
	OpportunityID uuid.UUID  `json:"opportunity_id"`
	TemplateID    *uuid.UUID `json:"template_id" extensions:"x-nullable"`
	Number        string     `json:"number" example:"2026-0042"`
	Revision      int        `json:"revision" example:"1"`
	// Version is the row version behind the ETag.
	Version         int64         `json:"version" example:"3"`
	Status          string        `json:"status" enums:"draft,sent,viewed,signed,change_requested,rejected,expired,withdrawn,superseded"`
	ValidUntil      Date          `json:"valid_until" swaggertype:"string" format:"date"`
	ContactPersonID *uuid.UUID    `json:"contact_person_id" extensions:"x-nullable"`
	Customer        QuoteCustomer `json:"customer"`
	Contact         *QuoteContact `json:"contact" extensions:"x-nullable"`
	Salesperson     QuoteContact  `json:"salesperson"`
	Company         QuoteCompany  `json:"company"`
	IntroText       string        `json:"intro_text"`
	TermsText       string        `json:"terms_text"`
	FooterText      string        `json:"footer_text"`
	Language        string        `json:"language" enums:"en,sv"`
	Currency        string        `json:"currency" example:"SEK"`
	OfferDiscount   int           `json:"offer_discount" example:"500"`
	Lines           []QuoteLine   `json:"lines"`
	Totals          Totals        `json:"totals"`
	Changes         *QuoteChanges `json:"changes" extensions:"x-nullable"`
	SentAt          *time.Time    `json:"sent_at" extensions:"x-nullable"`
	SentBy          *uuid.UUID    `json:"sent_by" extensions:"x-nullable"`
	SentChannel     *string       `json:"sent_channel" enums:"link,direct,download,email" extensions:"x-nullable"`
	// PublicURL is the customer's link once the version is sent (null for
	// drafts and when the server's keys have rotated since).
	PublicURL *string `json:"public_url" extensions:"x-nullable"`
	// DocumentSHA256 is the SHA-256 of the PDF the customer reads and
	// signs, fixed when the version is sent.
	DocumentSHA256 *string `json:"document_sha256" extensions:"x-nullable"`
	// ViewedAt is the customer's first view of the link.
	ViewedAt *time.Time `json:"viewed_at" extensions:"x-nullable"`
	// Response is the customer's answer: a signature, a change request or
	// a rejection.
	Response        *QuoteResponse `json:"response" extensions:"x-nullable"`
	StatusChangedAt time.Time      `json:"status_changed_at"`
	CreatedBy       uuid.UUID      `json:"created_by"`
	CreatedAt       time.Time      `json:"created_at"`
	UpdatedAt       time.Time      `json:"updated_at"`
	Allowed         QuoteActions   `json:"allowed"`
} // @name Quote

// QuoteResponse is the customer's answer to a quote version.
type QuoteResponse struct {
	Kind  string `json:"kind" enums:"signed,change_requested,rejected"`
	Name  string `json:"name" example:"Åsa Öberg"`
	Email string `json:"email" example:"asa@oberg.example"`
	Title string `json:"title" example:"CEO"`
	// Comment is a change request's text, Reason a rejection's.
	Comment      string             `json:"comment"`
	LineComments []QuoteLineComment `json:"line_comments"`
	Reason       string             `json:"reason"`
	At           time.Time          `json:"at"`
	// Channel is how the quote reached the customer; direct means in the
	// salesperson's presence.
	Channel string `json:"channel" enums:"link,direct,download,email"`
	// EvidenceID is the answer's record in GET /quotes/{id}/evidence.
	EvidenceID uuid.UUID `json:"evidence_id"`
	// SignedAttachmentID is the signed PDF on the opportunity (signatures).
	SignedAttachmentID *uuid.UUID `json:"signed_attachment_id" extensions:"x-nullable"`
	// OpportunityMoved says whether the signature moved the opportunity to
	// its pipeline's quote-signed phase.
	OpportunityMoved bool `json:"opportunity_moved"`
} // @name QuoteResponse

// QuoteLineComment is the customer's comment on one line.
type QuoteLineComment struct {
	LineID  uuid.UUID `json:"line_id"`
	Comment string    `json:"comment"`
} // @name QuoteLineComment

// QuoteActions says which actions the quote's state allows, so that clients
// show only the buttons that work.
type QuoteActions struct {
	Edit     bool `json:"edit"`
	Send     bool `json:"send"`
	Revise   bool `json:"revise"`
	Withdraw bool `json:"withdraw"`
} // @name QuoteActions

// QuoteList is a page of quote versions.
type QuoteList struct {
	Data       []Quote `json:"data"`
	NextCursor *string `json:"next_cursor" extensions:"x-nullable"`
} // @name QuoteList

// QuoteCustomer is the customer as the quote froze it.
type QuoteCustomer struct {
	Kind               string   `json:"kind" enums:"organization,person"`
	Name               string   `json:"name" example:"Åke Öberg Bygg AB"`
	RegistrationNumber string   `json:"registration_number"`
	VATNumber          string   `json:"vat_number"`
	Address            []string `json:"address"`
	PostalCode         string   `json:"postal_code"`
	City               string   `json:"city"`
	Country            string   `json:"country"`
	Email              string   `json:"email"`
	Phone              string   `json:"phone"`
} // @name QuoteCustomer

// QuoteContact is a person on the quote: the customer's contact or the
// salesperson.
type QuoteContact struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone"`
} // @name QuoteContact

// QuoteCompany is the seller's profile as the quote froze it.
type QuoteCompany struct {
	Name               string `json:"name"`
	Address            string `json:"address"`
	PostalCode         string `json:"postal_code"`
	City               string `json:"city"`
	Country            string `json:"country"`
	RegistrationNumber string `json:"registration_number"`
	VATNumber          string `json:"vat_number"`
	Email              string `json:"email"`
	Phone              string `json:"phone"`
	Website            string `json:"website"`
	BankName           string `json:"bank_name"`
	BankAccount        string `json:"bank_account"`
	IBAN               string `json:"iban"`
	BIC                string `json:"bic"`
	PrimaryColor       string `json:"primary_color"`
	HasLogo            bool   `json:"has_logo"`
} // @name QuoteCompany

// QuoteLine is one line as offered.
type QuoteLine struct {
	// ID names the line in the customer's comments; it stays the same
	// across revisions of the line.
	ID          uuid.UUID   `json:"id"`
	Position    int         `json:"position" example:"1"`
	ProductID   *uuid.UUID  `json:"product_id" extensions:"x-nullable"`
	Code        string      `json:"code" example:"LIC-100"`
	Name        string      `json:"name" example:"CRM seat licence"`
	Description string      `json:"description"`
	Unit        string      `json:"unit" example:"month"`
	Quantity    json.Number `json:"quantity" swaggertype:"number" example:"1.5"`
	UnitPrice   int64       `json:"unit_price" example:"29900"`
	Discount    int         `json:"discount" example:"1000"`
	VATRate     int         `json:"vat_rate" example:"2500"`
	Net         int64       `json:"net" example:"40365"`
} // @name QuoteLine

// QuoteChanges is what a version changed against the version before it.
type QuoteChanges struct {
	Added         []QuoteLine       `json:"added"`
	Removed       []QuoteLine       `json:"removed"`
	Changed       []QuoteLineChange `json:"changed"`
	Texts         []string          `json:"texts"`
	OfferDiscount ValueChange       `json:"offer_discount"`
	TotalsBefore  TotalsSummary     `json:"totals_before"`
	TotalsAfter   TotalsSummary     `json:"totals_after"`
} // @name QuoteChanges

// QuoteLineChange is a line in both versions whose content differs; fields
// names what differs (quantity, unit_price, discount, …).
type QuoteLineChange struct {
	Before QuoteLine `json:"before"`
	After  QuoteLine `json:"after"`
	Fields []string  `json:"fields"`
} // @name QuoteLineChange

// ValueChange is a number before and after.
type ValueChange struct {
	Before int `json:"before"`
	After  int `json:"after"`
} // @name ValueChange

// TotalsSummary is the headline figures of a version, in minor units.
type TotalsSummary struct {
	Subtotal            int64 `json:"subtotal"`
	OfferDiscountAmount int64 `json:"offer_discount_amount"`
	Net                 int64 `json:"net"`
	VATTotal            int64 `json:"vat_total"`
	Total               int64 `json:"total"`
} // @name TotalsSummary

// CreateQuoteRequest makes a draft quote of an opportunity.
type CreateQuoteRequest struct {
	TemplateID *uuid.UUID `json:"template_id,omitempty"`
	ValidUntil *Date      `json:"valid_until,omitempty" swaggertype:"string" format:"date"`
} // @name CreateQuoteRequest

// UpdateQuoteRequest changes a draft; absent fields stay, a null contact
// removes it.
type UpdateQuoteRequest struct {
	ValidUntil      *Date        `json:"valid_until,omitempty" swaggertype:"string" format:"date"`
	IntroText       *string      `json:"intro_text,omitempty" validate:"omitempty,max=10000"`
	TermsText       *string      `json:"terms_text,omitempty" validate:"omitempty,max=10000"`
	FooterText      *string      `json:"footer_text,omitempty" validate:"omitempty,max=1000"`
	ContactPersonID OptionalUUID `json:"contact_person_id" swaggertype:"string" format:"uuid" extensions:"x-nullable"`
	OfferDiscount   *int         `json:"offer_discount,omitempty" validate:"omitempty,gte=0,lte=10000"`
} // @name UpdateQuoteRequest

// QuoteLineRequest is one line of PUT /quotes/{id}/lines.
type QuoteLineRequest struct {
	ProductID   *uuid.UUID `json:"product_id,omitempty"`
	Name        string     `json:"name" validate:"required,max=200" example:"CRM seat licence"`
	Unit        string     `json:"unit,omitempty" validate:"max=20" example:"month"`
	Description string     `json:"description,omitempty" validate:"max=5000"`
	Quantity    *Quantity  `json:"quantity" swaggertype:"number" example:"1.5"`
	UnitPrice   int64      `json:"unit_price" validate:"gte=0" example:"29900"`
	Discount    int        `json:"discount,omitempty" validate:"gte=0,lte=10000"`
	VATRate     int        `json:"vat_rate" validate:"gte=0,lte=10000" example:"2500"`
} // @name QuoteLineRequest

// ReplaceQuoteLinesRequest is all lines of a draft, in order.
type ReplaceQuoteLinesRequest struct {
	Lines []QuoteLineRequest `json:"lines" validate:"required,max=1000,dive"`
} // @name ReplaceQuoteLinesRequest

// SendQuoteRequest names how the quote reaches the customer. The e-mail
// fields are for channel email: to defaults to the draft's recipients (the
// contact person), subject and body to the draft's text (GET
// /quotes/{id}/email-draft), and the link is appended to a body without it.
type SendQuoteRequest struct {
	Channel   string   `json:"channel" validate:"required" enums:"link,direct,download,email" example:"email"`
	To        []string `json:"to,omitempty" validate:"max=10" example:"asa@oberg.example"`
	Cc        []string `json:"cc,omitempty" validate:"max=10"`
	Subject   string   `json:"subject,omitempty" validate:"max=998"`
	Body      string   `json:"body,omitempty" validate:"max=100000"`
	AttachPDF *bool    `json:"attach_pdf,omitempty"`
} // @name SendQuoteRequest

// SentQuote is a sent quote with the customer's link (every channel but
// download), the PDF's address (download) and the e-mail (email).
type SentQuote struct {
	Quote     Quote      `json:"quote"`
	PublicURL *string    `json:"public_url" extensions:"x-nullable" example:"https://crm.example.com/q/3q2-7wEjX1c…"`
	PDFURL    *string    `json:"pdf_url" extensions:"x-nullable"`
	EmailID   *uuid.UUID `json:"email_id" extensions:"x-nullable"`
} // @name SentQuote

// EmailDraft is the e-mail that sends a quote, to edit before sending.
type EmailDraft struct {
	To      []string `json:"to"`
	Cc      []string `json:"cc"`
	Subject string   `json:"subject" example:"Quote 2026-0042 from Acme AB"`
	Body    string   `json:"body"`
	// Link is the customer's page the e-mail leads to.
	Link string `json:"link" example:"https://crm.example.com/q/3q2-7wEjX1c…"`
} // @name EmailDraft

// EvidenceRecord is one record of the quote's evidence log.
type EvidenceRecord struct {
	ID  uuid.UUID `json:"id"`
	Seq int64     `json:"seq" example:"17"`
	// Action is what the record attests.
	Action string `json:"action" enums:"view,sign,request_change,reject,send,revise,withdraw,expire"`
	// ActorKind is who acted: the customer, a user, an API key or the system.
	ActorKind  string     `json:"actor_kind" enums:"user,api_key,customer,system"`
	ActorID    *uuid.UUID `json:"actor_id" extensions:"x-nullable"`
	ActorName  string     `json:"actor_name"`
	ActorEmail string     `json:"actor_email"`
	// OccurredAt is kept to the millisecond.
	OccurredAt time.Time `json:"occurred_at"`
	// Data is the action's evidence (signer, client address, user agent,
	// document hash, consent…).
	Data map[string]any `json:"data"`
	// PrevHash and Hash are hex SHA-256: Hash = SHA-256(PrevHash ‖
	// canonical JSON of the record).
	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash"`
} // @name EvidenceRecord

// QuoteEvidence is a quote version's evidence records, oldest first, and
// whether the log's hash chain around them, recomputed now, is intact.
type QuoteEvidence struct {
	QuoteID    uuid.UUID        `json:"quote_id"`
	ChainValid bool             `json:"chain_valid"`
	Records    []EvidenceRecord `json:"records"`
} // @name QuoteEvidence

func toQuote(q quoting.Quote) Quote {
	s := q.Snapshot
	out := Quote{ID: q.ID, OpportunityID: q.OpportunityID, TemplateID: q.TemplateID, Number: q.Number,
		Revision: q.QuoteVersion, Version: q.Version, Status: string(q.Status), ValidUntil: Date{q.ValidUntil},
		ContactPersonID: q.ContactPersonID, Customer: toQuoteCustomer(s.Customer),
		Salesperson: QuoteContact{Name: s.Salesperson.Name, Email: s.Salesperson.Email, Phone: s.Salesperson.Phone},
		Company:     toQuoteCompany(s.Company), IntroText: s.Texts.Intro, TermsText: s.Texts.Terms,
		FooterText: s.Texts.Footer, Language: s.Language, Currency: string(s.Currency),
		OfferDiscount: int(s.OfferDiscount), Lines: mapSlice(s.Lines, toQuoteLine), Totals: toTotals(s.Totals),
		SentAt: utcp(q.SentAt), SentBy: q.SentBy, StatusChangedAt: utc(q.StatusChangedAt), CreatedBy: q.CreatedBy,
		CreatedAt: utc(q.CreatedAt), UpdatedAt: utc(q.UpdatedAt), Allowed: allowedActions(q.Status)}
	if s.Contact != (quoting.Contact{}) {
		out.Contact = &QuoteContact{Name: s.Contact.Name, Email: s.Contact.Email, Phone: s.Contact.Phone}
	}
	if q.SentChannel != "" {
		ch := q.SentChannel
		out.SentChannel = &ch
	}
	if q.Changes != nil {
		out.Changes = toQuoteChanges(*q.Changes)
	}
	out.DocumentSHA256 = nonEmptyPtr(q.DocumentSHA256)
	out.PublicURL = nonEmptyPtr(q.PublicURL)
	out.ViewedAt = utcp(q.ViewedAt)
	if q.Response != nil {
		out.Response = toQuoteResponse(*q.Response)
	}
	return out
}

func toQuoteResponse(r quoting.Response) *QuoteResponse {
	out := &QuoteResponse{Kind: string(r.Kind), Name: r.Name, Email: r.Email, Title: r.Title, Comment: r.Comment,
		Reason: r.Reason, At: utc(r.At), Channel: r.Channel, EvidenceID: r.EvidenceID,
		SignedAttachmentID: r.AttachmentID, OpportunityMoved: r.OpportunityMoved,
		LineComments: mapSlice(r.LineComments, func(lc quoting.LineComment) QuoteLineComment {
			return QuoteLineComment{LineID: lc.LineID, Comment: lc.Comment}
		})}
	return out
}

// allowedActions tells clients which buttons work in the current state.
func allowedActions(st quoting.Status) QuoteActions {
	return QuoteActions{Edit: st.Editable(), Send: quoting.Allowed(st, quoting.ActionSend),
		Revise: quoting.Allowed(st, quoting.ActionRevise), Withdraw: quoting.Allowed(st, quoting.ActionWithdraw)}
}

func toQuoteCustomer(c quoting.Customer) QuoteCustomer {
	addr := c.Address.Lines
	if addr == nil {
		addr = []string{}
	}
	return QuoteCustomer{Kind: string(c.Kind), Name: c.Name, RegistrationNumber: c.OrganizationNumber,
		VATNumber: c.VATNumber, Address: addr, PostalCode: c.Address.PostalCode, City: c.Address.City,
		Country: c.Address.Country, Email: c.Email, Phone: c.Phone}
}

func toQuoteCompany(c quoting.Company) QuoteCompany {
	return QuoteCompany{Name: c.Name, Address: strings.Join(c.Address.Lines, "\n"), PostalCode: c.Address.PostalCode,
		City: c.Address.City, Country: c.Address.Country, RegistrationNumber: c.OrganizationNumber,
		VATNumber: c.VATNumber, Email: c.Email, Phone: c.Phone, Website: c.Website, BankName: c.Bank.Name,
		BankAccount: c.Bank.Account, IBAN: c.Bank.IBAN, BIC: c.Bank.BIC, PrimaryColor: c.PrimaryColor,
		HasLogo: c.Logo.MIME != ""}
}

func toQuoteLine(l quoting.SnapshotLine) QuoteLine {
	out := QuoteLine{ID: l.ID, Position: l.Position, Code: l.Code, Name: l.Name, Description: l.Description, Unit: l.Unit,
		Quantity: json.Number(l.Quantity.String()), UnitPrice: l.UnitPrice, Discount: int(l.Discount),
		VATRate: int(l.VATRate), Net: l.Net}
	if l.ProductID != uuid.Nil {
		id := l.ProductID
		out.ProductID = &id
	}
	return out
}

func toQuoteChanges(c quoting.Changes) *QuoteChanges {
	sum := func(t quoting.TotalsSummary) TotalsSummary { return TotalsSummary(t) }
	return &QuoteChanges{Added: mapSlice(c.Added, toQuoteLine), Removed: mapSlice(c.Removed, toQuoteLine),
		Changed: mapSlice(c.Changed, func(lc quoting.LineChange) QuoteLineChange {
			return QuoteLineChange{Before: toQuoteLine(lc.Before), After: toQuoteLine(lc.After), Fields: lc.Fields}
		}),
		Texts:         c.Texts,
		OfferDiscount: ValueChange{Before: int(c.OfferDiscount.Before), After: int(c.OfferDiscount.After)},
		TotalsBefore:  sum(c.Totals.Before), TotalsAfter: sum(c.Totals.After)}
}

func (r UpdateQuoteRequest) domain() quoting.QuotePatch {
	p := quoting.QuotePatch{ValidUntil: r.ValidUntil.timePtr(), IntroText: r.IntroText, TermsText: r.TermsText,
		FooterText: r.FooterText, ContactPersonID: r.ContactPersonID.Field()}
	if r.OfferDiscount != nil {
		bp := money.BasisPoints(*r.OfferDiscount)
		p.OfferDiscount = &bp
	}
	return p
}

func (r QuoteLineRequest) domain() quoting.LineInput {
	in := quoting.LineInput{ProductID: r.ProductID, Name: r.Name, Unit: r.Unit, Description: r.Description,
		UnitPrice: r.UnitPrice, Discount: money.BasisPoints(r.Discount), VATRate: money.BasisPoints(r.VATRate)}
	if r.Quantity != nil {
		in.Quantity = r.Quantity.Quantity
	}
	return in
}

func toEvidenceRecord(r audit.Record) EvidenceRecord {
	data := map[string]any{}
	_ = json.Unmarshal(r.Data, &data) // written by audit.Log as a JSON object
	return EvidenceRecord{ID: r.ID, Seq: r.Seq, Action: string(r.Action), ActorKind: string(r.Actor.Kind),
		ActorID: r.Actor.ID, ActorName: r.Actor.Name, ActorEmail: r.Actor.Email, OccurredAt: utc(r.OccurredAt),
		Data: data, PrevHash: hex.EncodeToString(r.PrevHash), Hash: hex.EncodeToString(r.Hash)}
}
