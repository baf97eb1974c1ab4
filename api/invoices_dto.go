package api

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/invoicing"
	"github.com/acme/crm/internal/money"
	"github.com/acme/crm/internal/sales"
)

// Invoice is an invoice or a credit note. A draft has no number, dates or
// parties yet: they are fixed when it is issued, and an issued document
// never changes. Amounts carry the document's sign (a credit note's are
// negative). The ETag header is version.
type Invoice struct {
	ID            uuid.UUID `json:"id"`
	OpportunityID uuid.UUID `json:"opportunity_id"`
	Kind          string    `json:"kind" enums:"invoice,credit_note"`
	Status        string    `json:"status" enums:"draft,issued,partially_paid,paid,credited"`
	// Overdue is derived: an issued invoice not paid by its due date.
	Overdue bool `json:"overdue"`
	// CreditsID is the invoice a credit note credits.
	CreditsID  *uuid.UUID `json:"credits_id" extensions:"x-nullable"`
	Source     string     `json:"source" enums:"lines,quote"`
	QuoteID    *uuid.UUID `json:"quote_id" extensions:"x-nullable"`
	TemplateID *uuid.UUID `json:"template_id" extensions:"x-nullable"`
	Number     *string    `json:"number" extensions:"x-nullable" example:"2026-0042"`
	// OCR is the Swedish OCR payment reference (Luhn check digit).
	OCR              *string         `json:"ocr" extensions:"x-nullable" example:"202600425"`
	Language         string          `json:"language" enums:"en,sv"`
	Currency         string          `json:"currency" example:"SEK"`
	OfferDiscount    int             `json:"offer_discount" example:"0"`
	BuyerReference   string          `json:"buyer_reference" example:"PO 4711"`
	Note             string          `json:"note"`
	Lines            []InvoiceLine   `json:"lines"`
	Totals           Totals          `json:"totals"`
	Paid             int64           `json:"paid" example:"0"`
	Credited         int64           `json:"credited" example:"0"`
	AmountDue        int64           `json:"amount_due" example:"1250000"`
	PaymentTermsDays *int            `json:"payment_terms_days" extensions:"x-nullable" example:"30"`
	IssueDate        *Date           `json:"issue_date" swaggertype:"string" format:"date" extensions:"x-nullable"`
	DueDate          *Date           `json:"due_date" swaggertype:"string" format:"date" extensions:"x-nullable"`
	Seller           *InvoiceParty   `json:"seller" extensions:"x-nullable"`
	Buyer            *InvoiceParty   `json:"buyer" extensions:"x-nullable"`
	Contact          string          `json:"contact"`
	Salesperson      string          `json:"salesperson"`
	PaymentDetails   *PaymentDetails `json:"payment_details" extensions:"x-nullable"`
	// CreditsNumber is the number of the invoice a credit note credits.
	CreditsNumber *string          `json:"credits_number" extensions:"x-nullable"`
	Payments      []InvoicePayment `json:"payments"`
	IssuedAt      *time.Time       `json:"issued_at" extensions:"x-nullable"`
	IssuedBy      *uuid.UUID       `json:"issued_by" extensions:"x-nullable"`
	SentAt        *time.Time       `json:"sent_at" extensions:"x-nullable"`
	CreatedBy     *uuid.UUID       `json:"created_by" extensions:"x-nullable"`
	Version       int64            `json:"version" example:"1"`
	CreatedAt     time.Time        `json:"created_at"`
	UpdatedAt     time.Time        `json:"updated_at"`
	Allowed       InvoiceActions   `json:"allowed"`
} // @name Invoice

