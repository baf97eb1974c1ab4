package quoting

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/money"
)

var (
	productConsulting = uuid.MustParse("11111111-1111-4111-8111-111111111111")
	productLicence    = uuid.MustParse("22222222-2222-4222-8222-222222222222")
	productSupport    = uuid.MustParse("33333333-3333-4333-8333-333333333333")
)

func qty(t *testing.T, s string) money.Quantity {
	t.Helper()
	q, err := money.ParseQuantity(s)
	if err != nil {
		t.Fatalf("ParseQuantity(%q): %v", s, err)
	}
	return q
}

// build returns BuildSnapshot(s) and fails the test on an error.
func build(t *testing.T, s Snapshot) Snapshot {
	t.Helper()
	out, err := BuildSnapshot(s)
	if err != nil {
		t.Fatalf("BuildSnapshot: %v", err)
	}
	return out
}

// version1 is the example quote's first version, before BuildSnapshot.
//
//	Consulting 10 h × 1 000,00, no discount          = 10 000,00
//	Licence     5 pcs × 499,00, 10 % discount        =  2 245,50
//	Travel      1 trip × 2 500,00 (free text)        =  2 500,00
//	subtotal 14 745,50; VAT 25 % 3 686,375 → 3 686,38; total 18 431,88
func version1(t *testing.T) Snapshot {
	t.Helper()
	return Snapshot{
		Customer: Customer{Kind: CustomerOrganization, Name: "Kund AB", OrganizationNumber: "556000-0000",
			VATNumber: "SE556000000001", Address: Address{Lines: []string{"Storgatan 1"}, PostalCode: "111 22",
				City: "Stockholm", Country: "SE"}, Email: "info@kund.example", Phone: "+46 8 123 45"},
		Contact:     Contact{Name: "Karin Kund", Email: "karin@kund.example", Phone: "+46 70 123 45 67"},
		Salesperson: Salesperson{Name: "Sven Säljare", Email: "sven@acme.example"},
		Company: Company{Name: "Acme AB", Address: Address{Lines: []string{"Box 1"}, PostalCode: "222 33",
			City: "Lund", Country: "SE"}, OrganizationNumber: "556111-1111", VATNumber: "SE556111111101",
			Email: "sales@acme.example", Phone: "+46 46 10 00 00", Website: "https://acme.example",
			Bank: Bank{Name: "Banken", Account: "Bankgiro 123-4567", IBAN: "SE45 5000 0000 0583 9825 7466",
				BIC: "ESSESESS"},
			Logo:         Logo{MIME: "image/png", Data: []byte{0x89, 'P', 'N', 'G'}},
			PrimaryColor: "#0055aa"},
		Texts:    Texts{Intro: "Hej!", Terms: "30 dagar netto.", Footer: "Tack."},
		Language: "sv-SE",
		Currency: "SEK",
		Lines: []SnapshotLine{
			{ProductID: productConsulting, Code: "C1", Name: "Consulting", Unit: "h", Quantity: qty(t, "10"),
				UnitPrice: 100000, VATRate: 2500},
			{ProductID: productLicence, Code: "L1", Name: "Licence", Description: "Per seat", Unit: "pcs",
				Quantity: qty(t, "5"), UnitPrice: 49900, Discount: 1000, VATRate: 2500},
			{Name: "Travel", Unit: "trip", Quantity: qty(t, "1"), UnitPrice: 250000, VATRate: 2500},
		},
	}
}

func TestBuildSnapshot(t *testing.T) {
	in := version1(t)
	in.Lines[0].Position, in.Lines[0].Net = 7, 99 // ignored
	in.Totals.Total = 1                           // ignored
	got := build(t, in)

	if got.Language != "sv" {
		t.Errorf("got language %q, want sv", got.Language)
	}
	wantNets := []int64{1000000, 224550, 250000}
	for i, l := range got.Lines {
		if l.Position != i+1 || l.Net != wantNets[i] {
			t.Errorf("line %d: got position %d net %d, want %d and %d", i, l.Position, l.Net, i+1, wantNets[i])
		}
	}
	want := money.Totals{LineNets: wantNets, Subtotal: 1474550, Net: 1474550,
		VAT: []money.VATAmount{{Rate: 2500, Base: 1474550, Amount: 368638}}, VATTotal: 368638,
		Total: 1843188, Currency: "SEK"}
	if !reflect.DeepEqual(got.Totals, want) {
		t.Errorf("got totals %+v, want %+v", got.Totals, want)
	}
}

