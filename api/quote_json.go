package api

import (
	"encoding/json"

	"github.com/google/uuid"
	lru "github.com/hashicorp/golang-lru/v2"

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

// quotePage is the QuoteList of a page of quotes, written (see writeJSON)
// from the kept JSON of each version.
type quotePage struct {
	kept  *quoteJSONCache
	items []quoting.Quote
	next  *string
}

// MarshalJSON is encoding/json's view of p, for c.JSON's fallback.
func (p *quotePage) MarshalJSON() ([]byte, error) {
	return json.Marshal(QuoteList{Data: mapSlice(p.items, toQuote), NextCursor: p.next})
}

func (p *quotePage) appendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"data":[`...)
	for i, q := range p.items {
		if i > 0 {
			b = append(b, ',')
		}
		key := quoteJSONKey{q.ID, q.Version}
		one, ok := p.kept.Get(key)
		if !ok {
			var err error
			if one, err = json.Marshal(toQuote(q)); err != nil {
				return b, err
			}
			p.kept.Add(key, one)
		}
		b = append(b, one...)
	}
	b = append(b, `],"next_cursor":`...)
	b = appendJSONStringPtr(b, p.next)
	return append(b, '}'), nil
}
