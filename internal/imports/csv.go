package imports

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/acme/crm/internal/errs"
)

// bom is the UTF-8 byte order mark Excel writes at the start of a CSV file.
var bom = []byte{0xEF, 0xBB, 0xBF}

// Reader reads the records of a CSV file: UTF-8 with or without a BOM,
// fields separated by ',' or ';' (sniffed from the header line, as Excel
// with Swedish settings writes ';'), quoted fields with doubled quotes and
// line breaks inside.
type Reader struct {
	r      *csv.Reader
	header []string
	Comma  rune
}

// NewReader reads the header line of data. A file without one, or whose
// header is not valid CSV or UTF-8, is errs.Invalid on the field "file".
func NewReader(data []byte) (*Reader, error) {
	data = bytes.TrimPrefix(data, bom)
	comma := sniff(data)
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = comma
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, errs.Field("file", "is empty: the first line must name the columns")
	}
	if err != nil {
		return nil, errs.Field("file", "line 1: "+csvMessage(err))
	}
	for i, h := range header {
		if !utf8.ValidString(h) {
			return nil, errs.Field("file", "is not UTF-8: save it as \"CSV UTF-8\"")
		}
		header[i] = strings.TrimSpace(h)
	}
	return &Reader{r: r, header: header, Comma: comma}, nil
}

// Header answers the column names of the header line, trimmed.
func (r *Reader) Header() []string { return r.header }

// Next answers the next record and the line it starts on; io.EOF at the
// end. A record that is not valid CSV or UTF-8 is a *RowError; reading
// may go on after it.
func (r *Reader) Next() (int, []string, error) {
	rec, err := r.r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return 0, nil, io.EOF
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return pe.StartLine, nil, &RowError{Line: pe.StartLine, Message: csvMessage(err)}
		}
		return 0, nil, err
	}
	line, _ := r.r.FieldPos(0)
	for i, v := range rec {
		if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
			col := ""
			if i < len(r.header) {
				col = r.header[i]
			}
			return line, nil, &RowError{Line: line, Column: col, Message: "is not valid UTF-8 text"}
		}
	}
	return line, rec, nil
}

// sniff picks ';' when the header line has more semicolons than commas
// outside quotes, else ','.
func sniff(data []byte) rune {
	quoted := false
	commas, semis := 0, 0
	for _, b := range data {
		switch {
		case b == '"':
			quoted = !quoted
		case quoted:
		case b == '\n':
			if semis > commas {
				return ';'
			}
			return ','
		case b == ',':
			commas++
		case b == ';':
			semis++
		}
	}
	if semis > commas {
		return ';'
	}
	return ','
}

func csvMessage(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("column %d: %v", pe.Column, pe.Err)
	}
	return err.Error()
}
