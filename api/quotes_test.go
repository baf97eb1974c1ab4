package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/acme/crm/internal/testenv"
)

type quoteLineJSON struct {
	Position  int     `json:"position"`
	ProductID *string `json:"product_id"`
	Code      string  `json:"code"`
	Name      string  `json:"name"`
	Quantity  float64 `json:"quantity"`
	UnitPrice int64   `json:"unit_price"`
	Discount  int     `json:"discount"`
	Net       int64   `json:"net"`
}

type summaryJSON struct {
	Net   int64 `json:"net"`
	Total int64 `json:"total"`
}

type quoteJSON struct {
	ID            string `json:"id"`
	OpportunityID string `json:"opportunity_id"`
	Number        string `json:"number"`
	Revision      int    `json:"revision"`
	Status        string `json:"status"`
	ValidUntil    string `json:"valid_until"`
	Customer      struct {
		Name string `json:"name"`
	} `json:"customer"`
	Contact *struct {
		Name string `json:"name"`
	} `json:"contact"`
	Salesperson struct {
		Name string `json:"name"`
	} `json:"salesperson"`
	Company struct {
		Name    string `json:"name"`
		HasLogo bool   `json:"has_logo"`
	} `json:"company"`
	IntroText     string          `json:"intro_text"`
	Currency      string          `json:"currency"`
	OfferDiscount int             `json:"offer_discount"`
	Lines         []quoteLineJSON `json:"lines"`
	Totals        totalsJSON      `json:"totals"`
	Changes       *struct {
		Added   []quoteLineJSON `json:"added"`
		Removed []quoteLineJSON `json:"removed"`
		Changed []struct {
			Before quoteLineJSON `json:"before"`
			After  quoteLineJSON `json:"after"`
			Fields []string      `json:"fields"`
		} `json:"changed"`
		TotalsBefore summaryJSON `json:"totals_before"`
		TotalsAfter  summaryJSON `json:"totals_after"`
	} `json:"changes"`
	SentChannel    *string `json:"sent_channel"`
	SentBy         *string `json:"sent_by"`
	PublicURL      *string `json:"public_url"`
	ViewedAt       *string `json:"viewed_at"`
	DocumentSHA256 *string `json:"document_sha256"`
	Response       *struct {
		Kind               string  `json:"kind"`
		Email              string  `json:"email"`
		Title              string  `json:"title"`
		Comment            string  `json:"comment"`
		Reason             string  `json:"reason"`
		Channel            string  `json:"channel"`
		EvidenceID         string  `json:"evidence_id"`
		SignedAttachmentID *string `json:"signed_attachment_id"`
		OpportunityMoved   bool    `json:"opportunity_moved"`
		LineComments       []struct {
			LineID  string `json:"line_id"`
			Comment string `json:"comment"`
		} `json:"line_comments"`
	} `json:"response"`
}

// quotedOpportunity is an opportunity of a new organization with a contact
// and two lines: a product line (2 × 1 000,00, 10 % off) and a free line.
func quotedOpportunity(t *testing.T, env *testenv.Env, a testenv.Account) (oppJSON, productJSON) {
	t.Helper()
	org := postOrganization(t, env, a.Token, map[string]any{"name": "Åke Öberg Bygg AB"})
	o := newOpportunity(t, env, a, map[string]any{"organization_id": org["id"]})
	person := postPerson(t, env, a.Token, map[string]any{"first_name": "Åsa", "last_name": "Ström"})
	if res := patchOpp(env, a, o.ID, map[string]any{"contact_person_id": person["id"]}); res.Status != 200 {
		t.Fatalf("set contact: %s", res)
	}
	p := newProduct(t, env, a, map[string]any{"name": "Licens Företag", "unit_price": 100000, "vat_rate": 2500})
	addLine(t, env, a, o.ID, map[string]any{"product_id": p.ID, "quantity": 2, "discount": 1000})
	addLine(t, env, a, o.ID, map[string]any{"name": "Utbildning för administratörer", "quantity": 1.5,
		"unit_price": 145000, "vat_rate": 2500})
	return o, p
}

