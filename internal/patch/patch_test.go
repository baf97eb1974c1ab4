package patch

import "testing"

func TestApply(t *testing.T) {
	one, two := 1, 2
	tests := []struct {
		name  string
		field Field[int]
		want  *int
	}{
		{"absent keeps the value", Field[int]{}, &one},
		{"set replaces it", To(&two), &two},
		{"cleared removes it", To[int](nil), nil},
	}
	for _, tt := range tests {
		dst := &one
		tt.field.Apply(&dst)
		if dst != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, dst, tt.want)
		}
	}
}
