package money

import (
	"testing"

	"github.com/acme/crm/internal/errs"
)

func TestParseCurrency(t *testing.T) {
	tests := []struct {
		in      string
		wantExp int
		wantErr bool
	}{
		{in: "SEK", wantExp: 2},
		{in: "EUR", wantExp: 2},
		{in: "USD", wantExp: 2},
		{in: "NOK", wantExp: 2},
		{in: "JPY", wantExp: 0},
		{in: "ISK", wantExp: 0},
		{in: "KWD", wantExp: 3},
		{in: "BHD", wantExp: 3},
		{in: "CLF", wantExp: 4},
		{in: "XCG", wantExp: 2},
		{in: "sek", wantErr: true},
		{in: "SEKK", wantErr: true},
		{in: "", wantErr: true},
		{in: "XAU", wantErr: true}, // gold: no minor unit, nothing to invoice in
		{in: "XXX", wantErr: true},
		{in: "HRK", wantErr: true}, // withdrawn 2023
		{in: "ABC", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseCurrency(tt.in)
			if tt.wantErr {
				if !errs.Is(err, errs.Invalid) {
					t.Fatalf("got %q, %v, want an errs.Invalid error", got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want %s", err, tt.in)
			}
			if got.String() != tt.in || got.Exponent() != tt.wantExp {
				t.Errorf("got %s with exponent %d, want %s with %d", got, got.Exponent(), tt.in, tt.wantExp)
			}
		})
	}
}

func TestCurrencyTable(t *testing.T) {
	if n := len(exponents); n < 150 {
		t.Errorf("got %d currencies, want every active ISO 4217 code (about 175)", n)
	}
	for c, e := range exponents {
		if len(c) != 3 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' || c[2] < 'A' || c[2] > 'Z' {
			t.Errorf("code %q: want three upper-case letters", c)
		}
		if e != 0 && e != 2 && e != 3 && e != 4 {
			t.Errorf("%s: got exponent %d, want 0, 2, 3 or 4", c, e)
		}
	}
}

func TestUnknownCurrencyExponent(t *testing.T) {
	if got := Currency("ZZZ").Exponent(); got != 2 {
		t.Errorf("got %d, want 2", got)
	}
}

func TestBasisPoints(t *testing.T) {
	tests := []struct {
		bp     BasisPoints
		valid  bool
		sv, en string
	}{
		{0, true, "0\u00a0%", "0%"},
		{2500, true, "25\u00a0%", "25%"},
		{750, true, "7,5\u00a0%", "7.5%"},
		{1234, true, "12,34\u00a0%", "12.34%"},
		{5, true, "0,05\u00a0%", "0.05%"},
		{10000, true, "100\u00a0%", "100%"},
		{10001, false, "100,01\u00a0%", "100.01%"},
		{-1, false, "-0,01\u00a0%", "-0.01%"},
	}
	for _, tt := range tests {
		if got := tt.bp.Valid(); got != tt.valid {
			t.Errorf("%d.Valid(): got %v, want %v", tt.bp, got, tt.valid)
		}
		err := tt.bp.Validate("discount")
		if e, ok := errs.As(err); tt.valid != (err == nil) || (!tt.valid && (!ok || e.Fields[0].Field != "discount")) {
			t.Errorf("%d.Validate: got %v, want valid=%v with field discount", tt.bp, err, tt.valid)
		}
		if got := tt.bp.Format("sv"); got != tt.sv {
			t.Errorf("%d.Format(sv): got %q, want %q", tt.bp, got, tt.sv)
		}
		if got := tt.bp.Format("en"); got != tt.en {
			t.Errorf("%d.Format(en): got %q, want %q", tt.bp, got, tt.en)
		}
	}
}
