package money

import (
	"math/big"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

var rates = []BasisPoints{0, 600, 1200, 1900, 2500}

// genLine draws lines in the ranges the brief names: quantities 0.001 to
// 10000, prices up to 10^9 minor units, any line discount, common VAT rates.
var genLine = rapid.Custom(func(t *rapid.T) Line {
	q, err := QuantityFromThousandths(rapid.Int64Range(1, 10_000_000).Draw(t, "thousandths"))
	if err != nil {
		t.Fatal(err)
	}
	return Line{
		Quantity:  q,
		UnitPrice: rapid.Int64Range(0, 1_000_000_000).Draw(t, "unit_price"),
		Discount:  BasisPoints(rapid.IntRange(0, 10000).Draw(t, "discount")),
		VATRate:   rapid.SampledFrom(rates).Draw(t, "vat_rate"),
	}
})

var genLines = rapid.SliceOfN(genLine, 1, 60)

var genBP = rapid.Custom(func(t *rapid.T) BasisPoints {
	return BasisPoints(rapid.IntRange(0, 10000).Draw(t, "bp"))
})

func TestComputeTiesOut(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		lines := genLines.Draw(t, "lines")
		offer := genBP.Draw(t, "offer_discount")
		got, err := Compute(lines, offer, "SEK")
		if err != nil {
			t.Fatalf("Compute: %v", err)
		}
		var sumNets, sumBases, sumVAT int64
		for _, n := range got.LineNets {
			sumNets += n
		}
		for _, v := range got.VAT {
			sumBases += v.Base
			sumVAT += v.Amount
			if v.Base < 0 || v.Amount < 0 {
				t.Errorf("rate %d: got base %d, amount %d, want both ≥ 0", v.Rate, v.Base, v.Amount)
			}
		}
		checks := []struct {
			name      string
			got, want int64
		}{
			{"Subtotal vs Σ line nets", got.Subtotal, sumNets},
			{"Net vs Σ bases", got.Net, sumBases},
			{"Subtotal − OfferDiscountAmount vs Net", got.Subtotal - got.OfferDiscountAmount, got.Net},
			{"VATTotal vs Σ VAT amounts", got.VATTotal, sumVAT},
			{"Total vs Net + Σ VAT amounts", got.Total, got.Net + sumVAT},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s: got %d, want %d", c.name, c.got, c.want)
			}
		}
		if got.Net > got.Subtotal || got.OfferDiscountAmount < 0 || got.VATTotal < 0 {
			t.Errorf("got Net %d, Subtotal %d, OfferDiscountAmount %d, VATTotal %d: want 0 ≤ Net ≤ Subtotal and nothing negative",
				got.Net, got.Subtotal, got.OfferDiscountAmount, got.VATTotal)
		}
		if offer == 0 && got.Net != got.Subtotal {
			t.Errorf("without offer discount: got Net %d, want Subtotal %d", got.Net, got.Subtotal)
		}
		if !slices.IsSortedFunc(got.VAT, func(a, b VATAmount) int { return int(b.Rate - a.Rate) }) {
			t.Errorf("got rates out of order: %+v", got.VAT)
		}
	})
}

// TestComputeMatchesRationalOracle recomputes everything with big.Rat, from
// the definitions, and expects the same numbers.
func TestComputeMatchesRationalOracle(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		lines := genLines.Draw(t, "lines")
		offer := genBP.Draw(t, "offer_discount")
		got, err := Compute(lines, offer, "EUR")
		if err != nil {
			t.Fatalf("Compute: %v", err)
		}
		sums := map[BasisPoints]int64{}
		for i, l := range lines {
			r := new(big.Rat).SetFrac64(l.Quantity.Thousandths(), 1000)
			r.Mul(r, big.NewRat(l.UnitPrice, 1))
			r.Mul(r, big.NewRat(int64(Whole-l.Discount), int64(Whole)))
			want := roundRat(r)
			if got.LineNets[i] != want {
				t.Fatalf("line %d (%+v): got net %d, want %d", i, l, got.LineNets[i], want)
			}
			sums[l.VATRate] += want
		}
		if len(got.VAT) != len(sums) {
			t.Fatalf("got %d VAT rates, want %d", len(got.VAT), len(sums))
		}
		for _, v := range got.VAT {
			base := roundRat(big.NewRat(sums[v.Rate]*int64(Whole-offer), int64(Whole)))
			vat := roundRat(big.NewRat(base*int64(v.Rate), int64(Whole)))
			if v.Base != base || v.Amount != vat {
				t.Errorf("rate %d: got base %d, VAT %d, want %d, %d", v.Rate, v.Base, v.Amount, base, vat)
			}
		}
	})
}

func TestComputeIgnoresLineOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		lines := genLines.Draw(t, "lines")
		offer := genBP.Draw(t, "offer_discount")
		shuffled := rapid.Permutation(lines).Draw(t, "shuffled")
		a, errA := Compute(lines, offer, "SEK")
		b, errB := Compute(shuffled, offer, "SEK")
		if errA != nil || errB != nil {
			t.Fatalf("Compute: %v, %v", errA, errB)
		}
		a.LineNets, b.LineNets = nil, nil
		if !slices.Equal(a.VAT, b.VAT) || a.Total != b.Total || a.Net != b.Net || a.Subtotal != b.Subtotal {
			t.Errorf("got %+v after shuffling, want %+v", b, a)
		}
	})
}

func TestMulDivRoundMatchesBigInt(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := rapid.Int64().Draw(t, "a")
		b := rapid.Int64().Draw(t, "b")
		c := rapid.Int64().Filter(func(v int64) bool { return v != 0 }).Draw(t, "c")
		r := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(a), big.NewInt(b)), big.NewInt(c))
		want, fits := roundRatBig(r)
		got, err := MulDivRound(a, b, c)
		switch {
		case fits && err != nil:
			t.Fatalf("MulDivRound(%d, %d, %d): got error %v, want %d", a, b, c, err, want)
		case !fits && err == nil:
			t.Fatalf("MulDivRound(%d, %d, %d): got %d, want an error", a, b, c, got)
		case fits && got != want:
			t.Fatalf("MulDivRound(%d, %d, %d): got %d, want %d", a, b, c, got, want)
		}
	})
}

func TestQuantityRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.Int64Range(1, MaxQuantityThousandths).Draw(t, "thousandths")
		q, err := QuantityFromThousandths(n)
		if err != nil {
			t.Fatalf("QuantityFromThousandths(%d): %v", n, err)
		}
		back, err := ParseQuantity(q.String())
		if err != nil || back.Thousandths() != n {
			t.Fatalf("ParseQuantity(%q): got %d, %v, want %d", q.String(), back.Thousandths(), err, n)
		}
	})
}

// roundRat rounds a non-negative or negative rational half away from zero;
// the values in these tests always fit in int64.
func roundRat(r *big.Rat) int64 {
	v, _ := roundRatBig(r)
	return v
}

// roundRatBig rounds half away from zero and reports whether the result
// fits in int64 with a magnitude of at most MaxInt64, as MulDivRound
// promises.
func roundRatBig(r *big.Rat) (int64, bool) {
	num := new(big.Int).Abs(r.Num())
	den := r.Denom()
	// floor((2·|num| + den) / (2·den)) is |r| rounded half up.
	q := new(big.Int).Add(new(big.Int).Lsh(num, 1), den)
	q.Quo(q, new(big.Int).Lsh(den, 1))
	if !q.IsInt64() {
		return 0, false
	}
	if r.Sign() < 0 {
		return -q.Int64(), true
	}
	return q.Int64(), true
}

func BenchmarkTotals500(b *testing.B) {
	lines := make([]Line, 500)
	for i := range lines {
		q, err := QuantityFromThousandths(int64(1 + i*997%10_000_000))
		if err != nil {
			b.Fatal(err)
		}
		lines[i] = Line{
			Quantity:  q,
			UnitPrice: int64(i) * 12_345 % 1_000_000_000,
			Discount:  BasisPoints(i * 37 % 10001),
			VATRate:   rates[i%len(rates)],
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compute(lines, 750, "SEK"); err != nil {
			b.Fatal(err)
		}
	}
}
