// Package relations holds the customers a workspace sells to: organizations
// and the persons who work there (or persons on their own). Opportunities
// name one of them as their relation.
package relations

import (
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/upsert"
)

// Address is a postal address; every part is optional. Country is an
// ISO 3166-1 alpha-2 code in upper case, or empty.
type Address struct {
	Street     string
	PostalCode string
	City       string
	Country    string
}

// Organization is a company or other body the workspace does business with.
// Optional text fields are empty when unknown.
type Organization struct {
	ID                 uuid.UUID
	WorkspaceID        uuid.UUID
	Name               string
	RegistrationNumber string
	VATNumber          string
	Email              string
	Phone              string
	Website            string
	Address            Address
	// PaymentTermsDays is the days this customer has to pay an invoice;
	// nil: the workspace's terms.
	PaymentTermsDays *int
	// ExternalID is the organization's id in another system, unique in
	// the workspace; nil when none.
	ExternalID *string
	Version    int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Person is a contact, on their own or working for an organization of the
// same workspace. At least one of FirstName and LastName is set.
type Person struct {
	ID             uuid.UUID
	WorkspaceID    uuid.UUID
	FirstName      string
	LastName       string
	Email          string
	Phone          string
	JobTitle       string
	OrganizationID *uuid.UUID
	ExternalID     *string // the person's id in another system; nil when none
	Version        int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Name is the person's full name as shown to users.
func (p Person) Name() string {
	return strings.TrimSpace(p.FirstName + " " + p.LastName)
}

// NewOrganization is the input of CreateOrganization.
type NewOrganization struct {
	Name               string
	RegistrationNumber string
	VATNumber          string
	Email              string
	Phone              string
	Website            string
	Address            Address
	PaymentTermsDays   *int
	ExternalID         *string
}

// OrganizationPatch names the fields to change; nil means unchanged, and an
// empty string clears an optional field.
type OrganizationPatch struct {
	Name               *string
	RegistrationNumber *string
	VATNumber          *string
	Email              *string
	Phone              *string
	Website            *string
	Street             *string
	PostalCode         *string
	City               *string
	Country            *string
	// PaymentTermsDays set with a nil Days clears the terms.
	PaymentTermsDays *PaymentTerms
	// ExternalID set with a nil Value clears the external id.
	ExternalID *upsert.Change
}

// PaymentTerms is an organization's payment terms in days, nil for none.
type PaymentTerms struct{ Days *int }

// NewPerson is the input of CreatePerson. OrganizationID, when set, must
// name an organization of the caller's workspace.
type NewPerson struct {
	FirstName      string
	LastName       string
	Email          string
	Phone          string
	JobTitle       string
	OrganizationID *uuid.UUID
	ExternalID     *string
}

// PersonPatch names the fields to change; nil means unchanged, and an empty
// string clears an optional field. OrganizationID set to uuid.Nil detaches
// the person from their organization.
type PersonPatch struct {
	FirstName      *string
	LastName       *string
	Email          *string
	Phone          *string
	JobTitle       *string
	OrganizationID *uuid.UUID
	ExternalID     *upsert.Change
}

// OrganizationFilter narrows a list of organizations. Q matches names and
// e-mail addresses as a case-insensitive substring; empty matches all.
type OrganizationFilter struct {
	Q          string
	ExternalID string // exact match; empty matches all
}

// PersonFilter narrows a list of persons. Q matches full names and e-mail
// addresses as a case-insensitive substring; OrganizationID, when set, keeps
// the persons of that organization.
type PersonFilter struct {
	Q              string
	OrganizationID *uuid.UUID
	ExternalID     string // exact match; empty matches all
}

// Sorts lists the fields lists can be sorted by; the first is the default.
var Sorts = []string{"created_at", "name", "updated_at"}
