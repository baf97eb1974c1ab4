package api

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/patch"
	"github.com/acme/crm/internal/upsert"
)

// Optional is a PATCH field that can be absent (Set false: unchanged),
// null (Set, Value nil: cleared) or a value.
type Optional[T any] struct {
	Set   bool
	Value *T
}

// Field is the domain's form of the field.
func (o Optional[T]) Field() patch.Field[T] { return patch.Field[T](o) }

// UnmarshalJSON implements json.Unmarshaler; it only runs when the field is
// present.
func (o *Optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if bytes.Equal(b, []byte("null")) {
		o.Value = nil
		return nil
	}
	v := new(T)
	if err := json.Unmarshal(b, v); err != nil {
		if e, ok := errs.As(err); ok {
			return e
		}
		return errs.New(errs.BadRequest, "expected %s or null", describe(*v))
	}
	o.Value = v
	return nil
}

func describe(v any) string {
	switch v.(type) {
	case uuid.UUID:
		return "a UUID string"
	case string:
		return "a string"
	case int:
		return "an integer"
	case time.Time:
		return "an RFC 3339 time"
	}
	return "a value of the field's type"
}

// The PATCH field types the requests use.
type (
	OptionalUUID   = Optional[uuid.UUID]
	OptionalString = Optional[string]
	OptionalInt    = Optional[int]
	OptionalDate   = Optional[Date]
	OptionalTime   = Optional[time.Time]
)

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

// externalIDChange is a PATCH's external_id: nil when absent, a Change
// with a nil Value when null.
func externalIDChange(o OptionalString) *upsert.Change {
	if !o.Set {
		return nil
	}
	return &upsert.Change{Value: o.Value}
}

// externalIDQuery is the ?external_id= filter of a list: empty when absent,
// otherwise a valid external id (422 naming external_id).
func externalIDQuery(c echo.Context) (string, error) {
	v := c.QueryParam("external_id")
	if v == "" {
		return "", nil
	}
	return v, upsert.CheckExternalID("external_id", v)
}
