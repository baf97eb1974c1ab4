package catalog

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/errs/errstest"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/money"
)

func ptr[T any](v T) *T { return &v }

// wantFields is errstest.WantFields.
func wantFields(t *testing.T, err error, fields ...string) {
	t.Helper()
	errstest.WantFields(t, err, fields...)
}

func validProduct() Product {
	return Product{Code: "LIC-1", Name: "Licence", Unit: "pcs", UnitPrice: 9900, Currency: "EUR", VATRate: 2500}
}

func TestProductValidateNamesEachBrokenField(t *testing.T) {
	long := func(n int) string { return strings.Repeat("ä", n) }
	tests := []struct {
		name   string
		change func(*Product)
		want   []string
	}{
		{"valid", func(*Product) {}, nil},
		{"at the limits", func(p *Product) {
			p.Code, p.Name, p.Description, p.Unit, p.UnitPrice, p.VATRate = long(50), long(200), long(5000), long(20), money.MaxAmount, 10000
		}, nil},
		{"free of charge", func(p *Product) { p.UnitPrice, p.VATRate = 0, 0 }, nil},
		{"no code", func(p *Product) { p.Code = "" }, []string{"code"}},
		{"code of 51", func(p *Product) { p.Code = long(51) }, []string{"code"}},
		{"code with a space", func(p *Product) { p.Code = "LIC 1" }, []string{"code"}},
		{"code with a tab", func(p *Product) { p.Code = "LIC\t1" }, []string{"code"}},
		{"no name", func(p *Product) { p.Name = "" }, []string{"name"}},
		{"name of 201", func(p *Product) { p.Name = long(201) }, []string{"name"}},
		{"description of 5001", func(p *Product) { p.Description = long(5001) }, []string{"description"}},
		{"no unit", func(p *Product) { p.Unit = "" }, []string{"unit"}},
		{"unit of 21", func(p *Product) { p.Unit = long(21) }, []string{"unit"}},
		{"negative price", func(p *Product) { p.UnitPrice = -1 }, []string{"unit_price"}},
		{"price over the maximum", func(p *Product) { p.UnitPrice = money.MaxAmount + 1 }, []string{"unit_price"}},
		{"unknown currency", func(p *Product) { p.Currency = "ABC" }, []string{"currency"}},
		{"VAT over 100 %", func(p *Product) { p.VATRate = 10001 }, []string{"vat_rate"}},
		{"negative VAT", func(p *Product) { p.VATRate = -1 }, []string{"vat_rate"}},
		{"everything", func(p *Product) { *p = Product{UnitPrice: -1, VATRate: -1} },
			[]string{"code", "name", "unit", "unit_price", "currency", "vat_rate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := validProduct()
			tt.change(&p)
			wantFields(t, p.Validate(), tt.want...)
		})
	}
}

func TestProductPatchNormalisesLikeCreate(t *testing.T) {
	p := validProduct()
	before := p
	Patch{}.apply(&p)
	if p != before {
		t.Fatalf("an empty patch changed the product: got %+v", p)
	}
	Patch{Code: ptr(" X-2 "), Name: ptr(" Support "), Description: ptr(" as is "), Unit: ptr(" h "), UnitPrice: ptr(int64(0)),
		Currency: ptr(" sek "), VATRate: ptr(money.BasisPoints(600)), Active: ptr(false)}.apply(&p)
	want := Product{Code: "X-2", Name: "Support", Description: " as is ", Unit: "h", UnitPrice: 0, Currency: "SEK", VATRate: 600, Active: false}
	if p != want {
		t.Errorf("got %+v, want %+v", p, want)
	}
}

func TestSearchQueryIsTrimmedAndBounded(t *testing.T) {
	tests := []struct {
		in, want string
		bad      bool
	}{
		{"  lic  ", "lic", false},
		{"", "", false},
		{" " + strings.Repeat("å", MaxQueryLen) + " ", strings.Repeat("å", MaxQueryLen), false},
		{strings.Repeat("a", MaxQueryLen+1), "", true},
	}
	for _, tt := range tests {
		got, err := CheckQuery(tt.in)
		if tt.bad {
			wantFields(t, err, "q")
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("CheckQuery(%q): got %q, %v, want %q", tt.in, got, err, tt.want)
		}
	}
}