// InvoiceLine is one invoiced (or credited) line.
type InvoiceLine struct {
	ID uuid.UUID `json:"id"`
	// SourceLineID is the opportunity line or signed quote line invoiced;
	// CreditedLineID the invoice line a credit note line credits.
	SourceLineID   uuid.UUID   `json:"source_line_id"`
	CreditedLineID *uuid.UUID  `json:"credited_line_id" extensions:"x-nullable"`
	Position       int         `json:"position" example:"1"`
	ProductID      *uuid.UUID  `json:"product_id" extensions:"x-nullable"`
	Code           string      `json:"code" example:"LIC-100"`
	Name           string      `json:"name" example:"CRM seat licence"`
	Description    string      `json:"description"`
	Unit           string      `json:"unit" example:"month"`
	Quantity       json.Number `json:"quantity" swaggertype:"number" example:"1.5"`
	UnitPrice      int64       `json:"unit_price" example:"29900"`
	Discount       int         `json:"discount" example:"0"`
	VATRate        int         `json:"vat_rate" example:"2500"`
	Net            int64       `json:"net" example:"44850"`
} // @name InvoiceLine

// InvoiceParty is the seller or the buyer as the issued invoice froze them.
type InvoiceParty struct {
	Name               string   `json:"name" example:"Nordvik Trading AB"`
	Address            []string `json:"address"`
	PostalCode         string   `json:"postal_code"`
	City               string   `json:"city"`
	Country            string   `json:"country"`
	RegistrationNumber string   `json:"registration_number"`
	VATNumber          string   `json:"vat_number"`
	Email              string   `json:"email"`
	Phone              string   `json:"phone"`
} // @name InvoiceParty

// PaymentDetails is how the buyer pays an issued invoice.
type PaymentDetails struct {
	BankName    string `json:"bank_name"`
	BankAccount string `json:"bank_account" example:"Bankgiro 123-4567"`
	IBAN        string `json:"iban"`
	BIC         string `json:"bic"`
	OCR         string `json:"ocr" example:"202600425"`
	TermsDays   int    `json:"terms_days" example:"30"`
} // @name PaymentDetails

// InvoicePayment is a payment received on an invoice.
type InvoicePayment struct {
	ID        uuid.UUID  `json:"id"`
	Amount    int64      `json:"amount" example:"500000"`
	Date      Date       `json:"date" swaggertype:"string" format:"date"`
	Method    string     `json:"method" enums:"bank_transfer,bankgiro,plusgiro,card,cash,other"`
	Reference string     `json:"reference" example:"202600425"`
	CreatedBy *uuid.UUID `json:"created_by" extensions:"x-nullable"`
	CreatedAt time.Time  `json:"created_at"`
} // @name InvoicePayment

// InvoiceActions says which actions the invoice's state allows.
type InvoiceActions struct {
	Edit   bool `json:"edit"`
	Issue  bool `json:"issue"`
	Pay    bool `json:"pay"`
	Credit bool `json:"credit"`
	Send   bool `json:"send"`
	Delete bool `json:"delete"`
} // @name InvoiceActions

// InvoiceList is a page of invoices and credit notes.
type InvoiceList struct {
	Data       []Invoice `json:"data"`
	NextCursor *string   `json:"next_cursor" extensions:"x-nullable"`
} // @name InvoiceList

// InvoiceLineRequest names a sold line and the quantity to invoice (or, on
// a credit note, an invoice line and the quantity to credit); no quantity
// takes what remains of the line.
type InvoiceLineRequest struct {
	LineID   uuid.UUID `json:"line_id" validate:"required"`
	Quantity *Quantity `json:"quantity,omitempty" swaggertype:"number" example:"1.5"`
} // @name InvoiceLineRequest

// CreateInvoiceRequest makes a draft from a won opportunity. source
// defaults to quote when the opportunity has a signed quote, else lines;
// no lines invoices what remains of every line.
type CreateInvoiceRequest struct {
	Source         *string              `json:"source,omitempty" enums:"lines,quote"`
	Lines          []InvoiceLineRequest `json:"lines,omitempty" validate:"max=1000,dive"`
	AllowOver      bool                 `json:"allow_over,omitempty"`
	TemplateID     *uuid.UUID           `json:"template_id,omitempty"`
	BuyerReference *string              `json:"buyer_reference,omitempty" validate:"omitempty,max=200" example:"PO 4711"`
	Note           *string              `json:"note,omitempty" validate:"omitempty,max=2000"`
} // @name CreateInvoiceRequest

