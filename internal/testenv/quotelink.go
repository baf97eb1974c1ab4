package testenv

import (
	"testing"

	"github.com/acme/crm/internal/auth"
	"github.com/acme/crm/internal/postgres"
	"github.com/acme/crm/internal/quoting"
)

// QuoteLink makes quote links as the server under test does (its keys,
// public URL http://crm.test), for the bench seed's quotes.
func (e *Env) QuoteLink(t testing.TB) postgres.QuoteLink {
	t.Helper()
	keys, err := auth.ParseKeyring(e.Keys)
	if err != nil {
		t.Fatal(err)
	}
	links, err := quoting.NewLinks("http://crm.test", keys.Derive("quote-links"))
	if err != nil {
		t.Fatal(err)
	}
	return func() ([]byte, []byte, error) {
		_, hash, sealed, err := links.New()
		return hash, sealed, err
	}
}
