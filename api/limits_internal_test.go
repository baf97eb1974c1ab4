package api

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/acme/crm/internal/sales"
)

// The request types repeat the domain's text limits in their validate tags
// (so that openapi.yaml states them); the domain's constants are the source.
func TestFieldLimitsMatchTheDomain(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ   any
		field string
		max   int
	}{
		{CreateOpportunityRequest{}, "Description", sales.MaxDescriptionLen},
		{UpdateOpportunityRequest{}, "Description", sales.MaxDescriptionLen},
		{CreateLineRequest{}, "Name", sales.MaxLineNameLen},
		{CreateLineRequest{}, "Unit", sales.MaxLineUnitLen},
		{CreateLineRequest{}, "Description", sales.MaxLineDescriptionLen},
		{UpdateLineRequest{}, "Name", sales.MaxLineNameLen},
		{UpdateLineRequest{}, "Unit", sales.MaxLineUnitLen},
		{UpdateLineRequest{}, "Description", sales.MaxLineDescriptionLen},
	}
	for _, tt := range tests {
		typ := reflect.TypeOf(tt.typ)
		f, ok := typ.FieldByName(tt.field)
		if !ok {
			t.Errorf("%s has no field %s", typ.Name(), tt.field)
			continue
		}
		want := fmt.Sprintf("max=%d", tt.max)
		if !containsRule(f.Tag.Get("validate"), want) {
			t.Errorf("%s.%s: validate tag %q, want it to hold %s as the domain does", typ.Name(), tt.field, f.Tag.Get("validate"), want)
		}
	}
}

func containsRule(tag, rule string) bool {
	for r := range strings.SplitSeq(tag, ",") {
		if r == rule {
			return true
		}
	}
	return false
}