func createQuote(t *testing.T, env *testenv.Env, a testenv.Account, oppID string, body map[string]any) quoteJSON {
	t.Helper()
	if body == nil {
		body = map[string]any{}
	}
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/opportunities/" + oppID + "/quotes", Token: a.Token, Body: body})
	if res.Status != http.StatusCreated {
		t.Fatalf("create quote: %s", res)
	}
	var q quoteJSON
	res.Decode(t, &q)
	return q
}

func quoteDo(t *testing.T, env *testenv.Env, a testenv.Account, method, path string, body any, want int) quoteJSON {
	t.Helper()
	res := env.Do(testenv.Request{Method: method, Path: path, Token: a.Token, Body: body})
	if res.Status != want {
		t.Fatalf("%s %s: got %s, want %d", method, path, res, want)
	}
	var q quoteJSON
	if want < 300 && method != "GET" && strings.HasSuffix(path, "/send") {
		var s struct{ Quote quoteJSON }
		res.Decode(t, &s)
		return s.Quote
	}
	if want < 300 {
		res.Decode(t, &q)
	}
	return q
}

// TestCreateQuote: the draft snapshots customer, contact, salesperson,
// company, texts and lines with their totals; numbers are year-sequence.
func TestCreateQuote(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	o, p := quotedOpportunity(t, env, a)
	q := createQuote(t, env, a, o.ID, nil)
	year := time.Now().UTC().Year()
	wantValid := time.Now().UTC().AddDate(0, 0, 30).Format(time.DateOnly)
	if q.Number != fmt.Sprintf("%d-0001", year) || q.Revision != 1 || q.Status != "draft" || q.ValidUntil != wantValid {
		t.Errorf("got %s v%d %s valid until %s, want %d-0001 v1 draft until %s", q.Number, q.Revision, q.Status, q.ValidUntil, year, wantValid)
	}
	if q.Customer.Name != "Åke Öberg Bygg AB" || q.Contact == nil || q.Contact.Name != "Åsa Ström" ||
		q.Salesperson.Name != "Admin" || q.Company.Name == "" || q.IntroText == "" || q.Currency != "SEK" {
		t.Errorf("got %+v, want the customer, contact, salesperson, company and texts", q)
	}
	// 2 × 1 000,00 − 10 % = 1 800,00; 1,5 × 1 450,00 = 2 175,00; net 3 975,00, VAT 993,75.
	if len(q.Lines) != 2 || q.Lines[0].Code != p.Code || q.Lines[0].Net != 180000 || q.Lines[1].Net != 217500 ||
		q.Totals.Net != 397500 || q.Totals.Total != 496875 {
		t.Errorf("got lines %+v totals %+v, want nets 180000 and 217500, total 496875", q.Lines, q.Totals)
	}
	if q2 := createQuote(t, env, a, o.ID, map[string]any{"valid_until": "2099-12-31"}); q2.Number != fmt.Sprintf("%d-0002", year) || q2.ValidUntil != "2099-12-31" {
		t.Errorf("second quote: got %s until %s, want %d-0002 until 2099-12-31", q2.Number, q2.ValidUntil, year)
	}
	empty := newOpportunity(t, env, a, nil)
	closed, _ := quotedOpportunity(t, env, a)
	won := phaseNamed(t, defaultPipeline(t, env, a), "Won")
	if res := patchOpp(env, a, closed.ID, map[string]any{"phase_id": won.ID}); res.Status != 200 {
		t.Fatalf("win: %s", res)
	}
	tests := []struct {
		name, opp string
		body      map[string]any
		want      int
		fields    string
	}{
		{"no lines", empty.ID, nil, 422, "lines"},
		{"closed opportunity", closed.ID, nil, 422, ""},
		{"missing opportunity", newID(), nil, 404, ""},
		{"unknown template", o.ID, map[string]any{"template_id": newID()}, 422, "template_id"},
		{"validity in the past", o.ID, map[string]any{"valid_until": "2001-01-01"}, 422, "valid_until"},
	}
	for _, tt := range tests {
		body := tt.body
		if body == nil {
			body = map[string]any{}
		}
		res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/opportunities/" + tt.opp + "/quotes", Token: a.Token, Body: body})
		if res.Status != tt.want {
			t.Errorf("%s: got %s, want %d", tt.name, res, tt.want)
		} else if tt.fields != "" && problemOf(t, res).fields() != tt.fields {
			t.Errorf("%s: got fields %q, want %q", tt.name, problemOf(t, res).fields(), tt.fields)
		}
	}
}

