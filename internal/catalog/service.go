package catalog

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/page"
	"github.com/acme/crm/internal/upsert"
)

// Store persists products, scoped to the context's workspace: another
// workspace's product is errs.NotFound, like a missing one. Methods use the
// transaction in the context when there is one.
type Store interface {
	WithTx(ctx context.Context, fn func(ctx context.Context) error) error
	// ListProducts pages through products; with f.Query the page is in
	// type-ahead order (Rank, then code or name).
	ListProducts(ctx context.Context, f Filter, req page.Request) (page.Page[Product], error)
	Product(ctx context.Context, id uuid.UUID) (Product, error)
	// ProductsByID reads the products of ids in one query, in no particular
	// order: missing ids are skipped.
	ProductsByID(ctx context.Context, ids []uuid.UUID) ([]Product, error)
	// LockProduct reads a product FOR UPDATE.
	LockProduct(ctx context.Context, id uuid.UUID) (Product, error)
	// CreateProduct returns errs.Conflict when the code is taken.
	CreateProduct(ctx context.Context, p Product) error
	// SaveProduct writes every mutable column and bumps the version;
	// errs.Conflict when the code is taken.
	SaveProduct(ctx context.Context, p Product) error
	// DeleteProduct returns errs.Conflict while lines use the product.
	DeleteProduct(ctx context.Context, id uuid.UUID, ifVersion *int64) error
	// Savepoint runs fn in a savepoint of the transaction in ctx (upsert.Tx).
	Savepoint(ctx context.Context, fn func(ctx context.Context) error) error
	// ProductByExternalID reads the product with the external id FOR
	// UPDATE, or errs.NotFound. A second product with the same external id
	// is errs.Conflict naming external_id.
	ProductByExternalID(ctx context.Context, externalID string) (Product, error)
}

// Workspaces tells the catalogue the workspace's default currency.
type Workspaces interface {
	Workspace(ctx context.Context) (identity.Workspace, error)
}

// Service implements the catalogue: everyone reads, admins write.
type Service struct {
	store      Store
	workspaces Workspaces
	now        func() time.Time
}

// NewService returns the catalogue service; now may be nil.
func NewService(store Store, ws Workspaces, now func() time.Time) *Service {
	if now == nil {
		now = func() time.Time { return time.Now().UTC() }
	}
	return &Service{store: store, workspaces: ws, now: now}
}

// Products lists products matching f. A query is trimmed and at most
// MaxQueryLen characters (errs.Invalid on "q").
func (s *Service) Products(ctx context.Context, f Filter, req page.Request) (page.Page[Product], error) {
	q, err := CheckQuery(f.Query)
	if err != nil {
		return page.Page[Product]{}, err
	}
	f.Query = q
	if f.ExternalID != "" && f.Query != "" {
		return page.Page[Product]{}, errs.Field("external_id", "cannot be combined with q")
	}
	return s.store.ListProducts(ctx, f, req)
}

// Product returns one product (errs.NotFound when missing).
func (s *Service) Product(ctx context.Context, id uuid.UUID) (Product, error) {
	return s.store.Product(ctx, id)
}

// ProductsByID returns the products of ids, each as Product returns it, in
// no particular order; missing ids are skipped.
func (s *Service) ProductsByID(ctx context.Context, ids []uuid.UUID) ([]Product, error) {
	return s.store.ProductsByID(ctx, ids)
}

// CreateProduct adds a product (admins: errs.Forbidden otherwise). Invalid
// fields are errs.Invalid; a code already in use, ignoring case, is
// errs.Conflict.
func (s *Service) CreateProduct(ctx context.Context, in NewProduct) (Product, error) {
	if err := identity.RequireAdmin(ctx); err != nil {
		return Product{}, err
	}
	now := s.now()
	p := Product{ID: uuid.Must(uuid.NewV7()), Code: strings.TrimSpace(in.Code), Name: strings.TrimSpace(in.Name),
		Description: in.Description, Unit: strings.TrimSpace(in.Unit), UnitPrice: in.UnitPrice,
		Currency: strings.ToUpper(strings.TrimSpace(in.Currency)), VATRate: in.VATRate,
		Active: in.Active == nil || *in.Active, ExternalID: in.ExternalID, Version: 1, CreatedAt: now, UpdatedAt: now}
	if p.Unit == "" {
		p.Unit = DefaultUnit
	}
	if p.Currency == "" {
		ws, err := s.workspaces.Workspace(ctx)
		if err != nil {
			return Product{}, err
		}
		p.Currency = ws.DefaultCurrency
	}
	if err := p.Validate(); err != nil {
		return Product{}, err
	}
	if err := s.store.CreateProduct(ctx, p); err != nil {
		return Product{}, codeConflict(err)
	}
	return p, nil
}

// UpdateProduct changes a product (admins). ifVersion, when given, must be
// the current version (errs.PreconditionFailed otherwise). Lines already
// made from the product keep their copied name, unit, price and VAT rate.
func (s *Service) UpdateProduct(ctx context.Context, id uuid.UUID, patch Patch, ifVersion *int64) (Product, error) {
	if err := identity.RequireAdmin(ctx); err != nil {
		return Product{}, err
	}
	var out Product
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		p, err := s.store.LockProduct(ctx, id)
		if err != nil {
			return err
		}
		if ifVersion != nil && *ifVersion != p.Version {
			return errs.New(errs.PreconditionFailed, "the product was changed by someone else (now version %d): reload and retry", p.Version)
		}
		patch.apply(&p)
		if err := p.Validate(); err != nil {
			return err
		}
		p.UpdatedAt = s.now()
		if err := s.store.SaveProduct(ctx, p); err != nil {
			return codeConflict(err)
		}
		out, err = s.store.Product(ctx, id)
		return err
	})
	return out, err
}

// DeleteProduct removes a product (admins). A product that opportunity
// lines use cannot be deleted (errs.Conflict): deactivate it instead, which
// keeps the lines and hides it from the type-ahead.
func (s *Service) DeleteProduct(ctx context.Context, id uuid.UUID, ifVersion *int64) error {
	if err := identity.RequireAdmin(ctx); err != nil {
		return err
	}
	err := s.store.DeleteProduct(ctx, id, ifVersion)
	if errs.Is(err, errs.Conflict) {
		return errs.Wrap(err, errs.Conflict, "product lines use this product: deactivate it (active: false) instead of deleting it")
	}
	return err
}

func codeConflict(err error) error {
	if errs.Is(err, errs.Conflict) && !upsert.Taken(err) {
		return errs.Wrap(err, errs.Conflict, "a product with this code already exists")
	}
	return err
}
