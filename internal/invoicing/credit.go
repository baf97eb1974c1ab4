package invoicing

import (
	"fmt"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/money"
)

// CreditedLine is how much of one invoice line earlier credit notes took:
// quantity in thousandths and net as a positive amount.
type CreditedLine struct {
	Quantity int64
	Net      int64
}

// CreditedLines maps invoice line ids to what is credited of them.
type CreditedLines map[uuid.UUID]CreditedLine

// Creditable answers an errs.Conflict error unless inv may be credited: an
// issued invoice that is not credited in full already.
func Creditable(inv Invoice) error {
	switch {
	case inv.Kind != KindInvoice:
		return errs.Conflictf("a credit note is not credited: credit the invoice it credits")
	case inv.Status == StatusDraft:
		return errs.Conflictf("invoice is a draft: delete it instead of crediting it")
	case inv.Status == StatusCredited:
		return errs.Conflictf("invoice %s is credited in full already", inv.Number)
	}
	return nil
}

// PickCredit returns the lines of a credit note of inv: the requested
// quantities of its lines or, with no request, everything not credited
// yet. A line whose last part is credited takes what remains of its net
// (returned in overrides by position), so that an invoice credited in any
// number of notes has its line nets back at exactly zero. Crediting more
// than was invoiced is an errs.Invalid error on "lines.<i>.quantity"; an
// unknown or repeated line is one on "lines.<i>.line_id".
func PickCredit(inv Invoice, credited CreditedLines, req []LineRequest) ([]Line, map[int]int64, error) {
	byID := make(map[uuid.UUID]Line, len(inv.Lines))
	for _, l := range inv.Lines {
		byID[l.ID] = l
	}
	if len(req) == 0 {
		for _, l := range inv.Lines {
			if left := l.Quantity.Thousandths() - credited[l.ID].Quantity; left > 0 {
				q, _ := money.QuantityFromThousandths(left)
				req = append(req, LineRequest{LineID: l.ID, Quantity: &q})
			}
		}
	}
	var fe []errs.FieldError
	seen := map[uuid.UUID]bool{}
	out := make([]Line, 0, len(req))
	overrides := map[int]int64{}
	for i, r := range req {
		f := func(name, msg string) {
			fe = append(fe, errs.FieldError{Field: fmt.Sprintf("lines.%d.%s", i, name), Message: msg})
		}
		l, ok := byID[r.LineID]
		if !ok || seen[r.LineID] {
			f("line_id", "must name a line of the invoice, once")
			continue
		}
		seen[r.LineID] = true
		invoiced, done := l.Quantity.Thousandths(), credited[l.ID]
		qty := invoiced - done.Quantity
		if r.Quantity != nil {
			qty = r.Quantity.Thousandths()
		}
		if qty <= 0 || done.Quantity+qty > invoiced {
			f("quantity", fmt.Sprintf("crediting more than was invoiced: %s invoiced, %s credited already",
				thousandths(invoiced), thousandths(done.Quantity)))
			continue
		}
		q, _ := money.QuantityFromThousandths(qty)
		id := l.ID
		if done.Quantity+qty == invoiced {
			overrides[len(out)] = abs(l.Net) - done.Net
		}
		out = append(out, Line{ID: newID(), SourceLineID: l.SourceLineID, CreditedLineID: &id, ProductID: l.ProductID,
			Code: l.Code, Name: l.Name, Description: l.Description, Unit: l.Unit, Quantity: q, UnitPrice: l.UnitPrice,
			Discount: l.Discount, VATRate: l.VATRate})
	}
	if err := errs.Fields("invalid credit note lines", fe...); err != nil {
		return nil, nil, err
	}
	if len(out) == 0 {
		return nil, nil, errs.Field("lines", "nothing is left to credit on this invoice")
	}
	return out, overrides, nil
}

// FullyCredited reports whether every line of inv is credited in full once
// the lines of a new credit note are added to credited.
func FullyCredited(inv Invoice, credited CreditedLines, note []Line) bool {
	add := map[uuid.UUID]int64{}
	for _, l := range note {
		if l.CreditedLineID != nil {
			add[*l.CreditedLineID] += l.Quantity.Thousandths()
		}
	}
	for _, l := range inv.Lines {
		if credited[l.ID].Quantity+add[l.ID] < l.Quantity.Thousandths() {
			return false
		}
	}
	return true
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