// TestQuoteSnapshotImmutable: changing the opportunity's lines, the
// customer and the template afterwards leaves the quote as it was.
func TestQuoteSnapshotImmutable(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	o, _ := quotedOpportunity(t, env, a)
	q := createQuote(t, env, a, o.ID, nil)
	before := env.OK(testenv.Request{Method: "GET", Path: "/api/v1/quotes/" + q.ID, Token: a.Token})
	addLine(t, env, a, o.ID, freeLine(3, 5000, 1200))
	if res := patchOpp(env, a, o.ID, map[string]any{"offer_discount": 1500}); res.Status != 200 {
		t.Fatalf("discount: %s", res)
	}
	tp := defaultTemplate(t, env, a)
	env.OK(testenv.Request{Method: "PATCH", Path: "/api/v1/quote-templates/" + tp.ID, Token: a.Token,
		Body: map[string]any{"company_name": "Renamed AB", "intro_text": "New words"}})
	orgID := *o.OrganizationID
	env.OK(testenv.Request{Method: "PATCH", Path: "/api/v1/organizations/" + orgID, Token: a.Token, Body: map[string]any{"name": "Other AB"}})
	after := env.OK(testenv.Request{Method: "GET", Path: "/api/v1/quotes/" + q.ID, Token: a.Token})
	if string(after.Body) != string(before.Body) {
		t.Errorf("the quote changed:\nbefore %s\nafter  %s", before.Body, after.Body)
	}
}

// TestQuoteNumbersConcurrent: 50 concurrent creators get 50 different
// numbers with no gap.
func TestQuoteNumbersConcurrent(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	o, _ := quotedOpportunity(t, env, a)
	const n = 50
	numbers := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/opportunities/" + o.ID + "/quotes", Token: a.Token,
				Body: map[string]any{}})
			var q quoteJSON
			if res.Status == http.StatusCreated {
				res.Decode(t, &q)
			} else {
				t.Errorf("creator %d: got %s, want 201", i, res)
			}
			numbers[i] = q.Number
		}()
	}
	wg.Wait()
	sort.Strings(numbers)
	year := time.Now().UTC().Year()
	for i, got := range numbers {
		if want := fmt.Sprintf("%d-%04d", year, i+1); got != want {
			t.Fatalf("number %d: got %q, want %q (all: %v)", i, got, want, numbers)
		}
	}
}

