package api_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/acme/crm/internal/money"
	"github.com/acme/crm/internal/testenv"
)

// The screenshots in docs/screenshots come from TestBrowserSignQuote; they
// are written there only with UPDATE_SCREENSHOTS=1 (make screenshots), so
// that a test run leaves docs/ as it was.
const screenshotDir = "../docs/screenshots"

// browser starts a headless Chromium for the test and answers its context.
// Without Chromium the test skips, unless CRM_REQUIRE_BROWSER is set (CI),
// where it fails.
func browser(t *testing.T) context.Context {
	t.Helper()
	bin := ""
	for _, name := range []string{os.Getenv("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		if os.Getenv("CRM_REQUIRE_BROWSER") != "" {
			t.Fatal("CRM_REQUIRE_BROWSER is set but Chromium is not installed (Debian package chromium)")
		}
		t.Skip("Chromium is not installed (Debian package chromium); set CRM_REQUIRE_BROWSER=1 to fail instead")
	}
	// CI machines reach nothing but the test server: everything that would
	// phone home is off (the defaults turn off background networking and
	// sync), or Chromium waits on it. As root it needs --no-sandbox.
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("hide-scrollbars", true), chromedp.Flag("mute-audio", true))
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	t.Cleanup(cancel)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelTab := chromedp.NewContext(ctx)
	t.Cleanup(cancelTab)
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("start Chromium %s: %v", bin, err)
	}
	return ctx
}

// consoleProblems collects what the page reports as wrong: uncaught
// exceptions and errors such as a Content-Security-Policy refusal.
func consoleProblems(ctx context.Context) func() []string {
	var mu sync.Mutex
	var problems []string
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == chromedp.ConsoleError || strings.Contains(m.Text, "Content Security Policy") {
				mu.Lock()
				problems = append(problems, m.String())
				mu.Unlock()
			}
		}
	}()
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), problems...)
	}
}

// screenshots writes full-page PNGs into docs/screenshots with
// UPDATE_SCREENSHOTS=1, else into a temporary folder (or CRM_BROWSER_OUT,
// to look at them).
type screenshots struct {
	t   *testing.T
	dir string
}

func newScreenshots(t *testing.T) screenshots {
	dir := os.Getenv("CRM_BROWSER_OUT")
	switch {
	case os.Getenv("UPDATE_SCREENSHOTS") != "":
		dir = screenshotDir
	case dir == "":
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return screenshots{t: t, dir: dir}
}

func (s screenshots) write(name string, b []byte) string {
	s.t.Helper()
	path := filepath.Join(s.dir, name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		s.t.Fatal(err)
	}
	return path
}

func (s screenshots) page(ctx context.Context, name string) {
	s.t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		s.t.Fatalf("screenshot %s: %v", name, err)
	}
	s.write(name, png)
}

// phone is a 360 px wide phone at twice the pixel density; desktop a
// 1280 px wide window.
var (
	phone   = chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulatePortrait)
	desktop = chromedp.EmulateViewport(1280, 900)
)

// drawSignature draws a stroke across the signature pad with the mouse, as
// a person would with a finger or a pointer.
func drawSignature(ctx context.Context, t *testing.T) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.ID("sig-canvas")), chromedp.WaitVisible(chromedp.ID("sig-canvas"))); err != nil {
		t.Fatalf("signature pad: %v", err)
	}
	box, err := chromedp.Run(ctx, chromedp.Evaluate[struct{ X, Y, W, H float64 }](
		`(() => { const r = document.getElementById("sig-canvas").getBoundingClientRect(); return {X: r.left, Y: r.top, W: r.width, H: r.height}; })()`))
	if err != nil || box.W < 100 || box.H < 50 {
		t.Fatalf("signature pad's box: %+v, %v", box, err)
	}
	at := func(f float64) (float64, float64) {
		return box.X + box.W*(0.1+0.8*f), box.Y + box.H*(0.5-0.3*math.Sin(f*3*math.Pi)*(1-f/2))
	}
	x, y := at(0)
	steps := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(chromedp.MousePressed, x, y, chromedp.ButtonLeft, chromedp.ClickCount(1))}
	for i := 1; i <= 40; i++ {
		x, y = at(float64(i) / 40)
		steps = append(steps, chromedp.MouseEvent(chromedp.MouseMoved, x, y, chromedp.ButtonLeft, leftHeld))
	}
	steps = append(steps, chromedp.MouseEvent(chromedp.MouseReleased, x, y, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("draw the signature: %v", err)
	}
}

