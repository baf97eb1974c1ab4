package api

import (
	"errors"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
)

// The hottest reads (the opportunity lists, the board, the quotes, the
// timeline, the forecast, /me) are written by hand-written appendJSON
// methods instead of encoding/json's reflection, which was a third of the
// lists' CPU. Their output is byte for byte what Echo's c.JSON writes
// (encoding/json with HTML escaping, then a newline); the randomized, fuzz
// and table tests in jsonappend_internal_test.go hold them to that.
// Anything the fast path cannot write identically (?pretty, Echo's debug
// mode, a time that encoding/json refuses) goes through c.JSON.

// jsonAppender is a response DTO that can write itself as JSON.
type jsonAppender interface {
	appendJSON(b []byte) ([]byte, error)
}

// errJSONFallback says that c.JSON must write the value: it would fail,
// and reports the failure in its own words.
var errJSONFallback = errors.New("api: value needs encoding/json")

var jsonBufs = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// writeJSON writes v as c.JSON(code, v) would, with a Content-Length.
func writeJSON(c echo.Context, code int, v jsonAppender) error {
	if !fastJSON(c) {
		return c.JSON(code, v)
	}
	bp := jsonBufs.Get().(*[]byte)
	b, err := v.appendJSON((*bp)[:0])
	if err != nil {
		jsonBufs.Put(bp)
		return c.JSON(code, v)
	}
	b = append(b, '\n') // json.Encoder ends every value with one
	// With its length known, net/http sends the body as it is instead of
	// in chunks (it does so itself only below 2 KiB): fewer bytes and
	// writes for a list, less parsing for the client.
	c.Response().Header().Set(echo.HeaderContentLength, strconv.Itoa(len(b)))
	err = c.Blob(code, echo.MIMEApplicationJSON, b)
	if cap(b) <= 1<<20 {
		*bp = b
		jsonBufs.Put(bp)
	}
	return err
}

// fastJSON reports whether c.JSON would write compact JSON with
// encoding/json, as appendJSON does.
func fastJSON(c echo.Context) bool {
	if _, pretty := c.QueryParams()["pretty"]; pretty || c.Echo().Debug {
		return false
	}
	switch c.Echo().JSONSerializer.(type) {
	case *echo.DefaultJSONSerializer, echo.DefaultJSONSerializer:
		return true
	}
	return false
}

const hexDigits = "0123456789abcdef"

// htmlSafe[c] is whether encoding/json writes the ASCII character c as is
// in a string with HTML escaping (its htmlSafeSet).
var htmlSafe = func() (s [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		switch c {
		case '"', '\\', '<', '>', '&':
		default:
			s[c] = true
		}
	}
	return s
}()

// appendJSONString appends s as encoding/json writes a string: HTML
// escaping of <, > and &, \u2028 and \u2029 escaped, invalid UTF-8
// replaced by \ufffd.
func appendJSONString[S []byte | string](b []byte, s S) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if htmlSafe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		n := min(len(s)-i, utf8.UTFMax)
		r, size := utf8.DecodeRuneInString(string(s[i : i+n]))
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func appendJSONStringPtr(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendJSONString(b, *s)
}

// appendJSONUUID appends id as its text form, quoted.
func appendJSONUUID(b []byte, id uuid.UUID) []byte {
	b = append(b, '"')
	for i, c := range id {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hexDigits[c>>4], hexDigits[c&0xF])
	}
	return append(b, '"')
}

func appendJSONUUIDPtr(b []byte, id *uuid.UUID) []byte {
	if id == nil {
		return append(b, "null"...)
	}
	return appendJSONUUID(b, *id)
}

func appendJSONIntPtr(b []byte, n *int) []byte {
	if n == nil {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, int64(*n), 10)
}

func appendJSONBool(b []byte, v bool) []byte {
	if v {
		return append(b, "true"...)
	}
	return append(b, "false"...)
}

// appendJSONTime appends t as time.Time.MarshalJSON does: RFC 3339 with
// nanoseconds, quoted. Where MarshalJSON fails (a year outside 0-9999, a
// zone offset of 24 hours or more, or one with seconds), so does this.
func appendJSONTime(b []byte, t time.Time) ([]byte, error) {
	b = append(b, '"')
	n0 := len(b)
	b = t.AppendFormat(b, time.RFC3339Nano)
	if len(b)-n0 < len("2006-01-02T15:04:05Z") || b[n0+len("9999")] != '-' {
		return b, errJSONFallback
	}
	if b[len(b)-1] != 'Z' {
		c := b[len(b)-len("Z07:00")]
		h := 10*(b[len(b)-len("07:00")]-'0') + (b[len(b)-len("7:00")] - '0')
		if ('0' <= c && c <= '9') || h >= 24 {
			return b, errJSONFallback
		}
	}
	return append(b, '"'), nil
}

func appendJSONTimePtr(b []byte, t *time.Time) ([]byte, error) {
	if t == nil {
		return append(b, "null"...), nil
	}
	return appendJSONTime(b, *t)
}

// appendJSON writes d as Date.MarshalJSON does.
func (d Date) appendJSON(b []byte) []byte {
	if y, m, day := d.Date(); y >= 0 && y <= 9999 {
		return append(b, '"', byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
			byte('0'+m/10), byte('0'+m%10), '-', byte('0'+day/10), byte('0'+day%10), '"')
	}
	var buf [len("-2006-01-02") + 8]byte
	return appendJSONString(b, d.AppendFormat(buf[:0], time.DateOnly))
}
