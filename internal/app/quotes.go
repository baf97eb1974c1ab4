package app

import (
	"context"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/catalog"
	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/quoting"
	"github.com/acme/crm/internal/relations"
	"github.com/acme/crm/internal/sales"
)

// quotingOpportunities gives quotes the opportunity they are made from and
// moves it along its pipeline, through the sales rules.
type quotingOpportunities struct{ sales *sales.Service }

func (q quotingOpportunities) QuoteSource(ctx context.Context, id uuid.UUID) (quoting.Source, error) {
	o, err := q.sales.Opportunity(ctx, id)
	if err != nil {
		return quoting.Source{}, err
	}
	set, err := q.sales.Lines(ctx, id)
	if err != nil {
		return quoting.Source{}, err
	}
	pl, err := q.sales.Pipeline(ctx, o.PipelineID)
	if err != nil {
		return quoting.Source{}, err
	}
	return quoting.Source{OpportunityID: o.ID, Open: o.Status == sales.StatusOpen, Status: string(o.Status),
		OwnerID: o.OwnerID, OrganizationID: o.OrganizationID, PersonID: o.PersonID, ContactPersonID: o.ContactPersonID,
		Currency: o.Currency, OfferDiscount: int(o.OfferDiscount), Lines: snapshotLines(set.Lines),
		QuoteSentPhaseID: pl.QuoteSentPhaseID, QuoteSignedPhaseID: pl.QuoteSignedPhaseID,
		ExpiredPhaseID: phaseOfKind(pl, sales.KindExpired)}, nil
}

// snapshotLines copies lines as the quote freezes them; the quoting rules
// give product lines their article numbers.
func snapshotLines(lines []sales.Line) []quoting.SnapshotLine {
	out := make([]quoting.SnapshotLine, len(lines))
	for i, l := range lines {
		out[i] = quoting.SnapshotLine{Name: l.Name, Description: l.Description, Unit: l.Unit, Quantity: l.Quantity,
			UnitPrice: l.UnitPrice, Discount: l.Discount, VATRate: l.VATRate}
		if l.ProductID != nil {
			out[i].ProductID = *l.ProductID
		}
	}
	return out
}

// phaseOfKind is the pipeline's first phase of kind k, if it has one.
func phaseOfKind(pl sales.Pipeline, k sales.PhaseKind) *uuid.UUID {
	ph, ok := pl.FirstOfKind(k)
	if !ok {
		return nil
	}
	return &ph.ID
}

func (q quotingOpportunities) MoveToPhase(ctx context.Context, opportunityID, phaseID uuid.UUID) (bool, error) {
	return q.sales.MoveToPhase(ctx, opportunityID, phaseID)
}

// quotingRelations describes a quote's customer and contact.
type quotingRelations struct{ svc *relations.Service }

func (r quotingRelations) Customer(ctx context.Context, organizationID, personID *uuid.UUID) (quoting.Customer, error) {
	if organizationID != nil {
		o, err := r.svc.Organization(ctx, *organizationID)
		if err != nil {
			return quoting.Customer{}, err
		}
		var street []string
		if o.Address.Street != "" {
			street = []string{o.Address.Street}
		}
		return quoting.Customer{Kind: quoting.CustomerOrganization, Name: o.Name, OrganizationNumber: o.RegistrationNumber,
			VATNumber: o.VATNumber, Email: o.Email, Phone: o.Phone, Address: quoting.Address{Lines: street,
				PostalCode: o.Address.PostalCode, City: o.Address.City, Country: o.Address.Country}}, nil
	}
	if personID == nil {
		return quoting.Customer{}, errs.Invalidf("the opportunity has no relation")
	}
	p, err := r.svc.Person(ctx, *personID)
	return quoting.Customer{Kind: quoting.CustomerPerson, Name: p.Name(), Email: p.Email, Phone: p.Phone}, err
}

func (r quotingRelations) Contact(ctx context.Context, personID uuid.UUID) (quoting.Contact, error) {
	p, err := r.svc.Person(ctx, personID)
	return quoting.Contact{Name: p.Name(), Email: p.Email, Phone: p.Phone}, err
}

// quotingProducts gives quote lines their products' article numbers.
type quotingProducts struct{ svc *catalog.Service }

func (p quotingProducts) ProductCode(ctx context.Context, id uuid.UUID) (string, error) {
	prod, err := p.svc.Product(ctx, id)
	return prod.Code, err
}
