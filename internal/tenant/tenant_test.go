package tenant

import (
	"context"
	"testing"

	"github.com/google/uuid"
)

func TestWorkspaceComesOnlyFromTheContext(t *testing.T) {
	ws := uuid.New()
	tests := []struct {
		name   string
		ctx    context.Context
		want   uuid.UUID
		wantOK bool
	}{
		{"none", context.Background(), uuid.Nil, false},
		{"set", With(context.Background(), ws), ws, true},
		{"the nil id is none", With(context.Background(), uuid.Nil), uuid.Nil, false},
	}
	for _, tt := range tests {
		if got, ok := From(tt.ctx); got != tt.want || ok != tt.wantOK {
			t.Errorf("%s: got %s, %v, want %s, %v", tt.name, got, ok, tt.want, tt.wantOK)
		}
	}
	if IsSystem(context.Background()) || !IsSystem(System(context.Background())) {
		t.Error("IsSystem does not follow System")
	}
}