// leftHeld marks a mouse move as made with the left button down.
func leftHeld(p *input.DispatchMouseEventParams) { p.Buttons = 1 }

// TestBrowserSignQuote drives a real Chromium through the customer's page:
// the quote at 360 and 1280 px, a drawn signature, the typed name, consent
// and "sign"; then it checks the outcome on the page, the quote, the signed
// PDF, the opportunity's phase and the evidence.
func TestBrowserSignQuote(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	problems := consoleProblems(ctx)
	shots := newScreenshots(t)
	env := testenv.New(t)
	srv := httptest.NewServer(env.App.Handler)
	t.Cleanup(srv.Close)

	a := env.Signup()
	o := furnish(t, env, a)
	q := createQuote(t, env, a, o.ID, nil)
	token := sendLink(t, env, a, q.ID)
	pageURL := srv.URL + "/q/" + token

	// At 1280 px, then at 360 px: what the customer reads.
	if err := chromedp.Do(ctx, desktop, chromedp.Navigate(pageURL), chromedp.WaitVisible(chromedp.ID("draw"))); err != nil {
		t.Fatalf("open the page: %v", err)
	}
	checkQuoteShown(ctx, t, q)
	shots.page(ctx, "quote-page-1280.png")
	if err := chromedp.Do(ctx, phone, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("draw"))); err != nil {
		t.Fatalf("open the page on a phone: %v", err)
	}
	checkQuoteShown(ctx, t, q)
	checkFits(ctx, t, "the quote page")
	shots.page(ctx, "quote-page-360.png")

	// The other two answers fold out.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#answer details:nth-of-type(1) summary`)), chromedp.WaitVisible(chromedp.ID("change-comment")),
		chromedp.Click(chromedp.CSS(`#answer details:nth-of-type(2) summary`)), chromedp.WaitVisible(chromedp.ID("reject-reason")),
	); err != nil {
		t.Fatalf("open the change and decline forms: %v", err)
	}
	checkFits(ctx, t, "the open forms")
	answers, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.ID("answer")))
	if err != nil {
		t.Fatal(err)
	}
	shots.write("quote-page-answers-360.png", answers)

	// Sign: draw, type, consent, click.
	drawSignature(ctx, t)
	drawn, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("sig-canvas").toDataURL("image/png")`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("sign-name"), "Åsa Ström"),
		chromedp.SendKeys(chromedp.ID("sign-email"), "asa@oberg.example"),
		chromedp.SendKeys(chromedp.ID("sign-title"), "VD"),
		chromedp.Click(chromedp.CSS(`#sign-form input[name=consent]`)),
		chromedp.Click(chromedp.ID("sign-button")),
		chromedp.WaitVisible(chromedp.CSS("section.banner.success")),
	); err != nil {
		t.Fatalf("sign: %v", err)
	}
	banner, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("section.banner")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(banner, "Signerad") || !strings.Contains(banner, "Åsa Ström signerade offerten") {
		t.Errorf("the banner after signing reads %q, want that Åsa Ström signed", banner)
	}
	if forms, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("form").length`)); forms != 0 {
		t.Errorf("the signed page still has %d forms, want none", forms)
	}
	checkFits(ctx, t, "the signed page")
	shots.page(ctx, "quote-page-signed-360.png")

	if p := problems(); len(p) > 0 {
		t.Errorf("the browser reported problems:\n%s", strings.Join(p, "\n"))
	}
	checkSigned(t, env, a, q, o.ID, drawn, shots)
	goneAndUnknownPages(ctx, t, env, a, srv.URL, shots)
}

// furnish sets the workspace up as a real one looks: the seller's full
// profile and texts on the default template, a named salesperson, a
// customer with an address and a contact, and an opportunity with a
// product line (2 × 1 000,00, 10 % off) and a free line, so that the page
// shows everything and the screenshots read like a real quote.
func furnish(t *testing.T, env *testenv.Env, a testenv.Account) oppJSON {
	t.Helper()
	tp := defaultTemplate(t, env, a)
	for _, r := range []testenv.Request{
		{Method: "PATCH", Path: "/api/v1/quote-templates/" + tp.ID, Body: map[string]any{
			"company_name": "Nordljus Programvara AB", "address": "Sveavägen 44", "postal_code": "111 34", "city": "Stockholm",
			"country": "SE", "registration_number": "556677-8899", "vat_number": "SE556677889901", "email": "offert@nordljus.example",
			"phone": "+46 8 123 456 78", "website": "https://nordljus.example", "bank_name": "Bankgiro", "bank_account": "123-4567",
			"intro_text":  "Tack för ert intresse! Här är vår offert på licenser och utbildning enligt vårt samtal.",
			"terms_text":  "Betalning 30 dagar netto. Priserna gäller under offertens giltighetstid.",
			"footer_text": "Nordljus Programvara AB · Sveavägen 44 · 111 34 Stockholm"}},
		{Method: "PATCH", Path: "/api/v1/users/" + a.UserID, Body: map[string]any{"name": "Märta Ekström"}},
	} {
		r.Token = a.Token
		if res := env.Do(r); res.Status != http.StatusOK {
			t.Fatalf("%s %s: %s", r.Method, r.Path, res)
		}
	}
	org := postOrganization(t, env, a.Token, map[string]any{"name": "Åke Öberg Bygg AB", "registration_number": "556123-4567",
		"vat_number": "SE556123456701", "address": map[string]any{"street": "Byggvägen 12", "postal_code": "753 20", "city": "Uppsala", "country": "SE"}})
	o := newOpportunity(t, env, a, map[string]any{"organization_id": org["id"]})
	person := postPerson(t, env, a.Token, map[string]any{"first_name": "Åsa", "last_name": "Ström", "organization_id": org["id"]})
	if res := patchOpp(env, a, o.ID, map[string]any{"contact_person_id": person["id"]}); res.Status != http.StatusOK {
		t.Fatalf("set contact: %s", res)
	}
	p := newProduct(t, env, a, map[string]any{"code": "NL-LIC-F", "name": "Licens Företag", "unit": "st", "unit_price": 100000, "vat_rate": 2500})
	addLine(t, env, a, o.ID, map[string]any{"product_id": p.ID, "quantity": 2, "discount": 1000})
	addLine(t, env, a, o.ID, map[string]any{"name": "Utbildning för administratörer", "description": "Halvdag på plats, upp till 8 deltagare.",
		"quantity": 1.5, "unit": "dag", "unit_price": 145000, "vat_rate": 2500})
	return o
}

// checkQuoteShown: the number, the lines, the total and the three forms.
func checkQuoteShown(ctx context.Context, t *testing.T, q quoteJSON) {
	t.Helper()
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
	if err != nil {
		t.Fatal(err)
	}
	total := money.Format(q.Totals.Total, money.Currency(q.Currency), "sv")
	for _, want := range []string{q.Number, "Licens Företag", "Utbildning för administratörer", total, "Nordljus Programvara AB",
		"Signera offerten", "Begär en ändring", "Tacka nej"} {
		if !strings.Contains(text, want) {
			t.Errorf("the page does not show %q", want)
		}
	}
	forms, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll("form")].map(f => f.getAttribute("action").replace(/^.*\//, ""))`))
	if err != nil || strings.Join(forms, ",") != "sign,change-request,reject" {
		t.Errorf("the page's forms post to %v (%v), want sign, change-request and reject", forms, err)
	}
}

