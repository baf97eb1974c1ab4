package api_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/acme/crm/internal/invoicing"
	"github.com/acme/crm/internal/testenv"
)

type invoiceJSON struct {
	ID             string  `json:"id"`
	OpportunityID  string  `json:"opportunity_id"`
	Kind           string  `json:"kind"`
	Status         string  `json:"status"`
	Overdue        bool    `json:"overdue"`
	CreditsID      *string `json:"credits_id"`
	CreditsNumber  *string `json:"credits_number"`
	Source         string  `json:"source"`
	QuoteID        *string `json:"quote_id"`
	Number         *string `json:"number"`
	OCR            *string `json:"ocr"`
	Language       string  `json:"language"`
	BuyerReference string  `json:"buyer_reference"`
	Lines          []struct {
		ID           string  `json:"id"`
		SourceLineID string  `json:"source_line_id"`
		Name         string  `json:"name"`
		Quantity     float64 `json:"quantity"`
		Net          int64   `json:"net"`
	} `json:"lines"`
	Totals           totalsJSON `json:"totals"`
	Paid             int64      `json:"paid"`
	Credited         int64      `json:"credited"`
	AmountDue        int64      `json:"amount_due"`
	PaymentTermsDays *int       `json:"payment_terms_days"`
	IssueDate        *string    `json:"issue_date"`
	DueDate          *string    `json:"due_date"`
	Seller           *struct {
		Name      string `json:"name"`
		VATNumber string `json:"vat_number"`
	} `json:"seller"`
	Buyer *struct {
		Name    string `json:"name"`
		Country string `json:"country"`
	} `json:"buyer"`
	Payments []struct {
		ID     string `json:"id"`
		Amount int64  `json:"amount"`
	} `json:"payments"`
	SentAt  *string `json:"sent_at"`
	Version int64   `json:"version"`
	Allowed struct {
		Edit, Issue, Pay, Credit, Send, Delete bool
	} `json:"allowed"`
}

// invoiceableOpportunity is quotedOpportunity (2 × 1 000,00 at 10 % off and
// 1,5 × 1 450,00, all at 25 % VAT) with a seller profile and a buyer that
// make a complete e-invoice, won.
func invoiceableOpportunity(t *testing.T, env *testenv.Env, a testenv.Account) oppJSON {
	t.Helper()
	o, _ := quotedOpportunity(t, env, a)
	setSeller(t, env, a)
	res := env.Do(testenv.Request{Method: "PATCH", Path: "/api/v1/organizations/" + *o.OrganizationID, Token: a.Token,
		Body: map[string]any{"vat_number": "SE556677889901", "registration_number": "556677-8899", "email": "ap@oberg.example",
			"address": map[string]any{"street": "Storgatan 1", "postal_code": "111 22", "city": "Stockholm", "country": "SE"}}})
	if res.Status != http.StatusOK {
		t.Fatalf("buyer details: %s", res)
	}
	win(t, env, a, o.ID)
	return o
}

// setSeller gives the default template a complete company profile.
func setSeller(t *testing.T, env *testenv.Env, a testenv.Account) {
	t.Helper()
	var list struct{ Data []struct{ ID string } }
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/quote-templates", Token: a.Token}).Decode(t, &list)
	res := env.Do(testenv.Request{Method: "PATCH", Path: "/api/v1/quote-templates/" + list.Data[0].ID, Token: a.Token,
		Body: map[string]any{"company_name": "Säljbolaget AB", "address": "Box 12", "postal_code": "411 01", "city": "Göteborg",
			"country": "Sverige", "registration_number": "556000-1234", "vat_number": "SE556000123401",
			"bank_account": "Bankgiro 123-4567", "iban": "SE45 5000 0000 0583 9825 7466", "bic": "ESSESESS", "language": "en"}})
	if res.Status != http.StatusOK {
		t.Fatalf("seller profile: %s", res)
	}
}

func win(t *testing.T, env *testenv.Env, a testenv.Account, oppID string) {
	t.Helper()
	won := phaseNamed(t, defaultPipeline(t, env, a), "Won")
	if res := patchOpp(env, a, oppID, map[string]any{"phase_id": won.ID}); res.Status != http.StatusOK {
		t.Fatalf("win: %s", res)
	}
}

