package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3gen"
	"github.com/google/uuid"

	"github.com/acme/crm/api"
	"github.com/acme/crm/internal/app"
	"github.com/acme/crm/internal/events"
)

// webhookPayloads adds a schema per webhook event type and makes
// WebhookEventType.example any of them. An event about a record delivers
// that record as the API returns it: its schema is the API's own (a
// reference to Opportunity, Quote…, found from the Go type api.EventObject
// maps the definition's example record to), with "previous" added for the
// types whose payload carries the earlier values. Other events deliver
// their payload: its schema is generated from the payload's Go type.
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
		name := "WebhookData_" + strings.ReplaceAll(string(d.Type), ".", "_")
		if d.Subject != nil {
			s, err := recordSchema(doc, d)
			if err != nil {
				return err
			}
			doc.Components.Schemas[name] = s
			any = append(any, openapi3.NewSchemaRef("#/components/schemas/"+name, nil))
			continue
		}
		s, err := openapi3gen.NewSchemaRefForValue(d.Example, nil, openapi3gen.SchemaCustomizer(custom))
		if err != nil {
			return fmt.Errorf("webhook payload of %s: %w", d.Type, err)
		}
		s.Value.Description = string(d.Type) + ": " + d.Description
		doc.Components.Schemas[name] = openapi3.NewSchemaRef("", s.Value)
		any = append(any, openapi3.NewSchemaRef("#/components/schemas/"+name, nil))
	}
	ex := ref.Value.Properties["example"].Value
	ex.AnyOf = any
	return nil
}

// recordSchema is the data schema of an event about a record: the API's
// schema of that record, plus "previous" when the event's payload has it.
func recordSchema(doc *openapi3.T, d events.Definition) (*openapi3.SchemaRef, error) {
	obj, ok := api.EventObject(d.Subject, time.Now(), "")
	if !ok {
		return nil, fmt.Errorf("webhook payload of %s: api.EventObject does not map %T", d.Type, d.Subject)
	}
	component := reflect.TypeOf(obj).Name()
	ref, ok := doc.Components.Schemas[component]
	if !ok || ref.Value == nil {
		return nil, fmt.Errorf("webhook payload of %s: no component schema %s", d.Type, component)
	}
	raw, err := json.Marshal(d.Example)
	if err != nil {
		return nil, err
	}
	var p struct {
		Previous map[string]any `json:"previous"`
	}
	_ = json.Unmarshal(raw, &p)
	description := string(d.Type) + ": " + d.Description + " Data is the " + component + " as the API returned it when the event happened"
	if p.Previous == nil {
		// A reference cannot carry a description of its own in OpenAPI
		// 3.0, so the schema wraps it.
		return openapi3.NewSchemaRef("", &openapi3.Schema{Description: description + ".",
			AllOf: openapi3.SchemaRefs{openapi3.NewSchemaRef("#/components/schemas/"+component, nil)}}), nil
	}
	s := *ref.Value // a copy with previous added; its properties still refer to the shared schemas
	s.Properties = maps.Clone(ref.Value.Properties)
	s.Required = slices.Clone(ref.Value.Required)
	s.Description = description + ", with previous: the earlier value of each field the change set."
	prev := openapi3.NewObjectSchema()
	prev.Description = "The earlier value of each changed field, by its name in " + component + "."
	prev.AdditionalProperties = openapi3.AdditionalProperties{Has: ptr(true)}
	s.Properties["previous"] = openapi3.NewSchemaRef("", prev)
	s.Required = append(s.Required, "previous")
	return openapi3.NewSchemaRef("", &s), nil
}

func ptr[T any](v T) *T { return &v }
