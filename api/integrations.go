package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/catalog"
	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/relations"
	"github.com/acme/crm/internal/sales"
	"github.com/acme/crm/internal/upsert"
)

// Upserts by external id and batches for integrations. A PUT or a batch
// item carries the create body: it must be valid as a create, and when a
// record with the external id exists, the fields the body names are changed
// and the others stay (as a PATCH would), like Salesforce's upsert.

func (s *Server) registerIntegrationRoutes(g routes) {
	g.PUT("/organizations/external/:external_id", s.upsertOrganization)
	g.PUT("/persons/external/:external_id", s.upsertPerson)
	g.PUT("/products/external/:external_id", s.upsertProduct, requireAdmin)
	g.PUT("/opportunities/external/:external_id", s.upsertOpportunity)
	g.POST("/organizations/batch", s.batchOrganizations)
	g.POST("/persons/batch", s.batchPersons)
	g.POST("/products/batch", s.batchProducts, requireAdmin)
	g.POST("/opportunities/batch", s.batchOpportunities)
}

// pathExternalID is the {external_id} of the path, percent-decoded (so
// that an id with a slash can be sent as %2F), checked like a body's.
func pathExternalID(c echo.Context) (string, error) {
	v := c.Param("external_id")
	if u, err := url.PathUnescape(v); err == nil {
		v = u
	}
	return v, upsert.CheckExternalID("external_id", v)
}

// decodeUpsert decodes a PUT body strictly as the create request (and
// validates it) and again as the PATCH request, for the update. An
// external_id in the body must be the path's.
func (s *Server) decodeUpsert(c echo.Context, ext string, create, patch any, bodyExt func() *string) error {
	body, err := readJSON(c)
	if err != nil {
		return err
	}
	if err := s.decodeBytes(body, create); err != nil {
		return err
	}
	if err := json.Unmarshal(body, patch); err != nil {
		return jsonError(err)
	}
	if b := bodyExt(); b != nil && *b != ext {
		return errs.Field("external_id", "must be the one in the path, or left out")
	}
	return nil
}

// decodeBatch decodes a batch body strictly as create items and again as
// PATCH items, and checks every item, so that one 422 names every bad field
// of every item as items[i].field.
func decodeBatch[C, P any](s *Server, c echo.Context, ext func(*C) *string) ([]C, []P, error) {
	body, err := readJSON(c)
	if err != nil {
		return nil, nil, err
	}
	var req struct {
		Items []C `json:"items"`
	}
	if err := decodeStrict(body, &req); err != nil {
		return nil, nil, err
	}
	if len(req.Items) < 1 || len(req.Items) > upsert.MaxBatch {
		return nil, nil, errs.Field("items", "must hold from 1 to "+strconv.Itoa(upsert.MaxBatch)+" items")
	}
	var bad []errs.FieldError
	for i := range req.Items {
		for _, err := range []error{s.validate(&req.Items[i]), upsert.CheckOptional("external_id", ext(&req.Items[i]))} {
			if e, ok := errs.As(err); ok {
				for _, f := range e.Fields {
					bad = append(bad, errs.FieldError{Field: itemField(i, f.Field), Message: f.Message})
				}
			}
		}
	}
	if err := errs.Fields("invalid items: nothing was written", bad...); err != nil {
		return nil, nil, err
	}
	var patch struct {
		Items []P `json:"items"`
	}
	if err := json.Unmarshal(body, &patch); err != nil {
		return nil, nil, jsonError(err)
	}
	return req.Items, patch.Items, nil
}

// upserted answers an upsert: 201 with Location when it created the
// record, 200 when it updated it; both with the ETag.
func upserted(c echo.Context, isNew bool, location string, version int64, body any) error {
	if isNew {
		return created(c, location, version, body)
	}
	return ok(c, version, body)
}

// upsertOrganization godoc
//
//	@Summary		Create or update an organization by external id
//	@Description	Creates the organization with this external id (201), or updates the one that has it (200): the fields the body names change, the others stay. The body must be valid as a create; an external_id in it must be the path's. With If-Match, only the version you read is updated (412 otherwise, also when none has the external id). Two concurrent calls for a new external id create one organization, and the second updates it.
//	@Tags			organizations
//	@ID				upsertOrganization
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			external_id	path		string						true	"The organization's id in your system (1-255 characters; percent-encode a slash)"
//	@Param			If-Match	header		string						false	"ETag of the version you changed"
//	@Param			body		body		CreateOrganizationRequest	true	"The organization"
//	@Success		200			{object}	Organization
//	@Success		201			{object}	Organization
//	@Failure		412			{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/organizations/external/{external_id} [put]
func (s *Server) upsertOrganization(c echo.Context) error {
	ext, err := pathExternalID(c)
	if err != nil {
		return err
	}
	var req CreateOrganizationRequest
	var patch UpdateOrganizationRequest
	if err := s.decodeUpsert(c, ext, &req, &patch, func() *string { return req.ExternalID }); err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	o, isNew, err := s.relations.UpsertOrganization(c.Request().Context(), ext, req.domain(), patch.domain(), version)
	if err != nil {
		return err
	}
	return upserted(c, isNew, "/api/v1/organizations/"+o.ID.String(), o.Version, toOrganization(o))
}

