// Package patch holds the one type of a PATCH field that may be absent, set
// to a value, or cleared; every domain's patches use it.
package patch

// Field is a field of a partial update: absent (Set is false), set to
// *Value, or cleared (Set with a nil Value).
type Field[T any] struct {
	Set   bool
	Value *T
}

// To is a field set to v; a nil v clears it.
func To[T any](v *T) Field[T] { return Field[T]{Set: true, Value: v} }

// Apply writes the field into dst when it is set.
func (f Field[T]) Apply(dst **T) {
	if f.Set {
		*dst = f.Value
	}
}
