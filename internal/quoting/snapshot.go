package quoting

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/money"
)

// Snapshot is everything a quote version freezes when it is created: who
// offers what to whom, in which words, at which prices. Later changes to the
// opportunity, its relation, the template or the company profile never touch
// it; a revision copies it (Clone) and edits the copy.
//
// Snapshot carries JSON tags, unlike other domain types, because the
// snapshot is itself a stored document: storage keeps it as one jsonb value
// and the tags are its format. Money fields keep their domain encodings
// (amounts in minor units, basis points, quantities as JSON numbers).
// Totals is a money.Totals, which has no tags; Snapshot's MarshalJSON and
// UnmarshalJSON write it with snake_case names. Adding fields is safe;
// renaming or removing one needs a data migration of stored snapshots.
type Snapshot struct {
	Customer    Customer    `json:"customer"`
	Contact     Contact     `json:"contact,omitzero"` // zero when the quote names no contact
	Salesperson Salesperson `json:"salesperson"`
	Company     Company     `json:"company"`
	Texts       Texts       `json:"texts"`
	// Language is "en" or "sv" (see Language); documents and mails use it.
	Language      string            `json:"language"`
	Currency      money.Currency    `json:"currency"`
	OfferDiscount money.BasisPoints `json:"offer_discount"`
	Lines         []SnapshotLine    `json:"lines"`
	Totals        money.Totals      `json:"totals"`
}

// CustomerKind says whether the customer relation is an organization or a
// person.
type CustomerKind string

// The kinds of customer relation.
const (
	CustomerOrganization CustomerKind = "organization"
	CustomerPerson       CustomerKind = "person"
)

// Customer is the relation the quote is addressed to.
type Customer struct {
	Kind CustomerKind `json:"kind"`
	// Name is the organization's name, or the person's full name.
	Name               string  `json:"name"`
	OrganizationNumber string  `json:"organization_number,omitempty"` // registration number
	VATNumber          string  `json:"vat_number,omitempty"`
	Address            Address `json:"address,omitzero"`
	Email              string  `json:"email,omitempty"`
	Phone              string  `json:"phone,omitempty"`
}

// Address is a postal address as documents print it.
type Address struct {
	Lines      []string `json:"lines,omitempty"` // street, c/o, box…
	PostalCode string   `json:"postal_code,omitempty"`
	City       string   `json:"city,omitempty"`
	Country    string   `json:"country,omitempty"` // as printed; ISO 3166 alpha-2 preferred
}