// upsertPerson godoc
//
//	@Summary		Create or update a person by external id
//	@Description	As PUT /api/v1/organizations/external/{external_id}, for persons.
//	@Tags			persons
//	@ID				upsertPerson
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			external_id	path		string				true	"The person's id in your system (1-255 characters; percent-encode a slash)"
//	@Param			If-Match	header		string				false	"ETag of the version you changed"
//	@Param			body		body		CreatePersonRequest	true	"The person"
//	@Success		200			{object}	Person
//	@Success		201			{object}	Person
//	@Failure		412			{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/persons/external/{external_id} [put]
func (s *Server) upsertPerson(c echo.Context) error {
	ext, err := pathExternalID(c)
	if err != nil {
		return err
	}
	var req CreatePersonRequest
	var patch UpdatePersonRequest
	if err := s.decodeUpsert(c, ext, &req, &patch, func() *string { return req.ExternalID }); err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	in, err := req.domain()
	if err != nil {
		return err
	}
	p, isNew, err := s.relations.UpsertPerson(c.Request().Context(), ext, in, patch.domain(), version)
	if err != nil {
		return err
	}
	return upserted(c, isNew, "/api/v1/persons/"+p.ID.String(), p.Version, toPerson(p))
}

// upsertProduct godoc
//
//	@Summary		Create or update a product by external id (admins)
//	@Description	As PUT /api/v1/organizations/external/{external_id}, for products. A code used by another product is 409.
//	@Tags			products
//	@ID				upsertProduct
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			external_id	path		string					true	"The product's id in your system (1-255 characters; percent-encode a slash)"
//	@Param			If-Match	header		string					false	"ETag of the version you changed"
//	@Param			body		body		CreateProductRequest	true	"The product"
//	@Success		200			{object}	Product
//	@Success		201			{object}	Product
//	@Failure		403			{object}	Problem	"Not an admin"
//	@Failure		409			{object}	Problem	"Code taken"
//	@Failure		412			{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/products/external/{external_id} [put]
func (s *Server) upsertProduct(c echo.Context) error {
	ext, err := pathExternalID(c)
	if err != nil {
		return err
	}
	var req CreateProductRequest
	var patch UpdateProductRequest
	if err := s.decodeUpsert(c, ext, &req, &patch, func() *string { return req.ExternalID }); err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	p, isNew, err := s.catalog.UpsertProduct(c.Request().Context(), ext, req.domain(), patch.domain(), version)
	if err != nil {
		return err
	}
	return upserted(c, isNew, "/api/v1/products/"+p.ID.String(), p.Version, toProduct(p))
}

// upsertOpportunity godoc
//
//	@Summary		Create or update an opportunity by external id
//	@Description	As PUT /api/v1/organizations/external/{external_id}, for opportunities, under the phase rules of PATCH. A created opportunity gets its follow-up task; a new organization or person in the body is only created with a new opportunity.
//	@Tags			opportunities
//	@ID				upsertOpportunity
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			external_id	path		string						true	"The opportunity's id in your system (1-255 characters; percent-encode a slash)"
//	@Param			If-Match	header		string						false	"ETag of the version you changed"
//	@Param			body		body		CreateOpportunityRequest	true	"The opportunity"
//	@Success		200			{object}	Opportunity
//	@Success		201			{object}	Opportunity
//	@Failure		409			{object}	Problem	"external_id used by another record, or offer_discount of a closed opportunity with lines"
//	@Failure		412			{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/opportunities/external/{external_id} [put]
func (s *Server) upsertOpportunity(c echo.Context) error {
	ext, err := pathExternalID(c)
	if err != nil {
		return err
	}
	var req CreateOpportunityRequest
	var patch UpdateOpportunityRequest
	if err := s.decodeUpsert(c, ext, &req, &patch, func() *string { return req.ExternalID }); err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	o, isNew, err := s.sales.UpsertOpportunity(c.Request().Context(), ext, req.domain(), patch.domain(), version)
	if err != nil {
		return err
	}
	return upserted(c, isNew, "/api/v1/opportunities/"+o.ID.String(), o.Version, toOpportunity(o))
}

