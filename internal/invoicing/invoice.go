// Package invoicing turns won business into invoices and credit notes: drafts
// made from an opportunity's lines or its signed quote (whole, partial or
// staged), gap-free numbers at issue, a frozen document, Swedish OCR payment
// references, payments, overdue, credit notes, and the document as a PDF
// (through the Renderer port) and as a Peppol BIS Billing 3.0 UBL e-invoice
// checked against the EN 16931 business rules (ubl.go, rules.go).
//
// The rules are plain code here; storage, rendering, mail and the sales
// side are ports this package declares (service.go).
package invoicing

import (
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/money"
)

// Kind says whether a document is an invoice or a credit note.
type Kind string

// The kinds of document.
const (
	KindInvoice    Kind = "invoice"
	KindCreditNote Kind = "credit_note"
)

// Status is where an invoice stands. Overdue is not a status: it is derived
// from the due date (Invoice.Overdue).
type Status string

// The statuses. A credit note is issued when made and stays issued.
const (
	StatusDraft         Status = "draft"
	StatusIssued        Status = "issued"
	StatusPartiallyPaid Status = "partially_paid"
	StatusPaid          Status = "paid"
	StatusCredited      Status = "credited" // every line credited in full
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	switch s {
	case StatusDraft, StatusIssued, StatusPartiallyPaid, StatusPaid, StatusCredited:
		return true
	}
	return false
}

// Source is what a draft's lines come from.
type Source string

// The sources of lines.
const (
	SourceLines Source = "lines" // the opportunity's product lines
	SourceQuote Source = "quote" // the signed quote's frozen lines
)

// Invoice is an invoice or a credit note. Amounts are minor units of
// Currency and carry the document's sign: a credit note's are negative.
type Invoice struct {
	ID            uuid.UUID
	OpportunityID uuid.UUID
	Kind          Kind
	Status        Status
	// CreditsID is the invoice a credit note credits.
	CreditsID *uuid.UUID
	Source    Source
	QuoteID   *uuid.UUID // the signed quote of SourceQuote
	// TemplateID names the template whose company profile is the seller.
	TemplateID *uuid.UUID
	// Number, Year, Seq and OCR are set at issue.
	Number string
	Year   int
	Seq    int
	OCR    string
	// Language is "en" or "sv".
	Language       string
	Currency       money.Currency
	OfferDiscount  money.BasisPoints
	BuyerReference string
	Note           string
	Lines          []Line
	Totals         Totals
	// Paid is the sum of the payments; Credited the sum of the credit
	// notes' totals, as a positive amount.
	Paid     int64
	Credited int64
	// PaymentTermsDays, IssueDate and DueDate are set at issue (dates at
	// midnight UTC); Snapshot is the frozen document.
	PaymentTermsDays  *int
	IssueDate         *time.Time
	DueDate           *time.Time
	Snapshot          *Snapshot
	IssuedAt          *time.Time
	IssuedBy          *uuid.UUID
	SentAt            *time.Time
	OverdueNotifiedAt *time.Time
	Payments          []Payment
	CreatedBy         *uuid.UUID
	Version           int64
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Line is one invoiced line. Quantity is always positive; Net carries the
// document's sign.
type Line struct {
	ID uuid.UUID `json:"id"`
	// SourceLineID is the opportunity line or the quote line invoiced;
	// CreditedLineID the invoice line a credit note line credits.
	SourceLineID   uuid.UUID         `json:"source_line_id"`
	CreditedLineID *uuid.UUID        `json:"credited_line_id,omitempty"`
	Position       int               `json:"position"`
	ProductID      *uuid.UUID        `json:"product_id,omitempty"`
	Code           string            `json:"code,omitempty"`
	Name           string            `json:"name"`
	Description    string            `json:"description,omitempty"`
	Unit           string            `json:"unit,omitempty"`
	Quantity       money.Quantity    `json:"quantity"`
	UnitPrice      int64             `json:"unit_price"`
	Discount       money.BasisPoints `json:"discount"`
	VATRate        money.BasisPoints `json:"vat_rate"`
	Net            int64             `json:"net"`
}

// Totals are a document's figures with its sign.
type Totals struct {
	Subtotal            int64       `json:"subtotal"`
	OfferDiscountAmount int64       `json:"offer_discount_amount"`
	Net                 int64       `json:"net"`
	VAT                 []VATAmount `json:"vat"`
	VATTotal            int64       `json:"vat_total"`
	Total               int64       `json:"total"`
}

// VATAmount is the VAT of one rate (EN 16931 BG-23).
type VATAmount struct {
	Rate   money.BasisPoints `json:"rate"`
	Base   int64             `json:"base"`
	Amount int64             `json:"amount"`
}

// Sign is 1 for invoices and −1 for credit notes.
func (i Invoice) Sign() int64 {
	if i.Kind == KindCreditNote {
		return -1
	}
	return 1
}

// Issued reports whether the document has left the draft state.
func (i Invoice) Issued() bool { return i.Status != StatusDraft }

// AmountDue is what the customer still owes: the total less the credit
// notes and the payments (0 for drafts and credit notes; negative when
// overpaid).
func (i Invoice) AmountDue() int64 {
	if i.Kind != KindInvoice || !i.Issued() {
		return 0
	}
	return i.Totals.Total - i.Credited - i.Paid
}

// Overdue reports whether an issued invoice is unpaid past its due date on
// the given day (the workspace's today, at midnight UTC).
func (i Invoice) Overdue(today time.Time) bool {
	if i.Kind != KindInvoice || i.DueDate == nil {
		return false
	}
	if i.Status != StatusIssued && i.Status != StatusPartiallyPaid {
		return false
	}
	return i.DueDate.Before(today) && i.AmountDue() > 0
}

// PaymentMethod is how a payment came in.
type PaymentMethod string

// The payment methods.
const (
	MethodBankTransfer PaymentMethod = "bank_transfer"
	MethodBankgiro     PaymentMethod = "bankgiro"
	MethodPlusgiro     PaymentMethod = "plusgiro"
	MethodCard         PaymentMethod = "card"
	MethodCash         PaymentMethod = "cash"
	MethodOther        PaymentMethod = "other"
)

// Valid reports whether m is a known method.
func (m PaymentMethod) Valid() bool {
	switch m {
	case MethodBankTransfer, MethodBankgiro, MethodPlusgiro, MethodCard, MethodCash, MethodOther:
		return true
	}
	return false
}

// Payment is money received on an invoice.
type Payment struct {
	ID        uuid.UUID
	InvoiceID uuid.UUID
	Amount    int64
	Date      time.Time // midnight UTC
	Method    PaymentMethod
	Reference string
	CreatedBy *uuid.UUID
	CreatedAt time.Time
}

// Filter narrows a list of invoices; zero fields do not filter.
type Filter struct {
	Status         *Status
	Kind           *Kind
	OrganizationID *uuid.UUID
	OpportunityID  *uuid.UUID
	DueBefore      *time.Time
	// Overdue true lists overdue invoices, false the others.
	Overdue *bool
	// OCR finds the invoice with this payment reference.
	OCR string
	// Today is the workspace's today, for Overdue (filled by the service).
	Today time.Time
}
