package invoicing

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/errs/errstest"
)

func ptr[T any](v T) *T { return &v }

// fieldsOf is errstest.FieldsOf.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	return errstest.FieldsOf(t, err)
}

func TestCreditNotesCarryTheNegativeSign(t *testing.T) {
	if (Invoice{Kind: KindInvoice}).Sign() != 1 || (Invoice{Kind: KindCreditNote}).Sign() != -1 {
		t.Error("got the wrong sign")
	}
}

func TestOnlyIssuedInvoicesAreCredited(t *testing.T) {
	tests := []struct {
		inv  Invoice
		want errs.Code
	}{
		{Invoice{Kind: KindInvoice, Status: StatusIssued}, ""},
		{Invoice{Kind: KindInvoice, Status: StatusPaid}, ""},
		{Invoice{Kind: KindInvoice, Status: StatusPartiallyPaid}, ""},
		{Invoice{Kind: KindCreditNote, Status: StatusIssued}, errs.Conflict},
		{Invoice{Kind: KindInvoice, Status: StatusDraft}, errs.Conflict},
		{Invoice{Kind: KindInvoice, Status: StatusCredited}, errs.Conflict},
	}
	for _, tt := range tests {
		err := Creditable(tt.inv)
		if tt.want == "" && err != nil || tt.want != "" && !errs.Is(err, tt.want) {
			t.Errorf("%s %s: got %v, want %q", tt.inv.Kind, tt.inv.Status, err, tt.want)
		}
	}
}

func TestPaymentIsCheckedAgainstWhatIsDue(t *testing.T) {
	inv := Invoice{Kind: KindInvoice, Status: StatusIssued, Currency: "SEK", Totals: Totals{Total: 10000}, Paid: 2000, Credited: 3000}
	tests := []struct {
		name string
		inv  Invoice
		p    NewPayment
		code errs.Code
		want []string
	}{
		{"exactly what is due", inv, NewPayment{Amount: 5000, Method: MethodBankgiro}, "", nil},
		{"part of it", inv, NewPayment{Amount: 1, Method: MethodBankgiro, Reference: strings.Repeat("r", 100)}, "", nil},
		{"one more than due", inv, NewPayment{Amount: 5001, Method: MethodBankgiro}, errs.Invalid, []string{"amount"}},
		{"an overpayment allowed", inv, NewPayment{Amount: 5001, Method: MethodBankgiro, AllowOverpayment: true}, "", nil},
		{"zero", inv, NewPayment{Amount: 0, Method: MethodBankgiro}, errs.Invalid, []string{"amount"}},
		{"unknown method and long reference", inv, NewPayment{Amount: 1, Method: "barter", Reference: strings.Repeat("r", 101)},
			errs.Invalid, []string{"method", "reference"}},
		{"a reference with a line break", inv, NewPayment{Amount: 1, Method: MethodBankgiro, Reference: "a\nb"}, errs.Invalid, []string{"reference"}},
		{"a credit note", Invoice{Kind: KindCreditNote, Status: StatusIssued}, NewPayment{Amount: 1, Method: MethodBankgiro}, errs.Conflict, nil},
		{"a draft", Invoice{Kind: KindInvoice, Status: StatusDraft}, NewPayment{Amount: 1, Method: MethodBankgiro}, errs.Conflict, nil},
		{"credited in full", Invoice{Kind: KindInvoice, Status: StatusCredited}, NewPayment{Amount: 1, Method: MethodBankgiro}, errs.Conflict, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPayment(tt.inv, tt.p)
			switch {
			case tt.code == "":
				if err != nil {
					t.Fatalf("got %v", err)
				}
			case tt.code == errs.Invalid:
				if got := fieldsOf(t, err); !slices.Equal(got, tt.want) {
					t.Errorf("got fields %v, want %v", got, tt.want)
				}
			case !errs.Is(err, tt.code):
				t.Errorf("got %v, want %s", err, tt.code)
			}
		})
	}
}