// UpdateInvoiceRequest changes a draft; absent fields stay.
type UpdateInvoiceRequest struct {
	BuyerReference *string `json:"buyer_reference,omitempty" validate:"omitempty,max=200"`
	Note           *string `json:"note,omitempty" validate:"omitempty,max=2000"`
	Language       *string `json:"language,omitempty" enums:"en,sv"`
	// TemplateID names the template whose company profile is the seller;
	// null takes the workspace's default template.
	TemplateID OptionalUUID `json:"template_id" swaggertype:"string" format:"uuid" extensions:"x-nullable"`
} // @name UpdateInvoiceRequest

// ReplaceInvoiceLinesRequest sets a draft's lines.
type ReplaceInvoiceLinesRequest struct {
	Lines     []InvoiceLineRequest `json:"lines" validate:"required,min=1,max=1000,dive"`
	AllowOver bool                 `json:"allow_over,omitempty"`
} // @name ReplaceInvoiceLinesRequest

// IssueInvoiceRequest issues a draft; issue_date defaults to today in the
// workspace's time zone.
type IssueInvoiceRequest struct {
	IssueDate *Date `json:"issue_date,omitempty" swaggertype:"string" format:"date"`
} // @name IssueInvoiceRequest

// PaymentRequest records a payment; date defaults to today.
type PaymentRequest struct {
	Amount           int64  `json:"amount" validate:"required,gt=0" example:"500000"`
	Date             *Date  `json:"date,omitempty" swaggertype:"string" format:"date"`
	Method           string `json:"method" validate:"required" enums:"bank_transfer,bankgiro,plusgiro,card,cash,other"`
	Reference        string `json:"reference,omitempty" validate:"max=100" example:"202600425"`
	AllowOverpayment bool   `json:"allow_overpayment,omitempty"`
} // @name PaymentRequest

// CreditRequest credits an issued invoice: the named lines and quantities,
// or everything not credited yet.
type CreditRequest struct {
	Lines  []InvoiceLineRequest `json:"lines,omitempty" validate:"max=1000,dive"`
	Reason string               `json:"reason,omitempty" validate:"max=2000" example:"Returned goods"`
} // @name CreditRequest

// SendInvoiceRequest e-mails an issued document with its PDF. to defaults
// to the contact's (else the customer's) address, subject and body to the
// template's invoice texts.
type SendInvoiceRequest struct {
	To        []string `json:"to,omitempty" validate:"max=10" example:"ap@nordvik.example"`
	Cc        []string `json:"cc,omitempty" validate:"max=10"`
	Subject   string   `json:"subject,omitempty" validate:"max=998"`
	Body      string   `json:"body,omitempty" validate:"max=100000"`
	AttachUBL bool     `json:"attach_ubl,omitempty"`
} // @name SendInvoiceRequest

// SentInvoice is a sent document and its e-mail in the outbox.
type SentInvoice struct {
	Invoice Invoice   `json:"invoice"`
	EmailID uuid.UUID `json:"email_id"`
} // @name SentInvoice

// InvoicingProgress is what an opportunity has invoiced of what it sold,
// per line, on the basis new invoices take.
type InvoicingProgress struct {
	OpportunityID uuid.UUID            `json:"opportunity_id"`
	Source        string               `json:"source" enums:"lines,quote"`
	QuoteID       *uuid.UUID           `json:"quote_id" extensions:"x-nullable"`
	Lines         []InvoicingLineState `json:"lines"`
} // @name InvoicingProgress

