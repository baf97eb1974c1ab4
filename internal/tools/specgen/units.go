package main

import (
	"fmt"
	"strings"
)

// A unit says what a number means. Every integer and number property of
// the API is described from this one table, so that no description of
// minor units or basis points is copied by hand; specgen fails on a 64-bit
// integer it has no unit for, so a new money field cannot go undescribed.
type unit struct {
	text   string
	format string // a format the unit implies, "" for the Go type's
	money  bool   // must be a 64-bit integer in Go
}

var (
	minorUnits = unit{text: "Money in minor units of the currency (cents, öre): 12500 is 125.00. Never a float.", money: true}
	basisPts   = unit{text: "Basis points: hundredths of a percent, 0 to 10000 (2500 is 25 %)."}
	percent    = unit{text: "Whole percent, 0 to 100."}
	quantity   = unit{text: "Exact decimal with at most 3 decimals, 0.001 to 999999999999.999, as a JSON number: " +
		"its shortest form round-trips through a 64-bit float (123456.789 stays 123456.789); more decimals are 422.",
		format: "double"}
	rowVersion = unit{text: "Row version, raised by every change; the ETag header is this number in quotes. " +
		"Send it back as If-Match to change or delete only what you read."}
	byteCount = unit{text: "Size in bytes."}
	dayCount  = unit{text: "Number of days."}
	seconds   = unit{text: "Number of seconds."}
)

// units by property name; "Schema.property" entries win over bare names.
var units = map[string]unit{
	"amount": minorUnits, "estimated_amount": minorUnits, "weighted_amount": minorUnits,
	"offer_discount_amount": minorUnits, "base": minorUnits, "net": minorUnits, "subtotal": minorUnits,
	"total": minorUnits, "vat_total": minorUnits, "unit_price": minorUnits,
	"paid": minorUnits, "credited": minorUnits, "amount_due": minorUnits, "invoiced": minorUnits,
	"outstanding": minorUnits, "overdue": minorUnits,

	"discount": basisPts, "offer_discount": basisPts, "vat_rate": basisPts, "rate": basisPts,
	"win_rate": basisPts, "ValueChange.before": basisPts, "ValueChange.after": basisPts,

	"probability": percent, "probability_override": percent, "from_probability": percent,
	"to_probability": percent,

	"quantity": quantity, "InvoicingLineState.sold": quantity, "InvoicingLineState.invoiced": quantity,
	"InvoicingLineState.remaining": quantity,
	"payment_terms_days":           dayCount, "terms_days": dayCount,
	"size": byteCount, "follow_up_days": dayCount, "validity_days": dayCount, "expires_in": seconds,
}

// plainInts are integer properties that are counts or positions, whose
// name says all there is.
var plainInts = map[string]bool{"count": true, "position": true, "attempts": true, "created": true,
	"won": true, "closed": true, "status": true, "seq": true}

// unitOf returns the unit of schema.prop with Go field f.
func unitOf(schema, prop string, f field, found bool) (unit, bool, error) {
	if u, ok := units[schema+"."+prop]; ok {
		return u, true, checkUnit(schema, prop, u, f, found)
	}
	if prop == "version" && f.bits64 {
		return rowVersion, true, nil
	}
	if u, ok := units[prop]; ok {
		return u, true, checkUnit(schema, prop, u, f, found)
	}
	if found && f.bits64 && !plainInts[prop] {
		return unit{}, false, fmt.Errorf("%s.%s is a 64-bit integer without a unit: add it to the table in internal/tools/specgen/units.go", schema, prop)
	}
	return unit{}, false, nil
}

func checkUnit(schema, prop string, u unit, f field, found bool) error {
	if u.money && found && !f.bits64 {
		return fmt.Errorf("%s.%s is money but its Go field %s is not int64", schema, prop, f.goName)
	}
	return nil
}

// describe appends the unit to a description, once.
func describe(desc, text string) string {
	if strings.Contains(desc, text) {
		return desc
	}
	if desc == "" {
		return text
	}
	desc = strings.TrimRight(desc, " ")
	if !strings.HasSuffix(desc, ".") {
		desc += "."
	}
	return desc + " " + text
}