func invoiceDo(t *testing.T, env *testenv.Env, a testenv.Account, method, path string, body any, want int) invoiceJSON {
	t.Helper()
	res := env.Do(testenv.Request{Method: method, Path: path, Token: a.Token, Body: body})
	if res.Status != want {
		t.Fatalf("%s %s: got %s, want %d", method, path, res, want)
	}
	var inv invoiceJSON
	if want < 300 && res.Status != http.StatusNoContent {
		res.Decode(t, &inv)
	}
	return inv
}

func newInvoice(t *testing.T, env *testenv.Env, a testenv.Account, oppID string, body map[string]any) invoiceJSON {
	t.Helper()
	if body == nil {
		body = map[string]any{}
	}
	return invoiceDo(t, env, a, "POST", "/api/v1/opportunities/"+oppID+"/invoices", body, http.StatusCreated)
}

func issue(t *testing.T, env *testenv.Env, a testenv.Account, id string, body any) invoiceJSON {
	t.Helper()
	return invoiceDo(t, env, a, "POST", "/api/v1/invoices/"+id+"/issue", body, http.StatusOK)
}

func TestInvoiceDraftsAndPartialInvoicing(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	o, _ := quotedOpportunity(t, env, a)
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/opportunities/" + o.ID + "/invoices", Token: a.Token, Body: map[string]any{}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), "only won opportunities are invoiced") {
		t.Fatalf("invoice an open opportunity: got %s, want 422 naming the rule", res)
	}
	win(t, env, a, o.ID)
	lines := listLines(t, env, a, o.ID).Data

	// Half of the first line: 1 × 1 000,00 − 10 % = 900,00 + 25 % VAT.
	part := newInvoice(t, env, a, o.ID, map[string]any{"source": "lines", "lines": []any{map[string]any{"line_id": lines[0].ID, "quantity": 1}}})
	if part.Status != "draft" || part.Number != nil || part.Source != "lines" || len(part.Lines) != 1 ||
		part.Totals.Net != 90000 || part.Totals.Total != 112500 || part.BuyerReference != o.Title || !part.Allowed.Issue {
		t.Fatalf("partial draft: got %+v", part)
	}
	over := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/opportunities/" + o.ID + "/invoices", Token: a.Token,
		Body: map[string]any{"lines": []any{map[string]any{"line_id": lines[0].ID, "quantity": 2}}}})
	if over.Status != http.StatusUnprocessableEntity || !strings.Contains(string(over.Body), "over-invoicing") ||
		!strings.Contains(string(over.Body), "lines.0.quantity") {
		t.Fatalf("over-invoice: got %s, want 422 on lines.0.quantity", over)
	}
	allowed := newInvoice(t, env, a, o.ID, map[string]any{"allow_over": true,
		"lines": []any{map[string]any{"line_id": lines[0].ID, "quantity": 2}}})
	invoiceDo(t, env, a, "DELETE", "/api/v1/invoices/"+allowed.ID, nil, http.StatusNoContent)

	// The rest in a second stage: what remains of every line.
	rest := newInvoice(t, env, a, o.ID, nil)
	if len(rest.Lines) != 2 || rest.Lines[0].Quantity != 1 || rest.Lines[1].Quantity != 1.5 {
		t.Fatalf("rest: got %+v", rest.Lines)
	}
	var progress struct {
		Source string
		Lines  []struct {
			Sold, Invoiced, Remaining float64
		}
	}
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/opportunities/" + o.ID + "/invoicing", Token: a.Token}).Decode(t, &progress)
	if progress.Source != "lines" || progress.Lines[0].Invoiced != 2 || progress.Lines[0].Remaining != 0 || progress.Lines[1].Remaining != 0 {
		t.Fatalf("progress: got %+v", progress)
	}
	nothing := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/opportunities/" + o.ID + "/invoices", Token: a.Token, Body: map[string]any{}})
	if nothing.Status != http.StatusUnprocessableEntity {
		t.Fatalf("nothing left: got %s, want 422", nothing)
	}
	// Deleting a draft gives its quantities back; PUT lines re-picks them.
	invoiceDo(t, env, a, "DELETE", "/api/v1/invoices/"+rest.ID, nil, http.StatusNoContent)
	changed := invoiceDo(t, env, a, "PUT", "/api/v1/invoices/"+part.ID+"/lines", map[string]any{"lines": []any{
		map[string]any{"line_id": lines[0].ID}, map[string]any{"line_id": lines[1].ID, "quantity": 0.5}}}, http.StatusOK)
	if len(changed.Lines) != 2 || changed.Lines[0].Quantity != 2 || changed.Lines[1].Net != 72500 || changed.Version != 2 {
		t.Fatalf("replace lines: got %+v", changed)
	}
	patched := invoiceDo(t, env, a, "PATCH", "/api/v1/invoices/"+part.ID, map[string]any{"buyer_reference": "PO 4711",
		"language": "sv", "note": "Delfaktura 1"}, http.StatusOK)
	if patched.BuyerReference != "PO 4711" || patched.Language != "sv" {
		t.Fatalf("patch: got %+v", patched)
	}
	stale := env.Do(testenv.Request{Method: "PATCH", Path: "/api/v1/invoices/" + part.ID, Token: a.Token,
		Header: map[string]string{"If-Match": `"1"`}, Body: map[string]any{"note": "x"}})
	if stale.Status != http.StatusPreconditionFailed {
		t.Fatalf("stale If-Match: got %s, want 412", stale)
	}
}