// Contact is the contact person at the customer.
type Contact struct {
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// Salesperson is the user who makes the offer (the opportunity's owner).
type Salesperson struct {
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// Company is the company profile of the quote template: the seller.
type Company struct {
	Name               string  `json:"name"`
	Address            Address `json:"address,omitzero"`
	OrganizationNumber string  `json:"organization_number,omitempty"`
	VATNumber          string  `json:"vat_number,omitempty"`
	Email              string  `json:"email,omitempty"`
	Phone              string  `json:"phone,omitempty"`
	Website            string  `json:"website,omitempty"`
	Bank               Bank    `json:"bank,omitzero"`
	Logo               Logo    `json:"logo,omitzero"`
	PrimaryColor       string  `json:"primary_color,omitempty"` // "#RRGGBB"
}

// Bank holds the payment details printed on documents.
type Bank struct {
	Name    string `json:"name,omitempty"`
	Account string `json:"account,omitempty"` // e.g. "Bankgiro 123-4567"
	IBAN    string `json:"iban,omitempty"`
	BIC     string `json:"bic,omitempty"`
}

// Logo is the company logo, either inline (Data, written as base64 in JSON)
// or by Ref, a key of an immutable blob (content-addressed, e.g.
// "sha256:…"). A Ref must never be overwritten, or the snapshot would not
// stay frozen. MIME is "image/png" or "image/jpeg".
type Logo struct {
	MIME string `json:"mime,omitempty"`
	Data []byte `json:"data,omitempty"`
	Ref  string `json:"ref,omitempty"`
}

// Texts are the quote's own words from the template.
type Texts struct {
	Intro  string `json:"intro,omitempty"`
	Terms  string `json:"terms,omitempty"`
	Footer string `json:"footer,omitempty"`
}

// SnapshotLine is one product line as offered.
type SnapshotLine struct {
	// ID names the line for the customer's comments; it stays the same
	// across revisions of a line (BuildSnapshot gives new lines one).
	ID          uuid.UUID         `json:"id,omitzero"`
	Position    int               `json:"position"`            // 1-based, in document order
	ProductID   uuid.UUID         `json:"product_id,omitzero"` // uuid.Nil for a free-text line
	Code        string            `json:"code,omitempty"`
	Name        string            `json:"name"`
	Description string            `json:"description,omitempty"`
	Unit        string            `json:"unit,omitempty"`
	Quantity    money.Quantity    `json:"quantity"`
	UnitPrice   int64             `json:"unit_price"` // minor units of the snapshot's currency
	Discount    money.BasisPoints `json:"discount"`
	VATRate     money.BasisPoints `json:"vat_rate"`
	Net         int64             `json:"net"` // computed by BuildSnapshot
}

// moneyLine returns the arithmetic part of l.
func (l SnapshotLine) moneyLine() money.Line {
	return money.Line{Quantity: l.Quantity, UnitPrice: l.UnitPrice, Discount: l.Discount, VATRate: l.VATRate}
}

// BuildSnapshot returns a copy of s, sharing no memory with it, with
// Language normalized (see Language), line positions numbered 1..n in the
// given order, an ID for every line that has none, and every line's Net
// and the Totals computed with
// money.Compute; whatever s held in Position, Net and Totals is ignored.
//
// It answers an errs.Invalid error listing every bad field: "customer.name"
// and "lines.<i>.name" when empty, plus money.Compute's "currency",
// "offer_discount" and "lines.<i>.quantity|unit_price|discount|vat_rate".
// A snapshot without lines is valid (a draft may be started empty); see
// Sendable.
func BuildSnapshot(s Snapshot) (Snapshot, error) {
	out := s.Clone()
	out.Language = Language(s.Language)
	if out.Lines == nil {
		out.Lines = []SnapshotLine{} // as a stored snapshot reads back
	}
	var fe []errs.FieldError
	if strings.TrimSpace(s.Customer.Name) == "" {
		fe = append(fe, errs.FieldError{Field: "customer.name", Message: "must not be empty"})
	}
	lines := make([]money.Line, len(out.Lines))
	for i := range out.Lines {
		l := &out.Lines[i]
		l.Position = i + 1
		if l.ID == uuid.Nil {
			l.ID = uuid.New()
		}
		if strings.TrimSpace(l.Name) == "" {
			fe = append(fe, errs.FieldError{Field: fmt.Sprintf("lines.%d.name", i), Message: "must not be empty"})
		}
		lines[i] = l.moneyLine()
	}
	totals, err := money.Compute(lines, s.OfferDiscount, s.Currency)
	if err != nil {
		e, ok := errs.As(err)
		if !ok || len(e.Fields) == 0 {
			return Snapshot{}, err // an amount beyond money.MaxAmount: already caller-safe
		}
		fe = append(fe, e.Fields...)
	}
	if err := errs.Fields("invalid quote", fe...); err != nil {
		return Snapshot{}, err
	}
	for i := range out.Lines {
		out.Lines[i].Net = totals.LineNets[i]
	}
	out.Totals = totals
	return out, nil
}

// Sendable answers an errs.Invalid error when s cannot be sent to a customer
// yet: it has no lines.
func (s Snapshot) Sendable() error {
	if len(s.Lines) == 0 {
		return errs.Field("lines", "a quote needs at least one line before it is sent")
	}
	return nil
}

// Clone returns a deep copy of s, so that a revision's edits or a caller's
// later changes to shared slices never reach a stored version.
func (s Snapshot) Clone() Snapshot {
	s.Customer.Address.Lines = slices.Clone(s.Customer.Address.Lines)
	s.Company.Address.Lines = slices.Clone(s.Company.Address.Lines)
	s.Company.Logo.Data = slices.Clone(s.Company.Logo.Data)
	s.Lines = slices.Clone(s.Lines)
	s.Totals.LineNets = slices.Clone(s.Totals.LineNets)
	s.Totals.VAT = slices.Clone(s.Totals.VAT)
	return s
}

// totalsJSON is money.Totals' stored form.
type totalsJSON struct {
	LineNets            []int64   `json:"line_nets"`
	Subtotal            int64     `json:"subtotal"`
	OfferDiscountAmount int64     `json:"offer_discount_amount"`
	Net                 int64     `json:"net"`
	VAT                 []vatJSON `json:"vat"`
	VATTotal            int64     `json:"vat_total"`
	Total               int64     `json:"total"`
	Currency            string    `json:"currency"`
}

type vatJSON struct {
	Rate   money.BasisPoints `json:"rate"`
	Base   int64             `json:"base"`
	Amount int64             `json:"amount"`
}

func toTotalsJSON(t money.Totals) totalsJSON {
	w := totalsJSON{LineNets: t.LineNets, Subtotal: t.Subtotal, OfferDiscountAmount: t.OfferDiscountAmount,
		Net: t.Net, VATTotal: t.VATTotal, Total: t.Total, Currency: string(t.Currency),
		VAT: make([]vatJSON, len(t.VAT))}
	if w.LineNets == nil {
		w.LineNets = []int64{} // "[]", never "null", in stored documents
	}
	for i, v := range t.VAT {
		w.VAT[i] = vatJSON(v)
	}
	return w
}

func (w totalsJSON) totals() money.Totals {
	t := money.Totals{LineNets: w.LineNets, Subtotal: w.Subtotal, OfferDiscountAmount: w.OfferDiscountAmount,
		Net: w.Net, VATTotal: w.VATTotal, Total: w.Total, Currency: money.Currency(w.Currency),
		VAT: make([]money.VATAmount, len(w.VAT))}
	for i, v := range w.VAT {
		t.VAT[i] = money.VATAmount(v)
	}
	return t
}

// snapshotFields is Snapshot without its methods, so that the JSON methods
// can embed it without recursing.
type snapshotFields Snapshot

// snapshotJSON is Snapshot's stored form: Totals at depth 0 shadows the
// embedded, untagged-inside money.Totals.
type snapshotJSON struct {
	snapshotFields
	Totals totalsJSON `json:"totals"`
}

// MarshalJSON writes s as its stored jsonb document, lines as "[]" when
// there are none.
func (s Snapshot) MarshalJSON() ([]byte, error) {
	if s.Lines == nil {
		s.Lines = []SnapshotLine{}
	}
	return json.Marshal(snapshotJSON{snapshotFields: snapshotFields(s), Totals: toTotalsJSON(s.Totals)})
}

// UnmarshalJSON reads a document written by MarshalJSON. It restores the
// stored values as they are and recomputes nothing: a frozen quote keeps the
// figures it was offered with even if the totals engine changes later.
func (s *Snapshot) UnmarshalJSON(data []byte) error {
	var w snapshotJSON
	if err := json.Unmarshal(data, &w); err != nil {
		return fmt.Errorf("decode quote snapshot: %w", err)
	}
	*s = Snapshot(w.snapshotFields)
	s.Totals = w.Totals.totals()
	return nil
}

// EnsureLineIDs gives lines stored without an ID (before lines had ids) a
// stable one derived from the quote version and the line's position.
func (s *Snapshot) EnsureLineIDs(quoteID uuid.UUID) {
	for i := range s.Lines {
		if s.Lines[i].ID == uuid.Nil {
			s.Lines[i].ID = uuid.NewSHA1(quoteID, fmt.Appendf(nil, "line %d", s.Lines[i].Position))
		}
	}
}
