package sales

import (
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/money"
)

// Opportunity is a possible sale to an organization or a person.
type Opportunity struct {
	ID                  uuid.UUID
	Title               string
	OrganizationID      *uuid.UUID
	PersonID            *uuid.UUID
	ContactPersonID     *uuid.UUID
	OwnerID             uuid.UUID
	PipelineID          uuid.UUID
	PhaseID             uuid.UUID
	Probability         int
	ProbabilityOverride *int
	EstimatedAmount     int64 // minor units of Currency; the lines' net total while there are lines
	Currency            string
	OfferDiscount       money.BasisPoints // on the whole offer, applied to the lines' totals
	ExpectedOrderDate   *time.Time        // a date (midnight UTC)
	SourceID            *uuid.UUID
	Description         string
	Status              Status
	ClosedAt            *time.Time
	LostReason          *string
	CreatedBy           uuid.UUID
	ExternalID          *string // the opportunity's id in another system; nil when none
	Version             int64
	CreatedAt           time.Time
	UpdatedAt           time.Time
	// Totals are the lines' totals, nil without lines, kept with the
	// opportunity in the transaction of every line change; LineCount is how
	// many lines it has.
	Totals    *money.Totals
	LineCount int
}

// WeightedAmount is the amount weighted by the probability.
func (o Opportunity) WeightedAmount() int64 { return WeightedAmount(o.EstimatedAmount, o.Probability) }

// State returns the opportunity's phase state.
func (o Opportunity) State() PhaseState {
	return PhaseState{PhaseID: o.PhaseID, Probability: o.Probability, ProbabilityOverride: o.ProbabilityOverride,
		Status: o.Status, ClosedAt: o.ClosedAt}
}

// withState copies a phase state into the opportunity.
func (o *Opportunity) withState(st PhaseState) {
	o.PhaseID, o.Probability, o.ProbabilityOverride, o.Status, o.ClosedAt =
		st.PhaseID, st.Probability, st.ProbabilityOverride, st.Status, st.ClosedAt
}

// PhaseChange is one recorded move of an opportunity between phases.
type PhaseChange struct {
	ID              uuid.UUID
	OpportunityID   uuid.UUID
	FromPhaseID     *uuid.UUID
	FromPhaseName   *string
	ToPhaseID       uuid.UUID
	ToPhaseName     string
	FromProbability *int
	ToProbability   int
	// ChangedBy is the user who moved it (an API key's creator); nil when
	// a customer (signing a quote) or the system (an expired quote) did.
	ChangedBy *uuid.UUID
	// ActorKind is "user", "api_key", "customer" or "system"; ActorName
	// names a customer as they signed.
	ActorKind string
	ActorName string
	ChangedAt time.Time
}

// maxAmount keeps amounts below 2^53, exact in every JSON client.
const maxAmount = 999_999_999_999_999

func checkOpportunityFields(title string, amount int64, currency string, description string) []errs.FieldError {
	var fields []errs.FieldError
	if n := len([]rune(strings.TrimSpace(title))); n == 0 || n > 200 {
		fields = append(fields, errs.FieldError{Field: "title", Message: "must be between 1 and 200 characters"})
	}
	if amount < 0 || amount > maxAmount {
		fields = append(fields, errs.FieldError{Field: "estimated_amount", Message: "must be between 0 and 999999999999999 minor units"})
	}
	if !money.Currency(currency).Valid() {
		fields = append(fields, errs.FieldError{Field: "currency", Message: "must be an ISO 4217 currency code"})
	}
	if len(description) > 20000 {
		fields = append(fields, errs.FieldError{Field: "description", Message: "must be at most 20000 characters"})
	}
	return fields
}