func TestInvoiceIssuePayCredit(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	o := invoiceableOpportunity(t, env, a)
	if res := env.Do(testenv.Request{Method: "PATCH", Path: "/api/v1/workspace", Token: a.Token,
		Body: map[string]any{"payment_terms_days": 20, "invoice_number_format": "F{yy}-{seq:5}"}}); res.Status != http.StatusOK {
		t.Fatalf("workspace settings: %s", res)
	}
	draft := newInvoice(t, env, a, o.ID, nil)
	future := time.Now().AddDate(0, 0, 3).Format(time.DateOnly)
	if res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/invoices/" + draft.ID + "/issue", Token: a.Token,
		Body: map[string]any{"issue_date": future}}); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("issue dated in the future: got %s, want 422", res)
	}
	inv := issue(t, env, a, draft.ID, map[string]any{"issue_date": "2026-03-02"})
	if inv.Status != "issued" || inv.Number == nil || *inv.Number != "F26-00001" || inv.IssueDate == nil ||
		*inv.IssueDate != "2026-03-02" || *inv.DueDate != "2026-03-22" || *inv.PaymentTermsDays != 20 ||
		inv.Totals.Total != 496875 || inv.AmountDue != 496875 || inv.Seller.VATNumber != "SE556000123401" ||
		inv.Buyer.Country != "SE" || inv.Allowed.Edit || !inv.Allowed.Pay {
		t.Fatalf("issued: got %+v", inv)
	}
	if !invoicing.ValidLuhn(*inv.OCR) || *inv.OCR != "20260001"+string(invoicing.LuhnDigit("20260001")) {
		t.Errorf("OCR %q: want 20260001 with a Luhn check digit", *inv.OCR)
	}
	for _, bad := range []struct {
		method, path string
		body         any
	}{
		{"PATCH", "", map[string]any{"note": "x"}}, {"DELETE", "", nil}, {"POST", "/issue", nil},
		{"PUT", "/lines", map[string]any{"lines": []any{map[string]any{"line_id": inv.Lines[0].SourceLineID}}}},
	} {
		res := env.Do(testenv.Request{Method: bad.method, Path: "/api/v1/invoices/" + inv.ID + bad.path, Token: a.Token, Body: bad.body})
		if res.Status != http.StatusConflict {
			t.Errorf("%s %s on an issued invoice: got %s, want 409", bad.method, bad.path, res)
		}
	}

	// Payments: part, too much, the rest, and one reversed.
	paid := invoiceDo(t, env, a, "POST", "/api/v1/invoices/"+inv.ID+"/payments",
		map[string]any{"amount": 100000, "method": "bankgiro", "reference": *inv.OCR}, http.StatusOK)
	if paid.Status != "partially_paid" || paid.AmountDue != 396875 || len(paid.Payments) != 1 {
		t.Fatalf("partial payment: got %+v", paid)
	}
	over := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/invoices/" + inv.ID + "/payments", Token: a.Token,
		Body: map[string]any{"amount": 400000, "method": "bankgiro"}})
	if over.Status != http.StatusUnprocessableEntity || !strings.Contains(string(over.Body), "overpayment") {
		t.Fatalf("overpayment: got %s, want 422", over)
	}
	paid = invoiceDo(t, env, a, "POST", "/api/v1/invoices/"+inv.ID+"/payments",
		map[string]any{"amount": 396875, "method": "bank_transfer", "date": "2026-03-20"}, http.StatusOK)
	if paid.Status != "paid" || paid.AmountDue != 0 || paid.Allowed.Pay {
		t.Fatalf("paid: got %+v", paid)
	}
	back := invoiceDo(t, env, a, "DELETE", "/api/v1/invoices/"+inv.ID+"/payments/"+paid.Payments[0].ID, nil, http.StatusOK)
	if back.Status != "partially_paid" || back.Paid != 100000 || !back.Overdue {
		t.Fatalf("payment reversed: got %+v", back)
	}
	byOCR := listInvoices(t, env, a, "?ocr="+*inv.OCR)
	if len(byOCR) != 1 || byOCR[0].ID != inv.ID {
		t.Errorf("match on OCR: got %v", byOCR)
	}

	// A partial credit, then the rest: the notes sum back to the invoice.
	first := invoiceDo(t, env, a, "POST", "/api/v1/invoices/"+inv.ID+"/credit", map[string]any{"reason": "Returned",
		"lines": []any{map[string]any{"line_id": inv.Lines[1].ID, "quantity": 0.5}}}, http.StatusCreated)
	if first.Kind != "credit_note" || *first.Number != "F26-00002" || first.Totals.Total >= 0 || *first.CreditsID != inv.ID ||
		*first.CreditsNumber != "F26-00001" || first.Status != "issued" {
		t.Fatalf("credit note: got %+v", first)
	}
	tooMuch := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/invoices/" + inv.ID + "/credit", Token: a.Token,
		Body: map[string]any{"lines": []any{map[string]any{"line_id": inv.Lines[1].ID, "quantity": 1.5}}}})
	if tooMuch.Status != http.StatusUnprocessableEntity || !strings.Contains(string(tooMuch.Body), "crediting more than was invoiced") {
		t.Fatalf("over-credit: got %s, want 422", tooMuch)
	}
	second := invoiceDo(t, env, a, "POST", "/api/v1/invoices/"+inv.ID+"/credit", map[string]any{}, http.StatusCreated)
	if sum := first.Totals.Total + second.Totals.Total + inv.Totals.Total; sum != 0 {
		t.Errorf("credit notes sum back to %d, want 0 (%d + %d + %d)", sum, inv.Totals.Total, first.Totals.Total, second.Totals.Total)
	}
	if net := first.Totals.Net + second.Totals.Net + inv.Totals.Net; net != 0 {
		t.Errorf("credited nets sum back to %d, want 0", net)
	}
	after := invoiceDo(t, env, a, "GET", "/api/v1/invoices/"+inv.ID, nil, http.StatusOK)
	if after.Status != "credited" || after.Credited != inv.Totals.Total || after.Allowed.Credit {
		t.Fatalf("credited invoice: got %+v", after)
	}
	if res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/invoices/" + inv.ID + "/credit", Token: a.Token, Body: map[string]any{}}); res.Status != http.StatusConflict {
		t.Errorf("credit a credited invoice: got %s, want 409", res)
	}
	if res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/invoices/" + first.ID + "/payments", Token: a.Token,
		Body: map[string]any{"amount": 1, "method": "cash"}}); res.Status != http.StatusConflict {
		t.Errorf("pay a credit note: got %s, want 409", res)
	}
	wantEvents := map[string]int{"invoice.issued": 1, "invoice.paid": 1, "invoice.credited": 2}
	for typ, n := range wantEvents {
		if got := count(t, env, `SELECT count(*) FROM events WHERE subject_id = $1 AND type = $2`, inv.ID, typ); got != n {
			t.Errorf("%s events: got %d, want %d", typ, got, n)
		}
	}
}

