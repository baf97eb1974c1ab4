package app

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"

	"github.com/acme/crm/internal/catalog"
	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/imports"
	"github.com/acme/crm/internal/jobs"
	"github.com/acme/crm/internal/money"
	"github.com/acme/crm/internal/patch"
	"github.com/acme/crm/internal/relations"
	"github.com/acme/crm/internal/sales"
	"github.com/acme/crm/internal/tenant"
)

// runImportArgs is the run_import job: read one stored CSV import.
type runImportArgs struct {
	WorkspaceID uuid.UUID `json:"workspace_id"`
	ImportID    uuid.UUID `json:"import_id"`
}

func (runImportArgs) Kind() string { return "run_import" }

// EnqueueImport implements imports.Queue.
func (t txQueue) EnqueueImport(ctx context.Context, workspaceID, importID uuid.UUID) error {
	return t.enqueue(ctx, runImportArgs{WorkspaceID: workspaceID, ImportID: importID}, &river.InsertOpts{MaxAttempts: 3})
}

// registerImports runs imports as the user who started them.
func registerImports(q *jobs.Queue, svc *imports.Service, ids *identity.Service) {
	jobs.Register(q, func(ctx context.Context, a runImportArgs, _ jobs.Attempt) error {
		ctx = tenant.With(ctx, a.WorkspaceID)
		im, err := svc.Import(ctx, a.ImportID)
		if err != nil {
			return err
		}
		u, err := ids.User(ctx, im.CreatedBy)
		if err != nil {
			return err
		}
		ctx = identity.WithPrincipal(ctx, identity.Principal{WorkspaceID: a.WorkspaceID, ID: u.ID, UserID: u.ID, Role: u.Role})
		return svc.Run(ctx, a.ImportID)
	})
}

// importWriter writes import rows through the domain services; it maps
// columns to the services' inputs and sends only the fields that differ
// from the record a row names, so that a re-run changes nothing.
type importWriter struct {
	rels     *relations.Service
	sales    *sales.Service
	products *catalog.Service
}

// WriteRow implements imports.Writer.
func (w importWriter) WriteRow(ctx context.Context, r imports.Resource, row imports.Row) (imports.Outcome, error) {
	switch r {
	case imports.Organizations:
		return w.organization(ctx, row)
	case imports.Persons:
		return w.person(ctx, row)
	case imports.Opportunities:
		return w.opportunity(ctx, row)
	case imports.Products:
		return w.product(ctx, row)
	}
	return 0, errs.Field("resource", "unknown")
}

// rowID reads the row's id column; ok is false when it has none.
func rowID(row imports.Row) (uuid.UUID, bool, error) {
	v, ok := row["id"]
	if !ok {
		return uuid.Nil, false, nil
	}
	id, err := uuid.Parse(v)
	if err != nil {
		return uuid.Nil, false, errs.Field("id", "must be a UUID of a record of this workspace, or empty to create one")
	}
	return id, true, nil
}

func notFoundByID(err error) error {
	if errs.Is(err, errs.NotFound) {
		return errs.Field("id", "no such record in this workspace")
	}
	return err
}

// found turns a look-up's NotFound into ok == false.
func found[T any](v T, err error) (T, bool, error) {
	if errs.Is(err, errs.NotFound) {
		return v, false, nil
	}
	return v, err == nil, err
}

// optional is the row's value of f, or nil when the row has none.
func optional(row imports.Row, f string) *string {
	if v, ok := row[f]; ok {
		return &v
	}
	return nil
}

// differ sets *dst to the row's value of f when the row has one that is
// not cur, and counts it.
func differ(row imports.Row, f, cur string, dst **string, n *int) {
	if v, ok := row[f]; ok && v != cur {
		*dst = &v
		*n++
	}
}

// existing finds a row's record: by id (a missing one is the row's error on
// id), else by external id; ok is false for a new record.
func existing[T any](ctx context.Context, row imports.Row, byID func(context.Context, uuid.UUID) (T, error),
	byExternalID func(context.Context, string) (T, error)) (cur T, ok bool, err error) {
	id, hasID, err := rowID(row)
	switch {
	case err != nil:
		return cur, false, err
	case hasID:
		if cur, err = byID(ctx, id); err != nil {
			return cur, false, notFoundByID(err)
		}
		return cur, true, nil
	case row["external_id"] != "":
		return found(byExternalID(ctx, row["external_id"]))
	}
	return cur, false, nil
}

