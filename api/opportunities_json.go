package api

import (
	"encoding/json"
	"strconv"

	"github.com/acme/crm/internal/sales"
)

// opportunityPage is the OpportunityList of a page of opportunities,
// written (see writeJSON) without building the list: each item becomes
// its DTO only while it is written.
type opportunityPage struct {
	items []sales.Opportunity
	next  *string
}

func (p *opportunityPage) list() OpportunityList {
	return OpportunityList{Data: mapSlice(p.items, toOpportunity), NextCursor: p.next}
}

// MarshalJSON is encoding/json's view of p, for c.JSON's fallback.
func (p *opportunityPage) MarshalJSON() ([]byte, error) { return json.Marshal(p.list()) }

func (p *opportunityPage) appendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"data":`...)
	b, err := appendOpportunitiesOf(b, p.items)
	if err != nil {
		return b, err
	}
	b = append(b, `,"next_cursor":`...)
	b = appendJSONStringPtr(b, p.next)
	return append(b, '}'), nil
}

// appendOpportunitiesOf writes os as mapSlice(os, toOpportunity) is
// written: an array, never null. Each DTO lives only while it is written,
// with its totals and date in variables reused for every item, so that
// writing allocates nothing per item.
func appendOpportunitiesOf(b []byte, os []sales.Opportunity) ([]byte, error) {
	var (
		totals Totals
		date   Date
		vat    [8]VATAmount
	)
	b = append(b, '[')
	for i := range os {
		if i > 0 {
			b = append(b, ',')
		}
		o := opportunityFields(os[i])
		if t := os[i].Totals; t != nil {
			totals = Totals{Subtotal: t.Subtotal, OfferDiscountAmount: t.OfferDiscountAmount, Net: t.Net,
				VAT: vat[:0], VATTotal: t.VATTotal, Total: t.Total, Currency: string(t.Currency)}
			for _, v := range t.VAT {
				totals.VAT = append(totals.VAT, VATAmount{Rate: int(v.Rate), Base: v.Base, Amount: v.Amount})
			}
			o.Totals = &totals
		}
		if d := os[i].ExpectedOrderDate; d != nil {
			date = Date{*d}
			o.ExpectedOrderDate = &date
		}
		var err error
		if b, err = o.appendJSON(b); err != nil {
			return b, err
		}
	}
	return append(b, ']'), nil
}

// appendJSON writes o as encoding/json does, fields in declaration order.
func (o *Opportunity) appendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"id":`...)
	b = appendJSONUUID(b, o.ID)
	b = append(b, `,"title":`...)
	b = appendJSONString(b, o.Title)
	b = append(b, `,"organization_id":`...)
	b = appendJSONUUIDPtr(b, o.OrganizationID)
	b = append(b, `,"person_id":`...)
	b = appendJSONUUIDPtr(b, o.PersonID)
	b = append(b, `,"contact_person_id":`...)
	b = appendJSONUUIDPtr(b, o.ContactPersonID)
	b = append(b, `,"owner_id":`...)
	b = appendJSONUUID(b, o.OwnerID)
	b = append(b, `,"pipeline_id":`...)
	b = appendJSONUUID(b, o.PipelineID)
	b = append(b, `,"phase_id":`...)
	b = appendJSONUUID(b, o.PhaseID)
	b = append(b, `,"probability":`...)
	b = strconv.AppendInt(b, int64(o.Probability), 10)
	b = append(b, `,"probability_override":`...)
	b = appendJSONIntPtr(b, o.ProbabilityOverride)
	b = append(b, `,"estimated_amount":`...)
	b = strconv.AppendInt(b, o.EstimatedAmount, 10)
	b = append(b, `,"weighted_amount":`...)
	b = strconv.AppendInt(b, o.WeightedAmount, 10)
	b = append(b, `,"currency":`...)
	b = appendJSONString(b, o.Currency)
	b = append(b, `,"offer_discount":`...)
	b = strconv.AppendInt(b, int64(o.OfferDiscount), 10)
	b = append(b, `,"totals":`...)
	b = o.Totals.appendJSON(b)
	b = append(b, `,"expected_order_date":`...)
	if o.ExpectedOrderDate == nil {
		b = append(b, "null"...)
	} else {
		b = o.ExpectedOrderDate.appendJSON(b)
	}
	b = append(b, `,"source_id":`...)
	b = appendJSONUUIDPtr(b, o.SourceID)
	b = append(b, `,"description":`...)
	b = appendJSONString(b, o.Description)
	b = append(b, `,"status":`...)
	b = appendJSONString(b, o.Status)
	b = append(b, `,"closed_at":`...)
	b, err := appendJSONTimePtr(b, o.ClosedAt)
	if err != nil {
		return b, err
	}
	b = append(b, `,"lost_reason":`...)
	b = appendJSONStringPtr(b, o.LostReason)
	b = append(b, `,"created_by":`...)
	b = appendJSONUUID(b, o.CreatedBy)
	b = append(b, `,"external_id":`...)
	b = appendJSONStringPtr(b, o.ExternalID)
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, o.Version, 10)
	b = append(b, `,"created_at":`...)
	if b, err = appendJSONTime(b, o.CreatedAt); err != nil {
		return b, err
	}
	b = append(b, `,"updated_at":`...)
	if b, err = appendJSONTime(b, o.UpdatedAt); err != nil {
		return b, err
	}
	return append(b, '}'), nil
}

// appendJSON writes t as encoding/json does; null when t is nil.
func (t *Totals) appendJSON(b []byte) []byte {
	if t == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"subtotal":`...)
	b = strconv.AppendInt(b, t.Subtotal, 10)
	b = append(b, `,"offer_discount_amount":`...)
	b = strconv.AppendInt(b, t.OfferDiscountAmount, 10)
	b = append(b, `,"net":`...)
	b = strconv.AppendInt(b, t.Net, 10)
	b = append(b, `,"vat":`...)
	if t.VAT == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, v := range t.VAT {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"rate":`...)
			b = strconv.AppendInt(b, int64(v.Rate), 10)
			b = append(b, `,"base":`...)
			b = strconv.AppendInt(b, v.Base, 10)
			b = append(b, `,"amount":`...)
			b = strconv.AppendInt(b, v.Amount, 10)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"vat_total":`...)
	b = strconv.AppendInt(b, t.VATTotal, 10)
	b = append(b, `,"total":`...)
	b = strconv.AppendInt(b, t.Total, 10)
	b = append(b, `,"currency":`...)
	b = appendJSONString(b, t.Currency)
	return append(b, '}')
}