func listInvoices(t *testing.T, env *testenv.Env, a testenv.Account, query string) []invoiceJSON {
	t.Helper()
	var list struct{ Data []invoiceJSON }
	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/invoices" + query, Token: a.Token})
	if res.Status != http.StatusOK {
		t.Fatalf("list %s: %s", query, res)
	}
	res.Decode(t, &list)
	return list.Data
}

func TestInvoiceFromSignedQuoteAndTerms(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	q, token, o := sentQuote(t, env, a)
	pq := openPublic(t, env, token)
	if res := env.Do(testenv.Request{Method: "POST", Path: publicPath(token) + "/sign", Body: signBody(pq.DocumentSHA256)}); res.Status != http.StatusOK {
		t.Fatalf("sign: %s", res)
	}
	terms := 10
	if res := env.Do(testenv.Request{Method: "PATCH", Path: "/api/v1/organizations/" + *o.OrganizationID, Token: a.Token,
		Body: map[string]any{"payment_terms_days": terms}}); res.Status != http.StatusOK {
		t.Fatalf("organization terms: %s", res)
	}
	// The quote-signed phase is not won: invoicing waits for the win.
	win(t, env, a, o.ID)
	draft := newInvoice(t, env, a, o.ID, nil)
	if draft.Source != "quote" || draft.QuoteID == nil || *draft.QuoteID != q.ID || len(draft.Lines) != 2 ||
		draft.Lines[0].SourceLineID == "" {
		t.Fatalf("from the signed quote: got %+v", draft)
	}
	inv := issue(t, env, a, draft.ID, nil)
	issued, _ := time.Parse(time.DateOnly, *inv.IssueDate)
	if *inv.PaymentTermsDays != terms || *inv.DueDate != issued.AddDate(0, 0, terms).Format(time.DateOnly) {
		t.Errorf("organization's terms: got %d days, due %s after %s", *inv.PaymentTermsDays, *inv.DueDate, *inv.IssueDate)
	}
	// Cleared terms fall back to the workspace's (30).
	if res := env.Do(testenv.Request{Method: "PATCH", Path: "/api/v1/organizations/" + *o.OrganizationID, Token: a.Token,
		Body: map[string]any{"payment_terms_days": nil}}); res.Status != http.StatusOK || strings.Contains(string(res.Body), `"payment_terms_days":10`) {
		t.Fatalf("clear organization terms: %s", res)
	}
}