// checkFits: nothing is wider than the window, so the page never scrolls
// sideways (the lines table scrolls inside its own box).
func checkFits(ctx context.Context, t *testing.T, what string) {
	t.Helper()
	over, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
		const w = document.documentElement.clientWidth, out = [];
		if (document.documentElement.scrollWidth > w) { out.push("document " + document.documentElement.scrollWidth + " > " + w); }
		for (const el of document.querySelectorAll("body *")) {
			if (el.closest(".scroll")) { continue; }
			const r = el.getBoundingClientRect();
			if (r.width > 0 && (r.right > w + 0.5 || r.left < -0.5)) { out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + el.className : "") + " " + Math.round(r.left) + ".." + Math.round(r.right)); }
		}
		return out;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if len(over) > 0 {
		t.Errorf("%s overflows the window: %s", what, strings.Join(over, "; "))
	}
}

// checkSigned reads through the API and the database what signing did.
func checkSigned(t *testing.T, env *testenv.Env, a testenv.Account, q quoteJSON, oppID, drawn string, shots screenshots) {
	t.Helper()
	var quote quoteJSON
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/quotes/" + q.ID, Token: a.Token}).Decode(t, &quote)
	r := quote.Response
	if quote.Status != "signed" || r == nil || r.SignedAttachmentID == nil || r.Email != "asa@oberg.example" || r.Title != "VD" {
		t.Fatalf("the salesperson sees %s with %+v, want signed with the signed PDF", quote.Status, r)
	}
	var meta attachmentJSON
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/attachments/" + *r.SignedAttachmentID, Token: a.Token}).Decode(t, &meta)
	att := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/attachments/" + *r.SignedAttachmentID + "/content", Token: a.Token})
	if att.Status != http.StatusOK || meta.Source != "signed_quote" || sha256Hex(att.Body) != meta.SHA256 {
		t.Errorf("the signed PDF: got %d, source %q, SHA-256 %s, want signed_quote with SHA-256 %s", att.Status, meta.Source,
			sha256Hex(att.Body), meta.SHA256)
	}
	if n := count(t, env, `SELECT count(*) FROM attachments WHERE id = $1 AND opportunity_id = $2 AND source = 'signed_quote' AND sha256 = $3`,
		*r.SignedAttachmentID, oppID, sha256Hex(att.Body)); n != 1 {
		t.Errorf("%d attachment rows of the signed PDF on the opportunity with its hash, want 1", n)
	}
	var docHash string
	if err := env.DB.SQL().QueryRow(`SELECT document_sha256 FROM quotes WHERE id = $1`, q.ID).Scan(&docHash); err != nil {
		t.Fatal(err)
	}
	text := pdfToText(t, att.Body)
	for _, want := range []string{"Signeringsintyg", "Åsa Ström", "HeadlessChrome", docHash, q.Number} {
		if !strings.Contains(text, want) {
			t.Errorf("the signed PDF lacks %q:\n%s", want, text)
		}
	}
	certificatePage(t, att.Body, shots)

	pl := defaultPipeline(t, env, a)
	if opp, _, _ := getOpp(t, env, a, oppID); opp.PhaseID != *pl.QuoteSignedPhaseID {
		t.Errorf("the opportunity is in phase %s, want the quote-signed phase %s", opp.PhaseID, *pl.QuoteSignedPhaseID)
	}
	ev := evidenceOf(t, env, a, q.ID)
	last := ev.Records[len(ev.Records)-1]
	png, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(drawn, "data:image/png;base64,"))
	if err != nil {
		t.Fatal(err)
	}
	if !ev.ChainValid || last.Action != "sign" || last.Data["signature_png_sha256"] != sha256Hex(png) ||
		!strings.Contains(fmt.Sprint(last.Data["user_agent"]), "HeadlessChrome") {
		t.Errorf("evidence: chain valid %v, last %s with signature %v and user agent %v; want a sign record with the drawn signature's hash %s",
			ev.ChainValid, last.Action, last.Data["signature_png_sha256"], last.Data["user_agent"], sha256Hex(png))
	}
}

