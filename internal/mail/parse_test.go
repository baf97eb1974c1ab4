package mail

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"testing"
)

// leaf is one non-multipart body part of a received message, decoded.
type leaf struct {
	contentType string
	filename    string
	disposition string
	body        string
}

// parseReceived parses raw message bytes with net/mail and mime/multipart
// and returns the headers and the decoded leaf parts in order.
func parseReceived(t *testing.T, raw []byte) (mail.Header, []leaf) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("read message: %v\n%s", err, raw)
	}
	return msg.Header, walk(t, textproto.MIMEHeader(msg.Header), msg.Body)
}

func walk(t *testing.T, h textproto.MIMEHeader, body io.Reader) []leaf {
	t.Helper()
	mediaType, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		t.Fatalf("content type %q: %v", h.Get("Content-Type"), err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		var out []leaf
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				return out
			}
			if err != nil {
				t.Fatalf("next part of %s: %v", mediaType, err)
			}
			out = append(out, walk(t, p.Header, p)...)
		}
	}
	return []leaf{decodeLeaf(t, h, mediaType, body)}
}

func decodeLeaf(t *testing.T, h textproto.MIMEHeader, mediaType string, body io.Reader) leaf {
	t.Helper()
	switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	case "quoted-printable": // multipart parts arrive decoded already
		body = quotedprintable.NewReader(body)
	}
	data, err := io.ReadAll(body)
	if err != nil {
		t.Fatalf("read %s part: %v", mediaType, err)
	}
	// Text bodies travel with CRLF line breaks (canonical MIME form); compare
	// them as the LF text the caller wrote.
	l := leaf{contentType: mediaType, body: strings.ReplaceAll(string(data), "\r\n", "\n")}
	if cd := h.Get("Content-Disposition"); cd != "" {
		disp, params, err := mime.ParseMediaType(cd)
		if err != nil {
			t.Fatalf("content disposition %q: %v", cd, err)
		}
		l.disposition = disp
		if disp == "attachment" {
			l.body = string(data) // attachments keep their bytes as they are
		}
		if l.filename, err = new(mime.WordDecoder).DecodeHeader(params["filename"]); err != nil {
			t.Fatalf("decode file name %q: %v", params["filename"], err)
		}
	}
	return l
}

// headerSection returns the raw header block of a message.
func headerSection(raw []byte) string {
	head, _, _ := strings.Cut(strings.ReplaceAll(string(raw), "\r\n", "\n"), "\n\n")
	return head
}