// TestQuoteLifecycle: edit the draft, send it by link (token, phase move),
// refused transitions are 409 naming the state, revise and withdraw.
func TestQuoteLifecycle(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	o, _ := quotedOpportunity(t, env, a)
	q := createQuote(t, env, a, o.ID, nil)
	path := "/api/v1/quotes/" + q.ID
	edited := quoteDo(t, env, a, "PATCH", path, map[string]any{"intro_text": "Hej Åsa!", "offer_discount": 1000,
		"valid_until": "2099-01-31", "contact_person_id": nil}, 200)
	if edited.IntroText != "Hej Åsa!" || edited.OfferDiscount != 1000 || edited.Contact != nil ||
		edited.Totals.Net != 357750 || edited.ValidUntil != "2099-01-31" {
		t.Errorf("got %+v, want the edits and net 357750", edited)
	}
	tests := []struct {
		name, method, path string
		body               any
		header             map[string]string
		want               int
		fields, detail     string
	}{
		{"past validity", "PATCH", path, map[string]any{"valid_until": "2000-01-01"}, nil, 422, "valid_until", ""},
		{"bad line", "PUT", path + "/lines", map[string]any{"lines": []any{map[string]any{"name": " ", "quantity": 0, "unit_price": 1, "vat_rate": 2500}}}, nil, 422, "", ""},
		{"unknown product", "PUT", path + "/lines", map[string]any{"lines": []any{map[string]any{"product_id": newID(), "name": "X", "quantity": 1, "unit_price": 1, "vat_rate": 0}}}, nil, 422, "lines.0.product_id", ""},
		{"stale If-Match", "PATCH", path, map[string]any{"intro_text": "x"}, map[string]string{"If-Match": `"1"`}, 412, "", ""},
		{"e-mail to a bad address", "POST", path + "/send", map[string]any{"channel": "email", "to": []string{"not an address"}}, nil, 422, "to[0]", ""},
		{"e-mail subject with a line break", "POST", path + "/send", map[string]any{"channel": "email", "subject": "Hi\r\nBcc: x@evil.example"}, nil, 422, "subject", ""},
		{"unknown channel", "POST", path + "/send", map[string]any{"channel": "fax"}, nil, 422, "channel", ""},
		{"revise a draft", "POST", path + "/revise", nil, nil, 409, "", "quote is draft"},
		{"missing quote", "GET", "/api/v1/quotes/" + newID(), nil, nil, 404, "", ""},
	}
	for _, tt := range tests {
		res := env.Do(testenv.Request{Method: tt.method, Path: tt.path, Token: a.Token, Body: tt.body, Header: tt.header})
		if res.Status != tt.want {
			t.Errorf("%s: got %s, want %d", tt.name, res, tt.want)
			continue
		}
		if tt.fields != "" && problemOf(t, res).fields() != tt.fields {
			t.Errorf("%s: got fields %q, want %q", tt.name, problemOf(t, res).fields(), tt.fields)
		}
		if tt.detail != "" && !strings.Contains(string(res.Body), tt.detail) {
			t.Errorf("%s: got %s, want it to say %q", tt.name, res, tt.detail)
		}
	}

	res := env.Do(testenv.Request{Method: "POST", Path: path + "/send", Token: a.Token, Body: map[string]any{"channel": "link"}})
	var sent struct {
		Quote     quoteJSON `json:"quote"`
		PublicURL *string   `json:"public_url"`
	}
	res.Decode(t, &sent)
	if res.Status != 200 || sent.Quote.Status != "sent" || sent.Quote.SentChannel == nil || *sent.Quote.SentChannel != "link" ||
		sent.Quote.SentBy == nil || *sent.Quote.SentBy != a.UserID || sent.PublicURL == nil ||
		!regexp.MustCompile(`^http://crm\.test/q/[A-Za-z0-9_-]{43}$`).MatchString(*sent.PublicURL) {
		t.Fatalf("send: got %s, want sent by link with a 256-bit token URL", res)
	}
	token := strings.TrimPrefix(*sent.PublicURL, "http://crm.test/q/")
	var stored int
	env.DB.SQL().QueryRow(`SELECT count(*) FROM quotes WHERE token_hash = sha256(convert_to($1, 'UTF8'))`, token).Scan(&stored)
	var plain int
	env.DB.SQL().QueryRow(`SELECT count(*) FROM quotes WHERE position(convert_to($1, 'UTF8') in token_hash) > 0 OR snapshot::text LIKE '%' || $1 || '%'`, token).Scan(&plain)
	if stored != 1 || plain != 0 {
		t.Errorf("got %d rows with the token's hash and %d with the token, want 1 and 0", stored, plain)
	}
	opp, _, _ := getOpp(t, env, a, o.ID)
	if want := phaseNamed(t, defaultPipeline(t, env, a), "Quotation sent"); opp.PhaseID != want.ID || opp.Probability != want.Probability {
		t.Errorf("opportunity in phase %s (%d %%), want Quotation sent %s", opp.PhaseID, opp.Probability, want.ID)
	}
	hist := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/opportunities/" + o.ID + "/phase-history", Token: a.Token})
	if !strings.Contains(string(hist.Body), `"to_phase_name":"Quotation sent"`) {
		t.Errorf("phase history: got %s, want the move to Quotation sent", hist)
	}

	after := []struct {
		name, method, path string
		body               any
		want               int
		detail             string
	}{
		{"edit a sent quote", "PATCH", path, map[string]any{"intro_text": "x"}, 409, "quote is sent"},
		{"lines of a sent quote", "PUT", path + "/lines", map[string]any{"lines": []any{}}, 409, "quote is sent"},
		{"send again", "POST", path + "/send", map[string]any{"channel": "direct"}, 409, "quote is sent"},
	}
	for _, tt := range after {
		res := env.Do(testenv.Request{Method: tt.method, Path: tt.path, Token: a.Token, Body: tt.body})
		if res.Status != tt.want || !strings.Contains(string(res.Body), tt.detail) {
			t.Errorf("%s: got %s, want %d saying %q", tt.name, res, tt.want, tt.detail)
		}
	}
	v2 := quoteDo(t, env, a, "POST", path+"/revise", nil, 201)
	if v2.Number != q.Number || v2.Revision != 2 || v2.Status != "draft" || v2.Changes == nil {
		t.Errorf("revise: got %s v%d %s, want %s v2 draft with changes", v2.Number, v2.Revision, v2.Status, q.Number)
	}
	if old := quoteDo(t, env, a, "GET", path, nil, 200); old.Status != "superseded" {
		t.Errorf("old version: got %s, want superseded", old.Status)
	}
	if res := env.Do(testenv.Request{Method: "POST", Path: path + "/revise", Token: a.Token}); res.Status != 409 ||
		!strings.Contains(string(res.Body), "quote is superseded") {
		t.Errorf("revise superseded: got %s, want 409", res)
	}
	empty := quoteDo(t, env, a, "PUT", "/api/v1/quotes/"+v2.ID+"/lines", map[string]any{"lines": []any{}}, 200)
	if len(empty.Lines) != 0 || empty.Totals.Total != 0 {
		t.Errorf("got %+v, want no lines", empty)
	}
	if res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/quotes/" + v2.ID + "/send", Token: a.Token,
		Body: map[string]any{"channel": "download"}}); res.Status != 422 {
		t.Errorf("send without lines: got %s, want 422", res)
	}
	if w := quoteDo(t, env, a, "POST", "/api/v1/quotes/"+v2.ID+"/withdraw", nil, 200); w.Status != "withdrawn" {
		t.Errorf("withdraw: got %s, want withdrawn", w.Status)
	}
	if res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/quotes/" + v2.ID + "/withdraw", Token: a.Token}); res.Status != 409 ||
		!strings.Contains(string(res.Body), "quote is withdrawn") {
		t.Errorf("withdraw twice: got %s, want 409 naming withdrawn", res)
	}
	listed := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/quotes?status=superseded&opportunity_id=" + o.ID, Token: a.Token})
	var l struct{ Data []quoteJSON }
	listed.Decode(t, &l)
	if len(l.Data) != 1 || l.Data[0].ID != q.ID {
		t.Errorf("list superseded: got %s, want only %s", listed, q.ID)
	}
	if res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/quotes?status=lost", Token: a.Token}); res.Status != 422 {
		t.Errorf("bad status filter: got %s, want 422", res)
	}
}