// InvoicingLineState is one sold line: sold, invoiced (drafts included,
// credit notes taken off) and remaining quantities.
type InvoicingLineState struct {
	LineID    uuid.UUID   `json:"line_id"`
	Name      string      `json:"name"`
	Sold      json.Number `json:"sold" swaggertype:"number" example:"10"`
	Invoiced  json.Number `json:"invoiced" swaggertype:"number" example:"4"`
	Remaining json.Number `json:"remaining" swaggertype:"number" example:"6"`
} // @name InvoicingLineState

// InvoicingReport is the invoicing report's rows, per group and currency.
type InvoicingReport struct {
	GroupBy string         `json:"group_by" enums:"month,organization,owner"`
	From    Date           `json:"from" swaggertype:"string" format:"date"`
	To      Date           `json:"to" swaggertype:"string" format:"date"`
	Rows    []InvoicingRow `json:"rows"`
} // @name InvoicingReport

// InvoicingRow is one group in one currency: invoiced, credited (as a
// positive amount) and their net, paid, outstanding and overdue, VAT
// included; count is the invoices (credit notes not counted).
type InvoicingRow struct {
	Key         *string `json:"key" extensions:"x-nullable" example:"2026-03"`
	Label       string  `json:"label" example:"2026-03"`
	Currency    string  `json:"currency" example:"SEK"`
	Count       int     `json:"count"`
	Invoiced    int64   `json:"invoiced"`
	Credited    int64   `json:"credited"`
	Net         int64   `json:"net"`
	Paid        int64   `json:"paid"`
	Outstanding int64   `json:"outstanding"`
	Overdue     int64   `json:"overdue"`
} // @name InvoicingRow

// InvoiceFigures are a count and an amount in one currency.
type InvoiceFigures struct {
	Currency string `json:"currency" example:"SEK"`
	Count    int    `json:"count"`
	Amount   int64  `json:"amount"`
} // @name InvoiceFigures

// DashboardInvoicing is the dashboard's invoicing per currency: invoiced
// this month and quarter (net of credit notes, VAT included), outstanding
// and overdue (count and amount due).
type DashboardInvoicing struct {
	InvoicedThisMonth   []InvoiceFigures `json:"invoiced_this_month"`
	InvoicedThisQuarter []InvoiceFigures `json:"invoiced_this_quarter"`
	Outstanding         []InvoiceFigures `json:"outstanding"`
	Overdue             []InvoiceFigures `json:"overdue"`
} // @name DashboardInvoicing

func toInvoice(inv invoicing.Invoice, today time.Time) Invoice {
	out := Invoice{ID: inv.ID, OpportunityID: inv.OpportunityID, Kind: string(inv.Kind), Status: string(inv.Status),
		Overdue: inv.Overdue(today), CreditsID: inv.CreditsID, Source: string(inv.Source), QuoteID: inv.QuoteID,
		TemplateID: inv.TemplateID, Number: nonEmptyPtr(inv.Number), OCR: nonEmptyPtr(inv.OCR), Language: inv.Language,
		Currency: string(inv.Currency), OfferDiscount: int(inv.OfferDiscount), BuyerReference: inv.BuyerReference,
		Note: inv.Note, Lines: mapSlice(inv.Lines, toInvoiceLine), Totals: toInvoiceTotals(inv),
		Paid: inv.Paid, Credited: inv.Credited, AmountDue: inv.AmountDue(), PaymentTermsDays: inv.PaymentTermsDays,
		Payments: mapSlice(inv.Payments, toInvoicePayment), IssuedAt: utcp(inv.IssuedAt), IssuedBy: inv.IssuedBy,
		SentAt: utcp(inv.SentAt), CreatedBy: inv.CreatedBy, Version: inv.Version, CreatedAt: utc(inv.CreatedAt),
		UpdatedAt: utc(inv.UpdatedAt), Allowed: invoiceActions(inv)}
	if inv.IssueDate != nil {
		out.IssueDate = &Date{*inv.IssueDate}
	}
	if inv.DueDate != nil {
		out.DueDate = &Date{*inv.DueDate}
	}
	if s := inv.Snapshot; s != nil {
		seller, buyer := toInvoiceParty(s.Seller), toInvoiceParty(s.Buyer)
		out.Seller, out.Buyer, out.Contact, out.Salesperson = &seller, &buyer, s.Contact, s.Salesperson
		pi := s.PaymentInfo
		out.PaymentDetails = &PaymentDetails{BankName: pi.BankName, BankAccount: pi.BankAccount, IBAN: pi.IBAN,
			BIC: pi.BIC, OCR: pi.OCR, TermsDays: pi.TermsDays}
		if s.Credits != nil {
			n := s.Credits.Number
			out.CreditsNumber = &n
		}
	}
	return out
}

