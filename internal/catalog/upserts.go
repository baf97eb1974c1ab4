package catalog

import (
	"context"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/upsert"
)

// Item is one item of a batch of products: a create, or with ExternalID a
// create-or-update by it (New for the create, Patch for the update).
type Item struct {
	ExternalID *string
	New        NewProduct
	Patch      Patch
}

// UpsertProduct creates the product with the external id from in, or, when
// one has it, applies p to it (the fields p names; the rest stay), and
// reports whether it created it (admins). ifVersion as in UpdateProduct;
// when set and no product has the external id, errs.PreconditionFailed.
// Concurrent calls with one new external id create one product.
func (s *Service) UpsertProduct(ctx context.Context, externalID string, in NewProduct, p Patch, ifVersion *int64) (Product, bool, error) {
	if err := identity.RequireAdmin(ctx); err != nil {
		return Product{}, false, err
	}
	if err := upsert.CheckExternalID("external_id", externalID); err != nil {
		return Product{}, false, err
	}
	in.ExternalID, p.ExternalID = &externalID, nil
	return upsert.Do(ctx, s.store, upsert.Ops[Product]{
		Find: func(ctx context.Context) (Product, bool, error) {
			cur, err := s.store.ProductByExternalID(ctx, externalID)
			if errs.Is(err, errs.NotFound) {
				if ifVersion != nil {
					return cur, false, errs.New(errs.PreconditionFailed, "no product has this external_id, so none can match If-Match")
				}
				return cur, false, nil
			}
			return cur, err == nil, err
		},
		Create: func(ctx context.Context) (Product, error) { return s.CreateProduct(ctx, in) },
		Update: func(ctx context.Context, cur Product) (Product, error) {
			return s.UpdateProduct(ctx, cur.ID, p, ifVersion)
		},
	})
}

// BatchProducts writes every item or none (upsert.Batch; admins).
func (s *Service) BatchProducts(ctx context.Context, items []Item) ([]upsert.Result[Product], error) {
	if err := identity.RequireAdmin(ctx); err != nil {
		return nil, err
	}
	return upsert.Batch(ctx, s.store, len(items), func(ctx context.Context, i int) (Product, bool, error) {
		it := items[i]
		if it.ExternalID != nil {
			return s.UpsertProduct(ctx, *it.ExternalID, it.New, it.Patch, nil)
		}
		p, err := s.CreateProduct(ctx, it.New)
		return p, err == nil, err
	})
}

// ProductByExternalID answers the product with the external id;
// errs.NotFound when none has it.
func (s *Service) ProductByExternalID(ctx context.Context, externalID string) (Product, error) {
	return s.store.ProductByExternalID(ctx, externalID)
}
