package api_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/acme/crm/internal/app"
	"github.com/acme/crm/internal/testenv"
)

type attachmentJSON struct {
	ID            string `json:"id"`
	OpportunityID string `json:"opportunity_id"`
	FileName      string `json:"file_name"`
	ContentType   string `json:"content_type"`
	Size          int64  `json:"size"`
	SHA256        string `json:"sha256"`
	UploadedBy    string `json:"uploaded_by"`
	Source        string `json:"source"`
}

// multipartBody builds a multipart/form-data body with one file part.
func multipartBody(t *testing.T, field, name string, content []byte) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if field != "" {
		fw, err := w.CreateFormFile(field, name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(content)
	} else if err := w.WriteField("comment", "no file here"); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return buf.Bytes(), w.FormDataContentType()
}

func upload(env *testenv.Env, a testenv.Account, oppID, name string, content []byte) *testenv.Response {
	env.T.Helper()
	body, ct := multipartBody(env.T.(*testing.T), "file", name, content)
	return env.Do(testenv.Request{Method: "POST", Path: "/api/v1/opportunities/" + oppID + "/attachments", Token: a.Token,
		Raw: body, Header: map[string]string{"Content-Type": ct}})
}

func uploadOK(t *testing.T, env *testenv.Env, a testenv.Account, oppID, name string, content []byte) attachmentJSON {
	t.Helper()
	res := upload(env, a, oppID, name, content)
	if res.Status != http.StatusCreated {
		t.Fatalf("upload %q: got %s, want 201", name, res)
	}
	var att attachmentJSON
	res.Decode(t, &att)
	return att
}

// TestAttachments: the type is sniffed, the name sanitized, the SHA-256
// stored and the content kept on disk under its hash; downloads stream it
// back as an attachment that browsers must not sniff.
func TestAttachments(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := testenv.New(t, func(c *app.Config) { c.BlobDir = dir; c.MaxUploadBytes = 3 << 20 })
	a := env.Signup()
	o := newOpportunity(t, env, a, nil)
	pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 2<<20)...) // over the 1 MiB JSON limit
	sum := sha256.Sum256(pdf)
	tests := []struct {
		name, fileName string
		content        []byte
		wantName       string
		wantType       string
	}{
		{"pdf with a path and a bidi override in its name", "..\\..\\Offert\u202e 2026.pdf", pdf, "Offert 2026.pdf", "application/pdf"},
		{"html disguised as png", "photo.png", []byte("<html><script>alert(1)</script></html>"), "photo.png", "text/html; charset=utf-8"},
		{"plain text, no name", "", []byte("hello"), "attachment", "text/plain; charset=utf-8"},
	}
	for _, tt := range tests {
		att := uploadOK(t, env, a, o.ID, tt.fileName, tt.content)
		h := sha256.Sum256(tt.content)
		if att.FileName != tt.wantName || att.ContentType != tt.wantType || att.Size != int64(len(tt.content)) ||
			att.SHA256 != hex.EncodeToString(h[:]) || att.UploadedBy != a.UserID || att.Source != "upload" || att.OpportunityID != o.ID {
			t.Errorf("%s: got %+v, want name %q type %q size %d", tt.name, att, tt.wantName, tt.wantType, len(tt.content))
			continue
		}
		res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/attachments/" + att.ID + "/content", Token: a.Token})
		if res.Status != 200 || !bytes.Equal(res.Body, tt.content) || res.Header.Get("Content-Type") != tt.wantType ||
			!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") ||
			res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: download got %d %v, want the content as an attachment of type %s", tt.name, res.Status, res.Header, tt.wantType)
		}
	}
	key := hex.EncodeToString(sum[:])
	if b, err := os.ReadFile(filepath.Join(dir, key[:2], key)); err != nil || !bytes.Equal(b, pdf) {
		t.Errorf("blob on disk: got %d bytes, %v; want the pdf under its hash", len(b), err)
	}
	var list struct {
		Data []attachmentJSON `json:"data"`
	}
	env.OK(testenv.Request{Method: "GET", Path: "/api/v1/opportunities/" + o.ID + "/attachments", Token: a.Token}).Decode(t, &list)
	if len(list.Data) != 3 || list.Data[0].FileName != "attachment" || list.Data[2].FileName != "Offert 2026.pdf" {
		t.Errorf("list: got %+v, want the three, newest first", list.Data)
	}
}

// TestAttachmentErrors: size limit, missing file part, wrong media type,
// missing opportunity and attachment.
func TestAttachmentErrors(t *testing.T) {
	t.Parallel()
	env := testenv.New(t, func(c *app.Config) { c.MaxUploadBytes = 1000 })
	a := env.Signup()
	o := newOpportunity(t, env, a, nil)
	noFile, noFileCT := multipartBody(t, "", "", nil)
	tests := []struct {
		name   string
		req    testenv.Request
		want   int
		fields string
	}{
		{"over the limit", testenv.Request{}, 413, ""},
		{"no file part", testenv.Request{Raw: noFile, Header: map[string]string{"Content-Type": noFileCT}}, 422, "file"},
		{"json instead of multipart", testenv.Request{Body: map[string]any{"file": "x"}}, 415, ""},
	}
	for _, tt := range tests {
		r := tt.req
		if tt.name == "over the limit" {
			body, ct := multipartBody(t, "file", "big.bin", bytes.Repeat([]byte{0}, 2000))
			r = testenv.Request{Raw: body, Header: map[string]string{"Content-Type": ct}}
		}
		r.Method, r.Path, r.Token = "POST", "/api/v1/opportunities/"+o.ID+"/attachments", a.Token
		res := env.Do(r)
		if res.Status != tt.want {
			t.Errorf("%s: got %s, want %d", tt.name, res, tt.want)
		} else if tt.fields != "" && problemOf(t, res).fields() != tt.fields {
			t.Errorf("%s: got fields %q, want %q", tt.name, problemOf(t, res).fields(), tt.fields)
		}
	}
	if res := upload(env, a, newID(), "x.txt", []byte("x")); res.Status != 404 {
		t.Errorf("missing opportunity: got %s, want 404", res)
	}
	for _, path := range []string{"/api/v1/attachments/" + newID(), "/api/v1/attachments/" + newID() + "/content"} {
		if res := env.Do(testenv.Request{Method: "GET", Path: path, Token: a.Token}); res.Status != 404 {
			t.Errorf("GET %s: got %s, want 404", path, res)
		}
	}
	// The general 1 MiB limit still holds elsewhere.
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/opportunities/" + o.ID + "/notes", Token: a.Token,
		Body: map[string]any{"body": strings.Repeat("x", 2<<20)}})
	if res.Status != 413 {
		t.Errorf("2 MiB note: got %s, want 413", res)
	}
}

func init() {
	addProbes(map[string]probe{
		"GET /api/v1/opportunities/:id/attachments":  {kind: item, setup: onOpportunityOfA(attachmentOfA)},
		"POST /api/v1/opportunities/:id/attachments": {kind: item, setup: onOpportunityOfA(attachmentOfA)},
		"GET /api/v1/attachments/:id":                {kind: item, setup: attachmentOfA},
		"GET /api/v1/attachments/:id/content":        {kind: item, setup: attachmentOfA},
	})
}

func attachmentOfA(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
	o := newOpportunity(t, env, a, nil)
	att := uploadOK(t, env, a, o.ID, "secret-"+newID()+".txt", []byte("A's secret "+newID()))
	return fixture{params: map[string]string{"id": att.ID, "opp": o.ID}, ids: []string{att.ID, att.FileName, att.SHA256}}
}