// certificatePage renders the signed PDF's last page, the certificate, as a
// PNG beside the screenshots (and keeps the PDF itself with CRM_BROWSER_OUT).
func certificatePage(t *testing.T, pdf []byte, shots screenshots) {
	t.Helper()
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		t.Skip("pdftoppm not installed (Debian package poppler-utils)")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "signed.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "-png", "-r", "100", path, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "page-*.png"))
	if len(pages) < 2 {
		t.Fatalf("the signed PDF has %d pages, want the quote's and the certificate", len(pages))
	}
	last, err := os.ReadFile(pages[len(pages)-1]) // page-1.png … page-N.png, N < 10
	if err != nil {
		t.Fatal(err)
	}
	shots.write("signed-quote-certificate.png", last)
	if os.Getenv("CRM_BROWSER_OUT") != "" && os.Getenv("UPDATE_SCREENSHOTS") == "" {
		shots.write("signed-quote.pdf", pdf)
	}
}

// goneAndUnknownPages: a withdrawn quote's link and a made-up one, as a
// person sees them.
func goneAndUnknownPages(ctx context.Context, t *testing.T, env *testenv.Env, a testenv.Account, base string, shots screenshots) {
	t.Helper()
	q, token, _ := sentQuote(t, env, a)
	quoteDo(t, env, a, "POST", "/api/v1/quotes/"+q.ID+"/withdraw", nil, http.StatusOK)
	for _, p := range []struct{ path, want, shot string }{
		{"/q/" + token, "Offerten har återkallats", "quote-page-withdrawn-360.png"},
		{"/q/" + strings.Repeat("x", 43), "No quote here", "quote-page-unknown-360.png"},
	} {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+p.path), chromedp.WaitVisible(chromedp.CSS("section.banner"))); err != nil {
			t.Fatalf("open %s: %v", p.path, err)
		}
		if text, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("section.banner"))); !strings.Contains(text, p.want) {
			t.Errorf("%s: the banner reads %q, want %q", p.path, text, p.want)
		}
		checkFits(ctx, t, p.path)
		shots.page(ctx, p.shot)
	}
}
