package money

import (
	"math"
	"testing"

	"github.com/acme/crm/internal/errs"
)

func TestMulDivRound(t *testing.T) {
	tests := []struct {
		a, b, c int64
		want    int64
	}{
		{5, 1, 2, 3},   // 2.5 → 3
		{-5, 1, 2, -3}, // −2.5 → −3, away from zero
		{5, -1, 2, -3}, // sign from b
		{5, 1, -2, -3}, // sign from c
		{-5, -1, -2, -3},
		{-5, -1, 2, 3},
		{7, 1, 2, 4},   // 3.5 → 4
		{1, 1, 3, 0},   // 0.333 → 0
		{2, 1, 3, 1},   // 0.667 → 1
		{-1, 1, 3, 0},  // −0.333 → 0
		{-2, 1, 3, -1}, // −0.667 → −1
		{0, 123, 7, 0},
		{123456, 35, 100, 43210}, // weighted forecast: 1234.56 × 35 % = 432.096 → 432.10
		{math.MaxInt64, math.MaxInt64, math.MaxInt64, math.MaxInt64},
		{math.MaxInt64, 10000, 10000, math.MaxInt64},
		{math.MinInt64, 1, 2, math.MinInt64 / 2},
	}
	for _, tt := range tests {
		got, err := MulDivRound(tt.a, tt.b, tt.c)
		if err != nil {
			t.Errorf("MulDivRound(%d, %d, %d): %v", tt.a, tt.b, tt.c, err)
			continue
		}
		if got != tt.want {
			t.Errorf("MulDivRound(%d, %d, %d): got %d, want %d", tt.a, tt.b, tt.c, got, tt.want)
		}
	}
}

func TestMulDivRoundRefuses(t *testing.T) {
	tests := []struct{ a, b, c int64 }{
		{1, 1, 0},
		{math.MaxInt64, 2, 1},
		{math.MaxInt64, math.MaxInt64, 1},
		{math.MinInt64, 1, 1}, // −2^63 is representable but its magnitude is refused
	}
	for _, tt := range tests {
		got, err := MulDivRound(tt.a, tt.b, tt.c)
		if !errs.Is(err, errs.Invalid) {
			t.Errorf("MulDivRound(%d, %d, %d): got %d, %v, want an errs.Invalid error", tt.a, tt.b, tt.c, got, err)
		}
	}
}

func TestMulDivRoundU(t *testing.T) {
	tests := []struct {
		name    string
		a, b, c uint64
		want    uint64
		wantOK  bool
	}{
		{"128-bit product", 1 << 40, 1 << 40, 1 << 30, 1 << 50, true},
		{"1.5 rounds up", 3, 1, 2, 2, true},
		{"largest quotient", math.MaxUint64, 1, 1, math.MaxUint64, true},
		// 31 × 8191 × 145295143558111 = 2^65 − 1: the quotient by 2 is
		// 2^64 − 0.5, which fits before rounding and not after.
		{"rounding up overflows", 31 * 8191, 145295143558111, 2, 0, false},
		{"quotient needs 65 bits", math.MaxUint64, 2, 1, 0, false},
		{"half up at the top", math.MaxUint64, 1, 2, 1 << 63, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := mulDivRoundU(tt.a, tt.b, tt.c)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("got %d, %v, want %d, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
