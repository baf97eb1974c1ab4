package sales

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/money"
	"github.com/acme/crm/internal/patch"
)

// Line is a product line of an opportunity: a product (or free text) with a
// quantity, a unit price in the opportunity's currency, a line discount and
// a VAT rate. Name, unit, price and VAT rate are copied from the product when
// the line is made, so later catalogue changes do not alter an offer.
type Line struct {
	ID            uuid.UUID
	OpportunityID uuid.UUID
	ProductID     *uuid.UUID // nil for a free line
	Name          string
	Unit          string
	Description   string
	Quantity      money.Quantity
	UnitPrice     int64 // minor units of the opportunity's currency
	Discount      money.BasisPoints
	VATRate       money.BasisPoints
	Position      int
	Version       int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Money returns the arithmetic part of the line.
func (l Line) Money() money.Line {
	return money.Line{Quantity: l.Quantity, UnitPrice: l.UnitPrice, Discount: l.Discount, VATRate: l.VATRate}
}

// LineSet is an opportunity's lines in order with their totals.
type LineSet struct {
	Lines  []Line
	Totals money.Totals
}

// NewLine is a request to add a line. With a ProductID, nil Name, Unit,
// UnitPrice and VATRate are copied from the product; a free line needs a
// name, a unit price and a VAT rate. A nil Position appends the line.
type NewLine struct {
	ProductID   *uuid.UUID
	Name        *string
	Unit        *string
	Description string
	Quantity    money.Quantity
	UnitPrice   *int64
	Discount    money.BasisPoints
	VATRate     *money.BasisPoints
	Position    *int
}

// LinePatch changes a line; nil fields stay. Naming another product copies
// its name, unit, price and VAT rate unless the patch gives them too;
// clearing ProductID makes a free line that keeps its values.
type LinePatch struct {
	ProductID   patch.Field[uuid.UUID]
	Name        *string
	Unit        *string
	Description *string
	Quantity    *money.Quantity
	UnitPrice   *int64
	Discount    *money.BasisPoints
	VATRate     *money.BasisPoints
	Position    *int
}

// Product is what a line copies from a catalogue product.
type Product struct {
	ID        uuid.UUID
	Name      string
	Unit      string
	UnitPrice int64
	Currency  string
	VATRate   money.BasisPoints
	Active    bool
}

// Catalog finds the products lines are made from, in the context's
// workspace: another workspace's product is errs.NotFound.
type Catalog interface {
	Product(ctx context.Context, id uuid.UUID) (Product, error)
}

// copyProduct fills the line's unset fields from the product, checking that
// the product can be sold on this opportunity.
func (s *Service) copyProduct(ctx context.Context, o Opportunity, id uuid.UUID, l *Line, keep LinePatch) error {
	p, err := s.catalog.Product(ctx, id)
	if errs.Is(err, errs.NotFound) {
		return errs.Field("product_id", "no such product")
	}
	if err != nil {
		return err
	}
	if !p.Active {
		return errs.Field("product_id", "the product is inactive: reactivate it or choose another")
	}
	if p.Currency != o.Currency {
		return errs.Field("product_id", "the product is priced in "+p.Currency+" but the opportunity is in "+
			o.Currency+"; prices are not converted: use a product in "+o.Currency+" or a free line")
	}
	l.ProductID = &p.ID
	if keep.Name == nil {
		l.Name = p.Name
	}
	if keep.Unit == nil {
		l.Unit = p.Unit
	}
	if keep.UnitPrice == nil {
		l.UnitPrice = p.UnitPrice
	}
	if keep.VATRate == nil {
		l.VATRate = p.VATRate
	}
	return nil
}

// applyText copies the patch's scalar fields onto l.
func (p LinePatch) apply(l *Line) {
	if p.Name != nil {
		l.Name = strings.TrimSpace(*p.Name)
	}
	if p.Unit != nil {
		l.Unit = strings.TrimSpace(*p.Unit)
	}
	if p.Description != nil {
		l.Description = *p.Description
	}
	if p.Quantity != nil {
		l.Quantity = *p.Quantity
	}
	if p.UnitPrice != nil {
		l.UnitPrice = *p.UnitPrice
	}
	if p.Discount != nil {
		l.Discount = *p.Discount
	}
	if p.VATRate != nil {
		l.VATRate = *p.VATRate
	}
	if p.Position != nil {
		l.Position = *p.Position
	}
}

// The longest texts of a line, in characters.
const (
	MaxLineNameLen        = 200
	MaxLineUnitLen        = 20
	MaxLineDescriptionLen = 5000
)

// validate lists every invalid field of l by its JSON name.
func (l Line) validate() error {
	var fe []errs.FieldError
	if n := utf8.RuneCountInString(l.Name); n == 0 || n > MaxLineNameLen {
		fe = append(fe, errs.FieldError{Field: "name", Message: fmt.Sprintf("must be between 1 and %d characters", MaxLineNameLen)})
	}
	if utf8.RuneCountInString(l.Unit) > MaxLineUnitLen {
		fe = append(fe, errs.FieldError{Field: "unit", Message: fmt.Sprintf("must be at most %d characters", MaxLineUnitLen)})
	}
	if utf8.RuneCountInString(l.Description) > MaxLineDescriptionLen {
		fe = append(fe, errs.FieldError{Field: "description", Message: fmt.Sprintf("must be at most %d characters", MaxLineDescriptionLen)})
	}
	if l.Position < 0 {
		fe = append(fe, errs.FieldError{Field: "position", Message: "must be at least 0"})
	}
	if e, ok := errs.As(l.Money().Validate()); ok {
		fe = append(fe, e.Fields...)
	}
	return errs.Fields("invalid product line", fe...)
}

// ComputeTotals returns the totals of lines on an opportunity with the
// offer discount, in its currency.
func ComputeTotals(lines []Line, offerDiscount money.BasisPoints, currency string) (money.Totals, error) {
	ml := make([]money.Line, len(lines))
	for i, l := range lines {
		ml[i] = l.Money()
	}
	return money.Compute(ml, offerDiscount, money.Currency(currency))
}
