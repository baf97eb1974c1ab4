package money

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/acme/crm/internal/errs"
)

func TestParseQuantity(t *testing.T) {
	tests := []struct {
		in      string
		want    int64  // thousandths, when accepted
		wantErr string // part of the message, when refused
	}{
		{in: "1", want: 1000},
		{in: "1.5", want: 1500},
		{in: "0.001", want: 1},
		{in: "0.125", want: 125},
		{in: "1e2", want: 100000},
		{in: "1E+2", want: 100000},
		{in: "2.5e-1", want: 250},
		{in: "1e-3", want: 1},
		{in: "1.5000", want: 1500}, // trailing zeros hide no decimals
		{in: "10000", want: 10000000},
		{in: "0.0000000000001e13", want: 1000},
		{in: "999999999999.999", want: MaxQuantityThousandths},
		{in: "1.0001", wantErr: "at most 3 decimals"},
		{in: "1e-4", wantErr: "at most 3 decimals"},
		{in: "0.0001e0", wantErr: "at most 3 decimals"},
		{in: "1e-99999999999999999999", wantErr: "at most 3 decimals"},
		{in: "0", wantErr: "greater than 0"},
		{in: "0.000", wantErr: "greater than 0"},
		{in: "0e5", wantErr: "greater than 0"},
		{in: "-0", wantErr: "greater than 0"},
		{in: "-1", wantErr: "greater than 0"},
		{in: "-1.0001", wantErr: "greater than 0"},
		{in: "1000000000000", wantErr: "too large"},
		{in: "1e12", wantErr: "too large"},
		{in: "1e99999999999999999999", wantErr: "too large"},
		{in: "99999999999999999999999999", wantErr: "too large"},
		{in: "abc", wantErr: "must be a number"},
		{in: "", wantErr: "must be a number"},
		{in: "+1", wantErr: "must be a number"},
		{in: "01", wantErr: "must be a number"},
		{in: "1.", wantErr: "must be a number"},
		{in: ".5", wantErr: "must be a number"},
		{in: "1,5", wantErr: "must be a number"},
		{in: "1e", wantErr: "must be a number"},
		{in: "1e+", wantErr: "must be a number"},
		{in: " 1", wantErr: "must be a number"},
		{in: "0x10", wantErr: "must be a number"},
		{in: "NaN", wantErr: "must be a number"},
		{in: "Infinity", wantErr: "must be a number"},
		{in: `"1"`, wantErr: "must be a number"},
		{in: "1" + strings.Repeat("0", 100), wantErr: "must be a number"}, // longer than any real quantity
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseQuantity(tt.in)
			if tt.wantErr != "" {
				if !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, %v, want an errs.Invalid error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want %d thousandths", err, tt.want)
			}
			if got.Thousandths() != tt.want {
				t.Errorf("got %d thousandths, want %d", got.Thousandths(), tt.want)
			}
		})
	}
}

func TestQuantityString(t *testing.T) {
	tests := []struct {
		milli  int64
		want   string
		wantSV string
		wantEN string
	}{
		{1000, "1", "1", "1"},
		{1500, "1.5", "1,5", "1.5"},
		{2000, "2", "2", "2"},
		{125, "0.125", "0,125", "0.125"},
		{1, "0.001", "0,001", "0.001"},
		{1234500, "1234.5", "1\u00a0234,5", "1,234.5"},
		{MaxQuantityThousandths, "999999999999.999", "999\u00a0999\u00a0999\u00a0999,999", "999,999,999,999.999"},
	}
	for _, tt := range tests {
		q, err := QuantityFromThousandths(tt.milli)
		if err != nil {
			t.Fatalf("QuantityFromThousandths(%d): %v", tt.milli, err)
		}
		if got := q.String(); got != tt.want {
			t.Errorf("String(%d): got %q, want %q", tt.milli, got, tt.want)
		}
		if got := q.Format("sv"); got != tt.wantSV {
			t.Errorf("Format(%d, sv): got %q, want %q", tt.milli, got, tt.wantSV)
		}
		if got := q.Format("en"); got != tt.wantEN {
			t.Errorf("Format(%d, en): got %q, want %q", tt.milli, got, tt.wantEN)
		}
		back, err := ParseQuantity(q.String())
		if err != nil || back != q {
			t.Errorf("ParseQuantity(%q): got %v, %v, want %v", q.String(), back, err, q)
		}
	}
}

func TestQuantityFromThousandthsRefuses(t *testing.T) {
	for _, n := range []int64{0, -1, MaxQuantityThousandths + 1} {
		if _, err := QuantityFromThousandths(n); !errs.Is(err, errs.Invalid) {
			t.Errorf("QuantityFromThousandths(%d): got %v, want an errs.Invalid error", n, err)
		}
	}
}

type lineDTO struct {
	Quantity Quantity `json:"quantity"`
}

func TestQuantityJSON(t *testing.T) {
	tests := []struct {
		in      string
		want    string // re-encoded, when accepted
		wantErr bool
	}{
		{in: `{"quantity": 1.5}`, want: `{"quantity":1.5}`},
		{in: `{"quantity": 2}`, want: `{"quantity":2}`},
		{in: `{"quantity": 0.125}`, want: `{"quantity":0.125}`},
		{in: `{"quantity": 1e2}`, want: `{"quantity":100}`},
		{in: `{"quantity": 1.0001}`, wantErr: true},
		{in: `{"quantity": 0}`, wantErr: true},
		{in: `{"quantity": -3}`, wantErr: true},
		{in: `{"quantity": "1.5"}`, wantErr: true},
		{in: `{"quantity": true}`, wantErr: true},
		{in: `{"quantity": null}`, want: `{"quantity":0}`}, // left zero; Validate refuses it later
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var dto lineDTO
			err := json.Unmarshal([]byte(tt.in), &dto)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("got %v, want an error", dto.Quantity)
				}
				return
			}
			if err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			out, err := json.Marshal(dto)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if string(out) != tt.want {
				t.Errorf("got %s, want %s", out, tt.want)
			}
		})
	}
}

func TestQuantityUnmarshalErrorIsInvalid(t *testing.T) {
	var dto lineDTO
	err := json.Unmarshal([]byte(`{"quantity": 1e-4}`), &dto)
	if !errs.Is(err, errs.Invalid) {
		t.Errorf("got %v, want an errs.Invalid error the HTTP layer can map to 422", err)
	}
}
