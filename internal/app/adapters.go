package app

import (
	"context"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/activity"
	"github.com/acme/crm/internal/catalog"
	"github.com/acme/crm/internal/relations"
	"github.com/acme/crm/internal/sales"
)

// salesRelations lets the sales service create an opportunity's
// organization or person inline, through the relations service's rules.
type salesRelations struct{ svc *relations.Service }

func (r salesRelations) CreateOrganization(ctx context.Context, in sales.NewOrganization) (uuid.UUID, error) {
	o, err := r.svc.CreateOrganization(ctx, relations.NewOrganization{Name: in.Name, RegistrationNumber: in.RegistrationNumber,
		VATNumber: in.VATNumber, Email: in.Email, Phone: in.Phone, Website: in.Website})
	return o.ID, err
}

func (r salesRelations) CreatePerson(ctx context.Context, in sales.NewPerson, organizationID *uuid.UUID) (uuid.UUID, error) {
	p, err := r.svc.CreatePerson(ctx, relations.NewPerson{FirstName: in.FirstName, LastName: in.LastName, Email: in.Email,
		Phone: in.Phone, JobTitle: in.JobTitle, OrganizationID: organizationID})
	return p.ID, err
}

// salesTasks gives the dashboard a user's open tasks.
type salesTasks struct{ svc *activity.Tasks }

func (t salesTasks) OpenTaskSummary(ctx context.Context, assignee uuid.UUID, limit int) (int, []sales.TaskSummary, error) {
	n, tasks, err := t.svc.OpenTasks(ctx, assignee, limit)
	out := make([]sales.TaskSummary, len(tasks))
	for i, task := range tasks {
		out[i] = sales.TaskSummary{ID: task.ID, Title: task.Title, DueAt: task.DueAt, OpportunityID: task.OpportunityID}
	}
	return n, out, err
}

// salesCatalog gives opportunity lines the products they copy from.
type salesCatalog struct{ svc *catalog.Service }

func (c salesCatalog) Product(ctx context.Context, id uuid.UUID) (sales.Product, error) {
	p, err := c.svc.Product(ctx, id)
	return sales.Product{ID: p.ID, Name: p.Name, Unit: p.Unit, UnitPrice: p.UnitPrice, Currency: p.Currency,
		VATRate: p.VATRate, Active: p.Active}, err
}