// TestQuoteDownload: the download channel returns the PDF's address.
func TestQuoteDownload(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	o, _ := quotedOpportunity(t, env, a)
	q := createQuote(t, env, a, o.ID, nil)
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/quotes/" + q.ID + "/send", Token: a.Token, Body: map[string]any{"channel": "download"}})
	m := res.Map(t)
	if res.Status != 200 || m["pdf_url"] != "http://crm.test/api/v1/quotes/"+q.ID+"/pdf" || m["public_url"] != nil {
		t.Errorf("got %s, want the PDF URL and no public URL", res)
	}
}

// TestQuoteRevisionChanges: a fixed example of what a revision records.
func TestQuoteRevisionChanges(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	o, p := quotedOpportunity(t, env, a)
	q := createQuote(t, env, a, o.ID, nil)
	quoteDo(t, env, a, "POST", "/api/v1/quotes/"+q.ID+"/send", map[string]any{"channel": "link"}, 200)
	v2 := quoteDo(t, env, a, "POST", "/api/v1/quotes/"+q.ID+"/revise", nil, 201)
	// Product line: quantity 2 → 3, discount 10 % → 20 %; the free line goes;
	// a new free line comes.
	v2 = quoteDo(t, env, a, "PUT", "/api/v1/quotes/"+v2.ID+"/lines", map[string]any{"lines": []any{
		map[string]any{"product_id": p.ID, "name": "Licens Företag", "unit": "pcs", "quantity": 3, "unit_price": 100000, "discount": 2000, "vat_rate": 2500},
		map[string]any{"name": "Support Plus", "unit": "mån", "quantity": 12, "unit_price": 22500, "vat_rate": 2500},
	}}, 200)
	c := v2.Changes
	if c == nil || len(c.Added) != 1 || c.Added[0].Name != "Support Plus" || len(c.Removed) != 1 ||
		c.Removed[0].Name != "Utbildning för administratörer" || len(c.Changed) != 1 {
		t.Fatalf("got changes %+v, want 1 added, 1 removed, 1 changed", c)
	}
	ch := c.Changed[0]
	if strings.Join(ch.Fields, ",") != "quantity,discount" || ch.Before.Quantity != 2 || ch.After.Quantity != 3 ||
		ch.Before.Discount != 1000 || ch.After.Discount != 2000 || ch.Before.Net != 180000 || ch.After.Net != 240000 {
		t.Errorf("got change %+v, want quantity 2→3 and discount 1000→2000", ch)
	}
	// Before: net 397 500, total 496 875. After: 240 000 + 270 000 = 510 000, total 637 500.
	if c.TotalsBefore != (summaryJSON{Net: 397500, Total: 496875}) || c.TotalsAfter != (summaryJSON{Net: 510000, Total: 637500}) {
		t.Errorf("got totals %+v → %+v, want 397500/496875 → 510000/637500", c.TotalsBefore, c.TotalsAfter)
	}
}

