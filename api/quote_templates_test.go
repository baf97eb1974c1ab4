package api_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/acme/crm/internal/testenv"
)

type templateJSON struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	IsDefault    bool   `json:"is_default"`
	CompanyName  string `json:"company_name"`
	HasLogo      bool   `json:"has_logo"`
	Language     string `json:"language"`
	ValidityDays int    `json:"validity_days"`
	EmailSubject string `json:"email_subject"`
	IntroText    string `json:"intro_text"`
	Version      int64  `json:"version"`
}

func listTemplates(t *testing.T, env *testenv.Env, a testenv.Account) []templateJSON {
	t.Helper()
	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/quote-templates", Token: a.Token})
	var p struct{ Data []templateJSON }
	res.Decode(t, &p)
	return p.Data
}

func defaultTemplate(t *testing.T, env *testenv.Env, a testenv.Account) templateJSON {
	t.Helper()
	for _, tp := range listTemplates(t, env, a) {
		if tp.IsDefault {
			return tp
		}
	}
	t.Fatal("no default template")
	return templateJSON{}
}

func newTemplate(t *testing.T, env *testenv.Env, a testenv.Account, body map[string]any) templateJSON {
	t.Helper()
	if body["name"] == nil {
		body["name"] = "Template " + newID()[24:]
	}
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/quote-templates", Token: a.Token, Body: body})
	if res.Status != http.StatusCreated {
		t.Fatalf("create template: %s", res)
	}
	var tp templateJSON
	res.Decode(t, &tp)
	return tp
}

// TestSignupDefaultTemplate: every workspace starts with one default
// template in its language, named after the workspace.
func TestSignupDefaultTemplate(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	all := listTemplates(t, env, a)
	if len(all) != 1 || !all[0].IsDefault || all[0].Language != "sv" || all[0].ValidityDays != 30 ||
		all[0].CompanyName == "" || all[0].EmailSubject == "" {
		t.Fatalf("got %+v, want one Swedish default template with the workspace's name and texts", all)
	}
}

// TestQuoteTemplates: admins write, members read; validation; exactly one
// default; If-Match.
func TestQuoteTemplates(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	admin := env.Signup()
	member := env.Member(admin)
	first := defaultTemplate(t, env, admin)
	tp := newTemplate(t, env, admin, map[string]any{"name": "English", "company_name": "Nordljus AB", "language": "en",
		"primary_color": "#112233", "validity_days": 14})
	if tp.IsDefault || tp.Language != "en" || tp.IntroText == "" || tp.ValidityDays != 14 {
		t.Fatalf("got %+v, want a non-default English template with the default English texts", tp)
	}
	path := "/api/v1/quote-templates/" + tp.ID
	firstPath := "/api/v1/quote-templates/" + first.ID
	tests := []struct {
		name, method, path string
		who                testenv.Account
		body               any
		header             map[string]string
		want               int
		fields             string
	}{
		{"member creates", "POST", "/api/v1/quote-templates", member, map[string]any{"name": "X"}, nil, 403, ""},
		{"member reads", "GET", path, member, nil, nil, 200, ""},
		{"member changes", "PATCH", path, member, map[string]any{"name": "Y"}, nil, 403, ""},
		{"no name", "POST", "/api/v1/quote-templates", admin, map[string]any{"company_name": "X"}, nil, 422, "name"},
		{"unknown placeholder", "PATCH", path, admin, map[string]any{"email_body": "Hi {{nobody}}"}, nil, 422, "email_body"},
		{"subject with line break", "PATCH", path, admin, map[string]any{"email_subject": "a\nb"}, nil, 422, "email_subject"},
		{"bad colour", "PATCH", path, admin, map[string]any{"primary_color": "blue"}, nil, 422, "primary_color"},
		{"bad language", "PATCH", path, admin, map[string]any{"language": "de"}, nil, 422, "language"},
		{"validity 0", "PATCH", path, admin, map[string]any{"validity_days": 0}, nil, 422, "validity_days"},
		{"bad e-mail", "PATCH", path, admin, map[string]any{"email": "nope"}, nil, 422, "email"},
		{"stale If-Match", "PATCH", path, admin, map[string]any{"name": "Z"}, map[string]string{"If-Match": `"9"`}, 412, ""},
		{"unset the default", "PATCH", firstPath, admin, map[string]any{"is_default": false}, nil, 422, "is_default"},
		{"delete the default", "DELETE", firstPath, admin, nil, nil, 409, ""},
		{"make it the default", "PATCH", path, admin, map[string]any{"is_default": true}, map[string]string{"If-Match": `"1"`}, 200, ""},
		{"delete the old default", "DELETE", firstPath, admin, nil, nil, 204, ""},
		{"missing", "GET", "/api/v1/quote-templates/" + newID(), admin, nil, nil, 404, ""},
	}
	for _, tt := range tests {
		res := env.Do(testenv.Request{Method: tt.method, Path: tt.path, Token: tt.who.Token, Body: tt.body, Header: tt.header})
		if res.Status != tt.want {
			t.Errorf("%s: got %s, want %d", tt.name, res, tt.want)
			continue
		}
		if tt.fields != "" && problemOf(t, res).fields() != tt.fields {
			t.Errorf("%s: got fields %q, want %q", tt.name, problemOf(t, res).fields(), tt.fields)
		}
	}
	if got := defaultTemplate(t, env, admin); got.ID != tp.ID {
		t.Errorf("got default %s, want %s", got.ID, tp.ID)
	}
}

