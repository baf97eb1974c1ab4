package ical

import (
	"bytes"
	"strings"
	"time"
	"unicode/utf8"
)

// maxLineOctets is RFC 5545 §3.1's limit for one content line, excluding
// the CRLF. A continuation line's leading space counts towards it.
const maxLineOctets = 75

const (
	utcFormat  = "20060102T150405Z"
	dateFormat = "20060102"
)

// textEscaper escapes a TEXT value (RFC 5545 §3.3.11). CRLF and a lone CR
// become \n too, so that text typed on any platform keeps its line breaks.
var textEscaper = strings.NewReplacer(
	`\`, `\\`,
	";", `\;`,
	",", `\,`,
	"\r\n", `\n`,
	"\n", `\n`,
	"\r", `\n`,
)

// escapeText returns s as an RFC 5545 TEXT value. Control characters other
// than line breaks and HTAB are not allowed in TEXT and are dropped.
func escapeText(s string) string {
	return textEscaper.Replace(stripControls(s, "\r\n\t"))
}

// paramValue returns s as a quoted parameter value (RFC 5545 §3.1). A
// quoted value cannot hold DQUOTE or control characters and has no escape
// mechanism in RFC 5545, so those are dropped.
func paramValue(s string) string {
	s = strings.ReplaceAll(stripControls(s, "\t"), `"`, "")
	return `"` + s + `"`
}

// stripControls removes ASCII control characters except those in keep.
func stripControls(s string, keep string) string {
	return strings.Map(func(r rune) rune {
		if (r < 0x20 || r == 0x7f) && !strings.ContainsRune(keep, r) {
			return -1
		}
		return r
	}, s)
}

// writer accumulates content lines with folding and CRLF endings.
type writer struct {
	buf bytes.Buffer
}

// line writes one content line, folded at 75 octets. A fold never splits a
// multi-byte UTF-8 sequence: clients that decode each physical line on its
// own would otherwise show replacement characters for å, ä and ö.
func (w *writer) line(s string) {
	limit := maxLineOctets
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.buf.WriteString(s[:cut])
		w.buf.WriteString("\r\n ")
		s = s[cut:]
		limit = maxLineOctets - 1 // the leading space of the continuation
	}
	w.buf.WriteString(s)
	w.buf.WriteString("\r\n")
}

// text writes a property with a TEXT value.
func (w *writer) text(name, value string) {
	w.line(name + ":" + escapeText(value))
}

// utc writes a DATE-TIME property in UTC form (…Z).
func (w *writer) utc(name string, t time.Time) {
	w.line(name + ":" + t.UTC().Format(utcFormat))
}

// date writes a DATE property for the calendar day of t in t's location.
func (w *writer) date(name string, t time.Time) {
	w.line(name + ";VALUE=DATE:" + t.Format(dateFormat))
}