func pdfToText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext not installed (Debian package poppler-utils)")
	}
	path := filepath.Join(t.TempDir(), "quote.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// TestQuotePDFAndPreview: the PDF and the HTML page show the number, the
// customer, every line and the totals, in Swedish with å ä ö intact.
func TestQuotePDFAndPreview(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	o, _ := quotedOpportunity(t, env, a)
	q := createQuote(t, env, a, o.ID, nil)
	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/quotes/" + q.ID + "/pdf", Token: a.Token})
	if res.Status != 200 || res.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("pdf: got %d %s", res.Status, res.Header.Get("Content-Type"))
	}
	text := pdfToText(t, res.Body)
	html := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/quotes/" + q.ID + "/preview", Token: a.Token})
	if html.Status != 200 || !strings.HasPrefix(html.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("preview: got %d %s", html.Status, html.Header.Get("Content-Type"))
	}
	page := string(html.Body)
	for _, want := range []string{q.Number, "Åke Öberg Bygg AB", "Licens Företag", "Utbildning för administratörer",
		"3 975,00 kr", "4 968,75 kr", "Åsa Ström", "Offert"} {
		nb := strings.ReplaceAll(want, " ", "\u00a0")
		if !strings.Contains(text, want) && !strings.Contains(text, nb) {
			t.Errorf("PDF text lacks %q: %s", want, text)
		}
		if !strings.Contains(page, want) && !strings.Contains(page, nb) {
			t.Errorf("preview lacks %q", want)
		}
	}
}

