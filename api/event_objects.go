package api

import (
	"time"

	"github.com/acme/crm/internal/activity"
	"github.com/acme/crm/internal/invoicing"
	"github.com/acme/crm/internal/quoting"
	"github.com/acme/crm/internal/relations"
	"github.com/acme/crm/internal/sales"
)

// EventObject answers the record an event is about as the API returns it,
// which is what a webhook's data carries: an Opportunity, Quote, Invoice,
// Task, Organization or Person, mapped by the very functions the handlers
// use. now dates what depends on the moment (a task's or an invoice's
// overdue) in the workspace's time zone. ok is false for any other value.
func EventObject(record any, now time.Time, zone string) (object any, ok bool) {
	switch r := record.(type) {
	case sales.Opportunity:
		return toOpportunity(r), true
	case quoting.Quote:
		return toQuote(r), true
	case invoicing.Invoice:
		return toInvoice(r, invoicing.Today(now, zone)), true
	case activity.Task:
		return toTask(now)(r), true
	case relations.Organization:
		return toOrganization(r), true
	case relations.Person:
		return toPerson(r), true
	}
	return nil, false
}
