package quoting

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
)

// withCode gives a line that names a product the product's article number.
// A product that no longer exists is handled by where the line comes from:
// a line copied from the opportunity was valid when it was added, so it
// keeps the product's id and goes without a code; a line the salesperson
// names now (named) must name an existing product, else errs.Invalid on
// lines.<i>.product_id. Lines without a product are left as they are.
func withCode(l SnapshotLine, i int, code string, found, named bool) (SnapshotLine, error) {
	if l.ProductID == uuid.Nil {
		return l, nil
	}
	if !found {
		if named {
			return l, errs.Field(fmt.Sprintf("lines.%d.product_id", i), "no such product")
		}
		l.Code = ""
		return l, nil
	}
	l.Code = code
	return l, nil
}

// withCodes resolves the article numbers of lines through the Products
// port, one look-up per product (see withCode).
func (s *Service) withCodes(ctx context.Context, lines []SnapshotLine, named bool) ([]SnapshotLine, error) {
	type result struct {
		code  string
		found bool
	}
	seen := map[uuid.UUID]result{}
	out := make([]SnapshotLine, len(lines))
	for i, l := range lines {
		r, ok := seen[l.ProductID]
		if !ok && l.ProductID != uuid.Nil {
			code, err := s.products.ProductCode(ctx, l.ProductID)
			if err != nil && !errs.Is(err, errs.NotFound) {
				return nil, err
			}
			r = result{code: code, found: err == nil}
			seen[l.ProductID] = r
		}
		var err error
		if out[i], err = withCode(l, i, r.code, r.found, named); err != nil {
			return nil, err
		}
	}
	return out, nil
}