// OrganizationBatchRequest writes 1-100 organizations in one transaction.
type OrganizationBatchRequest struct {
	Items []CreateOrganizationRequest `json:"items" validate:"required,min=1,max=100,dive"`
} // @name OrganizationBatchRequest

// PersonBatchRequest writes 1-100 persons in one transaction.
type PersonBatchRequest struct {
	Items []CreatePersonRequest `json:"items" validate:"required,min=1,max=100,dive"`
} // @name PersonBatchRequest

// ProductBatchRequest writes 1-100 products in one transaction.
type ProductBatchRequest struct {
	Items []CreateProductRequest `json:"items" validate:"required,min=1,max=100,dive"`
} // @name ProductBatchRequest

// OpportunityBatchRequest writes 1-100 opportunities in one transaction.
type OpportunityBatchRequest struct {
	Items []CreateOpportunityRequest `json:"items" validate:"required,min=1,max=100,dive"`
} // @name OpportunityBatchRequest

// OrganizationBatchItem is one written item: created (true) or updated by
// its external id (false).
type OrganizationBatchItem struct {
	ID      uuid.UUID    `json:"id"`
	Created bool         `json:"created"`
	Data    Organization `json:"data"`
} // @name OrganizationBatchItem

// OrganizationBatchResult lists the items in the order they were sent.
type OrganizationBatchResult struct {
	Items []OrganizationBatchItem `json:"items"`
} // @name OrganizationBatchResult

// PersonBatchItem is one written item, as OrganizationBatchItem.
type PersonBatchItem struct {
	ID      uuid.UUID `json:"id"`
	Created bool      `json:"created"`
	Data    Person    `json:"data"`
} // @name PersonBatchItem

// PersonBatchResult lists the items in the order they were sent.
type PersonBatchResult struct {
	Items []PersonBatchItem `json:"items"`
} // @name PersonBatchResult

// ProductBatchItem is one written item, as OrganizationBatchItem.
type ProductBatchItem struct {
	ID      uuid.UUID `json:"id"`
	Created bool      `json:"created"`
	Data    Product   `json:"data"`
} // @name ProductBatchItem

// ProductBatchResult lists the items in the order they were sent.
type ProductBatchResult struct {
	Items []ProductBatchItem `json:"items"`
} // @name ProductBatchResult

// OpportunityBatchItem is one written item, as OrganizationBatchItem.
type OpportunityBatchItem struct {
	ID      uuid.UUID   `json:"id"`
	Created bool        `json:"created"`
	Data    Opportunity `json:"data"`
} // @name OpportunityBatchItem

// OpportunityBatchResult lists the items in the order they were sent.
type OpportunityBatchResult struct {
	Items []OpportunityBatchItem `json:"items"`
} // @name OpportunityBatchResult

// batchOrganizations godoc
//
//	@Summary		Create or update up to 100 organizations at once
//	@Description	All or nothing, in one transaction. An item with external_id creates or updates the organization with it (as PUT .../external/{external_id}; a later item with the same external_id updates what an earlier one wrote); an item without creates one. A 422 lists every bad field of every item as items[i].field and writes nothing. The answer lists the items in order with their id and whether each was created. Honours Idempotency-Key.
//	@Tags			organizations
//	@ID				batchOrganizations
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		OrganizationBatchRequest	true	"1-100 organizations"
//	@Success		200		{object}	OrganizationBatchResult
//	@Router			/api/v1/organizations/batch [post]
func (s *Server) batchOrganizations(c echo.Context) error {
	reqs, patches, err := decodeBatch[CreateOrganizationRequest, UpdateOrganizationRequest](s, c, func(r *CreateOrganizationRequest) *string { return r.ExternalID })
	if err != nil {
		return err
	}
	items := make([]relations.OrganizationItem, len(reqs))
	for i, it := range reqs {
		items[i] = relations.OrganizationItem{ExternalID: it.ExternalID, New: it.domain(), Patch: patches[i].domain()}
	}
	res, err := s.relations.BatchOrganizations(c.Request().Context(), items)
	if err != nil {
		return err
	}
	out := OrganizationBatchResult{Items: make([]OrganizationBatchItem, len(res))}
	for i, r := range res {
		out.Items[i] = OrganizationBatchItem{ID: r.Value.ID, Created: r.Created, Data: toOrganization(r.Value)}
	}
	return c.JSON(http.StatusOK, out)
}

