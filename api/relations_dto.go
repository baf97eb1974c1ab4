package api

import (
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/relations"
)

// Address is a postal address; unknown parts are empty strings.
type Address struct {
	Street     string `json:"street" example:"Storgatan 1"`
	PostalCode string `json:"postal_code" example:"111 22"`
	City       string `json:"city" example:"Stockholm"`
	Country    string `json:"country" example:"SE"` // ISO 3166-1 alpha-2
} // @name Address

// AddressInput is the address of a new relation; absent parts are empty.
type AddressInput struct {
	Street     string `json:"street,omitempty" validate:"max=200" example:"Storgatan 1"`
	PostalCode string `json:"postal_code,omitempty" validate:"max=20" example:"111 22"`
	City       string `json:"city,omitempty" validate:"max=100" example:"Stockholm"`
	Country    string `json:"country,omitempty" validate:"max=2" example:"SE"` // ISO 3166-1 alpha-2
} // @name AddressInput

// AddressPatch changes parts of an address; absent parts stay, "" clears.
type AddressPatch struct {
	Street     *string `json:"street,omitempty" validate:"omitempty,max=200"`
	PostalCode *string `json:"postal_code,omitempty" validate:"omitempty,max=20"`
	City       *string `json:"city,omitempty" validate:"omitempty,max=100"`
	Country    *string `json:"country,omitempty" validate:"omitempty,max=2" example:"SE"`
} // @name AddressPatch

// Organization is a company the workspace does business with. Unknown
// optional fields are empty strings.
type Organization struct {
	ID                 uuid.UUID `json:"id" example:"0190a6e4-2f3b-7c6e-9a51-3c8e2b1d4f5a"`
	Name               string    `json:"name" example:"Nordvik Trading AB"`
	RegistrationNumber string    `json:"registration_number" example:"556677-8899"`
	VATNumber          string    `json:"vat_number" example:"SE556677889901"`
	Email              string    `json:"email" example:"info@nordvik.example"`
	Phone              string    `json:"phone" example:"+46 8 123 456 78"`
	Website            string    `json:"website" example:"https://nordvik.example"`
	Address            Address   `json:"address"`
	// PaymentTermsDays is the days this customer has to pay an invoice
	// (null: the workspace's payment_terms_days).
	PaymentTermsDays *int `json:"payment_terms_days" extensions:"x-nullable" example:"30"`
	// ExternalID is the record's id in another system (an ERP, a webshop),
	// unique in the workspace; null when none.
	ExternalID *string   `json:"external_id" extensions:"x-nullable" example:"ERP-10042"`
	Version    int64     `json:"version" example:"1"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
} // @name Organization

// OrganizationList is a page of organizations.
type OrganizationList struct {
	Data       []Organization `json:"data"`
	NextCursor *string        `json:"next_cursor" extensions:"x-nullable"`
} // @name OrganizationList

// CreateOrganizationRequest adds an organization; only the name is required.
type CreateOrganizationRequest struct {
	Name               string       `json:"name" validate:"required,max=200" example:"Nordvik Trading AB"`
	RegistrationNumber string       `json:"registration_number,omitempty" validate:"max=50" example:"556677-8899"`
	VATNumber          string       `json:"vat_number,omitempty" validate:"max=50" example:"SE556677889901"`
	Email              string       `json:"email,omitempty" validate:"max=254" example:"info@nordvik.example"`
	Phone              string       `json:"phone,omitempty" validate:"max=50" example:"+46 8 123 456 78"`
	Website            string       `json:"website,omitempty" validate:"max=500" example:"https://nordvik.example"`
	Address            AddressInput `json:"address,omitempty"`
	// PaymentTermsDays is the days this customer has to pay an invoice
	// (absent: the workspace's terms).
	PaymentTermsDays *int `json:"payment_terms_days,omitempty" validate:"omitempty,gte=0,lte=365" example:"30"`
	// ExternalID is the record's id in another system, unique in the
	// workspace (409 when another record has it); 1-255 characters.
	ExternalID *string `json:"external_id,omitempty" validate:"omitempty,max=255" example:"ERP-10042"`
} // @name CreateOrganizationRequest

// UpdateOrganizationRequest changes an organization; absent fields stay as
// they are, and "" clears an optional field.
type UpdateOrganizationRequest struct {
	Name               *string       `json:"name,omitempty" validate:"omitempty,max=200"`
	RegistrationNumber *string       `json:"registration_number,omitempty" validate:"omitempty,max=50"`
	VATNumber          *string       `json:"vat_number,omitempty" validate:"omitempty,max=50"`
	Email              *string       `json:"email,omitempty" validate:"omitempty,max=254"`
	Phone              *string       `json:"phone,omitempty" validate:"omitempty,max=50"`
	Website            *string       `json:"website,omitempty" validate:"omitempty,max=500"`
	Address            *AddressPatch `json:"address,omitempty"`
	// PaymentTermsDays sets the customer's own payment terms; null returns
	// to the workspace's.
	PaymentTermsDays OptionalInt `json:"payment_terms_days" swaggertype:"integer" extensions:"x-nullable"`
	// ExternalID sets the id in another system; null removes it.
	ExternalID OptionalString `json:"external_id" swaggertype:"string" extensions:"x-nullable"`
} // @name UpdateOrganizationRequest

// Person is a contact, possibly working for an organization. Unknown
// optional fields are empty strings.
type Person struct {
	ID             uuid.UUID  `json:"id" example:"0190a6e4-2f3b-7c6e-9a51-3c8e2b1d4f5b"`
	FirstName      string     `json:"first_name" example:"Karin"`
	LastName       string     `json:"last_name" example:"Lindqvist"`
	Name           string     `json:"name" example:"Karin Lindqvist"` // first and last name, read-only
	Email          string     `json:"email" example:"karin@nordvik.example"`
	Phone          string     `json:"phone" example:"+46 70 123 45 67"`
	JobTitle       string     `json:"job_title" example:"Purchasing manager"`
	OrganizationID *uuid.UUID `json:"organization_id" extensions:"x-nullable"`
	// ExternalID is the record's id in another system (an ERP, a webshop),
	// unique in the workspace; null when none.
	ExternalID *string   `json:"external_id" extensions:"x-nullable" example:"ERP-10042"`
	Version    int64     `json:"version" example:"1"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
} // @name Person