func TestIssueConcurrentlyGapFree(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	o := invoiceableOpportunity(t, env, a)
	line := listLines(t, env, a, o.ID).Data[0]
	const n = 50
	ids := make([]string, n)
	for i := range ids {
		ids[i] = newInvoice(t, env, a, o.ID, map[string]any{"allow_over": true,
			"lines": []any{map[string]any{"line_id": line.ID, "quantity": 1}}}).ID
	}
	// A deleted draft leaves no gap: it never had a number.
	extra := newInvoice(t, env, a, o.ID, map[string]any{"allow_over": true, "lines": []any{map[string]any{"line_id": line.ID, "quantity": 1}}})
	invoiceDo(t, env, a, "DELETE", "/api/v1/invoices/"+extra.ID, nil, http.StatusNoContent)
	start := time.Now()
	var wg sync.WaitGroup
	numbers := make([]string, n)
	errs := make(chan string, n)
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/invoices/" + id + "/issue", Token: a.Token})
			if res.Status != http.StatusOK {
				errs <- res.String()
				return
			}
			var inv invoiceJSON
			res.Decode(t, &inv)
			numbers[i] = *inv.Number
		}()
	}
	wg.Wait()
	t.Logf("%d concurrent issues answered in %s", n, time.Since(start))
	close(errs)
	for e := range errs {
		t.Errorf("concurrent issue: %s", e)
	}
	sort.Strings(numbers)
	year := time.Now().In(stockholm(t)).Year()
	for i, got := range numbers {
		if want := fmt.Sprintf("%d-%04d", year, i+1); got != want {
			t.Fatalf("numbers: got %v, want %d-0001 … %d-%04d without gaps", numbers, year, year, n)
		}
	}
}

