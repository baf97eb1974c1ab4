package sales

import (
	"math"
	"math/big"
	"testing"
)

func TestWeightedAmount(t *testing.T) {
	tests := []struct {
		amount int64
		prob   int
		want   int64
	}{
		{0, 50, 0},
		{100_000, 0, 0},
		{100_000, 100, 100_000},
		{100_000, 25, 25_000},
		{1, 49, 0},           // 0.49
		{1, 50, 1},           // 0.5 rounds up
		{1, 51, 1},           // 0.51
		{3, 50, 2},           // 1.5
		{5, 50, 3},           // 2.5 rounds up, not to even
		{5, 10, 1},           // 0.5
		{149, 1, 1},          // 1.49
		{150, 1, 2},          // 1.5
		{250, 1, 3},          // 2.5
		{101, 99, 100},       // 99.99
		{12_345, 33, 4_074},  // 4073.85
		{12_350, 10, 1_235},  // exact
		{99_999, 50, 50_000}, // 49999.5
		{math.MaxInt64, 100, math.MaxInt64},
		{math.MaxInt64, 50, 4_611_686_018_427_387_904}, // …903.5
		{math.MaxInt64, 1, 92_233_720_368_547_758},     // …758.07
		{-1, 50, -1},  // half away from zero
		{-3, 50, -2},  // -1.5
		{-149, 1, -1}, // -1.49
		{math.MinInt64, 100, math.MinInt64},
		{1_000, 150, 1_000}, // clamped to 100
		{1_000, -5, 0},      // clamped to 0
	}
	for _, tt := range tests {
		if got := WeightedAmount(tt.amount, tt.prob); got != tt.want {
			t.Errorf("WeightedAmount(%d, %d) got %d, want %d", tt.amount, tt.prob, got, tt.want)
		}
	}
}

// TestWeightedAmountMatchesExactArithmetic compares with big.Int over a grid
// of amounts around rounding and overflow edges and every probability.
func TestWeightedAmountMatchesExactArithmetic(t *testing.T) {
	amounts := []int64{0, 1, 2, 49, 50, 51, 99, 100, 101, 199, 12_345_678, 1 << 40, math.MaxInt64 - 1, math.MaxInt64}
	for _, a := range amounts {
		for p := 0; p <= 100; p++ {
			// floor((a*p*2 + 100) / 200) is a*p/100 rounded half up.
			n := new(big.Int).Mul(big.NewInt(a), big.NewInt(int64(2*p)))
			n.Add(n, big.NewInt(100))
			n.Quo(n, big.NewInt(200))
			if got := WeightedAmount(a, p); got != n.Int64() {
				t.Fatalf("WeightedAmount(%d, %d) got %d, want %s", a, p, got, n)
			}
		}
	}
}

func TestWeighted(t *testing.T) {
	tests := []struct {
		name string
		rows []ForecastRow
		want ForecastTotal
	}{
		{"none", nil, ForecastTotal{}},
		{"one", []ForecastRow{{100_000, 25}}, ForecastTotal{Count: 1, Amount: 100_000, Weighted: 25_000}},
		{"several", []ForecastRow{{100_000, 10}, {50_000, 60}, {20_000, 90}},
			ForecastTotal{Count: 3, Amount: 170_000, Weighted: 10_000 + 30_000 + 18_000}},
		// Rounded once per group: Σ 3 × 0.5 = 1.5 → 2, where rounding each
		// opportunity first would give 3.
		{"rounded once per group", []ForecastRow{{1, 50}, {1, 50}, {1, 50}}, ForecastTotal{Count: 3, Amount: 3, Weighted: 2}},
		{"half rounds up", []ForecastRow{{1, 50}}, ForecastTotal{Count: 1, Amount: 1, Weighted: 1}},
		{"below half rounds down", []ForecastRow{{149, 1}}, ForecastTotal{Count: 1, Amount: 149, Weighted: 1}},
		{"zero probability still counts unweighted", []ForecastRow{{7_000, 0}}, ForecastTotal{Count: 1, Amount: 7_000}},
		{"up to the limit", []ForecastRow{{math.MaxInt64 - 1, 100}, {1, 100}},
			ForecastTotal{Count: 2, Amount: math.MaxInt64, Weighted: math.MaxInt64}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Weighted(tt.rows)
			wantNoErr(t, err)
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestWeightedOverflow(t *testing.T) {
	tests := []struct {
		name string
		rows []ForecastRow
	}{
		{"amount", []ForecastRow{{math.MaxInt64, 0}, {1, 0}}},
		{"weighted and amount", []ForecastRow{{math.MaxInt64, 100}, {math.MaxInt64, 100}}},
		{"negative", []ForecastRow{{math.MinInt64, 0}, {-1, 0}}},
		{"weighted", []ForecastRow{{math.MaxInt64 / 2, 100}, {math.MaxInt64 / 2, 100}, {1000, 100}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Weighted(tt.rows)
			wantRule(t, err, RuleForecastAmountOverflow, "amount")
			if got != (ForecastTotal{}) {
				t.Errorf("got %+v with the error, want zero", got)
			}
		})
	}
}

func TestInForecast(t *testing.T) {
	tests := []struct {
		status Status
		dated  bool
		want   bool
	}{
		{StatusOpen, true, true},
		{StatusOpen, false, false},
		{StatusWon, true, false},
		{StatusLost, true, false},
		{StatusExpired, true, false},
	}
	for _, tt := range tests {
		if got := InForecast(tt.status, tt.dated); got != tt.want {
			t.Errorf("InForecast(%s, %v) got %v, want %v", tt.status, tt.dated, got, tt.want)
		}
	}
}