func init() {
	addProbes(map[string]probe{
		"POST /api/v1/opportunities/:id/quotes": {kind: item, setup: onOpportunityOfA(quoteOfA), body: map[string]any{}},
		"GET /api/v1/quotes":                    {kind: list, setup: quoteOfA},
		"GET /api/v1/quotes/:id":                {kind: item, setup: quoteOfA},
		"PATCH /api/v1/quotes/:id":              {kind: item, setup: quoteOfA, body: map[string]any{"intro_text": "Hijacked"}, check: quoteOfAUnchanged},
		"PUT /api/v1/quotes/:id/lines":          {kind: item, setup: quoteOfA, body: map[string]any{"lines": []any{}}, check: quoteOfAUnchanged},
		"GET /api/v1/quotes/:id/preview":        {kind: item, setup: quoteOfA},
		"GET /api/v1/quotes/:id/pdf":            {kind: item, setup: quoteOfA},
		"POST /api/v1/quotes/:id/send":          {kind: item, setup: quoteOfA, body: map[string]any{"channel": "link"}, check: quoteOfAUnchanged},
		"POST /api/v1/quotes/:id/revise":        {kind: item, setup: quoteOfA, check: quoteOfAUnchanged},
		"POST /api/v1/quotes/:id/withdraw":      {kind: item, setup: quoteOfA, check: quoteOfAUnchanged},
		"GET /api/v1/quotes/:id/email-draft":    {kind: item, setup: quoteOfA},
		"GET /api/v1/quotes/:id/evidence":       {kind: item, setup: quoteOfA},
	})
}

func quoteOfA(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
	o, _ := quotedOpportunity(t, env, a)
	q := createQuote(t, env, a, o.ID, nil)
	return fixture{params: map[string]string{"id": q.ID, "opp": o.ID}, ids: []string{q.ID}}
}

func quoteOfAUnchanged(t *testing.T, env *testenv.Env, a testenv.Account, fx fixture) {
	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/quotes/" + fx.params["id"], Token: a.Token})
	var q quoteJSON
	res.Decode(t, &q)
	if res.Status != 200 || q.Status != "draft" || q.IntroText == "Hijacked" || len(q.Lines) != 2 || res.Header.Get("ETag") != `"1"` {
		t.Errorf("A's quote changed: got %s", res)
	}
}

// A list keeps each quote version's snapshot and JSON, and never shows a
// kept one after the quote changed: the list answers what GET does, before
// and after a draft's change and a send, byte for byte.
func TestQuoteListKeptVersions(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	o, _ := quotedOpportunity(t, env, a)
	q := createQuote(t, env, a, o.ID, nil)
	o2, _ := quotedOpportunity(t, env, a)
	other := createQuote(t, env, a, o2.ID, nil)
	listed := func() map[string]string {
		var list struct{ Data []json.RawMessage }
		env.OK(testenv.Request{Method: "GET", Path: "/api/v1/quotes?limit=50", Token: a.Token}).Decode(t, &list)
		out := map[string]string{}
		for _, raw := range list.Data {
			var id struct{ ID string }
			_ = json.Unmarshal(raw, &id)
			out[id.ID] = string(raw)
		}
		return out
	}
	same := func(when string) {
		t.Helper()
		got := listed()
		for _, id := range []string{q.ID, other.ID} {
			one := env.OK(testenv.Request{Method: "GET", Path: "/api/v1/quotes/" + id, Token: a.Token})
			if want := strings.TrimSpace(string(one.Body)); got[id] != want {
				t.Errorf("%s: the list shows quote %s as\n%s\nGET answers\n%s", when, id, got[id], want)
			}
		}
	}
	same("first read")
	same("read again (kept)")
	quoteDo(t, env, a, "PATCH", "/api/v1/quotes/"+q.ID, map[string]any{"intro_text": "Changed words"}, 200)
	if !strings.Contains(listed()[q.ID], "Changed words") {
		t.Error("the list still shows the draft's earlier text")
	}
	same("after a change")
	quoteDo(t, env, a, "POST", "/api/v1/quotes/"+q.ID+"/send", map[string]any{"channel": "link"}, 200)
	same("after sending")
	var raw struct{ Data []json.RawMessage }
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/quotes?limit=50", Token: a.Token}).Decode(t, &raw)
	if len(raw.Data) != 2 {
		t.Fatalf("got %d quotes, want 2", len(raw.Data))
	}
	// ?pretty still answers indented JSON of the same quotes.
	pretty := env.OK(testenv.Request{Method: "GET", Path: "/api/v1/quotes?limit=50&pretty", Token: a.Token})
	var again struct{ Data []json.RawMessage }
	pretty.Decode(t, &again)
	if !strings.Contains(string(pretty.Body), "\n  \"data\"") || len(again.Data) != 2 {
		t.Errorf("?pretty: got %.200s", pretty.Body)
	}
}
