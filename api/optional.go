package api

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
)

// OptionalUUID is a PATCH field that can be absent (unchanged), null
// (cleared) or an id.
type OptionalUUID struct {
	Set   bool
	Value *uuid.UUID
}

// UnmarshalJSON implements json.Unmarshaler; it only runs when the field is
// present.
func (o *OptionalUUID) UnmarshalJSON(b []byte) error {
	o.Set = true
	if bytes.Equal(b, []byte("null")) {
		o.Value = nil
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errs.New(errs.BadRequest, "expected a UUID string or null")
	}
	id, err := uuid.Parse(s)
	if err != nil {
		return errs.New(errs.BadRequest, "%q is not a UUID", s)
	}
	o.Value = &id
	return nil
}

// OptionalString is a PATCH field that can be absent, null or a string.
type OptionalString struct {
	Set   bool
	Value *string
}

// UnmarshalJSON implements json.Unmarshaler.
func (o *OptionalString) UnmarshalJSON(b []byte) error {
	o.Set = true
	if bytes.Equal(b, []byte("null")) {
		o.Value = nil
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errs.New(errs.BadRequest, "expected a string or null")
	}
	o.Value = &s
	return nil
}

// OptionalInt is a PATCH field that can be absent, null or an integer.
type OptionalInt struct {
	Set   bool
	Value *int
}

// UnmarshalJSON implements json.Unmarshaler.
func (o *OptionalInt) UnmarshalJSON(b []byte) error {
	o.Set = true
	if bytes.Equal(b, []byte("null")) {
		o.Value = nil
		return nil
	}
	var n int
	if err := json.Unmarshal(b, &n); err != nil {
		return errs.New(errs.BadRequest, "expected an integer or null")
	}
	o.Value = &n
	return nil
}

// Date is a calendar date written YYYY-MM-DD.
type Date struct{ time.Time }

// UnmarshalJSON implements json.Unmarshaler.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errs.New(errs.BadRequest, "expected a date as \"YYYY-MM-DD\"")
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return errs.New(errs.BadRequest, "%q is not a date as YYYY-MM-DD", s)
	}
	d.Time = t
	return nil
}

// MarshalJSON implements json.Marshaler.
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.Format(time.DateOnly)) }

func datePtr(t *time.Time) *Date {
	if t == nil {
		return nil
	}
	return &Date{*t}
}

func (d *Date) timePtr() *time.Time {
	if d == nil {
		return nil
	}
	t := d.Time
	return &t
}

// OptionalDate is a PATCH date that can be absent, null or a date.
type OptionalDate struct {
	Set   bool
	Value *Date
}

// UnmarshalJSON implements json.Unmarshaler.
func (o *OptionalDate) UnmarshalJSON(b []byte) error {
	o.Set = true
	if bytes.Equal(b, []byte("null")) {
		o.Value = nil
		return nil
	}
	o.Value = &Date{}
	return o.Value.UnmarshalJSON(b)
}