// PersonList is a page of persons.
type PersonList struct {
	Data       []Person `json:"data"`
	NextCursor *string  `json:"next_cursor" extensions:"x-nullable"`
} // @name PersonList

// CreatePersonRequest adds a person; a first or a last name is required.
type CreatePersonRequest struct {
	FirstName      string  `json:"first_name,omitempty" validate:"max=100" example:"Karin"`
	LastName       string  `json:"last_name,omitempty" validate:"max=100" example:"Lindqvist"`
	Email          string  `json:"email,omitempty" validate:"max=254" example:"karin@nordvik.example"`
	Phone          string  `json:"phone,omitempty" validate:"max=50" example:"+46 70 123 45 67"`
	JobTitle       string  `json:"job_title,omitempty" validate:"max=200" example:"Purchasing manager"`
	OrganizationID *string `json:"organization_id,omitempty" format:"uuid" extensions:"x-nullable"`
	// ExternalID is the record's id in another system, unique in the
	// workspace (409 when another record has it); 1-255 characters.
	ExternalID *string `json:"external_id,omitempty" validate:"omitempty,max=255" example:"ERP-10042"`
} // @name CreatePersonRequest

// UpdatePersonRequest changes a person; absent fields stay as they are, ""
// clears an optional field and organization_id null detaches the person
// from their organization.
type UpdatePersonRequest struct {
	FirstName      *string      `json:"first_name,omitempty" validate:"omitempty,max=100"`
	LastName       *string      `json:"last_name,omitempty" validate:"omitempty,max=100"`
	Email          *string      `json:"email,omitempty" validate:"omitempty,max=254"`
	Phone          *string      `json:"phone,omitempty" validate:"omitempty,max=50"`
	JobTitle       *string      `json:"job_title,omitempty" validate:"omitempty,max=200"`
	OrganizationID OptionalUUID `json:"organization_id" swaggertype:"string" format:"uuid" extensions:"x-nullable"`
	// ExternalID sets the id in another system; null removes it.
	ExternalID OptionalString `json:"external_id" swaggertype:"string" extensions:"x-nullable"`
} // @name UpdatePersonRequest

