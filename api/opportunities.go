package api

import (
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/patch"
	"github.com/acme/crm/internal/sales"
)

func (s *Server) registerOpportunityRoutes(g routes) {
	g.GET("/opportunities", s.listOpportunities)
	g.POST("/opportunities", s.createOpportunity)
	g.GET("/opportunities/:id", s.getOpportunity)
	g.PATCH("/opportunities/:id", s.updateOpportunity)
	g.DELETE("/opportunities/:id", s.deleteOpportunity)
	g.GET("/opportunities/:id/phase-history", s.phaseHistory)
	g.POST("/organizations/:id/opportunities", s.createOrganizationOpportunity)
}

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
	return Opportunity{ID: o.ID, Title: o.Title, OrganizationID: o.OrganizationID, PersonID: o.PersonID,
		ContactPersonID: o.ContactPersonID, OwnerID: o.OwnerID, PipelineID: o.PipelineID, PhaseID: o.PhaseID,
		Probability: o.Probability, ProbabilityOverride: o.ProbabilityOverride, EstimatedAmount: o.EstimatedAmount,
		WeightedAmount: o.WeightedAmount(), Currency: o.Currency, OfferDiscount: int(o.OfferDiscount),
		Totals: toTotalsPtr(o.Totals), ExpectedOrderDate: datePtr(o.ExpectedOrderDate),
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

// listOpportunities godoc
//
//	@Summary	List opportunities
//	@Tags		opportunities
//	@ID			listOpportunities
//	@Produce	json
//	@Security	BearerAuth
//	@Param		pipeline_id		query		string	false	"Pipeline"	format(uuid)
//	@Param		phase_id		query		string	false	"Phase"	format(uuid)
//	@Param		status			query		string	false	"Status"	Enums(open,won,lost,expired)
//	@Param		owner_id		query		string	false	"Owner's user id, or me"
//	@Param		source_id		query		string	false	"Source"	format(uuid)
//	@Param		organization_id	query		string	false	"Organization"	format(uuid)
//	@Param		person_id		query		string	false	"Person (the relation or the contact)"	format(uuid)
//	@Param		expected_from	query		string	false	"Expected order date on or after"	format(date)
//	@Param		expected_to		query		string	false	"Expected order date on or before"	format(date)
//	@Param		q				query		string	false	"Case-insensitive text in the title"
//	@Param		external_id		query		string	false	"Only the opportunity with this external id"	maxlength(255)
//	@Param		limit			query		int		false	"Page size (1-200, default 50)"
//	@Param		cursor			query		string	false	"next_cursor of the previous page"
//	@Param		sort			query		string	false	"created_at, updated_at, expected_order_date or estimated_amount; prefix - for descending"
//	@Success	200				{object}	OpportunityList
//	@Router		/api/v1/opportunities [get]
func (s *Server) listOpportunities(c echo.Context) error {
	req, err := s.pageRequest(c, "created_at", "updated_at", "expected_order_date", "estimated_amount")
	if err != nil {
		return err
	}
	f, err := opportunityFilter(c)
	if err != nil {
		return err
	}
	p, err := s.sales.Opportunities(c.Request().Context(), f, req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, OpportunityList{Data: mapSlice(p.Items, toOpportunity), NextCursor: s.nextCursor(req, p.Next)})
}

func opportunityFilter(c echo.Context) (sales.OpportunityFilter, error) {
	q := queryParams{c: c}
	f := sales.OpportunityFilter{PipelineID: q.uuid("pipeline_id"), PhaseID: q.uuid("phase_id"),
		OwnerID: q.userID("owner_id"), SourceID: q.uuid("source_id"), OrganizationID: q.uuid("organization_id"),
		PersonID: q.uuid("person_id"), ExpectedFrom: q.date("expected_from"), ExpectedTo: q.date("expected_to"),
		Query: c.QueryParam("q")}
	ext, err := externalIDQuery(c)
	if err != nil {
		return f, err
	}
	f.ExternalID = ext
	if v := c.QueryParam("status"); v != "" {
		st := sales.Status(v)
		if !st.Valid() {
			q.fail("status", "must be one of: open, won, lost, expired")
		}
		f.Status = &st
	}
	if len(f.Query) > 200 {
		q.fail("q", "must be at most 200 characters")
	}
	return f, q.err()
}

// createOpportunity godoc
//
//	@Summary		Create an opportunity
//	@Description	Defaults: the caller owns it; the default pipeline; its first open phase; the workspace's currency. Give organization_id and/or person_id, or a new organization or person to create in the same transaction. A follow-up task "Follow up: <title>" is created for the caller at once.
//	@Tags			opportunities
//	@ID				createOpportunity
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		CreateOpportunityRequest	true	"The opportunity"
//	@Success		201		{object}	Opportunity
//	@Router			/api/v1/opportunities [post]
func (s *Server) createOpportunity(c echo.Context) error {
	var req CreateOpportunityRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	return s.respondCreatedOpportunity(c, req.domain())
}

// createOrganizationOpportunity godoc
//
//	@Summary	Create an opportunity for an organization
//	@Tags		opportunities
//	@ID			createOrganizationOpportunity
//	@Accept		json
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id		path		string						true	"Organization id"	format(uuid)
//	@Param		body	body		CreateOpportunityRequest	true	"The opportunity (organization_id and organization are taken from the path)"
//	@Success	201		{object}	Opportunity
//	@Failure	404		{object}	Problem
//	@Router		/api/v1/organizations/{id}/opportunities [post]
func (s *Server) createOrganizationOpportunity(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req CreateOpportunityRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	if req.OrganizationID != nil || req.Organization != nil {
		return errs.Field("organization_id", "the organization is the one in the path")
	}
	in := req.domain()
	in.OrganizationID = &id
	o, err := s.sales.CreateOpportunity(c.Request().Context(), in)
	if e, ok := errs.As(err); ok && len(e.Fields) == 1 && e.Fields[0].Field == "organization_id" {
		return errs.NotFoundf("no such organization")
	}
	if err != nil {
		return err
	}
	return created(c, "/api/v1/opportunities/"+o.ID.String(), o.Version, toOpportunity(o))
}

func (s *Server) respondCreatedOpportunity(c echo.Context, in sales.NewOpportunity) error {
	o, err := s.sales.CreateOpportunity(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return created(c, "/api/v1/opportunities/"+o.ID.String(), o.Version, toOpportunity(o))
}

// getOpportunity godoc
//
//	@Summary	One opportunity
//	@Tags		opportunities
//	@ID			getOpportunity
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"Opportunity id"	format(uuid)
//	@Success	200	{object}	Opportunity
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/opportunities/{id} [get]
func (s *Server) getOpportunity(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	o, err := s.sales.Opportunity(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return ok(c, o.Version, toOpportunity(o))
}

// updateOpportunity godoc
//
//	@Summary		Change an opportunity
//	@Description	A phase change takes the phase's probability, ends a probability override, sets status and closed_at for final phases (won 100, lost and expired 0) and reopens when leaving one; it is recorded in the phase history. A phase of another pipeline is 422; changing pipeline needs a phase of the new one. probability_override cannot be set in a final phase. While the opportunity has product lines, estimated_amount is their net total (setting another value is 422), the currency cannot change (422), and offer_discount (basis points) recomputes the amount (409 once closed).
//	@Tags			opportunities
//	@ID				updateOpportunity
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path		string						true	"Opportunity id"	format(uuid)
//	@Param			If-Match	header		string						false	"ETag of the version you changed"
//	@Param			body		body		UpdateOpportunityRequest	true	"Fields to change"
//	@Success		200			{object}	Opportunity
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem	"offer_discount of a closed opportunity with lines"
//	@Failure		412			{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/opportunities/{id} [patch]
func (s *Server) updateOpportunity(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req UpdateOpportunityRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	o, err := s.sales.UpdateOpportunity(c.Request().Context(), id, req.domain(), version)
	if err != nil {
		return err
	}
	return ok(c, o.Version, toOpportunity(o))
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

// deleteOpportunity godoc
//
//	@Summary	Delete an opportunity with its history and tasks
//	@Tags		opportunities
//	@ID			deleteOpportunity
//	@Security	BearerAuth
//	@Param		id			path	string	true	"Opportunity id"	format(uuid)
//	@Param		If-Match	header	string	false	"ETag of the version you deleted"
//	@Success	204
//	@Failure	404	{object}	Problem
//	@Failure	409	{object}	Problem	"A quote or an invoice still refers to the opportunity"
//	@Failure	412	{object}	Problem	"Changed by someone else"
//	@Router		/api/v1/opportunities/{id} [delete]
func (s *Server) deleteOpportunity(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	if err := s.sales.DeleteOpportunity(c.Request().Context(), id, version); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// phaseHistory godoc
//
//	@Summary	An opportunity's phase changes, oldest first
//	@Tags		opportunities
//	@ID			phaseHistory
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id		path		string	true	"Opportunity id"	format(uuid)
//	@Param		limit	query		int		false	"Page size (1-200, default 50)"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Success	200		{object}	PhaseChangeList
//	@Failure	404		{object}	Problem
//	@Router		/api/v1/opportunities/{id}/phase-history [get]
func (s *Server) phaseHistory(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	req, err := s.pageRequest(c, "changed_at")
	if err != nil {
		return err
	}
	p, err := s.sales.PhaseHistory(c.Request().Context(), id, req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, PhaseChangeList{NextCursor: s.nextCursor(req, p.Next), Data: mapSlice(p.Items, func(pc sales.PhaseChange) PhaseChange {
		return PhaseChange{ID: pc.ID, FromPhaseID: pc.FromPhaseID, FromPhaseName: pc.FromPhaseName, ToPhaseID: pc.ToPhaseID,
			ToPhaseName: pc.ToPhaseName, FromProbability: pc.FromProbability, ToProbability: pc.ToProbability,
			ChangedBy: pc.ChangedBy, ChangedByKind: pc.ActorKind, ChangedByName: pc.ActorName, ChangedAt: utc(pc.ChangedAt)}
	})})
}