func TestInvoiceOverdueAndReports(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	o := invoiceableOpportunity(t, env, a)
	line := listLines(t, env, a, o.ID).Data[0]
	old := newInvoice(t, env, a, o.ID, map[string]any{"lines": []any{map[string]any{"line_id": line.ID, "quantity": 1}}})
	past := time.Now().AddDate(0, 0, -45).Format(time.DateOnly)
	old = issue(t, env, a, old.ID, map[string]any{"issue_date": past})
	fresh := issue(t, env, a, newInvoice(t, env, a, o.ID, nil).ID, nil)
	if !old.Overdue || fresh.Overdue {
		t.Fatalf("overdue: got %v and %v, want true and false", old.Overdue, fresh.Overdue)
	}
	if got := listInvoices(t, env, a, "?overdue=true"); len(got) != 1 || got[0].ID != old.ID {
		t.Errorf("?overdue=true: got %v", got)
	}
	if got := listInvoices(t, env, a, "?overdue=false&status=issued&sort=-number"); len(got) != 1 || got[0].ID != fresh.ID {
		t.Errorf("?overdue=false: got %v", got)
	}
	if got := listInvoices(t, env, a, "?due_before="+time.Now().Format(time.DateOnly)+"&organization_id="+*o.OrganizationID); len(got) != 1 {
		t.Errorf("?due_before: got %v", got)
	}
	for range 2 {
		if _, err := env.App.Invoicing.MarkOverdue(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if got := count(t, env, `SELECT count(*) FROM events WHERE type = 'invoice.overdue' AND subject_id = $1`, old.ID); got != 1 {
		t.Errorf("invoice.overdue events: got %d, want exactly 1", got)
	}
	if got := count(t, env, `SELECT count(*) FROM events WHERE type = 'invoice.overdue'`); got != 1 {
		t.Errorf("invoice.overdue events in all: got %d, want 1", got)
	}

	for _, g := range []string{"month", "organization", "owner"} {
		var rep struct {
			GroupBy string `json:"group_by"`
			Rows    []struct {
				Key                                 *string
				Label, Currency                     string
				Count                               int
				Invoiced, Outstanding, Overdue, Net int64
			}
		}
		res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/reports/invoicing?group_by=" + g, Token: a.Token})
		if res.Status != http.StatusOK {
			t.Fatalf("report %s: %s", g, res)
		}
		res.Decode(t, &rep)
		var count int
		var invoiced, overdue int64
		for _, r := range rep.Rows {
			count += r.Count
			invoiced += r.Invoiced
			overdue += r.Overdue
		}
		if count != 2 || invoiced != old.Totals.Total+fresh.Totals.Total || overdue != old.Totals.Total {
			t.Errorf("report by %s: got %+v", g, rep.Rows)
		}
	}
	if res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/reports/invoicing?group_by=phase", Token: a.Token}); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("unknown grouping: got %s, want 422", res)
	}
	var dash struct {
		Invoicing struct {
			InvoicedThisMonth []struct{ Amount int64 } `json:"invoiced_this_month"`
			Outstanding       []struct {
				Count  int
				Amount int64
			} `json:"outstanding"`
			Overdue []struct {
				Count  int
				Amount int64
			} `json:"overdue"`
		} `json:"invoicing"`
	}
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/dashboard", Token: a.Token}).Decode(t, &dash)
	d := dash.Invoicing
	if len(d.Outstanding) != 1 || d.Outstanding[0].Count != 2 || len(d.Overdue) != 1 || d.Overdue[0].Amount != old.Totals.Total ||
		len(d.InvoicedThisMonth) != 1 || d.InvoicedThisMonth[0].Amount < fresh.Totals.Total {
		t.Errorf("dashboard invoicing: got %+v", d)
	}
}

func TestInvoiceDocumentsAndSending(t *testing.T) {
	t.Parallel()
	srv := startSMTP(t)
	env := mailEnv(t, srv)
	a := env.Signup()
	o := invoiceableOpportunity(t, env, a)
	draft := newInvoice(t, env, a, o.ID, nil)
	if res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/invoices/" + draft.ID + "/ubl", Token: a.Token}); res.Status != http.StatusConflict {
		t.Errorf("UBL of a draft: got %s, want 409", res)
	}
	if res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/invoices/" + draft.ID + "/send", Token: a.Token, Body: map[string]any{}}); res.Status != http.StatusConflict {
		t.Errorf("send a draft: got %s, want 409", res)
	}
	draftPDF := pdfText(t, env, a, "/api/v1/invoices/"+draft.ID+"/pdf")
	if !strings.Contains(draftPDF, "Draft") {
		t.Errorf("draft PDF does not say it is a draft:\n%s", draftPDF)
	}
	inv := issue(t, env, a, draft.ID, nil)
	text := pdfText(t, env, a, "/api/v1/invoices/"+inv.ID+"/pdf")
	for _, want := range []string{"Invoice", *inv.Number, *inv.OCR, "Bankgiro 123-4567", "Säljbolaget AB", "Åke Öberg Bygg AB",
		"Amount due", "4,968.75", "993.75"} {
		if !strings.Contains(text, want) {
			t.Errorf("invoice PDF lacks %q:\n%s", want, text)
		}
	}
	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/invoices/" + inv.ID + "/ubl", Token: a.Token})
	if res.Status != http.StatusOK || res.Header.Get("Content-Type") != "application/xml" ||
		!strings.Contains(string(res.Body), "<cbc:PaymentID>"+*inv.OCR+"</cbc:PaymentID>") {
		t.Fatalf("UBL: got %s", res)
	}
	xmllint(t, res.Body)

	sent := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/invoices/" + inv.ID + "/send", Token: a.Token,
		Body: map[string]any{"attach_ubl": true}})
	var out struct {
		Invoice invoiceJSON `json:"invoice"`
		EmailID string      `json:"email_id"`
	}
	sent.Decode(t, &out)
	if sent.Status != http.StatusOK || out.Invoice.SentAt == nil {
		t.Fatalf("send: got %s", sent)
	}
	e := awaitEmail(t, env, a, out.EmailID)
	if e.Status != "sent" || len(e.To) != 1 || e.To[0] != "ap@oberg.example" || !strings.Contains(e.Subject, *inv.Number) {
		t.Fatalf("e-mail: got %+v", e)
	}
	if got := count(t, env, `SELECT count(*) FROM attachments WHERE opportunity_id = $1 AND source = 'invoice'`, o.ID); got != 2 {
		t.Errorf("filed documents: got %d, want the PDF and the UBL", got)
	}
	if got := count(t, env, `SELECT count(*) FROM events WHERE subject_id = $1 AND type = 'invoice.sent'`, inv.ID); got != 1 {
		t.Errorf("invoice.sent events: got %d", got)
	}
	var tl struct {
		Data []struct{ Type, Summary string }
	}
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/opportunities/" + o.ID + "/timeline", Token: a.Token}).Decode(t, &tl)
	var seen []string
	for _, ev := range tl.Data {
		if ev.Type == "invoice" || ev.Type == "email" {
			seen = append(seen, ev.Summary)
		}
	}
	if !strings.Contains(strings.Join(seen, "|"), "Invoice "+*inv.Number+" sent") || !strings.Contains(strings.Join(seen, "|"), "Invoice "+*inv.Number+" from") {
		t.Errorf("timeline: got %v", seen)
	}

	note := invoiceDo(t, env, a, "POST", "/api/v1/invoices/"+inv.ID+"/credit", map[string]any{}, http.StatusCreated)
	noteText := pdfText(t, env, a, "/api/v1/invoices/"+note.ID+"/pdf")
	for _, want := range []string{"Credit note", *note.Number, "credits invoice " + *inv.Number, "-SEK 4,968.75"} {
		if !strings.Contains(noteText, want) {
			t.Errorf("credit note PDF lacks %q:\n%s", want, noteText)
		}
	}
	res = env.Do(testenv.Request{Method: "GET", Path: "/api/v1/invoices/" + note.ID + "/ubl", Token: a.Token})
	if res.Status != http.StatusOK || !strings.Contains(string(res.Body), "<CreditNote") ||
		!strings.Contains(string(res.Body), "<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>") ||
		!strings.Contains(string(res.Body), "<cbc:ID>"+*inv.Number+"</cbc:ID>") {
		t.Fatalf("credit note UBL: got %s", res)
	}
	xmllint(t, res.Body)

	// In Swedish: the invoice's language is the template's unless changed.
	sv := newInvoice(t, env, a, o.ID, map[string]any{"allow_over": true})
	invoiceDo(t, env, a, "PATCH", "/api/v1/invoices/"+sv.ID, map[string]any{"language": "sv"}, http.StatusOK)
	sv = issue(t, env, a, sv.ID, nil)
	svText := pdfText(t, env, a, "/api/v1/invoices/"+sv.ID+"/pdf")
	for _, want := range []string{"Faktura", "Fakturanummer", "Förfallodatum", "OCR-nummer", "Att betala: 4 968,75 kr", "Moms 25 %"} {
		if !strings.Contains(svText, want) {
			t.Errorf("Swedish invoice PDF lacks %q:\n%s", want, svText)
		}
	}
}

