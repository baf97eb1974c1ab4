package api

import (
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/patch"
	"github.com/acme/crm/internal/sales"
)

// Opportunity is a possible sale.
type Opportunity struct {
	ID                  uuid.UUID  `json:"id"`
	Title               string     `json:"title" example:"CRM roll-out for 40 seats"`
	OrganizationID      *uuid.UUID `json:"organization_id" extensions:"x-nullable"`
	PersonID            *uuid.UUID `json:"person_id" extensions:"x-nullable"`
	ContactPersonID     *uuid.UUID `json:"contact_person_id" extensions:"x-nullable"`
	OwnerID             uuid.UUID  `json:"owner_id"`
	PipelineID          uuid.UUID  `json:"pipeline_id"`
	PhaseID             uuid.UUID  `json:"phase_id"`
	Probability         int        `json:"probability" example:"50"`
	ProbabilityOverride *int       `json:"probability_override" extensions:"x-nullable"`
	EstimatedAmount     int64      `json:"estimated_amount" example:"12500000"`
	WeightedAmount      int64      `json:"weighted_amount" example:"6250000"`
	Currency            string     `json:"currency" example:"SEK"`
	OfferDiscount       int        `json:"offer_discount" example:"500"`
	Totals              *Totals    `json:"totals" extensions:"x-nullable"`
	ExpectedOrderDate   *Date      `json:"expected_order_date" swaggertype:"string" format:"date" extensions:"x-nullable"`
	SourceID            *uuid.UUID `json:"source_id" extensions:"x-nullable"`
	Description         string     `json:"description"`
	Status              string     `json:"status" enums:"open,won,lost,expired"`
	ClosedAt            *time.Time `json:"closed_at" extensions:"x-nullable"`
	LostReason          *string    `json:"lost_reason" extensions:"x-nullable"`
	CreatedBy           uuid.UUID  `json:"created_by"`
	// ExternalID is the record's id in another system (an ERP, a webshop),
	// unique in the workspace; null when none.
	ExternalID *string   `json:"external_id" extensions:"x-nullable" example:"ERP-10042"`
	Version    int64     `json:"version"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
} // @name Opportunity

// OpportunityList is a page of opportunities.
type OpportunityList struct {
	Data       []Opportunity `json:"data"`
	NextCursor *string       `json:"next_cursor" extensions:"x-nullable"`
} // @name OpportunityList

// InlineOrganization is an organization created with the opportunity.
type InlineOrganization struct {
	Name               string `json:"name" validate:"required,max=200" example:"Nordic Widgets AB"`
	RegistrationNumber string `json:"registration_number,omitempty" validate:"max=50"`
	VATNumber          string `json:"vat_number,omitempty" validate:"max=50"`
	Email              string `json:"email,omitempty" validate:"omitempty,email,max=254"`
	Phone              string `json:"phone,omitempty" validate:"max=50"`
	Website            string `json:"website,omitempty" validate:"omitempty,http_url,max=500"`
} // @name InlineOrganization

// InlinePerson is a person created with the opportunity.
type InlinePerson struct {
	FirstName string `json:"first_name" validate:"required,max=100" example:"Åsa"`
	LastName  string `json:"last_name" validate:"required,max=100" example:"Öberg"`
	Email     string `json:"email,omitempty" validate:"omitempty,email,max=254"`
	Phone     string `json:"phone,omitempty" validate:"max=50"`
	JobTitle  string `json:"job_title,omitempty" validate:"max=100"`
} // @name InlinePerson

// CreateOpportunityRequest creates an opportunity. Name the relation by id,
// or describe a new organization or person to create in the same step.
type CreateOpportunityRequest struct {
	Title               string              `json:"title" validate:"required,max=200" example:"CRM roll-out for 40 seats"`
	OrganizationID      *uuid.UUID          `json:"organization_id,omitempty"`
	PersonID            *uuid.UUID          `json:"person_id,omitempty"`
	ContactPersonID     *uuid.UUID          `json:"contact_person_id,omitempty"`
	OwnerID             *uuid.UUID          `json:"owner_id,omitempty"`
	PipelineID          *uuid.UUID          `json:"pipeline_id,omitempty"`
	PhaseID             *uuid.UUID          `json:"phase_id,omitempty"`
	ProbabilityOverride *int                `json:"probability_override,omitempty" validate:"omitempty,gte=0,lte=100"`
	EstimatedAmount     int64               `json:"estimated_amount" validate:"gte=0" example:"12500000"`
	Currency            string              `json:"currency,omitempty" validate:"omitempty,iso4217" example:"SEK"`
	ExpectedOrderDate   *Date               `json:"expected_order_date,omitempty" swaggertype:"string" format:"date"`
	SourceID            *uuid.UUID          `json:"source_id,omitempty"`
	Description         string              `json:"description,omitempty" validate:"max=20000"`
	Organization        *InlineOrganization `json:"organization,omitempty"`
	Person              *InlinePerson       `json:"person,omitempty"`
	// ExternalID is the record's id in another system, unique in the
	// workspace (409 when another record has it); 1-255 characters.
	ExternalID *string `json:"external_id,omitempty" validate:"omitempty,max=255" example:"ERP-10042"`
} // @name CreateOpportunityRequest

// UpdateOpportunityRequest changes an opportunity; absent fields stay, null clears.
type UpdateOpportunityRequest struct {
	Title               *string        `json:"title,omitempty" validate:"omitempty,min=1,max=200"`
	OrganizationID      OptionalUUID   `json:"organization_id" swaggertype:"string" format:"uuid" extensions:"x-nullable"`
	PersonID            OptionalUUID   `json:"person_id" swaggertype:"string" format:"uuid" extensions:"x-nullable"`
	ContactPersonID     OptionalUUID   `json:"contact_person_id" swaggertype:"string" format:"uuid" extensions:"x-nullable"`
	OwnerID             *uuid.UUID     `json:"owner_id,omitempty"`
	PipelineID          *uuid.UUID     `json:"pipeline_id,omitempty"`
	PhaseID             *uuid.UUID     `json:"phase_id,omitempty"`
	ProbabilityOverride OptionalInt    `json:"probability_override" swaggertype:"integer" extensions:"x-nullable"`
	EstimatedAmount     *int64         `json:"estimated_amount,omitempty" validate:"omitempty,gte=0"`
	OfferDiscount       *int           `json:"offer_discount,omitempty" validate:"omitempty,gte=0,lte=10000"`
	Currency            *string        `json:"currency,omitempty" validate:"omitempty,iso4217"`
	ExpectedOrderDate   OptionalDate   `json:"expected_order_date" swaggertype:"string" format:"date" extensions:"x-nullable"`
	SourceID            OptionalUUID   `json:"source_id" swaggertype:"string" format:"uuid" extensions:"x-nullable"`
	Description         *string        `json:"description,omitempty" validate:"omitempty,max=20000"`
	LostReason          OptionalString `json:"lost_reason" swaggertype:"string" extensions:"x-nullable"`
	// ExternalID sets the id in another system; null removes it.
	ExternalID OptionalString `json:"external_id" swaggertype:"string" extensions:"x-nullable"`
} // @name UpdateOpportunityRequest

// PhaseChange is one recorded move between phases.
type PhaseChange struct {
	ID              uuid.UUID  `json:"id"`
	FromPhaseID     *uuid.UUID `json:"from_phase_id" extensions:"x-nullable"`
	FromPhaseName   *string    `json:"from_phase_name" extensions:"x-nullable"`
	ToPhaseID       uuid.UUID  `json:"to_phase_id"`
	ToPhaseName     string     `json:"to_phase_name"`
	FromProbability *int       `json:"from_probability" extensions:"x-nullable"`
	ToProbability   int        `json:"to_probability"`
	// ChangedBy is the user who moved it (an API key's creator); null when
	// the customer (signing a quote) or the system (an expired quote) did.
	ChangedBy *uuid.UUID `json:"changed_by" extensions:"x-nullable"`
	// ChangedByKind says who moved it; ChangedByName names a customer as
	// they signed.
	ChangedByKind string    `json:"changed_by_kind" enums:"user,api_key,customer,system"`
	ChangedByName string    `json:"changed_by_name"`
	ChangedAt     time.Time `json:"changed_at"`
} // @name PhaseChange

// PhaseChangeList is a page of phase changes, oldest first.
type PhaseChangeList struct {
	Data       []PhaseChange `json:"data"`
	NextCursor *string       `json:"next_cursor" extensions:"x-nullable"`
} // @name PhaseChangeList

func toOpportunity(o sales.Opportunity) Opportunity {
	out := opportunityFields(o)
	out.Totals, out.ExpectedOrderDate = toTotalsPtr(o.Totals), datePtr(o.ExpectedOrderDate)
	return out
}

// opportunityFields is toOpportunity without Totals and ExpectedOrderDate,
// the two fields it allocates for (see appendOpportunitiesOf).
func opportunityFields(o sales.Opportunity) Opportunity {
	return Opportunity{ID: o.ID, Title: o.Title, OrganizationID: o.OrganizationID, PersonID: o.PersonID,
		ContactPersonID: o.ContactPersonID, OwnerID: o.OwnerID, PipelineID: o.PipelineID, PhaseID: o.PhaseID,
		Probability: o.Probability, ProbabilityOverride: o.ProbabilityOverride, EstimatedAmount: o.EstimatedAmount,
		WeightedAmount: o.WeightedAmount(), Currency: o.Currency, OfferDiscount: int(o.OfferDiscount),
		SourceID: o.SourceID, Description: o.Description, Status: string(o.Status), ClosedAt: utcp(o.ClosedAt),
		LostReason: o.LostReason, CreatedBy: o.CreatedBy, ExternalID: o.ExternalID, Version: o.Version, CreatedAt: utc(o.CreatedAt),
		UpdatedAt: utc(o.UpdatedAt)}
}

func (r CreateOpportunityRequest) domain() sales.NewOpportunity {
	in := sales.NewOpportunity{Title: r.Title, OrganizationID: r.OrganizationID, PersonID: r.PersonID,
		ContactPersonID: r.ContactPersonID, OwnerID: r.OwnerID, PipelineID: r.PipelineID, PhaseID: r.PhaseID,
		ProbabilityOverride: r.ProbabilityOverride, EstimatedAmount: r.EstimatedAmount, Currency: r.Currency,
		ExpectedOrderDate: r.ExpectedOrderDate.timePtr(), SourceID: r.SourceID, Description: r.Description,
		ExternalID: r.ExternalID}
	if o := r.Organization; o != nil {
		in.Organization = &sales.NewOrganization{Name: o.Name, RegistrationNumber: o.RegistrationNumber,
			VATNumber: o.VATNumber, Email: o.Email, Phone: o.Phone, Website: o.Website}
	}
	if p := r.Person; p != nil {
		in.Person = &sales.NewPerson{FirstName: p.FirstName, LastName: p.LastName, Email: p.Email, Phone: p.Phone, JobTitle: p.JobTitle}
	}
	return in
}

func (req UpdateOpportunityRequest) domain() sales.OpportunityPatch {
	return sales.OpportunityPatch{Title: req.Title, OwnerID: req.OwnerID, PipelineID: req.PipelineID, PhaseID: req.PhaseID,
		EstimatedAmount: req.EstimatedAmount, OfferDiscount: bpPtr(req.OfferDiscount), Currency: req.Currency, Description: req.Description,
		OrganizationID:      req.OrganizationID.Field(),
		PersonID:            req.PersonID.Field(),
		ContactPersonID:     req.ContactPersonID.Field(),
		SourceID:            req.SourceID.Field(),
		ProbabilityOverride: req.ProbabilityOverride.Field(),
		ExpectedOrderDate:   patch.Field[time.Time]{Set: req.ExpectedOrderDate.Set, Value: req.ExpectedOrderDate.Value.timePtr()},
		LostReason:          req.LostReason.Field(),
		ExternalID:          externalIDChange(req.ExternalID),
	}
}
