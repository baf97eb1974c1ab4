package errs

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorMessageNamesCodeAndCause(t *testing.T) {
	cause := errors.New("connection reset")
	tests := []struct {
		err  error
		want string
	}{
		{New(Conflict, "quote is %s", "signed"), "conflict: quote is signed"},
		{Wrap(cause, Unavailable, "database"), "unavailable: database: connection reset"},
		{Field("name", "is required"), "invalid: is required"},
		{NotFoundf("no quote %d", 7), "not_found: no quote 7"},
		{Conflictf("taken"), "conflict: taken"},
		{Invalidf("bad %s", "input"), "invalid: bad input"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
	if !errors.Is(Wrap(cause, Internal, "x"), cause) {
		t.Error("a wrapped error does not unwrap to its cause")
	}
	if New(Gone, "x").Unwrap() != nil {
		t.Error("an unwrapped error has a cause")
	}
}

func TestCodeTravelsThroughWrapping(t *testing.T) {
	wrapped := fmt.Errorf("load quote: %w", New(PreconditionFailed, "stale"))
	tests := []struct {
		name string
		err  error
		code Code
		is   bool
	}{
		{"nil", nil, Internal, false},
		{"plain error", errors.New("boom"), Internal, true},
		{"typed", New(NotFound, "x"), NotFound, true},
		{"wrapped by fmt", wrapped, PreconditionFailed, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err != nil {
				if got := CodeOf(tt.err); got != tt.code {
					t.Errorf("CodeOf: got %s, want %s", got, tt.code)
				}
			}
			if got := Is(tt.err, tt.code); got != tt.is {
				t.Errorf("Is(%v, %s): got %v, want %v", tt.err, tt.code, got, tt.is)
			}
		})
	}
	if Is(New(NotFound, "x"), Conflict) {
		t.Error("Is matched another code")
	}
	if e, ok := As(wrapped); !ok || e.Code != PreconditionFailed {
		t.Errorf("As: got %v, %v", e, ok)
	}
	if _, ok := As(errors.New("plain")); ok {
		t.Error("As found an *Error in a plain error")
	}
}

func TestFieldsWithoutFieldsIsNoError(t *testing.T) {
	if err := Fields("invalid"); err != nil {
		t.Errorf("got %v, want nil", err)
	}
	err := Fields("invalid", FieldError{Field: "a", Message: "m"}, FieldError{Field: "b", Message: "n"})
	if e, ok := As(err); !ok || e.Code != Invalid || len(e.Fields) != 2 || e.Fields[1].Field != "b" {
		t.Errorf("got %v, want invalid on a and b", err)
	}
}
