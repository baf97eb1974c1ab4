package quoting

import (
	"testing"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
)

// What a product's article number, or its absence, leaves on a quote line.
func TestWithCode(t *testing.T) {
	product := uuid.MustParse("0190a6e4-2f3b-7c6e-9a51-3c8e2b1d4f5a")
	tests := []struct {
		name         string
		line         SnapshotLine
		code         string
		found, named bool
		wantCode     string
		wantProduct  uuid.UUID
		wantErr      string // the invalid field, "" for none
	}{
		{"free-text line is left alone", SnapshotLine{Name: "Travel", Code: "X"}, "", false, true, "X", uuid.Nil, ""},
		{"existing product gives its code", SnapshotLine{ProductID: product}, "LIC-100", true, false, "LIC-100", product, ""},
		{"the product's code replaces a stale one", SnapshotLine{ProductID: product, Code: "OLD"}, "NEW", true, true, "NEW", product, ""},
		{"a product deleted since the opportunity line keeps the line without a code",
			SnapshotLine{ProductID: product, Code: "OLD"}, "", false, false, "", product, ""},
		{"a product the salesperson names must exist", SnapshotLine{ProductID: product}, "", false, true, "", product, "lines.3.product_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := withCode(tt.line, 3, tt.code, tt.found, tt.named)
			if tt.wantErr != "" {
				e, ok := errs.As(err)
				if !ok || e.Code != errs.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != tt.wantErr {
					t.Fatalf("got %v, want invalid %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || got.Code != tt.wantCode || got.ProductID != tt.wantProduct {
				t.Errorf("got %q %v (%v), want %q %v", got.Code, got.ProductID, err, tt.wantCode, tt.wantProduct)
			}
		})
	}
}
