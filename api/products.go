package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/catalog"
	"github.com/acme/crm/internal/money"
	"github.com/acme/crm/internal/page"
)

func (s *Server) registerProductRoutes(g routes) {
	g.GET("/products", s.listProducts)
	g.POST("/products", s.createProduct, requireAdmin)
	g.GET("/products/:id", s.getProduct)
	g.PATCH("/products/:id", s.updateProduct, requireAdmin)
	g.DELETE("/products/:id", s.deleteProduct, requireAdmin)
}

// Product is an article or service of the catalogue.
type Product struct {
	ID          uuid.UUID `json:"id"`
	Code        string    `json:"code" example:"CRM-SEAT"`
	Name        string    `json:"name" example:"CRM seat licence"`
	Description string    `json:"description"`
	Unit        string    `json:"unit" example:"month"`
	UnitPrice   int64     `json:"unit_price" example:"29900"`
	Currency    string    `json:"currency" example:"SEK"`
	VATRate     int       `json:"vat_rate" example:"2500"`
	Active      bool      `json:"active"`
	// ExternalID is the record's id in another system (an ERP, a webshop),
	// unique in the workspace; null when none.
	ExternalID *string   `json:"external_id" extensions:"x-nullable" example:"ERP-10042"`
	Version    int64     `json:"version"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
} // @name Product

// ProductList is a page of products.
type ProductList struct {
	Data       []Product `json:"data"`
	NextCursor *string   `json:"next_cursor" extensions:"x-nullable"`
} // @name ProductList

// CreateProductRequest adds a product.
type CreateProductRequest struct {
	Code        string `json:"code" validate:"required,max=50" example:"CRM-SEAT"`
	Name        string `json:"name" validate:"required,max=200" example:"CRM seat licence"`
	Description string `json:"description,omitempty" validate:"max=5000"`
	Unit        string `json:"unit,omitempty" validate:"max=20" example:"month"`
	UnitPrice   int64  `json:"unit_price" validate:"gte=0" example:"29900"`
	Currency    string `json:"currency,omitempty" validate:"omitempty,iso4217" example:"SEK"`
	VATRate     int    `json:"vat_rate" validate:"gte=0,lte=10000" example:"2500"`
	Active      *bool  `json:"active,omitempty"`
	// ExternalID is the record's id in another system, unique in the
	// workspace (409 when another record has it); 1-255 characters.
	ExternalID *string `json:"external_id,omitempty" validate:"omitempty,max=255" example:"ERP-10042"`
} // @name CreateProductRequest

// UpdateProductRequest changes a product; absent fields stay.
type UpdateProductRequest struct {
	Code        *string `json:"code,omitempty" validate:"omitempty,min=1,max=50"`
	Name        *string `json:"name,omitempty" validate:"omitempty,min=1,max=200"`
	Description *string `json:"description,omitempty" validate:"omitempty,max=5000"`
	Unit        *string `json:"unit,omitempty" validate:"omitempty,min=1,max=20"`
	UnitPrice   *int64  `json:"unit_price,omitempty" validate:"omitempty,gte=0"`
	Currency    *string `json:"currency,omitempty" validate:"omitempty,iso4217"`
	VATRate     *int    `json:"vat_rate,omitempty" validate:"omitempty,gte=0,lte=10000"`
	Active      *bool   `json:"active,omitempty"`
	// ExternalID sets the id in another system; null removes it.
	ExternalID OptionalString `json:"external_id" swaggertype:"string" extensions:"x-nullable"`
} // @name UpdateProductRequest

func toProduct(p catalog.Product) Product {
	return Product{ID: p.ID, Code: p.Code, Name: p.Name, Description: p.Description, Unit: p.Unit,
		UnitPrice: p.UnitPrice, Currency: p.Currency, VATRate: int(p.VATRate), Active: p.Active,
		ExternalID: p.ExternalID, Version: p.Version, CreatedAt: utc(p.CreatedAt), UpdatedAt: utc(p.UpdatedAt)}
}

func (r CreateProductRequest) domain() catalog.NewProduct {
	return catalog.NewProduct{Code: r.Code, Name: r.Name, Description: r.Description, Unit: r.Unit,
		UnitPrice: r.UnitPrice, Currency: r.Currency, VATRate: money.BasisPoints(r.VATRate), Active: r.Active,
		ExternalID: r.ExternalID}
}

func (r UpdateProductRequest) domain() catalog.Patch {
	return catalog.Patch{Code: r.Code, Name: r.Name, Description: r.Description, Unit: r.Unit,
		UnitPrice: r.UnitPrice, Currency: r.Currency, VATRate: bpPtr(r.VATRate), Active: r.Active,
		ExternalID: externalIDChange(r.ExternalID)}
}

func bpPtr(v *int) *money.BasisPoints {
	if v == nil {
		return nil
	}
	bp := money.BasisPoints(*v)
	return &bp
}

// listProducts godoc
//
//	@Summary		List or search products
//	@Description	Without q: the catalogue sorted by sort. With q (the type-ahead): products whose code or name starts with q, or where every word of q starts a word of the name, ignoring case, best matches first: exact code, then code prefix (by code), name prefix (by name), word prefix (by name); sort is then rank (the default) or absent. Inactive products are left out unless include_inactive=true or active=false.
//	@Tags			products
//	@ID				listProducts
//	@Produce		json
//	@Security		BearerAuth
//	@Param			q					query		string	false	"Type-ahead: the first letters of the code, the name or any word of it (at most 100 characters)"
//	@Param			active				query		bool	false	"Only active (true) or only inactive (false) products"
//	@Param			include_inactive	query		bool	false	"Include inactive products (default false)"
//	@Param			external_id			query		string	false	"Only the product with this external id, active or not (not with q)"	maxlength(255)
//	@Param			limit				query		int		false	"Page size (1-200, default 50)"
//	@Param			cursor				query		string	false	"next_cursor of the previous page"
//	@Param			sort				query		string	false	"name, code, unit_price, created_at or updated_at; prefix - for descending (with q: rank only)"
//	@Success		200					{object}	ProductList
//	@Failure		422					{object}	Problem
//	@Router			/api/v1/products [get]
func (s *Server) listProducts(c echo.Context) error {
	req, f, err := s.productQuery(c)
	if err != nil {
		return err
	}
	p, err := s.catalog.Products(c.Request().Context(), f, req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ProductList{Data: mapSlice(p.Items, toProduct), NextCursor: s.nextCursor(req, p.Next)})
}

// productQuery reads the product list's page, sort and filters (the list
// and its CSV export take the same).
func (s *Server) productQuery(c echo.Context) (page.Request, catalog.Filter, error) {
	sorts := []string{"name", "code", "unit_price", "created_at", "updated_at"}
	if c.QueryParam("q") != "" {
		sorts = []string{"rank"} // the type-ahead's own order, which its cursors carry
	}
	req, err := s.pageRequest(c, sorts...)
	if err != nil {
		return req, catalog.Filter{}, err
	}
	q := queryParams{c: c}
	ext, err := externalIDQuery(c)
	if err != nil {
		return req, catalog.Filter{}, err
	}
	f := catalog.Filter{Query: c.QueryParam("q"), Active: q.boolPtr("active"), ExternalID: ext}
	if inc := q.boolPtr("include_inactive"); inc != nil {
		f.IncludeInactive = *inc
	}
	return req, f, q.err()
}

func (q *queryParams) boolPtr(name string) *bool {
	v := q.c.QueryParam(name)
	if v == "" {
		return nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		q.fail(name, "must be true or false")
		return nil
	}
	return &b
}

// createProduct godoc
//
//	@Summary		Add a product (admins)
//	@Description	unit defaults to pcs, currency to the workspace's, active to true. Codes are unique per workspace, ignoring case.
//	@Tags			products
//	@ID				createProduct
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		CreateProductRequest	true	"The product"
//	@Success		201		{object}	Product
//	@Failure		403		{object}	Problem	"Not an admin"
//	@Failure		409		{object}	Problem	"Code taken"
//	@Failure		422		{object}	Problem
//	@Router			/api/v1/products [post]
func (s *Server) createProduct(c echo.Context) error {
	var req CreateProductRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	p, err := s.catalog.CreateProduct(c.Request().Context(), req.domain())
	if err != nil {
		return err
	}
	return created(c, "/api/v1/products/"+p.ID.String(), p.Version, toProduct(p))
}

// getProduct godoc
//
//	@Summary	One product
//	@Tags		products
//	@ID			getProduct
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"Product id"	format(uuid)
//	@Success	200	{object}	Product
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/products/{id} [get]
func (s *Server) getProduct(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p, err := s.catalog.Product(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return ok(c, p.Version, toProduct(p))
}

// updateProduct godoc
//
//	@Summary		Change a product (admins)
//	@Description	Lines already made from the product keep their copied name, unit, price and VAT rate.
//	@Tags			products
//	@ID				updateProduct
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path		string					true	"Product id"	format(uuid)
//	@Param			If-Match	header		string					false	"ETag of the version you changed"
//	@Param			body		body		UpdateProductRequest	true	"Fields to change"
//	@Success		200			{object}	Product
//	@Failure		403			{object}	Problem	"Not an admin"
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem	"Code taken"
//	@Failure		412			{object}	Problem	"Changed by someone else"
//	@Failure		422			{object}	Problem
//	@Router			/api/v1/products/{id} [patch]
func (s *Server) updateProduct(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req UpdateProductRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	p, err := s.catalog.UpdateProduct(c.Request().Context(), id, req.domain(), version)
	if err != nil {
		return err
	}
	return ok(c, p.Version, toProduct(p))
}

// deleteProduct godoc
//
//	@Summary		Delete a product (admins)
//	@Description	A product that opportunity lines use cannot be deleted (409): deactivate it instead (active: false), which hides it from the type-ahead and keeps the lines.
//	@Tags			products
//	@ID				deleteProduct
//	@Security		BearerAuth
//	@Param			id			path	string	true	"Product id"	format(uuid)
//	@Param			If-Match	header	string	false	"ETag of the version you deleted"
//	@Success		204
//	@Failure		403	{object}	Problem	"Not an admin"
//	@Failure		404	{object}	Problem
//	@Failure		409	{object}	Problem	"Lines use this product"
//	@Failure		412	{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/products/{id} [delete]
func (s *Server) deleteProduct(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	if err := s.catalog.DeleteProduct(c.Request().Context(), id, version); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
