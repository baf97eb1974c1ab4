package money

import (
	"math"
	"math/bits"

	"github.com/acme/crm/internal/errs"
)

// MaxAmount is the largest amount, in minor units, that a unit price, a line
// net or any total may reach: 10^15 − 1, about ten thousand billion kronor.
// It keeps every amount below 2^53, so JSON clients that parse numbers as
// IEEE doubles (every browser) read them exactly, and it leaves the 128-bit
// intermediate products far from overflow.
const MaxAmount int64 = 999_999_999_999_999

// MulDivRound returns a×b/c rounded half away from zero, computed exactly
// with a 128-bit intermediate product so that a×b may exceed int64. It is
// meant for callers outside the totals engine, such as the weighted forecast
// (amount × probability / 100). It answers an errs.Invalid error when c is 0
// or when the result does not fit in int64.
func MulDivRound(a, b, c int64) (int64, error) {
	if c == 0 {
		return 0, errs.Invalidf("division by zero")
	}
	neg := (a < 0) != (b < 0) != (c < 0)
	q, ok := mulDivRoundU(absU(a), absU(b), absU(c))
	if !ok || q > math.MaxInt64 {
		return 0, errs.Invalidf("amount out of range")
	}
	if neg {
		return -int64(q), nil
	}
	return int64(q), nil
}

// absU returns |v| as uint64; it is exact even for math.MinInt64.
func absU(v int64) uint64 {
	if v < 0 {
		return -uint64(v)
	}
	return uint64(v)
}

// mulDivRoundU returns a×b/c rounded half away from zero (half up, since
// all operands are non-negative) for c > 0, and false when the quotient does
// not fit in 64 bits.
func mulDivRoundU(a, b, c uint64) (uint64, bool) {
	hi, lo := bits.Mul64(a, b)
	if hi >= c {
		return 0, false // the quotient needs more than 64 bits
	}
	q, r := bits.Div64(hi, lo, c)
	// r ≥ c/2 without computing 2r, which could overflow.
	if r >= c-r {
		q++
		if q == 0 {
			return 0, false
		}
	}
	return q, true
}

// applyBP returns round(amount × bp / 10000) half away from zero. With
// amount in 0..MaxAmount and bp in 0..10000 the result never exceeds amount,
// so no overflow is possible and no error is returned.
func applyBP(amount int64, bp BasisPoints) int64 {
	q, _ := mulDivRoundU(uint64(amount), uint64(bp), uint64(Whole))
	return int64(q)
}
