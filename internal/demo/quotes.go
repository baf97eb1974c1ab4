package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"

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
// a logo, and quotes the open opportunities among opportunityIDs in every
// state a salesperson meets: a draft, sent by link (its customer link is
// answered, to open at once), revised into a second version (the first
// superseded), withdrawn, and answered by the customer through the link —
// viewed, signed with a drawn signature (evidence and signed PDF), change
// requested with a comment on a line, rejected — and expired. Opportunities
// without lines get a few. ctx carries the demo admin.
func Quotes(ctx context.Context, a *app.App, opportunityIDs []uuid.UUID) (link string, err error) {
	if err := demoTemplate(ctx, a); err != nil {
		return "", err
	}
	n := 0
	for _, id := range opportunityIDs {
		o, err := a.Sales.Opportunity(ctx, id)
		if err != nil {
			return "", fmt.Errorf("demo quote: %w", err)
		}
		if o.Status != sales.StatusOpen || o.Currency != "SEK" {
			continue
		}
		if err := ensureLines(ctx, a, o); err != nil {
			return "", err
		}
		url, err := demoQuote(ctx, a, id, demoStates[n])
		if err != nil {
			return "", err
		}
		if demoStates[n] == stateSent {
			link = url
		}
		if n++; n == len(demoStates) {
			break
		}
	}
	return link, nil
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

// demoState is the state a demo quote is brought to.
type demoState int

const (
	stateDraft demoState = iota
	stateSent
	stateRevised
	stateWithdrawn
	stateViewed
	stateSigned
	stateChangeRequested
	stateRejected
	stateExpired
)

// demoStates are the demo quotes, in the order the opportunities get them.
var demoStates = []demoState{stateSent, stateSigned, stateViewed, stateChangeRequested, stateRejected,
	stateExpired, stateDraft, stateRevised, stateWithdrawn}

// demoCustomer is the client the demo's customer answers from.
var demoCustomer = quoting.Client{IP: "198.51.100.23", UserAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148"}

// demoQuote makes one quote in state st and answers its customer link
// when it was sent.
func demoQuote(ctx context.Context, a *app.App, opportunityID uuid.UUID, st demoState) (string, error) {
	q, err := a.Quoting.CreateQuote(ctx, opportunityID, quoting.NewQuote{})
	if err != nil {
		return "", fmt.Errorf("demo quote: %w", err)
	}
	switch st {
	case stateDraft:
		return "", nil
	case stateWithdrawn:
		_, err := a.Quoting.Withdraw(ctx, q.ID, nil)
		return "", err
	}
	sent, err := a.Quoting.Send(ctx, q.ID, quoting.SendInput{Channel: quoting.ChannelLink}, nil)
	if err != nil {
		return "", fmt.Errorf("demo send: %w", err)
	}
	token := sent.PublicURL[strings.LastIndex(sent.PublicURL, "/")+1:]
	return sent.PublicURL, answer(ctx, a, q.ID, token, st)
}

// answer plays the customer's (or the clock's) part.
func answer(ctx context.Context, a *app.App, quoteID uuid.UUID, token string, st demoState) error {
	var err error
	switch st {
	case stateRevised:
		_, err = a.Quoting.Revise(ctx, quoteID)
	case stateViewed:
		_, err = a.Quoting.Open(ctx, token, demoCustomer)
	case stateSigned:
		var v quoting.Visit
		if v, err = a.Quoting.Open(ctx, token, demoCustomer); err == nil {
			_, err = a.Quoting.Sign(ctx, token, quoting.SignInput{Name: "Karin Ek", Email: "karin.ek@example.com",
				Title: "Inköpschef", Consent: true, DocumentSHA256: v.Quote.DocumentSHA256, SignaturePNG: signature()}, demoCustomer)
		}
	case stateChangeRequested:
		var v quoting.Visit
		if v, err = a.Quoting.Open(ctx, token, demoCustomer); err == nil {
			_, err = a.Quoting.RequestChange(ctx, token, quoting.ChangeRequestInput{Name: "Olle Berg",
				Email: "olle.berg@example.com", Comment: "Kan ni offerera tre års licens i stället, med rabatt?",
				LineComments: []quoting.LineComment{{LineID: v.Quote.Snapshot.Lines[0].ID, Comment: "30 användare, inte 25."}}}, demoCustomer)
		}
	case stateRejected:
		_, err = a.Quoting.Reject(ctx, token, quoting.RejectInput{Name: "Lisa Holm", Email: "lisa.holm@example.com",
			Reason: "Vi har valt en annan leverantör i år."}, demoCustomer)
	case stateExpired:
		// The demo has no yesterday: the quote's validity is moved back so
		// that the expiry job finds it, as it would a real lapsed quote.
		if _, err = a.DB.SQL().ExecContext(ctx, `UPDATE quotes SET valid_until = current_date - 3 WHERE id = $1`, quoteID); err == nil {
			_, err = a.Quoting.ExpireDue(ctx)
		}
	}
	if err != nil {
		return fmt.Errorf("demo customer: %w", err)
	}
	return nil
}

// signature draws a demo signature: a few loops of ink.
func signature() []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 420, 140))
	ink := color.NRGBA{R: 20, G: 30, B: 90, A: 255}
	for x := 20; x < 400; x++ {
		f := float64(x)
		y := 70 + 28*math.Sin(f/17) + 10*math.Sin(f/5)
		for d := -1; d <= 1; d++ {
			img.Set(x, int(y)+d, ink)
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img) // an in-memory image always encodes
	return buf.Bytes()
}
