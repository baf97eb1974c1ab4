// Package catalog holds the product catalogue: what a workspace sells, at
// which list price, VAT rate and unit. Opportunity and quote lines copy from
// it; admins maintain it and everyone reads it.
package catalog

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/money"
	"github.com/acme/crm/internal/upsert"
)

// Product is one article or service of the catalogue.
type Product struct {
	ID          uuid.UUID
	Code        string // unique per workspace, ignoring case
	Name        string
	Description string
	Unit        string // pcs, hour, month…
	UnitPrice   int64  // minor units of Currency
	Currency    string
	VATRate     money.BasisPoints
	Active      bool
	ExternalID  *string // the product's id in another system; nil when none
	Version     int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// NewProduct is a request to add a product. An empty Unit is "pcs", an
// empty Currency the workspace's, a nil Active true.
type NewProduct struct {
	Code        string
	Name        string
	Description string
	Unit        string
	UnitPrice   int64
	Currency    string
	VATRate     money.BasisPoints
	Active      *bool
	ExternalID  *string
}

// Patch changes a product; nil fields stay.
type Patch struct {
	Code        *string
	Name        *string
	Description *string
	Unit        *string
	UnitPrice   *int64
	Currency    *string
	VATRate     *money.BasisPoints
	Active      *bool
	ExternalID  *upsert.Change // a nil Value clears it
}

// DefaultUnit is the unit of a product created without one.
const DefaultUnit = "pcs"

// apply copies the patch onto p, normalising text the way create does.
func (pt Patch) apply(p *Product) {
	if pt.Code != nil {
		p.Code = strings.TrimSpace(*pt.Code)
	}
	if pt.Name != nil {
		p.Name = strings.TrimSpace(*pt.Name)
	}
	if pt.Description != nil {
		p.Description = *pt.Description
	}
	if pt.Unit != nil {
		p.Unit = strings.TrimSpace(*pt.Unit)
	}
	if pt.UnitPrice != nil {
		p.UnitPrice = *pt.UnitPrice
	}
	if pt.Currency != nil {
		p.Currency = strings.ToUpper(strings.TrimSpace(*pt.Currency))
	}
	if pt.VATRate != nil {
		p.VATRate = *pt.VATRate
	}
	if pt.Active != nil {
		p.Active = *pt.Active
	}
	if pt.ExternalID != nil {
		p.ExternalID = pt.ExternalID.Value
	}
}

// Validate lists every invalid field of p by its JSON name, or returns nil.
func (p Product) Validate() error {
	var fe []errs.FieldError
	add := func(field, msg string) { fe = append(fe, errs.FieldError{Field: field, Message: msg}) }
	if n := utf8.RuneCountInString(p.Code); n == 0 || n > 50 {
		add("code", "must be between 1 and 50 characters")
	} else if strings.IndexFunc(p.Code, unicode.IsSpace) >= 0 {
		add("code", "must not contain spaces")
	}
	if n := utf8.RuneCountInString(p.Name); n == 0 || n > 200 {
		add("name", "must be between 1 and 200 characters")
	}
	if utf8.RuneCountInString(p.Description) > 5000 {
		add("description", "must be at most 5000 characters")
	}
	if n := utf8.RuneCountInString(p.Unit); n == 0 || n > 20 {
		add("unit", "must be between 1 and 20 characters")
	}
	if p.UnitPrice < 0 || p.UnitPrice > money.MaxAmount {
		add("unit_price", "must be between 0 and 999999999999999 minor units")
	}
	if !money.Currency(p.Currency).Valid() {
		add("currency", "must be an active ISO 4217 currency code")
	}
	if !p.VATRate.Valid() {
		add("vat_rate", "must be between 0 and 10000 basis points")
	}
	if err := upsert.CheckOptional("external_id", p.ExternalID); err != nil {
		e, _ := errs.As(err)
		fe = append(fe, e.Fields...)
	}
	return errs.Fields("invalid product", fe...)
}