func (w importWriter) organization(ctx context.Context, row imports.Row) (imports.Outcome, error) {
	cur, found, err := existing(ctx, row, w.rels.Organization, w.rels.OrganizationByExternalID)
	if err != nil {
		return 0, err
	}
	if !found {
		_, err := w.rels.CreateOrganization(ctx, relations.NewOrganization{Name: row["name"], RegistrationNumber: row["registration_number"],
			VATNumber: row["vat_number"], Email: row["email"], Phone: row["phone"], Website: row["website"],
			Address:    relations.Address{Street: row["street"], PostalCode: row["postal_code"], City: row["city"], Country: row["country"]},
			ExternalID: optional(row, "external_id")})
		return imports.Created, err
	}
	var p relations.OrganizationPatch
	n := 0
	differ(row, "name", cur.Name, &p.Name, &n)
	differ(row, "registration_number", cur.RegistrationNumber, &p.RegistrationNumber, &n)
	differ(row, "vat_number", cur.VATNumber, &p.VATNumber, &n)
	differ(row, "email", cur.Email, &p.Email, &n)
	differ(row, "phone", cur.Phone, &p.Phone, &n)
	differ(row, "website", cur.Website, &p.Website, &n)
	differ(row, "street", cur.Address.Street, &p.Street, &n)
	differ(row, "postal_code", cur.Address.PostalCode, &p.PostalCode, &n)
	differ(row, "city", cur.Address.City, &p.City, &n)
	differ(row, "country", cur.Address.Country, &p.Country, &n)
	if n == 0 {
		return imports.Unchanged, nil
	}
	_, err = w.rels.UpdateOrganization(ctx, cur.ID, p, nil)
	return imports.Updated, err
}

// rowOrganization is the organization a row names by organization_id, or
// else by name (found or created); nil when it names none.
func (w importWriter) rowOrganization(ctx context.Context, row imports.Row) (*uuid.UUID, error) {
	if v, ok := row["organization_id"]; ok {
		id, err := uuid.Parse(v)
		if err != nil {
			return nil, errs.Field("organization_id", "must be a UUID")
		}
		return &id, nil
	}
	name, ok := row["organization"]
	if !ok {
		return nil, nil
	}
	id, err := w.organizationNamed(ctx, name)
	return &id, err
}

// organizationNamed finds the workspace's organization of that name (case
// ignored; the oldest when several) or creates it.
func (w importWriter) organizationNamed(ctx context.Context, name string) (uuid.UUID, error) {
	o, err := w.rels.OrganizationNamed(ctx, name)
	if err == nil {
		return o.ID, nil
	}
	if !errs.Is(err, errs.NotFound) {
		return uuid.Nil, err
	}
	o, err = w.rels.CreateOrganization(ctx, relations.NewOrganization{Name: name})
	if e, ok := errs.As(err); ok && len(e.Fields) > 0 {
		return uuid.Nil, errs.Field("organization", e.Fields[0].Message)
	}
	return o.ID, err
}

func (w importWriter) person(ctx context.Context, row imports.Row) (imports.Outcome, error) {
	cur, isFound, err := existing(ctx, row, w.rels.Person, w.rels.PersonByExternalID)
	if err != nil {
		return 0, err
	}
	orgID, err := w.rowOrganization(ctx, row)
	if err != nil {
		return 0, err
	}
	if !isFound {
		_, err := w.rels.CreatePerson(ctx, relations.NewPerson{FirstName: row["first_name"], LastName: row["last_name"],
			Email: row["email"], Phone: row["phone"], JobTitle: row["job_title"], OrganizationID: orgID,
			ExternalID: optional(row, "external_id")})
		return imports.Created, err
	}
	var p relations.PersonPatch
	n := 0
	differ(row, "first_name", cur.FirstName, &p.FirstName, &n)
	differ(row, "last_name", cur.LastName, &p.LastName, &n)
	differ(row, "email", cur.Email, &p.Email, &n)
	differ(row, "phone", cur.Phone, &p.Phone, &n)
	differ(row, "job_title", cur.JobTitle, &p.JobTitle, &n)
	if orgID != nil && (cur.OrganizationID == nil || *cur.OrganizationID != *orgID) {
		p.OrganizationID = orgID
		n++
	}
	if n == 0 {
		return imports.Unchanged, nil
	}
	_, err = w.rels.UpdatePerson(ctx, cur.ID, p, nil)
	return imports.Updated, err
}

// opportunityFields reads the typed columns of an opportunity row.
func opportunityFields(row imports.Row) (amount *int64, date *time.Time, err error) {
	if v, ok := row["estimated_amount"]; ok {
		a, err := imports.ParseAmount("estimated_amount", v)
		if err != nil {
			return nil, nil, err
		}
		amount = &a
	}
	if v, ok := row["expected_order_date"]; ok {
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return nil, nil, errs.Field("expected_order_date", "must be a date as YYYY-MM-DD")
		}
		date = &d
	}
	return amount, date, nil
}