func toInvoiceTotals(inv invoicing.Invoice) Totals {
	t := inv.Totals
	vat := make([]VATAmount, len(t.VAT))
	for i, v := range t.VAT {
		vat[i] = VATAmount{Rate: int(v.Rate), Base: v.Base, Amount: v.Amount}
	}
	return Totals{Subtotal: t.Subtotal, OfferDiscountAmount: t.OfferDiscountAmount, Net: t.Net, VAT: vat,
		VATTotal: t.VATTotal, Total: t.Total, Currency: string(inv.Currency)}
}

func toInvoiceLine(l invoicing.Line) InvoiceLine {
	return InvoiceLine{ID: l.ID, SourceLineID: l.SourceLineID, CreditedLineID: l.CreditedLineID, Position: l.Position,
		ProductID: l.ProductID, Code: l.Code, Name: l.Name, Description: l.Description, Unit: l.Unit,
		Quantity: json.Number(l.Quantity.String()), UnitPrice: l.UnitPrice, Discount: int(l.Discount),
		VATRate: int(l.VATRate), Net: l.Net}
}

func toInvoiceParty(p invoicing.Party) InvoiceParty {
	addr := p.Address
	if addr == nil {
		addr = []string{}
	}
	return InvoiceParty{Name: p.Name, Address: addr, PostalCode: p.PostalCode, City: p.City, Country: p.Country,
		RegistrationNumber: p.OrganizationNumber, VATNumber: p.VATNumber, Email: p.Email, Phone: p.Phone}
}

func toInvoicePayment(p invoicing.Payment) InvoicePayment {
	return InvoicePayment{ID: p.ID, Amount: p.Amount, Date: Date{p.Date}, Method: string(p.Method),
		Reference: p.Reference, CreatedBy: p.CreatedBy, CreatedAt: utc(p.CreatedAt)}
}

// invoiceActions tells clients which buttons work in the current state.
func invoiceActions(inv invoicing.Invoice) InvoiceActions {
	draft := inv.Status == invoicing.StatusDraft
	open := inv.Kind == invoicing.KindInvoice && (inv.Status == invoicing.StatusIssued ||
		inv.Status == invoicing.StatusPartiallyPaid || inv.Status == invoicing.StatusPaid)
	return InvoiceActions{Edit: draft, Issue: draft, Delete: draft, Send: !draft, Credit: open,
		Pay: open && inv.AmountDue() > 0}
}

func toLineRequests(in []InvoiceLineRequest) []invoicing.LineRequest {
	return mapSlice(in, func(r InvoiceLineRequest) invoicing.LineRequest {
		out := invoicing.LineRequest{LineID: r.LineID}
		if r.Quantity != nil {
			q := r.Quantity.Quantity
			out.Quantity = &q
		}
		return out
	})
}

func thousandthsNumber(n int64) json.Number {
	neg := n < 0
	if neg {
		n = -n
	}
	s := "0"
	if q, err := money.QuantityFromThousandths(n); err == nil {
		s = q.String()
	}
	if neg {
		s = "-" + s
	}
	return json.Number(s)
}

func toInvoiceFigures(fs []sales.InvoiceFigures) []InvoiceFigures {
	out := make([]InvoiceFigures, len(fs))
	for i, f := range fs {
		out[i] = InvoiceFigures(f)
	}
	return out
}
