package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/app"
	"github.com/acme/crm/internal/money"
	"github.com/acme/crm/internal/page"
	"github.com/acme/crm/internal/quoting"
	"github.com/acme/crm/internal/sales"
)

// demoLines are what the demo quotes offer when an opportunity has no
// lines yet: name, unit, quantity in thousandths, unit price in öre.
var demoLines = []struct {
	name, unit, desc string
	milli, price     int64
}{
	{"Licens Företag, årsvis", "anv", "Per användare och år. Fakturering i förskott.", 25_000, 119_000},
	{"Grundläggande konfiguration", "st", "Installation och uppsättning.\nInkluderar två timmars genomgång på plats.", 1_000, 1_250_000},
	{"Utbildning för administratörer", "tim", "Halvdag, max åtta deltagare.", 4_000, 145_000},
	{"Support Plus – svarstid fyra timmar", "mån", "Vardagar 08–17.", 12_000, 225_000},
}

// Quotes gives the demo workspace's default template a company profile and
// a logo, and quotes the open opportunities among opportunityIDs in several
// states: a draft, sent by link, sent and revised into a second version
// (the first superseded), and withdrawn. Opportunities without lines get a
// few. ctx carries the demo admin.
func Quotes(ctx context.Context, a *app.App, opportunityIDs []uuid.UUID) error {
	if err := demoTemplate(ctx, a); err != nil {
		return err
	}
	n := 0
	for _, id := range opportunityIDs {
		o, err := a.Sales.Opportunity(ctx, id)
		if err != nil {
			return fmt.Errorf("demo quote: %w", err)
		}
		if o.Status != sales.StatusOpen || o.Currency != "SEK" {
			continue
		}
		if err := ensureLines(ctx, a, o); err != nil {
			return err
		}
		if err := demoQuote(ctx, a, id, n%4); err != nil {
			return err
		}
		if n++; n == 8 {
			return nil
		}
	}
	return nil
}

// demoTemplate fills in the default template's company profile and logo.
func demoTemplate(ctx context.Context, a *app.App) error {
	p, err := a.Quoting.Templates(ctx, page.Request{Limit: 10, Sort: "created_at"})
	if err != nil || len(p.Items) == 0 {
		return fmt.Errorf("demo template: %v", err)
	}
	t := p.Items[0]
	for _, it := range p.Items {
		if it.IsDefault {
			t = it
		}
	}
	str := func(s string) *string { return &s }
	t, err = a.Quoting.UpdateTemplate(ctx, t.ID, quoting.TemplatePatch{
		CompanyName: str("Demo AB"), Address: str("Sveavägen 44"), PostalCode: str("111 34"), City: str("Stockholm"),
		Country: str("Sverige"), RegistrationNumber: str("556677-8899"), VATNumber: str("SE556677889901"),
		Email: str("offert@demo.example.com"), Phone: str("08-123 456 78"), Website: str("demo.example.com"),
		BankName: str("Bankgiro"), BankAccount: str("123-4567"), IBAN: str("SE45 5000 0000 0583 9825 7466"),
		BIC: str("ESSESESS"), PrimaryColor: str("#0B6E4F"),
		FooterText: str("Demo AB · Styrelsens säte: Stockholm · Godkänd för F-skatt"),
	}, nil)
	if err != nil {
		return fmt.Errorf("demo template: %w", err)
	}
	_, err = a.Quoting.SetTemplateLogo(ctx, t.ID, demoLogo(), nil)
	return err
}

// demoLogo draws a small logo: a green disc beside a bar.
func demoLogo() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 240, 80))
	green := color.RGBA{R: 0x0B, G: 0x6E, B: 0x4F, A: 255}
	for x := 0; x < 240; x++ {
		for y := 0; y < 80; y++ {
			dx, dy := x-40, y-40
			if dx*dx+dy*dy <= 34*34 || (x >= 90 && x < 230 && y >= 30 && y < 50) {
				img.Set(x, y, green)
			}
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img) // an in-memory RGBA image always encodes
	return buf.Bytes()
}

// ensureLines adds demo lines to an opportunity that has none.
func ensureLines(ctx context.Context, a *app.App, o sales.Opportunity) error {
	set, err := a.Sales.Lines(ctx, o.ID)
	if err != nil || len(set.Lines) > 0 {
		return err
	}
	for i, l := range demoLines {
		q, _ := money.QuantityFromThousandths(l.milli + int64(i%2)*1000)
		name, unit, price, vat := l.name, l.unit, l.price, money.BasisPoints(2500)
		in := sales.NewLine{Name: &name, Unit: &unit, Description: l.desc, Quantity: q, UnitPrice: &price, VATRate: &vat}
		if i == 0 {
			in.Discount = 1000
		}
		if _, err := a.Sales.AddLine(ctx, o.ID, in); err != nil {
			return fmt.Errorf("demo line: %w", err)
		}
	}
	return nil
}

// demoQuote makes one quote in the state kind names: 0 draft, 1 sent,
// 2 revised (v1 superseded, v2 draft), 3 withdrawn.
func demoQuote(ctx context.Context, a *app.App, opportunityID uuid.UUID, kind int) error {
	q, err := a.Quoting.CreateQuote(ctx, opportunityID, quoting.NewQuote{})
	if err != nil {
		return fmt.Errorf("demo quote: %w", err)
	}
	switch kind {
	case 1, 2:
		if _, err := a.Quoting.Send(ctx, q.ID, quoting.SendInput{Channel: quoting.ChannelLink}, nil); err != nil {
			return fmt.Errorf("demo send: %w", err)
		}
		if kind == 2 {
			if _, err := a.Quoting.Revise(ctx, q.ID); err != nil {
				return fmt.Errorf("demo revise: %w", err)
			}
		}
	case 3:
		if _, err := a.Quoting.Withdraw(ctx, q.ID, nil); err != nil {
			return fmt.Errorf("demo withdraw: %w", err)
		}
	}
	return nil
}