func TestBuildSnapshotDoesNotShareMemory(t *testing.T) {
	in := version1(t)
	got := build(t, in)
	in.Lines[0].Name = "changed"
	in.Customer.Address.Lines[0] = "changed"
	in.Company.Address.Lines[0] = "changed"
	in.Company.Logo.Data[0] = 0
	if got.Lines[0].Name != "Consulting" || got.Customer.Address.Lines[0] != "Storgatan 1" ||
		got.Company.Address.Lines[0] != "Box 1" || got.Company.Logo.Data[0] != 0x89 {
		t.Errorf("snapshot changed with its input: %+v", got)
	}
	clone := got.Clone()
	clone.Totals.LineNets[0] = 0
	clone.Totals.VAT[0].Amount = 0
	if got.Totals.LineNets[0] != 1000000 || got.Totals.VAT[0].Amount != 368638 {
		t.Errorf("snapshot changed with its clone: %+v", got.Totals)
	}
}

func TestBuildSnapshotInvalid(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*Snapshot)
		fields []string
	}{
		{"no customer name", func(s *Snapshot) { s.Customer.Name = " " }, []string{"customer.name"}},
		{"no line name", func(s *Snapshot) { s.Lines[1].Name = "" }, []string{"lines.1.name"}},
		{"bad money", func(s *Snapshot) {
			s.Currency = "XXX"
			s.OfferDiscount = 10001
			s.Lines[2].Discount = -1
		}, []string{"currency", "offer_discount", "lines.2.discount"}},
		{"all together", func(s *Snapshot) {
			s.Customer.Name = ""
			s.Lines[0].Name = ""
			s.Lines[0].Quantity = money.Quantity{}
		}, []string{"customer.name", "lines.0.name", "lines.0.quantity"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := version1(t)
			tt.edit(&s)
			_, err := BuildSnapshot(s)
			e, ok := errs.As(err)
			if !ok || e.Code != errs.Invalid {
				t.Fatalf("got %v, want an invalid error", err)
			}
			var got []string
			for _, f := range e.Fields {
				got = append(got, f.Field)
			}
			if !reflect.DeepEqual(got, tt.fields) {
				t.Errorf("got fields %v, want %v", got, tt.fields)
			}
		})
	}
}

func TestSendable(t *testing.T) {
	s := build(t, version1(t))
	if err := s.Sendable(); err != nil {
		t.Errorf("got %v, want nil", err)
	}
	s.Lines = nil
	if err := s.Sendable(); !errs.Is(err, errs.Invalid) {
		t.Errorf("got %v, want an invalid error", err)
	}
}

func TestSnapshotJSONRoundTrip(t *testing.T) {
	withOffer := version1(t)
	withOffer.OfferDiscount = 500
	minimal := Snapshot{Customer: Customer{Kind: CustomerPerson, Name: "Per Person"}, Currency: "EUR"}
	blobLogo := version1(t)
	blobLogo.Company.Logo = Logo{MIME: "image/jpeg", Ref: "sha256:abc"}
	for name, in := range map[string]Snapshot{"full": version1(t), "offer discount": withOffer,
		"no lines": minimal, "logo by ref": blobLogo} {
		t.Run(name, func(t *testing.T) {
			s := build(t, in)
			data, err := json.Marshal(s)
			if err != nil {
				t.Fatalf("marshal: %v", err)
			}
			var back Snapshot
			if err := json.Unmarshal(data, &back); err != nil {
				t.Fatalf("unmarshal %s: %v", data, err)
			}
			if !reflect.DeepEqual(back, s) {
				t.Errorf("got %+v, want %+v", back, s)
			}
		})
	}
}

// TestSnapshotJSONShape pins the stored names that storage and old rows
// depend on.
func TestSnapshotJSONShape(t *testing.T) {
	s := build(t, version1(t))
	s.Contact = Contact{}
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	doc := string(data)
	for _, want := range []string{
		`"offer_discount":0`, `"currency":"SEK"`, `"language":"sv"`,
		`"product_id":"11111111-1111-4111-8111-111111111111"`, `"quantity":10,`, `"unit_price":100000`,
		`"totals":{"line_nets":[1000000,224550,250000],"subtotal":1474550,"offer_discount_amount":0,` +
			`"net":1474550,"vat":[{"rate":2500,"base":1474550,"amount":368638}],"vat_total":368638,` +
			`"total":1843188,"currency":"SEK"}`,
		`"logo":{"mime":"image/png","data":"iVBORw=="}`,
		`"organization_number":"556000-0000"`,
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("got %s, want it to contain %s", doc, want)
		}
	}
	for _, absent := range []string{`"contact"`, `"LineNets"`, `"product_id":"00000000`} {
		if strings.Contains(doc, absent) {
			t.Errorf("got %s, want no %s", doc, absent)
		}
	}
	empty, _ := json.Marshal(Snapshot{})
	if !strings.Contains(string(empty), `"lines":[]`) || !strings.Contains(string(empty), `"vat":[]`) {
		t.Errorf("got %s, want empty lists as []", empty)
	}
}

func TestSnapshotUnmarshalRefusesBadQuantity(t *testing.T) {
	var s Snapshot
	err := json.Unmarshal([]byte(`{"lines":[{"name":"x","quantity":"1"}]}`), &s)
	if err == nil {
		t.Errorf("got nil, want an error for a quantity written as a string")
	}
}