func toOrganization(o relations.Organization) Organization {
	a := o.Address
	return Organization{ID: o.ID, Name: o.Name, RegistrationNumber: o.RegistrationNumber, VATNumber: o.VATNumber,
		Email: o.Email, Phone: o.Phone, Website: o.Website,
		Address:          Address{Street: a.Street, PostalCode: a.PostalCode, City: a.City, Country: a.Country},
		PaymentTermsDays: o.PaymentTermsDays, ExternalID: o.ExternalID, Version: o.Version, CreatedAt: utc(o.CreatedAt), UpdatedAt: utc(o.UpdatedAt)}
}

func toPerson(p relations.Person) Person {
	return Person{ID: p.ID, FirstName: p.FirstName, LastName: p.LastName, Name: p.Name(), Email: p.Email,
		Phone: p.Phone, JobTitle: p.JobTitle, OrganizationID: p.OrganizationID, ExternalID: p.ExternalID, Version: p.Version,
		CreatedAt: utc(p.CreatedAt), UpdatedAt: utc(p.UpdatedAt)}
}

func (r CreateOrganizationRequest) domain() relations.NewOrganization {
	a := r.Address
	return relations.NewOrganization{Name: r.Name, RegistrationNumber: r.RegistrationNumber, VATNumber: r.VATNumber,
		Email: r.Email, Phone: r.Phone, Website: r.Website,
		Address:          relations.Address{Street: a.Street, PostalCode: a.PostalCode, City: a.City, Country: a.Country},
		PaymentTermsDays: r.PaymentTermsDays, ExternalID: r.ExternalID}
}

func (r UpdateOrganizationRequest) domain() relations.OrganizationPatch {
	p := relations.OrganizationPatch{Name: r.Name, RegistrationNumber: r.RegistrationNumber, VATNumber: r.VATNumber,
		Email: r.Email, Phone: r.Phone, Website: r.Website}
	if a := r.Address; a != nil {
		p.Street, p.PostalCode, p.City, p.Country = a.Street, a.PostalCode, a.City, a.Country
	}
	if r.PaymentTermsDays.Set {
		p.PaymentTermsDays = &relations.PaymentTerms{Days: r.PaymentTermsDays.Value}
	}
	p.ExternalID = externalIDChange(r.ExternalID)
	return p
}

func (r CreatePersonRequest) domain() (relations.NewPerson, error) {
	in := relations.NewPerson{FirstName: r.FirstName, LastName: r.LastName, Email: r.Email, Phone: r.Phone, JobTitle: r.JobTitle,
		ExternalID: r.ExternalID}
	if r.OrganizationID != nil {
		id, err := uuid.Parse(*r.OrganizationID)
		if err != nil {
			return in, errs.Field("organization_id", "must be a UUID")
		}
		in.OrganizationID = &id
	}
	return in, nil
}

func (r UpdatePersonRequest) domain() relations.PersonPatch {
	p := relations.PersonPatch{FirstName: r.FirstName, LastName: r.LastName, Email: r.Email, Phone: r.Phone, JobTitle: r.JobTitle}
	if r.OrganizationID.Set {
		id := uuid.Nil // null detaches
		if r.OrganizationID.Value != nil {
			id = *r.OrganizationID.Value
		}
		p.OrganizationID = &id
	}
	p.ExternalID = externalIDChange(r.ExternalID)
	return p
}