// created records the product CreateProduct hands to storage; the other
// Store methods are not used here (a nil embedded Store would panic).
type created struct {
	Store
	got Product
	err error
}

func (c *created) CreateProduct(_ context.Context, p Product) error { c.got = p; return c.err }

type workspace struct{ currency string }

func (w workspace) Workspace(context.Context) (identity.Workspace, error) {
	if w.currency == "" {
		return identity.Workspace{}, errors.New("db down")
	}
	return identity.Workspace{DefaultCurrency: w.currency}, nil
}

func TestCreateProductFillsDefaultsAndNormalises(t *testing.T) {
	admin := identity.WithPrincipal(context.Background(), identity.Principal{UserID: uuid.New(), Role: identity.RoleAdmin})
	tests := []struct {
		name string
		in   NewProduct
		want Product
	}{
		{"defaults", NewProduct{Code: " A1 ", Name: " Widget ", UnitPrice: 5, VATRate: 2500},
			Product{Code: "A1", Name: "Widget", Unit: DefaultUnit, UnitPrice: 5, Currency: "SEK", VATRate: 2500, Active: true}},
		{"given", NewProduct{Code: "A1", Name: "Widget", Unit: " h ", Currency: " eur ", Active: ptr(false)},
			Product{Code: "A1", Name: "Widget", Unit: "h", Currency: "EUR", Active: false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &created{}
			p, err := NewService(st, workspace{"SEK"}, nil).CreateProduct(admin, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if p.ID == uuid.Nil || p.Version != 1 || p.CreatedAt.IsZero() || !p.UpdatedAt.Equal(p.CreatedAt) || st.got != p {
				t.Errorf("got %+v stored as %+v", p, st.got)
			}
			p.ID, p.Version, p.CreatedAt, p.UpdatedAt = uuid.Nil, 0, p.CreatedAt.AddDate(-3000, 0, 0), p.UpdatedAt.AddDate(-3000, 0, 0)
			tt.want.CreatedAt, tt.want.UpdatedAt = p.CreatedAt, p.UpdatedAt
			if p != tt.want {
				t.Errorf("got %+v, want %+v", p, tt.want)
			}
		})
	}
}

func TestCreateProductRefuses(t *testing.T) {
	admin := identity.WithPrincipal(context.Background(), identity.Principal{UserID: uuid.New(), Role: identity.RoleAdmin})
	member := identity.WithPrincipal(context.Background(), identity.Principal{UserID: uuid.New(), Role: identity.RoleMember})
	good := NewProduct{Code: "A1", Name: "Widget", Currency: "EUR"}

	_, err := NewService(nil, workspace{"SEK"}, nil).CreateProduct(member, good)
	if !errs.Is(err, errs.Forbidden) {
		t.Errorf("member: got %v, want forbidden", err)
	}
	_, err = NewService(nil, workspace{"SEK"}, nil).CreateProduct(admin, NewProduct{Code: "A 1", Name: "Widget"})
	wantFields(t, err, "code")
	_, err = NewService(nil, workspace{}, nil).CreateProduct(admin, NewProduct{Code: "A1", Name: "Widget"})
	if err == nil || !strings.Contains(err.Error(), "db down") {
		t.Errorf("workspace unreadable: got %v", err)
	}
	_, err = NewService(&created{err: errs.Conflictf("unique")}, workspace{"SEK"}, nil).CreateProduct(admin, good)
	if !errs.Is(err, errs.Conflict) || !strings.Contains(err.Error(), "a product with this code already exists") {
		t.Errorf("taken code: got %v", err)
	}
	other := errors.New("disk full")
	if _, err = NewService(&created{err: other}, workspace{"SEK"}, nil).CreateProduct(admin, good); !errors.Is(err, other) {
		t.Errorf("storage error: got %v, want it passed on", err)
	}
	if err := NewService(nil, nil, nil).DeleteProduct(member, uuid.New(), nil); !errs.Is(err, errs.Forbidden) {
		t.Errorf("delete as member: got %v", err)
	}
	if _, err := NewService(nil, nil, nil).UpdateProduct(member, uuid.New(), Patch{}, nil); !errs.Is(err, errs.Forbidden) {
		t.Errorf("update as member: got %v", err)
	}
}
