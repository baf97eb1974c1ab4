package invoicing

import (
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/money"
)

// Basis is what was sold and may be invoiced: the opportunity's lines, or
// its signed quote's frozen lines, with the currency and offer discount
// that go with them.
type Basis struct {
	Source        Source
	QuoteID       *uuid.UUID
	TemplateID    *uuid.UUID
	Language      string
	Currency      money.Currency
	OfferDiscount money.BasisPoints
	Lines         []BasisLine
}

// BasisLine is one sold line.
type BasisLine struct {
	ID          uuid.UUID
	ProductID   *uuid.UUID
	Code        string
	Name        string
	Description string
	Unit        string
	Quantity    money.Quantity
	UnitPrice   int64
	Discount    money.BasisPoints
	VATRate     money.BasisPoints
}

// LineRequest asks to invoice (or credit) a quantity of one line; a nil
// Quantity takes what remains of it.
type LineRequest struct {
	LineID   uuid.UUID
	Quantity *money.Quantity
}

// Invoiced is how much of each sold line is invoiced already, in
// thousandths of a unit: drafts and issued invoices count, credit notes
// take their quantities off again.
type Invoiced map[uuid.UUID]int64

// PickLines returns the lines of a draft: the requested quantities of the
// basis' lines in the basis' order or, with no request, what remains
// uninvoiced of every line. Invoicing more of a line than was sold is an
// errs.Invalid error on "lines.<i>.quantity" naming the rule unless
// allowOver; an unknown or repeated line_id is one on "lines.<i>.line_id";
// nothing left to invoice is one on "lines".
func PickLines(b Basis, invoiced Invoiced, req []LineRequest, allowOver bool) ([]Line, error) {
	byID := make(map[uuid.UUID]BasisLine, len(b.Lines))
	for _, l := range b.Lines {
		byID[l.ID] = l
	}
	if len(req) == 0 {
		for _, l := range b.Lines {
			if left := l.Quantity.Thousandths() - invoiced[l.ID]; left > 0 {
				q, _ := money.QuantityFromThousandths(left)
				req = append(req, LineRequest{LineID: l.ID, Quantity: &q})
			}
		}
		if len(req) == 0 {
			return nil, errs.Field("lines", "everything sold on this opportunity is invoiced already")
		}
	}
	var fe []errs.FieldError
	seen := map[uuid.UUID]bool{}
	out := make([]Line, 0, len(req))
	for i, r := range req {
		f := func(name, msg string) {
			fe = append(fe, errs.FieldError{Field: fmt.Sprintf("lines.%d.%s", i, name), Message: msg})
		}
		l, ok := byID[r.LineID]
		switch {
		case !ok:
			f("line_id", fmt.Sprintf("no such line in the opportunity's %s", basisName(b.Source)))
			continue
		case seen[r.LineID]:
			f("line_id", "names a line twice")
			continue
		}
		seen[r.LineID] = true
		sold, done := l.Quantity.Thousandths(), invoiced[l.ID]
		qty := sold - done
		if r.Quantity != nil {
			qty = r.Quantity.Thousandths()
		}
		if qty <= 0 {
			f("quantity", "the line is invoiced in full already")
			continue
		}
		if !allowOver && done+qty > sold {
			f("quantity", fmt.Sprintf("over-invoicing: %s sold, %s invoiced already, %s more asked; "+
				"set allow_over to invoice more than was sold", thousandths(sold), thousandths(done), thousandths(qty)))
			continue
		}
		q, err := money.QuantityFromThousandths(qty)
		if err != nil {
			f("quantity", err.Error())
			continue
		}
		out = append(out, Line{ID: newID(), SourceLineID: l.ID, ProductID: l.ProductID, Code: l.Code, Name: l.Name,
			Description: l.Description, Unit: l.Unit, Quantity: q, UnitPrice: l.UnitPrice, Discount: l.Discount,
			VATRate: l.VATRate})
	}
	if err := errs.Fields("invalid invoice lines", fe...); err != nil {
		return nil, err
	}
	return out, nil
}

func basisName(s Source) string {
	if s == SourceQuote {
		return "signed quote"
	}
	return "product lines"
}

// thousandths writes n/1000 as a plain decimal.
func thousandths(n int64) string {
	if q, err := money.QuantityFromThousandths(n); err == nil {
		return q.String()
	}
	return "0"
}

// Compute numbers lines 1..n and fills their nets and the totals, with the
// sign of kind: a credit note's amounts are negative. overrides gives the
// (positive) net of some lines instead of quantity × price (a credit note's
// last part of a line takes what remains of it). Invalid amounts answer
// errs.Invalid.
func Compute(kind Kind, lines []Line, offerDiscount money.BasisPoints, c money.Currency, overrides map[int]int64) (Totals, error) {
	nets := make([]int64, len(lines))
	rates := make([]money.BasisPoints, len(lines))
	var fe []errs.FieldError
	for i := range lines {
		l := &lines[i]
		l.Position = i + 1
		if strings.TrimSpace(l.Name) == "" {
			fe = append(fe, errs.FieldError{Field: fmt.Sprintf("lines.%d.name", i), Message: "must not be empty"})
		}
		net, err := money.LineNet(money.Line{Quantity: l.Quantity, UnitPrice: l.UnitPrice, Discount: l.Discount, VATRate: l.VATRate})
		if err != nil {
			if e, ok := errs.As(err); ok {
				for _, f := range e.Fields {
					fe = append(fe, errs.FieldError{Field: fmt.Sprintf("lines.%d.%s", i, f.Field), Message: f.Message})
				}
				if len(e.Fields) == 0 {
					fe = append(fe, errs.FieldError{Field: fmt.Sprintf("lines.%d", i), Message: e.Error()})
				}
				continue
			}
			return Totals{}, err
		}
		if o, ok := overrides[i]; ok {
			net = o
		}
		nets[i], rates[i] = net, l.VATRate
	}
	if err := errs.Fields("invalid invoice lines", fe...); err != nil {
		return Totals{}, err
	}
	t, err := money.FromNets(nets, rates, offerDiscount, c)
	if err != nil {
		return Totals{}, err
	}
	sign := int64(1)
	if kind == KindCreditNote {
		sign = -1
	}
	for i := range lines {
		lines[i].Net = sign * t.LineNets[i]
	}
	out := Totals{Subtotal: sign * t.Subtotal, OfferDiscountAmount: sign * t.OfferDiscountAmount, Net: sign * t.Net,
		VATTotal: sign * t.VATTotal, Total: sign * t.Total, VAT: make([]VATAmount, len(t.VAT))}
	for i, v := range t.VAT {
		out.VAT[i] = VATAmount{Rate: v.Rate, Base: sign * v.Base, Amount: sign * v.Amount}
	}
	return out, nil
}
