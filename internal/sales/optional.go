package sales

import "time"

// OptionalInt is a PATCH field that may be absent, set, or cleared (nil).
type OptionalInt struct {
	Set   bool
	Value *int
}

// OptionalDate is a PATCH date that may be absent, set, or cleared (nil).
type OptionalDate struct {
	Set   bool
	Value *time.Time
}

// OptionalString is a PATCH text that may be absent, set, or cleared (nil).
type OptionalString struct {
	Set   bool
	Value *string
}