func (w importWriter) opportunity(ctx context.Context, row imports.Row) (imports.Outcome, error) {
	cur, isFound, err := existing(ctx, row, w.sales.Opportunity, w.sales.OpportunityByExternalID)
	if err != nil {
		return 0, err
	}
	amount, date, err := opportunityFields(row)
	if err != nil {
		return 0, err
	}
	orgID, err := w.rowOrganization(ctx, row)
	if err != nil {
		return 0, err
	}
	if !isFound {
		in := sales.NewOpportunity{Title: row["title"], OrganizationID: orgID, Currency: row["currency"],
			ExpectedOrderDate: date, Description: row["description"], ExternalID: optional(row, "external_id")}
		if amount != nil {
			in.EstimatedAmount = *amount
		}
		_, err := w.sales.CreateOpportunity(ctx, in)
		return imports.Created, err
	}
	var p sales.OpportunityPatch
	n := 0
	differ(row, "title", cur.Title, &p.Title, &n)
	differ(row, "currency", cur.Currency, &p.Currency, &n)
	differ(row, "description", cur.Description, &p.Description, &n)
	if amount != nil && *amount != cur.EstimatedAmount {
		p.EstimatedAmount = amount
		n++
	}
	if date != nil && (cur.ExpectedOrderDate == nil || !cur.ExpectedOrderDate.Equal(*date)) {
		p.ExpectedOrderDate = patch.Field[time.Time]{Set: true, Value: date}
		n++
	}
	if orgID != nil && (cur.OrganizationID == nil || *cur.OrganizationID != *orgID) {
		p.OrganizationID = patch.Field[uuid.UUID]{Set: true, Value: orgID}
		n++
	}
	if n == 0 {
		return imports.Unchanged, nil
	}
	_, err = w.sales.UpdateOpportunity(ctx, cur.ID, p, nil)
	return imports.Updated, err
}

// productFields reads the typed columns of a product row: unit_price in
// major units, vat_rate in percent (both with up to two decimals), active
// as true/false (or yes/no, ja/nej, 1/0).
func productFields(row imports.Row) (price *int64, vat *money.BasisPoints, active *bool, err error) {
	if v, ok := row["unit_price"]; ok {
		p, err := imports.ParseAmount("unit_price", v)
		if err != nil {
			return nil, nil, nil, err
		}
		price = &p
	}
	if v, ok := row["vat_rate"]; ok {
		r, err := imports.ParseAmount("vat_rate", strings.TrimSuffix(v, "%"))
		if err != nil {
			return nil, nil, nil, errs.Field("vat_rate", "must be a percentage such as 25 or 12,5")
		}
		bp := money.BasisPoints(r)
		vat = &bp
	}
	if v, ok := row["active"]; ok {
		var b bool
		switch strings.ToLower(v) {
		case "true", "yes", "ja", "1":
			b = true
		case "false", "no", "nej", "0":
		default:
			return nil, nil, nil, errs.Field("active", "must be true or false")
		}
		active = &b
	}
	return price, vat, active, nil
}

func (w importWriter) product(ctx context.Context, row imports.Row) (imports.Outcome, error) {
	cur, isFound, err := existing(ctx, row, w.products.Product, w.products.ProductByExternalID)
	if err != nil {
		return 0, err
	}
	price, vat, active, err := productFields(row)
	if err != nil {
		return 0, err
	}
	if !isFound {
		in := catalog.NewProduct{Code: row["code"], Name: row["name"], Description: row["description"], Unit: row["unit"],
			Currency: row["currency"], Active: active, ExternalID: optional(row, "external_id")}
		if price != nil {
			in.UnitPrice = *price
		}
		if vat != nil {
			in.VATRate = *vat
		}
		_, err := w.products.CreateProduct(ctx, in)
		return imports.Created, err
	}
	var p catalog.Patch
	n := 0
	differ(row, "code", cur.Code, &p.Code, &n)
	differ(row, "name", cur.Name, &p.Name, &n)
	differ(row, "description", cur.Description, &p.Description, &n)
	differ(row, "unit", cur.Unit, &p.Unit, &n)
	differ(row, "currency", cur.Currency, &p.Currency, &n)
	if price != nil && *price != cur.UnitPrice {
		p.UnitPrice, n = price, n+1
	}
	if vat != nil && *vat != cur.VATRate {
		p.VATRate, n = vat, n+1
	}
	if active != nil && *active != cur.Active {
		p.Active, n = active, n+1
	}
	if n == 0 {
		return imports.Unchanged, nil
	}
	_, err = w.products.UpdateProduct(ctx, cur.ID, p, nil)
	return imports.Updated, err
}