// pdfText fetches a PDF and returns its text (pdftotext -layout).
func pdfText(t *testing.T, env *testenv.Env, a testenv.Account, path string) string {
	t.Helper()
	res := env.Do(testenv.Request{Method: "GET", Path: path, Token: a.Token})
	if res.Status != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("GET %s: %s", path, res)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is not installed (Debian poppler-utils)")
	}
	f := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(f, res.Body, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", f, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// xmllint checks that doc is well-formed XML with xmllint --noout.
func xmllint(t *testing.T, doc []byte) {
	t.Helper()
	if _, err := exec.LookPath("xmllint"); err != nil {
		t.Skip("xmllint is not installed (Debian libxml2-utils)")
	}
	f := filepath.Join(t.TempDir(), "doc.xml")
	if err := os.WriteFile(f, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("xmllint", "--noout", f).CombinedOutput(); err != nil {
		t.Fatalf("xmllint --noout: %v\n%s", err, out)
	}
}

func init() {
	addProbes(map[string]probe{
		"POST /api/v1/opportunities/:id/invoices": {kind: item, setup: onOpportunityOfA(invoiceOfA), body: map[string]any{}},
		"GET /api/v1/opportunities/:id/invoicing": {kind: item, setup: onOpportunityOfA(invoiceOfA)},
		"GET /api/v1/invoices":                    {kind: list, setup: invoiceOfA},
		"GET /api/v1/invoices/:id":                {kind: item, setup: invoiceOfA},
		"PATCH /api/v1/invoices/:id":              {kind: item, setup: invoiceOfA, body: map[string]any{"note": "Hijacked"}, check: invoiceOfAUnchanged},
		"DELETE /api/v1/invoices/:id":             {kind: item, setup: invoiceOfA, check: invoiceOfAUnchanged},
		"PUT /api/v1/invoices/:id/lines": {kind: item, setup: invoiceOfA, check: invoiceOfAUnchanged,
			body: map[string]any{"lines": []any{map[string]any{"line_id": newID()}}}},
		"POST /api/v1/invoices/:id/issue": {kind: item, setup: invoiceOfA, check: invoiceOfAUnchanged},
		"POST /api/v1/invoices/:id/payments": {kind: item, setup: invoiceOfA, check: invoiceOfAUnchanged,
			body: map[string]any{"amount": 100, "method": "cash"}},
		"DELETE /api/v1/invoices/:id/payments/:payment_id": {kind: item, setup: invoiceOfA, check: invoiceOfAUnchanged},
		"POST /api/v1/invoices/:id/credit":                 {kind: item, setup: invoiceOfA, body: map[string]any{}, check: invoiceOfAUnchanged},
		"GET /api/v1/invoices/:id/pdf":                     {kind: item, setup: invoiceOfA},
		"GET /api/v1/invoices/:id/ubl":                     {kind: item, setup: invoiceOfA},
		"POST /api/v1/invoices/:id/send": {kind: item, setup: invoiceOfA, check: invoiceOfAUnchanged,
			body: map[string]any{"to": []string{"probe@example.com"}}},
		"GET /api/v1/reports/invoicing": {kind: list, setup: invoiceOfA},
	})
}

// invoiceOfA is a draft of A's with a payment id from another of A's
// invoices (so that the payment route has A's ids in it).
func invoiceOfA(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
	o := invoiceableOpportunity(t, env, a)
	line := listLines(t, env, a, o.ID).Data[0]
	issued := issue(t, env, a, newInvoice(t, env, a, o.ID, map[string]any{"lines": []any{map[string]any{"line_id": line.ID, "quantity": 1}}}).ID, nil)
	paid := invoiceDo(t, env, a, "POST", "/api/v1/invoices/"+issued.ID+"/payments", map[string]any{"amount": 100, "method": "cash"}, http.StatusOK)
	inv := newInvoice(t, env, a, o.ID, nil)
	return fixture{params: map[string]string{"id": inv.ID, "payment_id": paid.Payments[0].ID, "opp": o.ID},
		ids: []string{inv.ID, issued.ID, paid.Payments[0].ID}}
}

func invoiceOfAUnchanged(t *testing.T, env *testenv.Env, a testenv.Account, fx fixture) {
	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/invoices/" + fx.params["id"], Token: a.Token})
	var inv invoiceJSON
	res.Decode(t, &inv)
	if res.Status != 200 || inv.Status != "draft" || inv.Version != 1 || res.Header.Get("ETag") != `"1"` {
		t.Errorf("A's invoice changed: got %s", res)
	}
	if got := count(t, env, `SELECT count(*) FROM invoice_payments WHERE id = $1`, fx.params["payment_id"]); got != 1 {
		t.Errorf("A's payment is gone")
	}
}
