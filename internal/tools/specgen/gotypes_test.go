package main

import "testing"

// TestFactsFromAPI checks what specgen reads from package api against
// handlers and types whose behaviour is known.
func TestFactsFromAPI(t *testing.T) {
	f, err := load("../../../api")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		route                   string
		ok, created, ifMatch    bool
		contentDisposition, loc bool
	}{
		{route: "GET /api/v1/opportunities/{id}", ok: true},
		{route: "PATCH /api/v1/opportunities/{id}", ok: true, ifMatch: true},
		{route: "DELETE /api/v1/opportunities/{id}", ifMatch: true},
		// through respondCreatedOpportunity, a helper that calls created
		{route: "POST /api/v1/opportunities", created: true},
		{route: "GET /api/v1/opportunities", ok: false},
		{route: "GET /api/v1/attachments/{id}/content", contentDisposition: true},
		{route: "POST /api/v1/auth/signup/confirm", loc: true},
	} {
		h := f.handlers[tc.route]
		if h == nil {
			t.Errorf("%s: no handler found", tc.route)
			continue
		}
		got := [5]bool{h.ok, h.created, h.ifMatch, h.headers["Content-Disposition"], h.headers["Location"]}
		want := [5]bool{tc.ok, tc.created, tc.ifMatch, tc.contentDisposition, tc.loc}
		if got != want {
			t.Errorf("%s: got ok, created, ifMatch, Content-Disposition, Location = %v, want %v", tc.route, got, want)
		}
	}
	for _, tc := range []struct {
		schema, prop, kind string
		pointer, optional  bool
		omitempty, bits64  bool
	}{
		{schema: "Forecast", prop: "group_by"}, // a string, whatever its name ends with
		{schema: "Email", prop: "message_id", pointer: true},
		{schema: "Opportunity", prop: "id", kind: kindUUID},
		{schema: "Opportunity", prop: "estimated_amount", bits64: true},
		{schema: "Opportunity", prop: "expected_order_date", kind: kindDate, pointer: true},
		{schema: "Opportunity", prop: "closed_at", kind: kindDateTime, pointer: true},
		{schema: "UpdateOpportunityRequest", prop: "probability_override", optional: true},
		{schema: "UpdateOpportunityRequest", prop: "source_id", kind: kindUUID, optional: true},
		{schema: "CreatedAPIKey", prop: "prefix"}, // from the embedded APIKey
		{schema: "Problem", prop: "detail", omitempty: true},
	} {
		fd, ok := f.schemas[tc.schema][tc.prop]
		if !ok {
			t.Errorf("%s.%s: not found", tc.schema, tc.prop)
			continue
		}
		if fd.kind != tc.kind || fd.pointer != tc.pointer || fd.optional != tc.optional || fd.omitempty != tc.omitempty || fd.bits64 != tc.bits64 {
			t.Errorf("%s.%s: got %+v, want kind %q pointer %v optional %v omitempty %v bits64 %v",
				tc.schema, tc.prop, fd, tc.kind, tc.pointer, tc.optional, tc.omitempty, tc.bits64)
		}
	}
}

func TestUnits(t *testing.T) {
	for _, tc := range []struct {
		schema, prop string
		f            field
		want         unit
		wantErr      bool
	}{
		{"Line", "unit_price", field{integer: true, bits64: true}, minorUnits, false},
		{"Line", "unit_price", field{goName: "UnitPrice", integer: true}, minorUnits, true}, // money must be int64
		{"ValueChange", "before", field{integer: true}, basisPts, false},
		{"Quote", "version", field{integer: true}, unit{}, false}, // a quote number, not a row version
		{"Opportunity", "version", field{integer: true, bits64: true}, rowVersion, false},
		{"X", "new_money", field{integer: true, bits64: true}, unit{}, true}, // an int64 needs a unit
		{"Figures", "count", field{integer: true, bits64: true}, unit{}, false},
	} {
		got, _, err := unitOf(tc.schema, tc.prop, tc.f, true)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("%s.%s: got %q, %v; want %q, error %v", tc.schema, tc.prop, got.text, err, tc.want.text, tc.wantErr)
		}
	}
}
