package main

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3gen"
	"github.com/google/uuid"

	"github.com/acme/crm/internal/app"
)

// webhookPayloads adds a schema per webhook event type, generated from the
// Go type of the example its definition carries (the type the deliveries
// are marshalled from), and makes WebhookEventType.example any of them.
func webhookPayloads(doc *openapi3.T) error {
	uuidType := reflect.TypeFor[uuid.UUID]()
	custom := func(_ string, t reflect.Type, _ reflect.StructTag, s *openapi3.Schema) error {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t == uuidType {
			nullable := s.Nullable
			*s = *openapi3.NewUUIDSchema()
			s.Nullable = nullable
		}
		return nil
	}
	ref, ok := doc.Components.Schemas["WebhookEventType"]
	if !ok || ref.Value == nil || ref.Value.Properties["example"] == nil {
		return fmt.Errorf("webhook payloads: no WebhookEventType.example in the swag output")
	}
	var any openapi3.SchemaRefs
	for _, d := range app.EventTypes() {
		s, err := openapi3gen.NewSchemaRefForValue(d.Example, nil, openapi3gen.SchemaCustomizer(custom))
		if err != nil {
			return fmt.Errorf("webhook payload of %s: %w", d.Type, err)
		}
		s.Value.Description = string(d.Type) + ": " + d.Description
		name := "WebhookData_" + strings.ReplaceAll(string(d.Type), ".", "_")
		doc.Components.Schemas[name] = openapi3.NewSchemaRef("", s.Value)
		any = append(any, openapi3.NewSchemaRef("#/components/schemas/"+name, nil))
	}
	ex := ref.Value.Properties["example"].Value
	ex.AnyOf = any
	return nil
}
