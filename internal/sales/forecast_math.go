package sales

import (
	"math"
)

// RuleForecastAmountOverflow is the rule broken when amounts sum past int64.
const RuleForecastAmountOverflow Rule = "forecast_amount_overflow"

// InForecast reports whether an opportunity counts in the pipeline board and
// the forecast: it is open and has an expected order date.
func InForecast(s Status, hasExpectedOrderDate bool) bool {
	return s == StatusOpen && hasExpectedOrderDate
}

// WeightedAmount is amount × probability / 100, rounded half up to the minor
// unit (half away from zero for a negative amount, which valid data never
// has). probability is clamped to 0..100, the only values valid state holds.
// It cannot overflow: amount is split into hundreds and a remainder so that
// no intermediate product exceeds |amount|.
//
// The same per-row value in SQL, for the database's forecast to agree:
// round(amount::numeric * probability / 100) (PostgreSQL rounds numeric half
// away from zero).
func WeightedAmount(amount int64, probability int) int64 {
	p := int64(min(max(probability, 0), 100))
	q, r := amount/100, amount%100 // r has amount's sign; |r| < 100
	if r >= 0 {
		return q*p + (r*p+50)/100
	}
	return q*p - (-r*p+50)/100
}

// ForecastRow is one opportunity's contribution to a forecast.
type ForecastRow struct {
	Amount      int64 // estimated amount, minor units
	Probability int   // effective probability, percent
}

// ForecastTotal sums forecast rows of one currency.
type ForecastTotal struct {
	Count    int
	Amount   int64 // unweighted: Σ amount
	Weighted int64 // Σ WeightedAmount(amount, probability), rounded per row
}

// Add returns t with r added. A sum past the int64 range is rule
// forecast_amount_overflow, and t is returned unchanged.
func (t ForecastTotal) Add(r ForecastRow) (ForecastTotal, error) {
	amount, ok1 := addInt64(t.Amount, r.Amount)
	weighted, ok2 := addInt64(t.Weighted, WeightedAmount(r.Amount, r.Probability))
	if !ok1 || !ok2 {
		return t, ruleField(RuleForecastAmountOverflow, "amount", "the amounts' sum is out of range")
	}
	return ForecastTotal{Count: t.Count + 1, Amount: amount, Weighted: weighted}, nil
}

// Weighted sums rows: the weighted forecast Σ(amount × probability) / 100,
// rounded half up per row, and the unweighted Σ amount. Callers pass only
// rows of one currency that InForecast admits. The error is Add's.
func Weighted(rows []ForecastRow) (ForecastTotal, error) {
	var t ForecastTotal
	for _, r := range rows {
		var err error
		if t, err = t.Add(r); err != nil {
			return ForecastTotal{}, err
		}
	}
	return t, nil
}

// addInt64 returns a+b and whether it fits in an int64.
func addInt64(a, b int64) (int64, bool) {
	if (b > 0 && a > math.MaxInt64-b) || (b < 0 && a < math.MinInt64-b) {
		return 0, false
	}
	return a + b, true
}
