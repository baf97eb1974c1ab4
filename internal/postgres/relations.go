package postgres

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/page"
	"github.com/acme/crm/internal/relations"
)

// Relations is the relations.Store over PostgreSQL.
type Relations struct{ db *DB }

// NewRelations returns the relations repository.
func NewRelations(db *DB) *Relations { return &Relations{db: db} }

// WithTx implements relations.Store.
func (r *Relations) WithTx(ctx context.Context, fn func(context.Context) error) error {
	return r.db.WithTx(ctx, fn)
}

type organizationRow struct {
	ID                 uuid.UUID `gorm:"primaryKey"`
	WorkspaceID        uuid.UUID
	Name               string
	RegistrationNumber string
	VATNumber          string `gorm:"column:vat_number"`
	Email              string
	Phone              string
	Website            string
	Street             string
	PostalCode         string
	City               string
	Country            string
	PaymentTermsDays   *int
	ExternalID         *string
	Version            int64
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

func (organizationRow) TableName() string { return "organizations" }

func (o organizationRow) domain() relations.Organization {
	return relations.Organization{ID: o.ID, WorkspaceID: o.WorkspaceID, Name: o.Name,
		RegistrationNumber: o.RegistrationNumber, VATNumber: o.VATNumber, Email: o.Email, Phone: o.Phone,
		Website: o.Website, Address: relations.Address{Street: o.Street, PostalCode: o.PostalCode, City: o.City, Country: o.Country},
		PaymentTermsDays: o.PaymentTermsDays, ExternalID: o.ExternalID, Version: o.Version, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
}

type personRow struct {
	ID             uuid.UUID `gorm:"primaryKey"`
	WorkspaceID    uuid.UUID
	FirstName      string
	LastName       string
	Email          string
	Phone          string
	JobTitle       string
	OrganizationID *uuid.UUID
	ExternalID     *string
	Version        int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (personRow) TableName() string { return "persons" }

func (p personRow) domain() relations.Person {
	return relations.Person{ID: p.ID, WorkspaceID: p.WorkspaceID, FirstName: p.FirstName, LastName: p.LastName,
		Email: p.Email, Phone: p.Phone, JobTitle: p.JobTitle, OrganizationID: p.OrganizationID,
		ExternalID: p.ExternalID, Version: p.Version, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

// personName is the SQL of a person's full name as relations.Person.Name
// makes it (both parts are stored trimmed); the migration's indexes are
// built on the same expression, so sorting and searching can use them.
const personName = "btrim(persons.first_name || ' ' || persons.last_name)"

// CreateOrganization implements relations.Store.
func (r *Relations) CreateOrganization(ctx context.Context, o relations.Organization) error {
	a := o.Address
	row := organizationRow{ID: o.ID, WorkspaceID: o.WorkspaceID, Name: o.Name, RegistrationNumber: o.RegistrationNumber,
		VATNumber: o.VATNumber, Email: o.Email, Phone: o.Phone, Website: o.Website, Street: a.Street,
		PostalCode: a.PostalCode, City: a.City, Country: a.Country, PaymentTermsDays: o.PaymentTermsDays, ExternalID: o.ExternalID, Version: 1, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
	return translate(r.db.conn(ctx).Create(&row).Error)
}

// Organization implements relations.Store.
func (r *Relations) Organization(ctx context.Context, id uuid.UUID) (relations.Organization, error) {
	var row organizationRow
	if err := r.db.conn(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return relations.Organization{}, translate(err)
	}
	return row.domain(), nil
}

// OrganizationsByID implements relations.Store.
func (r *Relations) OrganizationsByID(ctx context.Context, ids []uuid.UUID) ([]relations.Organization, error) {
	return byID(r.db.conn(ctx), ids, organizationRow.domain)
}

// LockOrganization implements relations.Store.
func (r *Relations) LockOrganization(ctx context.Context, id uuid.UUID) (relations.Organization, error) {
	var row organizationRow
	err := r.db.conn(ctx).Clauses(clause.Locking{Strength: "UPDATE"}).Take(&row, "id = ?", id).Error
	if err != nil {
		return relations.Organization{}, translate(err)
	}
	return row.domain(), nil
}

var organizationSorts = map[string]sortCol{
	"created_at": {"organizations.created_at", "timestamptz"},
	"updated_at": {"organizations.updated_at", "timestamptz"},
	"name":       {"organizations.name", "text"},
}

// ListOrganizations implements relations.Store. The ?q= match uses the
// trigram indexes on lower(name) and lower(email).
func (r *Relations) ListOrganizations(ctx context.Context, f relations.OrganizationFilter, req page.Request) (page.Page[relations.Organization], error) {
	q := r.db.reader(ctx).Model(&organizationRow{})
	if f.Q != "" {
		pat := containsPattern(f.Q)
		q = q.Where("(lower(organizations.name) LIKE lower(?) OR lower(organizations.email) LIKE lower(?))", pat, pat)
	}
	if f.ExternalID != "" {
		q = q.Where("organizations.external_id = ?", f.ExternalID)
	}
	q, err := keyset(q, req, organizationSorts)
	if err != nil {
		return page.Page[relations.Organization]{}, err
	}
	var rows []organizationRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[relations.Organization]{}, translate(err)
	}
	return pageOf(rows, req, organizationRow.domain, func(o organizationRow) (uuid.UUID, string) {
		return o.ID, cursorText(map[string]any{"created_at": o.CreatedAt, "updated_at": o.UpdatedAt, "name": o.Name}[req.Sort])
	}), nil
}

// UpdateOrganization implements relations.Store: writes exactly the named fields.
func (r *Relations) UpdateOrganization(ctx context.Context, id uuid.UUID, p relations.OrganizationPatch, at time.Time) (relations.Organization, error) {
	cols := map[string]any{"updated_at": at, "version": gorm.Expr("version + 1")}
	for col, v := range map[string]*string{
		"name": p.Name, "registration_number": p.RegistrationNumber, "vat_number": p.VATNumber,
		"email": p.Email, "phone": p.Phone, "website": p.Website, "street": p.Street,
		"postal_code": p.PostalCode, "city": p.City, "country": p.Country,
	} {
		if v != nil {
			cols[col] = *v
		}
	}
	if p.PaymentTermsDays != nil {
		cols["payment_terms_days"] = p.PaymentTermsDays.Days
	}
	if p.ExternalID != nil {
		cols["external_id"] = p.ExternalID.Value
	}
	var row organizationRow
	res := r.db.conn(ctx).Model(&row).Clauses(clause.Returning{}).Where("id = ?", id).Updates(cols)
	if res.Error != nil {
		return relations.Organization{}, translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return relations.Organization{}, translate(errNoRows)
	}
	return row.domain(), nil
}

// DeleteOrganization implements relations.Store.
func (r *Relations) DeleteOrganization(ctx context.Context, id uuid.UUID) error {
	res := r.db.conn(ctx).Where("id = ?", id).Delete(&organizationRow{})
	if res.Error != nil {
		return stillReferenced(res.Error, "organization")
	}
	if res.RowsAffected == 0 {
		return translate(errNoRows)
	}
	return nil
}

// DetachPersons implements relations.Store.
func (r *Relations) DetachPersons(ctx context.Context, organizationID uuid.UUID, at time.Time) (int, error) {
	res := r.db.conn(ctx).Model(&personRow{}).Where("organization_id = ?", organizationID).
		Updates(map[string]any{"organization_id": nil, "updated_at": at, "version": gorm.Expr("version + 1")})
	return int(res.RowsAffected), translate(res.Error)
}

// CreatePerson implements relations.Store.
func (r *Relations) CreatePerson(ctx context.Context, p relations.Person) error {
	row := personRow{ID: p.ID, WorkspaceID: p.WorkspaceID, FirstName: p.FirstName, LastName: p.LastName,
		Email: p.Email, Phone: p.Phone, JobTitle: p.JobTitle, OrganizationID: p.OrganizationID,
		ExternalID: p.ExternalID, Version: 1, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
	return translate(r.db.conn(ctx).Create(&row).Error)
}

// Person implements relations.Store.
func (r *Relations) Person(ctx context.Context, id uuid.UUID) (relations.Person, error) {
	var row personRow
	if err := r.db.conn(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return relations.Person{}, translate(err)
	}
	return row.domain(), nil
}

// PersonsByID implements relations.Store.
func (r *Relations) PersonsByID(ctx context.Context, ids []uuid.UUID) ([]relations.Person, error) {
	return byID(r.db.conn(ctx), ids, personRow.domain)
}

// LockPerson implements relations.Store.
func (r *Relations) LockPerson(ctx context.Context, id uuid.UUID) (relations.Person, error) {
	var row personRow
	err := r.db.conn(ctx).Clauses(clause.Locking{Strength: "UPDATE"}).Take(&row, "id = ?", id).Error
	if err != nil {
		return relations.Person{}, translate(err)
	}
	return row.domain(), nil
}

var personSorts = map[string]sortCol{
	"created_at": {"persons.created_at", "timestamptz"},
	"updated_at": {"persons.updated_at", "timestamptz"},
	"name":       {personName, "text"},
}

// ListPersons implements relations.Store. The ?q= match uses the trigram
// indexes on the lower-cased full name and e-mail address.
func (r *Relations) ListPersons(ctx context.Context, f relations.PersonFilter, req page.Request) (page.Page[relations.Person], error) {
	q := r.db.reader(ctx).Model(&personRow{})
	if f.Q != "" {
		pat := containsPattern(f.Q)
		q = q.Where("(lower("+personName+") LIKE lower(?) OR lower(persons.email) LIKE lower(?))", pat, pat)
	}
	if f.OrganizationID != nil {
		q = q.Where("persons.organization_id = ?", *f.OrganizationID)
	}
	if f.ExternalID != "" {
		q = q.Where("persons.external_id = ?", f.ExternalID)
	}
	q, err := keyset(q, req, personSorts)
	if err != nil {
		return page.Page[relations.Person]{}, err
	}
	var rows []personRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[relations.Person]{}, translate(err)
	}
	return pageOf(rows, req, personRow.domain, func(p personRow) (uuid.UUID, string) {
		return p.ID, cursorText(map[string]any{"created_at": p.CreatedAt, "updated_at": p.UpdatedAt,
			"name": p.domain().Name()}[req.Sort])
	}), nil
}

// UpdatePerson implements relations.Store: writes exactly the named fields;
// an OrganizationID of uuid.Nil clears the organization.
func (r *Relations) UpdatePerson(ctx context.Context, id uuid.UUID, p relations.PersonPatch, at time.Time) (relations.Person, error) {
	cols := map[string]any{"updated_at": at, "version": gorm.Expr("version + 1")}
	for col, v := range map[string]*string{
		"first_name": p.FirstName, "last_name": p.LastName, "email": p.Email, "phone": p.Phone, "job_title": p.JobTitle,
	} {
		if v != nil {
			cols[col] = *v
		}
	}
	if p.ExternalID != nil {
		cols["external_id"] = p.ExternalID.Value
	}
	if p.OrganizationID != nil {
		cols["organization_id"] = *p.OrganizationID
		if *p.OrganizationID == uuid.Nil {
			cols["organization_id"] = nil
		}
	}
	var row personRow
	res := r.db.conn(ctx).Model(&row).Clauses(clause.Returning{}).Where("id = ?", id).Updates(cols)
	if res.Error != nil {
		return relations.Person{}, translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return relations.Person{}, translate(errNoRows)
	}
	return row.domain(), nil
}

// DeletePerson implements relations.Store.
func (r *Relations) DeletePerson(ctx context.Context, id uuid.UUID) error {
	res := r.db.conn(ctx).Where("id = ?", id).Delete(&personRow{})
	if res.Error != nil {
		return stillReferenced(res.Error, "person")
	}
	if res.RowsAffected == 0 {
		return translate(errNoRows)
	}
	return nil
}

// Savepoint implements relations.Store.
func (r *Relations) Savepoint(ctx context.Context, fn func(context.Context) error) error {
	return r.db.Savepoint(ctx, fn)
}

// OrganizationByExternalID implements relations.Store.
func (r *Relations) OrganizationByExternalID(ctx context.Context, externalID string) (relations.Organization, error) {
	var row organizationRow
	err := r.db.conn(ctx).Clauses(clause.Locking{Strength: "UPDATE"}).Take(&row, "external_id = ?", externalID).Error
	if err != nil {
		return relations.Organization{}, translate(err)
	}
	return row.domain(), nil
}

// OrganizationNamed implements relations.Store (organizations_ws_lower_name).
func (r *Relations) OrganizationNamed(ctx context.Context, name string) (relations.Organization, error) {
	var row organizationRow
	err := r.db.conn(ctx).Where("lower(name) = lower(?)", name).Order("created_at, id").Take(&row).Error
	if err != nil {
		return relations.Organization{}, translate(err)
	}
	return row.domain(), nil
}

// PersonByExternalID implements relations.Store.
func (r *Relations) PersonByExternalID(ctx context.Context, externalID string) (relations.Person, error) {
	var row personRow
	err := r.db.conn(ctx).Clauses(clause.Locking{Strength: "UPDATE"}).Take(&row, "external_id = ?", externalID).Error
	if err != nil {
		return relations.Person{}, translate(err)
	}
	return row.domain(), nil
}

// containsPattern is a LIKE pattern matching q anywhere, with LIKE's own
// wildcards in q taken literally.
func containsPattern(q string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q) + "%"
}

// stillReferenced turns a foreign-key violation on delete into a Conflict
// that says what still refers to the row.
func stillReferenced(err error, what string) error {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "23503" {
		return translate(err)
	}
	if pgErr.TableName == "opportunities" {
		return errs.Wrap(err, errs.Conflict, "the %s has opportunities; delete them or give them another relation first", what)
	}
	return errs.Wrap(err, errs.Conflict, "the %s is still referred to by %s", what, strings.ReplaceAll(pgErr.TableName, "_", " "))
}
