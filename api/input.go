package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/errs"
)

// The input boundary. PostgreSQL text holds neither NUL nor invalid UTF-8,
// while Go strings, URLs, headers and JSON (through \u0000, and through
// bytes encoding/json would silently turn into U+FFFD) carry both. Every
// string that reaches the services passes one of the checks below, so that
// such input is a 400 naming the field, never a 500 from the database:
//   - checkInput (middleware): query parameters, path parameters and the
//     headers that are stored (storedHeaders);
//   - decode → checkJSONText: every key and string of a JSON body;
//   - nextPart: multipart field and file names, and a malformed multipart
//     body;
//   - formValues: url-encoded forms (the customer's quote page).

// storedHeaders are the request headers whose values are written to the
// database.
var storedHeaders = []string{"Idempotency-Key"}

// badText is the 400 for a field that is not text PostgreSQL can store.
func badText(field, v string) error {
	var why string
	switch {
	case strings.IndexByte(v, 0) >= 0:
		why = "must not contain NUL characters"
	case !utf8.ValidString(v):
		why = "must be valid UTF-8"
	default:
		return nil
	}
	e := errs.New(errs.BadRequest, "%s %s", field, why)
	e.Fields = []errs.FieldError{{Field: field, Message: why}}
	return e
}

// checkInput refuses NUL and invalid UTF-8 in the query string, the path
// parameters and the stored headers before any handler runs.
func checkInput(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		for name, vals := range c.QueryParams() {
			if err := badText(name, name); err != nil {
				return badText("query", name)
			}
			for _, v := range vals {
				if err := badText(name, v); err != nil {
					return err
				}
			}
		}
		for i, name := range c.ParamNames() {
			if i < len(c.ParamValues()) {
				if err := badText(name, c.ParamValues()[i]); err != nil {
					return err
				}
			}
		}
		for _, h := range storedHeaders {
			for _, v := range c.Request().Header.Values(h) {
				if err := badText(h, v); err != nil {
					return err
				}
			}
		}
		return next(c)
	}
}

// checkJSONText walks a well-formed JSON body and refuses a key or string
// with NUL or invalid UTF-8, naming it by its path (lines[2].description).
func checkJSONText(body []byte) error {
	if utf8.Valid(body) && !bytes.Contains(body, []byte(`\u0000`)) {
		return nil
	}
	bad := len(body) // offset of the first invalid UTF-8 byte, if any
	for i := 0; i < len(body); {
		r, n := utf8.DecodeRune(body[i:])
		if r == utf8.RuneError && n <= 1 {
			bad = i
			break
		}
		i += n
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var path jsonPath
	for {
		before := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil // the end, or malformed JSON that decode reports
		}
		field := path.String()
		if s, ok := tok.(string); ok {
			if path.atKey() {
				field = path.child(s)
			}
			if strings.IndexByte(s, 0) >= 0 {
				return badText(orBody(field), s)
			}
			if int(before) <= bad && bad < int(dec.InputOffset()) {
				return badText(orBody(field), "\xff")
			}
		}
		path.step(tok)
	}
}

func orBody(field string) string {
	if field == "" {
		return "(body)"
	}
	return field
}

// jsonPath tracks where a token stream is: a stack of object keys and
// array indexes.
type jsonPath struct {
	frames []jsonFrame
	key    string // the pending key inside the innermost object
}

type jsonFrame struct {
	array bool
	key   string // the object's current key
	index int    // the array's next index
	name  string // how the container is addressed from its parent
}

// atKey reports whether the next string token of an object is a key.
func (p *jsonPath) atKey() bool {
	if len(p.frames) == 0 {
		return false
	}
	f := &p.frames[len(p.frames)-1]
	return !f.array && f.key == ""
}

func (p *jsonPath) child(key string) string {
	base := p.container()
	if base == "" {
		return key
	}
	return base + "." + key
}

// container is the path of the innermost container.
func (p *jsonPath) container() string {
	if len(p.frames) == 0 {
		return ""
	}
	return p.frames[len(p.frames)-1].name
}

// String is the path of the value the next token is.
func (p *jsonPath) String() string {
	if len(p.frames) == 0 {
		return ""
	}
	f := p.frames[len(p.frames)-1]
	if f.array {
		return f.name + "[" + strconv.Itoa(f.index) + "]"
	}
	return p.child(f.key)
}

// step advances the path past tok.
func (p *jsonPath) step(tok json.Token) {
	if len(p.frames) > 0 {
		f := &p.frames[len(p.frames)-1]
		if !f.array && f.key == "" {
			if s, ok := tok.(string); ok {
				f.key = s
				return
			}
		}
	}
	switch tok {
	case json.Delim('{'), json.Delim('['):
		name := p.String()
		p.frames = append(p.frames, jsonFrame{array: tok == json.Delim('['), name: name})
		return
	case json.Delim('}'), json.Delim(']'):
		p.frames = p.frames[:len(p.frames)-1]
	}
	p.valueDone()
}

// valueDone moves past a finished value in the innermost container.
func (p *jsonPath) valueDone() {
	if len(p.frames) == 0 {
		return
	}
	f := &p.frames[len(p.frames)-1]
	if f.array {
		f.index++
	} else {
		f.key = ""
	}
}

// nextPart returns the next part of a multipart body: its field and file
// names checked, a body over the limit 413, and any other parse error
// (a header line without a colon, a missing boundary) 400. io.EOF is
// returned as is at the end.
func nextPart(mr *multipart.Reader) (*multipart.Part, error) {
	part, err := mr.NextPart()
	if errors.Is(err, io.EOF) {
		return nil, err
	}
	if err != nil {
		return nil, multipartError(err)
	}
	if err := badText("part name", part.FormName()); err != nil {
		return nil, err
	}
	if err := badText("filename", part.FileName()); err != nil {
		return nil, err
	}
	return part, nil
}

// multipartError maps an error reading a multipart body: 413 past the
// size limit, a classified error as it is, anything else 400.
func multipartError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errs.New(errs.TooLarge, "the body is larger than %d bytes", mbe.Limit)
	}
	if _, ok := errs.As(err); ok {
		return err
	}
	return errs.Wrap(err, errs.BadRequest, "malformed multipart body")
}
