package main

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

const schemaPrefix = "#/components/schemas/"

// Sides a schema is used on.
const (
	inRequest = 1 << iota
	inResponse
)

// improveSchemas makes every component schema say what its Go type does:
// formats from the field types, units from the unit table, required and
// nullable from omitempty and pointers (response side) or from validate
// tags and Optional (request side).
func improveSchemas(doc *openapi3.T, f *facts) error {
	sides := schemaSides(doc)
	var problems []error
	for _, name := range sortedKeys(doc.Components.Schemas) {
		s := doc.Components.Schemas[name].Value
		fields, known := f.schemas[name]
		if !known {
			problems = append(problems, fmt.Errorf("schema %s: no Go type in api/ is named so", name))
			continue
		}
		side := sides[name]
		if side == inRequest|inResponse {
			problems = append(problems, fmt.Errorf("schema %s is used in requests and in responses: give each its own Go type, "+
				"since a response lists what it always sends as required and a request only what it needs", name))
			continue
		}
		if err := improveSchema(name, s, fields, side != inRequest); err != nil {
			problems = append(problems, err)
		}
	}
	return errors.Join(problems...)
}

func improveSchema(name string, s *openapi3.Schema, fields map[string]field, response bool) error {
	var problems []error
	if response {
		s.Required = nil
	}
	for _, prop := range sortedKeys(s.Properties) {
		ref := s.Properties[prop]
		f, found := fields[prop]
		if !found {
			problems = append(problems, fmt.Errorf("%s.%s: no such JSON field in its Go type", name, prop))
			continue
		}
		if response && !f.omitempty {
			s.Required = append(s.Required, prop)
		}
		nullable := f.optional || (response && f.pointer && !f.omitempty)
		if ref.Ref != "" {
			if nullable { // OpenAPI 3.0 allows nothing beside $ref
				s.Properties[prop] = &openapi3.SchemaRef{Value: &openapi3.Schema{
					Type: &openapi3.Types{openapi3.TypeObject}, Nullable: true, AllOf: openapi3.SchemaRefs{{Ref: ref.Ref}}}}
			}
			continue
		}
		v := ref.Value
		v.Nullable = nullable
		if len(v.AllOf) > 0 && (v.Type == nil || len(*v.Type) == 0) {
			v.Type = &openapi3.Types{openapi3.TypeObject}
		}
		if err := typeProperty(name, prop, v, f, response); err != nil {
			problems = append(problems, err)
		}
		if f.optional {
			v.Description = describe(v.Description, "Absent leaves it as it is; null clears it.")
		}
	}
	sort.Strings(s.Required)
	return errors.Join(problems...)
}

// typeProperty sets a property's format and unit from its Go field.
func typeProperty(schema, prop string, v *openapi3.Schema, f field, response bool) error {
	switch {
	case v.Type.Is(openapi3.TypeString):
		if f.kind != "" {
			v.Format = f.kind
		} else if f.email && !response {
			v.Format = "email"
		}
	case v.Type.Is(openapi3.TypeArray) && v.Items != nil && v.Items.Ref == "" && v.Items.Value != nil:
		if f.elemKind != "" && v.Items.Value.Type.Is(openapi3.TypeString) {
			v.Items.Value.Format = f.elemKind
		}
	case v.Type.Is(openapi3.TypeInteger), v.Type.Is(openapi3.TypeNumber):
		u, has, err := unitOf(schema, prop, f, true)
		if err != nil {
			return err
		}
		switch {
		case has && u.format != "":
			v.Format = u.format
		case v.Type.Is(openapi3.TypeNumber):
			v.Format = "double"
		case f.bits64:
			v.Format = "int64"
		}
		if has {
			v.Description = describe(v.Description, u.text)
		}
		if v.Type.Is(openapi3.TypeInteger) && v.Example != nil {
			if x, ok := v.Example.(float64); ok && x == float64(int64(x)) {
				v.Example = int64(x) // swag writes integer examples as floats
			}
		}
	}
	return nil
}

// schemaSides tells, for each component schema, whether request bodies,
// responses or both reach it.
func schemaSides(doc *openapi3.T) map[string]int {
	sides := map[string]int{}
	var walk func(ref *openapi3.SchemaRef, side int)
	walk = func(ref *openapi3.SchemaRef, side int) {
		if ref == nil {
			return
		}
		if strings.HasPrefix(ref.Ref, schemaPrefix) {
			name := strings.TrimPrefix(ref.Ref, schemaPrefix)
			if sides[name]&side != 0 {
				return
			}
			sides[name] |= side
			walk(doc.Components.Schemas[name], side)
			return
		}
		s := ref.Value
		if s == nil {
			return
		}
		for _, p := range s.Properties {
			walk(p, side)
		}
		walk(s.Items, side)
		for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
			for _, r := range list {
				walk(r, side)
			}
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, mt := range op.RequestBody.Value.Content {
					walk(mt.Schema, inRequest)
				}
			}
			for _, r := range op.Responses.Map() {
				if r.Value != nil {
					for _, mt := range r.Value.Content {
						walk(mt.Schema, inResponse)
					}
				}
			}
		}
	}
	return sides
}
