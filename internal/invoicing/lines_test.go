package invoicing

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/money"
)

func qty(t *testing.T, s string) money.Quantity {
	t.Helper()
	q, err := money.ParseQuantity(s)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func qp(t *testing.T, s string) *money.Quantity {
	q := qty(t, s)
	return &q
}

// basis sells 10 seats at 1 000,00 with 10 % off, and 1.5 days of
// training at 8 000,00, VAT 25 %.
func basis(t *testing.T) Basis {
	return Basis{Source: SourceLines, Currency: "SEK", Lines: []BasisLine{
		{ID: uuid.New(), Name: "Seat", Quantity: qty(t, "10"), UnitPrice: 100000, Discount: 1000, VATRate: 2500},
		{ID: uuid.New(), Name: "Training", Quantity: qty(t, "1.5"), UnitPrice: 800000, VATRate: 2500},
	}}
}

func TestPickLinesPartialAndStaged(t *testing.T) {
	b := basis(t)
	seat, training := b.Lines[0].ID, b.Lines[1].ID
	for _, tc := range []struct {
		name      string
		invoiced  Invoiced
		req       []LineRequest
		allowOver bool
		want      map[uuid.UUID]string // line → quantity
		wantErr   string               // a field of the 422
	}{
		{name: "everything", want: map[uuid.UUID]string{seat: "10", training: "1.5"}},
		{name: "what remains", invoiced: Invoiced{seat: 4000, training: 1500}, want: map[uuid.UUID]string{seat: "6"}},
		{name: "part of one line", req: []LineRequest{{LineID: seat, Quantity: qp(t, "2.5")}}, want: map[uuid.UUID]string{seat: "2.5"}},
		{name: "the rest of a line", invoiced: Invoiced{training: 500}, req: []LineRequest{{LineID: training}},
			want: map[uuid.UUID]string{training: "1"}},
		{name: "exactly what was sold", invoiced: Invoiced{seat: 9000}, req: []LineRequest{{LineID: seat, Quantity: qp(t, "1")}},
			want: map[uuid.UUID]string{seat: "1"}},
		{name: "over-invoicing", invoiced: Invoiced{seat: 9000}, req: []LineRequest{{LineID: seat, Quantity: qp(t, "1.001")}},
			wantErr: "lines.0.quantity"},
		{name: "over-invoicing allowed", invoiced: Invoiced{seat: 9000}, req: []LineRequest{{LineID: seat, Quantity: qp(t, "2")}},
			allowOver: true, want: map[uuid.UUID]string{seat: "2"}},
		{name: "nothing left", invoiced: Invoiced{seat: 10000, training: 1500}, wantErr: "lines"},
		{name: "a line invoiced in full", invoiced: Invoiced{seat: 10000}, req: []LineRequest{{LineID: seat}}, wantErr: "lines.0.quantity"},
		{name: "unknown line", req: []LineRequest{{LineID: uuid.New()}}, wantErr: "lines.0.line_id"},
		{name: "a line twice", req: []LineRequest{{LineID: seat}, {LineID: seat}}, wantErr: "lines.1.line_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := PickLines(b, tc.invoiced, tc.req, tc.allowOver)
			if tc.wantErr != "" {
				e, ok := errs.As(err)
				if !ok || e.Code != errs.Invalid || len(e.Fields) == 0 || e.Fields[0].Field != tc.wantErr {
					t.Fatalf("got %v, want 422 on %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d lines, want %d", len(got), len(tc.want))
			}
			for _, l := range got {
				if l.Quantity.String() != tc.want[l.SourceLineID] || l.ID == uuid.Nil {
					t.Errorf("line %s: quantity %s, want %s", l.Name, l.Quantity, tc.want[l.SourceLineID])
				}
			}
		})
	}
}

// TestComputeRoundsVATPerRate: EN 16931 BR-CO-17 rounds VAT once per rate
// on the summed base (NOTES.md: three lines of 0.5 × 66.67 at 19 %: net
// 100.02, VAT 19.00, where rounding per line gives 18.99); a credit note
// carries the same figures negated.
func TestComputeRoundsVATPerRate(t *testing.T) {
	mk := func() []Line {
		var ls []Line
		for range 3 {
			ls = append(ls, Line{Name: "x", Quantity: qty(t, "0.5"), UnitPrice: 6667, VATRate: 1900})
		}
		return append(ls, Line{Name: "book", Quantity: qty(t, "1"), UnitPrice: 10000, VATRate: 600},
			Line{Name: "export", Quantity: qty(t, "1"), UnitPrice: 5000, VATRate: 0})
	}
	lines := mk()
	tot, err := Compute(KindInvoice, lines, 0, "EUR", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []VATAmount{{Rate: 1900, Base: 10002, Amount: 1900}, {Rate: 600, Base: 10000, Amount: 600}, {Rate: 0, Base: 5000, Amount: 0}}
	if len(tot.VAT) != 3 || tot.VAT[0] != want[0] || tot.VAT[1] != want[1] || tot.VAT[2] != want[2] {
		t.Errorf("VAT per rate: got %+v, want %+v", tot.VAT, want)
	}
	if tot.Net != 25002 || tot.VATTotal != 2500 || tot.Total != 27502 || lines[0].Net != 3334 || lines[3].Position != 4 {
		t.Errorf("totals: got %+v (lines %+v)", tot, lines)
	}
	credit := mk()
	neg, err := Compute(KindCreditNote, credit, 0, "EUR", nil)
	if err != nil {
		t.Fatal(err)
	}
	if neg.Total != -tot.Total || neg.VAT[0].Amount != -1900 || neg.VAT[0].Base != -10002 || credit[0].Net != -3334 {
		t.Errorf("credit note: got %+v, want the invoice's figures negated", neg)
	}
	// An offer discount applies per rate on the summed nets.
	disc, err := Compute(KindInvoice, mk(), 1000, "EUR", nil)
	if err != nil {
		t.Fatal(err)
	}
	if disc.Subtotal != 25002 || disc.VAT[0].Base != 9002 || disc.VAT[0].Amount != 1710 || disc.OfferDiscountAmount != 2500 {
		t.Errorf("offer discount: got %+v", disc)
	}
	if _, err := Compute(KindInvoice, []Line{{Name: " ", Quantity: qty(t, "1"), VATRate: 20000}}, 0, "SEK", nil); !errs.Is(err, errs.Invalid) {
		t.Errorf("bad line: got %v, want invalid", err)
	}
}

// issued is an issued invoice of the basis' lines, as Create and Issue make it.
func issued(t *testing.T, b Basis, offer money.BasisPoints) Invoice {
	t.Helper()
	lines, err := PickLines(b, nil, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	tot, err := Compute(KindInvoice, lines, offer, b.Currency, nil)
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	due := day.AddDate(0, 0, 30)
	return Invoice{ID: uuid.New(), Kind: KindInvoice, Status: StatusIssued, Number: "2026-0001", OCR: "202600011",
		Language: "en", Currency: b.Currency, OfferDiscount: offer, Lines: lines, Totals: tot, IssueDate: &day, DueDate: &due,
		Snapshot: &Snapshot{Seller: Party{Name: "Seller AB", Address: []string{"Box 1"}, City: "Göteborg", PostalCode: "411 01",
			Country: "Sverige", OrganizationNumber: "556000-1234", VATNumber: "SE556000123401"},
			Buyer: Party{Name: "Buyer AB", Address: []string{"Storgatan 1"}, City: "Stockholm", Country: "SE",
				OrganizationNumber: "556677-8899", VATNumber: "SE556677889901"},
			PaymentInfo: PaymentInfo{BankAccount: "Bankgiro 123-4567", OCR: "202600011", TermsDays: 30}}}
}

// credit applies PickCredit and Compute like Service.Credit and records
// what was credited.
func credit(t *testing.T, inv *Invoice, done CreditedLines, req []LineRequest) Invoice {
	t.Helper()
	lines, overrides, err := PickCredit(*inv, done, req)
	if err != nil {
		t.Fatal(err)
	}
	tot, err := Compute(KindCreditNote, lines, inv.OfferDiscount, inv.Currency, overrides)
	if err != nil {
		t.Fatal(err)
	}
	full := FullyCredited(*inv, done, lines)
	for _, l := range lines {
		c := done[*l.CreditedLineID]
		done[*l.CreditedLineID] = CreditedLine{Quantity: c.Quantity + l.Quantity.Thousandths(), Net: c.Net - l.Net}
	}
	inv.Credited -= tot.Total
	if full {
		inv.Status = StatusCredited
	}
	return Invoice{Kind: KindCreditNote, Lines: lines, Totals: tot}
}

func TestCreditNotesSumBackToZero(t *testing.T) {
	// Thirds of 1 unit at 100,01 with 12,5 % off and a 7 % offer discount
	// round differently from the whole: the last part takes the rest.
	b := Basis{Source: SourceLines, Currency: "SEK", Lines: []BasisLine{
		{ID: uuid.New(), Name: "Odd", Quantity: qty(t, "1"), UnitPrice: 10001, Discount: 1250, VATRate: 2500},
		{ID: uuid.New(), Name: "Book", Quantity: qty(t, "3"), UnitPrice: 3333, VATRate: 600},
	}}
	for _, tc := range []struct {
		name  string
		parts []string // quantities of the first line per note; the book is credited with the last
	}{
		{name: "one note", parts: []string{""}},
		{name: "halves", parts: []string{"0.5", ""}},
		{name: "thirds", parts: []string{"0.333", "0.333", ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv := issued(t, b, 700)
			done := CreditedLines{}
			var nets, totals int64
			for i, p := range tc.parts {
				var req []LineRequest
				if p != "" {
					req = []LineRequest{{LineID: inv.Lines[0].ID, Quantity: qp(t, p)}}
				}
				note := credit(t, &inv, done, req)
				if note.Totals.Total >= 0 {
					t.Fatalf("note %d: total %d, want negative", i, note.Totals.Total)
				}
				for _, l := range note.Lines {
					nets += l.Net
				}
				totals += note.Totals.Total
			}
			var lineNets int64
			for _, l := range inv.Lines {
				lineNets += l.Net
			}
			if nets+lineNets != 0 {
				t.Errorf("line nets: invoice %d, credited %d, want a sum of 0", lineNets, nets)
			}
			if inv.Status != StatusCredited {
				t.Errorf("status %s, want credited", inv.Status)
			}
			if len(tc.parts) == 1 && totals+inv.Totals.Total != 0 {
				t.Errorf("one credit note: %d + %d, want 0", inv.Totals.Total, totals)
			}
			if d := totals + inv.Totals.Total; d < -int64(len(tc.parts)) || d > int64(len(tc.parts)) {
				t.Errorf("totals differ by %d minor units after %d notes", d, len(tc.parts))
			}
			if _, _, err := PickCredit(inv, done, nil); !errs.Is(err, errs.Invalid) {
				t.Errorf("credit again: got %v, want nothing left", err)
			}
		})
	}
}

func TestCreditRules(t *testing.T) {
	inv := issued(t, basis(t), 0)
	done := CreditedLines{inv.Lines[0].ID: {Quantity: 9000, Net: 810000}}
	for _, tc := range []struct {
		name string
		req  []LineRequest
		want string
	}{
		{"more than is left", []LineRequest{{LineID: inv.Lines[0].ID, Quantity: qp(t, "1.5")}}, "lines.0.quantity"},
		{"a line of another invoice", []LineRequest{{LineID: uuid.New()}}, "lines.0.line_id"},
		{"a line twice", []LineRequest{{LineID: inv.Lines[1].ID}, {LineID: inv.Lines[1].ID}}, "lines.1.line_id"},
	} {
		_, _, err := PickCredit(inv, done, tc.req)
		if e, ok := errs.As(err); !ok || len(e.Fields) == 0 || e.Fields[0].Field != tc.want {
			t.Errorf("%s: got %v, want 422 on %s", tc.name, err, tc.want)
		}
	}
	for _, tc := range []struct {
		name string
		inv  Invoice
	}{
		{"draft", Invoice{Kind: KindInvoice, Status: StatusDraft}},
		{"credit note", Invoice{Kind: KindCreditNote, Status: StatusIssued}},
		{"credited", Invoice{Kind: KindInvoice, Status: StatusCredited}},
	} {
		if err := Creditable(tc.inv); !errs.Is(err, errs.Conflict) {
			t.Errorf("credit a %s: got %v, want 409", tc.name, err)
		}
	}
}

func TestPaymentsAndOverdue(t *testing.T) {
	inv := issued(t, basis(t), 0) // total 2 625 000
	total := inv.Totals.Total
	for _, tc := range []struct {
		name   string
		inv    func(Invoice) Invoice
		pay    NewPayment
		want   errs.Code
		inText string
	}{
		{name: "part", pay: NewPayment{Amount: 1, Method: MethodBankgiro}},
		{name: "all", pay: NewPayment{Amount: total, Method: MethodBankTransfer}},
		{name: "overpayment", pay: NewPayment{Amount: total + 1, Method: MethodCash}, want: errs.Invalid, inText: "overpayment"},
		{name: "overpayment allowed", pay: NewPayment{Amount: total + 1, Method: MethodCash, AllowOverpayment: true}},
		{name: "after a credit", inv: func(i Invoice) Invoice { i.Credited = total - 10; return i },
			pay: NewPayment{Amount: 11, Method: MethodCard}, want: errs.Invalid, inText: "overpayment"},
		{name: "zero", pay: NewPayment{Amount: 0, Method: MethodCash}, want: errs.Invalid},
		{name: "unknown method", pay: NewPayment{Amount: 1, Method: "barter"}, want: errs.Invalid},
		{name: "reference with a line break", pay: NewPayment{Amount: 1, Method: MethodOther, Reference: "a\nb"}, want: errs.Invalid},
		{name: "draft", inv: func(i Invoice) Invoice { i.Status = StatusDraft; return i }, pay: NewPayment{Amount: 1, Method: MethodCash}, want: errs.Conflict},
		{name: "credit note", inv: func(i Invoice) Invoice { i.Kind = KindCreditNote; return i }, pay: NewPayment{Amount: 1, Method: MethodCash}, want: errs.Conflict},
	} {
		i := inv
		if tc.inv != nil {
			i = tc.inv(i)
		}
		err := CheckPayment(i, tc.pay)
		if (tc.want == "" && err != nil) || (tc.want != "" && !errs.Is(err, tc.want)) ||
			(tc.inText != "" && (err == nil || !strings.Contains(errsText(err), tc.inText))) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
	for _, tc := range []struct {
		paid, credited int64
		status         Status
	}{
		{0, 0, StatusIssued}, {1, 0, StatusPartiallyPaid}, {total - 1, 0, StatusPartiallyPaid}, {total, 0, StatusPaid},
		{total + 5, 0, StatusPaid}, {100, total - 100, StatusPaid}, {0, total - 100, StatusIssued},
	} {
		i := inv
		i.Paid, i.Credited = tc.paid, tc.credited
		if got := PaidStatus(i); got != tc.status {
			t.Errorf("paid %d credited %d: status %s, want %s", tc.paid, tc.credited, got, tc.status)
		}
	}
	due := *inv.DueDate
	for _, tc := range []struct {
		today   time.Time
		paid    int64
		status  Status
		overdue bool
	}{
		{due, 0, StatusIssued, false}, {due.AddDate(0, 0, 1), 0, StatusIssued, true},
		{due.AddDate(0, 0, 1), 1, StatusPartiallyPaid, true}, {due.AddDate(0, 0, 9), total, StatusPaid, false},
		{due.AddDate(0, 0, 9), 0, StatusCredited, false},
	} {
		i := inv
		i.Paid, i.Status = tc.paid, tc.status
		if got := i.Overdue(tc.today); got != tc.overdue {
			t.Errorf("%s on %s with %d paid: overdue %v, want %v", tc.status, tc.today.Format(time.DateOnly), tc.paid, got, tc.overdue)
		}
	}
	if got := Today(time.Date(2026, 3, 1, 23, 30, 0, 0, time.UTC), "Europe/Stockholm"); got.Day() != 2 {
		t.Errorf("today in Stockholm at 23:30 UTC on 1 March: got %s, want 2 March", got.Format(time.DateOnly))
	}
}

func errsText(err error) string {
	if e, ok := errs.As(err); ok {
		s := e.Message
		for _, f := range e.Fields {
			s += " " + f.Field + ": " + f.Message
		}
		return s
	}
	return err.Error()
}
