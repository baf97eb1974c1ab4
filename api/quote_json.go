package api

import (
	"encoding/json"
	"net/http"

	"github.com/google/uuid"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/quoting"
)

// quoteJSONCache keeps the JSON of the quote versions lists answered last.
// A quote's JSON depends on that row version alone (any change bumps the
// version; the link is the version's own), so a kept one is never stale.
type quoteJSONCache = lru.Cache[quoteJSONKey, []byte]

type quoteJSONKey struct {
	id      uuid.UUID
	version int64
}

// keptQuotes is how many quotes' JSON a replica keeps: about 3 KiB each.
const keptQuotes = 2048

func newQuoteJSONCache() *quoteJSONCache {
	c, _ := lru.New[quoteJSONKey, []byte](keptQuotes) // only a size below 1 fails
	return c
}

// quoteJSON is q as toQuote renders it, encoded as encoding/json would.
func (s *Server) quoteJSON(q quoting.Quote) ([]byte, error) {
	key := quoteJSONKey{q.ID, q.Version}
	if b, ok := s.quoteJSONs.Get(key); ok {
		return b, nil
	}
	b, err := json.Marshal(toQuote(q))
	if err != nil {
		return nil, err
	}
	s.quoteJSONs.Add(key, b)
	return b, nil
}

// quoteList answers a page of quotes, byte for byte what
// c.JSON(QuoteList{…}) writes, from the kept JSON of each version.
func (s *Server) quoteList(c echo.Context, qs []quoting.Quote, next *string) error {
	buf := make([]byte, 0, 64+len(qs)*3072)
	buf = append(buf, `{"data":[`...)
	for i, q := range qs {
		b, err := s.quoteJSON(q)
		if err != nil {
			return err
		}
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, b...)
	}
	cursor, err := json.Marshal(next)
	if err != nil {
		return err
	}
	buf = append(append(append(buf, `],"next_cursor":`...), cursor...), "}\n"...)
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, buf)
}