func TestPaidStatusFollowsThePayments(t *testing.T) {
	tests := []struct {
		name string
		inv  Invoice
		want Status
	}{
		{"nothing paid", Invoice{Kind: KindInvoice, Status: StatusPaid, Totals: Totals{Total: 100}}, StatusIssued},
		{"partly paid", Invoice{Kind: KindInvoice, Status: StatusIssued, Totals: Totals{Total: 100}, Paid: 99}, StatusPartiallyPaid},
		{"paid", Invoice{Kind: KindInvoice, Status: StatusIssued, Totals: Totals{Total: 100}, Paid: 100}, StatusPaid},
		{"paid after a credit note", Invoice{Kind: KindInvoice, Status: StatusIssued, Totals: Totals{Total: 100}, Paid: 60, Credited: 40}, StatusPaid},
		{"overpaid", Invoice{Kind: KindInvoice, Status: StatusIssued, Totals: Totals{Total: 100}, Paid: 101}, StatusPaid},
		{"credited stays credited", Invoice{Kind: KindInvoice, Status: StatusCredited, Paid: 5}, StatusCredited},
		{"a draft stays a draft", Invoice{Kind: KindInvoice, Status: StatusDraft, Paid: 5}, StatusDraft},
		{"a credit note keeps its status", Invoice{Kind: KindCreditNote, Status: StatusIssued, Paid: 5}, StatusIssued},
	}
	for _, tt := range tests {
		if got := PaidStatus(tt.inv); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestInvoiceTextsAreBounded(t *testing.T) {
	tests := []struct {
		name      string
		ref, note *string
		want      []string
	}{
		{"none", nil, nil, nil},
		{"at the limits", ptr(strings.Repeat("å", 200)), ptr(strings.Repeat("ö\n", 1000)), nil},
		{"reference too long", ptr(strings.Repeat("a", 201)), nil, []string{"buyer_reference"}},
		{"reference with a line break", ptr("PO\r1"), nil, []string{"buyer_reference"}},
		{"reference with NUL", ptr("PO\x001"), nil, []string{"buyer_reference"}},
		{"note too long", nil, ptr(strings.Repeat("n", 2001)), []string{"note"}},
		{"note with NUL", ptr("PO 1"), ptr("a\x00"), []string{"note"}},
	}
	for _, tt := range tests {
		if got := fieldsOf(t, checkTexts(tt.ref, tt.note)); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestInvoiceBasisIsTheSignedQuoteOrTheLines(t *testing.T) {
	lines := Basis{Source: SourceLines, Lines: []BasisLine{{}}}
	signed := Basis{Source: SourceQuote}
	tests := []struct {
		name  string
		o     Opportunity
		want  *Source
		got   Source
		field string
	}{
		{"the signed quote by default", Opportunity{Status: "won", Lines: lines, Signed: &signed}, nil, SourceQuote, ""},
		{"the lines without a quote", Opportunity{Status: "won", Lines: lines}, nil, SourceLines, ""},
		{"the lines asked for", Opportunity{Status: "won", Lines: lines, Signed: &signed}, ptr(SourceLines), SourceLines, ""},
		{"a quote that is not there", Opportunity{Status: "won", Lines: lines}, ptr(SourceQuote), "", "source"},
		{"no lines", Opportunity{Status: "won"}, nil, "", "lines"},
		{"an unknown source", Opportunity{Status: "won", Lines: lines}, ptr(Source("offer")), "", "source"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := basisOf(tt.o, tt.want)
			if tt.field != "" {
				if got := fieldsOf(t, err); !slices.Equal(got, []string{tt.field}) {
					t.Fatalf("got fields %v, want %s", got, tt.field)
				}
				return
			}
			if err != nil || b.Source != tt.got {
				t.Errorf("got %s, %v, want %s", b.Source, err, tt.got)
			}
		})
	}
	for _, status := range []string{"open", "lost", "expired"} {
		if _, err := basisOf(Opportunity{Status: status, Lines: lines}, nil); !errs.Is(err, errs.Invalid) {
			t.Errorf("%s: got %v, want invalid", status, err)
		}
	}
}

func TestInvoiceLanguage(t *testing.T) {
	tests := []struct{ want, fallback, got string }{
		{"sv", "en", "sv"}, {"en", "sv", "en"}, {"", "sv", "sv"}, {"de", "en", "en"}, {"de", "fr", "en"}, {"", "", "en"},
	}
	for _, tt := range tests {
		if got := language(tt.want, tt.fallback); got != tt.got {
			t.Errorf("language(%q, %q): got %q, want %q", tt.want, tt.fallback, got, tt.got)
		}
	}
	if LabelsFor("sv") == LabelsFor("en") {
		t.Error("Swedish and English labels are the same")
	}
}

func TestMailTextsAndPlaceholders(t *testing.T) {
	subject, body := DefaultMail("sv")
	if subject != "Faktura {{invoice_number}} från {{company_name}}" || !strings.Contains(body, "OCR-nummer: {{ocr}}") {
		t.Errorf("sv: got %q / %q", subject, body)
	}
	subject, body = DefaultMail("en")
	if subject != "Invoice {{invoice_number}} from {{company_name}}" || !strings.HasSuffix(body, "Kind regards,\n{{company_name}}\n") {
		t.Errorf("en: got %q / %q", subject, body)
	}
	subject, body = creditMail("sv")
	if subject != "Kreditfaktura {{invoice_number}} från {{company_name}}" || !strings.Contains(body, "kreditfaktura {{invoice_number}} till") {
		t.Errorf("credit sv: got %q / %q", subject, body)
	}
	subject, body = creditMail("en")
	if subject != "Credit note {{invoice_number}} from {{company_name}}" || !strings.Contains(body, "credit note {{invoice_number}} for") {
		t.Errorf("credit en: got %q / %q", subject, body)
	}

	due := time.Date(2026, 7, 31, 0, 0, 0, 0, time.UTC)
	inv := Invoice{Kind: KindInvoice, Status: StatusIssued, Number: "2026-7", OCR: "12345", Language: "en", Currency: "SEK",
		Totals: Totals{Total: 150000}, Paid: 50000, DueDate: &due,
		Snapshot: &Snapshot{Seller: Party{Name: "Acme AB"}, Buyer: Party{Name: "Kund AB"}}}
	const text = "{{invoice_number}}|{{company_name}}|{{customer_name}}|{{amount_due}}|{{due_date}}|{{ocr}}|{{contact_name}}"
	want := "2026-7|Acme AB|Kund AB|SEK\u00a01,000.00|31 July 2026|12345|Kund AB"
	if got := fill(text, inv); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	inv.Snapshot.Contact, inv.DueDate, inv.Paid = "Karin", nil, 200000
	if got := fill(text, inv); got != "2026-7|Acme AB|Kund AB|SEK\u00a00.00||12345|Karin" {
		t.Errorf("overpaid, no due date, a contact: got %q", got)
	}
}

func TestFileNames(t *testing.T) {
	id := uuid.MustParse("0190a5b2-1111-7000-8000-000000000000")
	tests := []struct {
		inv  Invoice
		ext  string
		want string
	}{
		{Invoice{Kind: KindInvoice, Number: "2026-7"}, "pdf", "invoice-2026-7.pdf"},
		{Invoice{Kind: KindCreditNote, Number: "2026-8"}, "xml", "credit-note-2026-8.xml"},
		{Invoice{ID: id, Kind: KindInvoice}, "pdf", "invoice-draft-0190a5b2.pdf"},
	}
	for _, tt := range tests {
		if got := FileName(tt.inv, tt.ext); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

func TestSendInputIsChecked(t *testing.T) {
	many := make([]string, MaxRecipients+1)
	for i := range many {
		many[i] = "a@example.com"
	}
	tests := []struct {
		name string
		in   SendInput
		want []string
	}{
		{"fine", SendInput{To: []string{"ann@example.com"}, Cc: many[1:], Subject: "Invoice"}, nil},
		{"too many", SendInput{To: many}, []string{"to"}},
		{"a bad address", SendInput{Cc: []string{"ann@example.com", "nope"}}, []string{"cc.1"}},
		{"a header in an address", SendInput{To: []string{"ann@example.com\r\nBcc: x@example.com"}}, []string{"to.0"}},
		{"a two-line subject", SendInput{Subject: "a\nb"}, []string{"subject"}},
	}
	for _, tt := range tests {
		if got := fieldsOf(t, tt.in.check()); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestDecimalStringOfNegativeAmounts(t *testing.T) {
	tests := []struct {
		minor int64
		exp   int
		want  string
	}{
		{-12345, 2, "-123.45"}, {-5, 2, "-0.05"}, {7, 0, "7"}, {-7, 0, "-7"}, {100, 3, "0.100"},
	}
	for _, tt := range tests {
		if got := decimalString(tt.minor, tt.exp); got != tt.want {
			t.Errorf("decimalString(%d, %d): got %q, want %q", tt.minor, tt.exp, got, tt.want)
		}
	}
}