// batchPersons godoc
//
//	@Summary		Create or update up to 100 persons at once
//	@Description	As POST /api/v1/organizations/batch, for persons.
//	@Tags			persons
//	@ID				batchPersons
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		PersonBatchRequest	true	"1-100 persons"
//	@Success		200		{object}	PersonBatchResult
//	@Router			/api/v1/persons/batch [post]
func (s *Server) batchPersons(c echo.Context) error {
	reqs, patches, err := decodeBatch[CreatePersonRequest, UpdatePersonRequest](s, c, func(r *CreatePersonRequest) *string { return r.ExternalID })
	if err != nil {
		return err
	}
	items := make([]relations.PersonItem, len(reqs))
	var bad []errs.FieldError
	for i, it := range reqs {
		in, err := it.domain()
		if e, ok := errs.As(err); ok {
			for _, f := range e.Fields {
				bad = append(bad, errs.FieldError{Field: itemField(i, f.Field), Message: f.Message})
			}
		}
		items[i] = relations.PersonItem{ExternalID: it.ExternalID, New: in, Patch: patches[i].domain()}
	}
	if err := errs.Fields("invalid items: nothing was written", bad...); err != nil {
		return err
	}
	res, err := s.relations.BatchPersons(c.Request().Context(), items)
	if err != nil {
		return err
	}
	out := PersonBatchResult{Items: make([]PersonBatchItem, len(res))}
	for i, r := range res {
		out.Items[i] = PersonBatchItem{ID: r.Value.ID, Created: r.Created, Data: toPerson(r.Value)}
	}
	return c.JSON(http.StatusOK, out)
}

// batchProducts godoc
//
//	@Summary		Create or update up to 100 products at once (admins)
//	@Description	As POST /api/v1/organizations/batch, for products. A code used by another product is 409 naming the item, and nothing is written.
//	@Tags			products
//	@ID				batchProducts
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		ProductBatchRequest	true	"1-100 products"
//	@Success		200		{object}	ProductBatchResult
//	@Failure		403		{object}	Problem	"Not an admin"
//	@Router			/api/v1/products/batch [post]
func (s *Server) batchProducts(c echo.Context) error {
	reqs, patches, err := decodeBatch[CreateProductRequest, UpdateProductRequest](s, c, func(r *CreateProductRequest) *string { return r.ExternalID })
	if err != nil {
		return err
	}
	items := make([]catalog.Item, len(reqs))
	for i, it := range reqs {
		items[i] = catalog.Item{ExternalID: it.ExternalID, New: it.domain(), Patch: patches[i].domain()}
	}
	res, err := s.catalog.BatchProducts(c.Request().Context(), items)
	if err != nil {
		return err
	}
	out := ProductBatchResult{Items: make([]ProductBatchItem, len(res))}
	for i, r := range res {
		out.Items[i] = ProductBatchItem{ID: r.Value.ID, Created: r.Created, Data: toProduct(r.Value)}
	}
	return c.JSON(http.StatusOK, out)
}

// batchOpportunities godoc
//
//	@Summary		Create or update up to 100 opportunities at once
//	@Description	As POST /api/v1/organizations/batch, for opportunities, each under the rules of POST (a follow-up task for each created one) or, for an existing external_id, of PATCH.
//	@Tags			opportunities
//	@ID				batchOpportunities
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		OpportunityBatchRequest	true	"1-100 opportunities"
//	@Success		200		{object}	OpportunityBatchResult
//	@Router			/api/v1/opportunities/batch [post]
func (s *Server) batchOpportunities(c echo.Context) error {
	reqs, patches, err := decodeBatch[CreateOpportunityRequest, UpdateOpportunityRequest](s, c, func(r *CreateOpportunityRequest) *string { return r.ExternalID })
	if err != nil {
		return err
	}
	items := make([]sales.OpportunityItem, len(reqs))
	for i, it := range reqs {
		items[i] = sales.OpportunityItem{ExternalID: it.ExternalID, New: it.domain(), Patch: patches[i].domain()}
	}
	res, err := s.sales.BatchOpportunities(c.Request().Context(), items)
	if err != nil {
		return err
	}
	out := OpportunityBatchResult{Items: make([]OpportunityBatchItem, len(res))}
	for i, r := range res {
		out.Items[i] = OpportunityBatchItem{ID: r.Value.ID, Created: r.Created, Data: toOpportunity(r.Value)}
	}
	return c.JSON(http.StatusOK, out)
}

func itemField(i int, field string) string { return "items[" + strconv.Itoa(i) + "]." + field }
