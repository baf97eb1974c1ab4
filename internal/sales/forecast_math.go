package sales

import (
	"math"
	"math/big"
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
	Weighted int64 // Σ(amount × probability) / 100, rounded half up once
}

// Weighted sums a group of rows of one currency the way the forecast does
// (PRODUCT.md: "Σ(amount × probability) / 100 per group"): the products are
// summed exactly and divided once, rounding half up, so the group's figure
// does not depend on how its rows round one by one. In SQL:
// round(sum(amount::numeric * probability) / 100). A sum past int64 is rule
// forecast_amount_overflow.
func Weighted(rows []ForecastRow) (ForecastTotal, error) {
	var t ForecastTotal
	products := new(big.Int)
	var term big.Int
	for _, r := range rows {
		amount, ok := addInt64(t.Amount, r.Amount)
		if !ok {
			return ForecastTotal{}, ruleField(RuleForecastAmountOverflow, "amount", "the amounts' sum is out of range")
		}
		t.Amount, t.Count = amount, t.Count+1
		p := int64(min(max(r.Probability, 0), 100))
		products.Add(products, term.Mul(big.NewInt(r.Amount), big.NewInt(p)))
	}
	products.Add(products, big.NewInt(50))
	products.Div(products, big.NewInt(100)) // floor; sums of valid rows are never negative
	if !products.IsInt64() {
		return ForecastTotal{}, ruleField(RuleForecastAmountOverflow, "amount", "the weighted sum is out of range")
	}
	t.Weighted = products.Int64()
	return t, nil
}

// addInt64 returns a+b and whether it fits in an int64.
func addInt64(a, b int64) (int64, bool) {
	if (b > 0 && a > math.MaxInt64-b) || (b < 0 && a < math.MinInt64-b) {
		return 0, false
	}
	return a + b, true
}
