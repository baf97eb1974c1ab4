package ratelimit

import (
	"context"
	"errors"
	"testing"
	"time"
)

type brokenCounter struct{}

func (brokenCounter) Hit(context.Context, string, time.Duration) (int, time.Duration, error) {
	return 0, 0, errors.New("connection refused")
}
func (brokenCounter) Add(context.Context, string, int, time.Duration) (int, time.Duration, error) {
	return 0, 0, errors.New("connection refused")
}

func (brokenCounter) Forget(context.Context, string) error { return errors.New("connection refused") }

// TestSharedFallsBackToMemory: with its store down, Shared still limits,
// per process.
func TestSharedFallsBackToMemory(t *testing.T) {
	s := NewShared(brokenCounter{}, "test", 2, time.Minute, nil)
	for i, want := range []bool{true, true, false} {
		if ok, _ := s.Allow("k"); ok != want {
			t.Errorf("attempt %d: got %v, want %v", i+1, ok, want)
		}
	}
	s.Reset("k")
	if ok, _ := s.Allow("k"); !ok {
		t.Error("after reset: refused, want allowed")
	}
}
