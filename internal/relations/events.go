package relations

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/events"
)

// Publisher records domain events in the context's transaction
// (events.Bus fulfils it).
type Publisher interface {
	PublishJSON(ctx context.Context, e events.Event, payload any) error
}

// SetPublisher makes the service publish organization.created and
// person.created; call it while wiring.
func (s *Service) SetPublisher(p Publisher) { s.events = p }

// AddressPayload is an address with the API's field names.
type AddressPayload struct {
	Street     string `json:"street"`
	PostalCode string `json:"postal_code"`
	City       string `json:"city"`
	Country    string `json:"country"`
}

// OrganizationPayload is the payload of organization.created: the
// organization with the field names of the API's Organization.
type OrganizationPayload struct {
	ID                 uuid.UUID      `json:"id"`
	Name               string         `json:"name"`
	RegistrationNumber string         `json:"registration_number"`
	VATNumber          string         `json:"vat_number"`
	Email              string         `json:"email"`
	Phone              string         `json:"phone"`
	Website            string         `json:"website"`
	Address            AddressPayload `json:"address"`
	PaymentTermsDays   *int           `json:"payment_terms_days"`
	Version            int64          `json:"version"`
	CreatedAt          time.Time      `json:"created_at"`
	UpdatedAt          time.Time      `json:"updated_at"`
}

// PersonPayload is the payload of person.created: the person with the
// field names of the API's Person.
type PersonPayload struct {
	ID             uuid.UUID  `json:"id"`
	FirstName      string     `json:"first_name"`
	LastName       string     `json:"last_name"`
	Name           string     `json:"name"`
	Email          string     `json:"email"`
	Phone          string     `json:"phone"`
	JobTitle       string     `json:"job_title"`
	OrganizationID *uuid.UUID `json:"organization_id"`
	Version        int64      `json:"version"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

func organizationPayload(o Organization) OrganizationPayload {
	return OrganizationPayload{ID: o.ID, Name: o.Name, RegistrationNumber: o.RegistrationNumber, VATNumber: o.VATNumber,
		Email: o.Email, Phone: o.Phone, Website: o.Website, Address: AddressPayload(o.Address),
		PaymentTermsDays: o.PaymentTermsDays, Version: o.Version, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
}

func personPayload(p Person) PersonPayload {
	return PersonPayload{ID: p.ID, FirstName: p.FirstName, LastName: p.LastName, Name: p.Name(), Email: p.Email, Phone: p.Phone,
		JobTitle: p.JobTitle, OrganizationID: p.OrganizationID, Version: p.Version, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

func (s *Service) publish(ctx context.Context, t events.Type, subject string, id uuid.UUID, record, payload any) error {
	if s.events == nil {
		return nil
	}
	return s.events.PublishJSON(ctx, events.Event{Type: t, SubjectType: subject, SubjectID: id, Subject: record}, payload)
}

// EventDefinitions documents the organization and person events with
// examples of their payloads.
func EventDefinitions() []events.Definition {
	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	org := uuid.MustParse("0190d0c4-5e2a-7cc0-8000-0000000000d1")
	o := OrganizationPayload{ID: org, Name: "Nordic Widgets AB", RegistrationNumber: "556677-8899",
		VATNumber: "SE556677889901", Email: "info@nordicwidgets.example", Address: AddressPayload{Street: "Storgatan 1",
			PostalCode: "111 22", City: "Stockholm", Country: "SE"}, Version: 1, CreatedAt: at, UpdatedAt: at}
	p := PersonPayload{ID: uuid.MustParse("0190d0c4-5e2a-7cc0-8000-0000000000d2"), FirstName: "Åsa",
		LastName: "Ström", Name: "Åsa Ström", Email: "asa@nordicwidgets.example", JobTitle: "CFO", OrganizationID: &org, Version: 1,
		CreatedAt: at, UpdatedAt: at}
	return []events.Definition{
		{Type: events.OrganizationCreated, Description: "An organization was created (inline with an opportunity included).",
			Example: o, Subject: Organization{ID: o.ID, Name: o.Name, RegistrationNumber: o.RegistrationNumber, VATNumber: o.VATNumber,
				Email: o.Email, Address: Address(o.Address), Version: 1, CreatedAt: at, UpdatedAt: at}},
		{Type: events.PersonCreated, Description: "A person was created (inline with an opportunity included).",
			Example: p, Subject: Person{ID: p.ID, FirstName: p.FirstName, LastName: p.LastName, Email: p.Email, JobTitle: p.JobTitle,
				OrganizationID: &org, Version: 1, CreatedAt: at, UpdatedAt: at}},
	}
}