func pngLogo(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		for y := 0; y < h; y++ {
			img.Set(x, y, color.RGBA{R: uint8(x), G: 80, B: uint8(y), A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestQuoteTemplateLogo: PNG or JPEG up to 1 MiB, raw or multipart; the
// type is sniffed; 413, 415 and 422 otherwise.
func TestQuoteTemplateLogo(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := env.Signup()
	tp := defaultTemplate(t, env, a)
	path := "/api/v1/quote-templates/" + tp.ID + "/logo"
	logo := pngLogo(t, 120, 40)
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	part, _ := mw.CreateFormFile("logo", "logo.png")
	_, _ = part.Write(logo)
	_ = mw.Close()
	tests := []struct {
		name  string
		ctype string
		body  []byte
		want  int
	}{
		{"raw PNG", "image/png", logo, 200},
		{"multipart", mw.FormDataContentType(), mp.Bytes(), 200},
		{"PNG labelled JPEG is sniffed", "image/jpeg", logo, 200},
		{"text", "text/plain", []byte("hello"), 415},
		{"not an image", "image/png", []byte("GIF89a but not really"), 422},
		{"over 1 MiB", "image/png", append(append([]byte{}, logo...), make([]byte, 1<<20)...), 413},
	}
	for _, tt := range tests {
		res := env.Do(testenv.Request{Method: "PUT", Path: path, Token: a.Token, Raw: tt.body,
			Header: map[string]string{"Content-Type": tt.ctype}})
		if res.Status != tt.want {
			t.Errorf("%s: got %s, want %d", tt.name, res, tt.want)
		}
	}
	res := env.Do(testenv.Request{Method: "GET", Path: path, Token: a.Token})
	if res.Status != 200 || res.Header.Get("Content-Type") != "image/png" || !bytes.Equal(res.Body, logo) {
		t.Errorf("get logo: got %d %s (%d bytes), want the PNG", res.Status, res.Header.Get("Content-Type"), len(res.Body))
	}
	res = env.Do(testenv.Request{Method: "DELETE", Path: path, Token: a.Token})
	var got templateJSON
	res.Decode(t, &got)
	if res.Status != 200 || got.HasLogo {
		t.Errorf("delete logo: got %s, want has_logo false", res)
	}
	if res := env.Do(testenv.Request{Method: "GET", Path: path, Token: a.Token}); res.Status != 404 {
		t.Errorf("get removed logo: got %s, want 404", res)
	}
}

func init() {
	addProbes(map[string]probe{
		"GET /api/v1/quote-templates":     {kind: list, setup: templateOfA},
		"POST /api/v1/quote-templates":    {kind: own, body: map[string]any{"name": "B's template"}},
		"GET /api/v1/quote-templates/:id": {kind: item, setup: templateOfA},
		"PATCH /api/v1/quote-templates/:id": {kind: item, setup: templateOfA, body: map[string]any{"name": "Hijacked"},
			check: templateOfAUnchanged},
		"DELETE /api/v1/quote-templates/:id":      {kind: item, setup: templateOfA, check: templateOfAUnchanged},
		"GET /api/v1/quote-templates/:id/logo":    {kind: item, setup: templateOfA},
		"PUT /api/v1/quote-templates/:id/logo":    {kind: item, setup: templateOfA, check: templateOfAUnchanged},
		"DELETE /api/v1/quote-templates/:id/logo": {kind: item, setup: templateOfA, check: templateOfAUnchanged},
	})
}

func templateOfA(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
	tp := newTemplate(t, env, a, map[string]any{"company_name": "A's company " + newID()})
	return fixture{params: map[string]string{"id": tp.ID}, ids: []string{tp.ID, tp.CompanyName}}
}

func templateOfAUnchanged(t *testing.T, env *testenv.Env, a testenv.Account, fx fixture) {
	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/quote-templates/" + fx.params["id"], Token: a.Token})
	var got templateJSON
	res.Decode(t, &got)
	if res.Status != 200 || got.Version != 1 {
		t.Errorf("A's template changed: got %s", res)
	}
}
