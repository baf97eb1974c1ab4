package quoting

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Links makes and reads the customer's links. A link's token is 256 random
// bits; storage keeps its SHA-256 to find the quote and a sealed copy
// (AES-256-GCM under a key derived from the server's keys) so that the
// product can show the same link again: in the e-mail draft before the
// quote is sent, and on a replaced version's page pointing to the newest.
// Whoever reads the database alone can neither open a quote nor unseal a
// link. When the server's keys rotate, old links still open (by hash) but
// can no longer be shown again; Unseal then fails and callers do without.
type Links struct {
	base string
	aead cipher.AEAD
}

// NewLinks returns the links of quotes published under base (the public
// URL) and sealed with key (32 bytes).
func NewLinks(base string, key []byte) (*Links, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("quote links: key must be 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("quote links: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("quote links: %w", err)
	}
	return &Links{base: strings.TrimRight(base, "/"), aead: aead}, nil
}

// New returns a new token, its hash and its sealed copy.
func (l *Links) New() (token string, hash, sealed []byte, err error) {
	token, hash, err = NewToken()
	if err != nil {
		return "", nil, nil, err
	}
	nonce := make([]byte, l.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", nil, nil, fmt.Errorf("quote token: %w", err)
	}
	return token, hash, l.aead.Seal(nonce, nonce, []byte(token), hash), nil
}

// errUnsealable is returned for a sealed token that the current keys cannot
// open.
var errUnsealable = errors.New("quote link sealed under another key")

// Unseal returns the token of a quote's sealed copy, checked against its
// hash.
func (l *Links) Unseal(sealed, hash []byte) (string, error) {
	n := l.aead.NonceSize()
	if len(sealed) < n {
		return "", errUnsealable
	}
	plain, err := l.aead.Open(nil, sealed[:n], sealed[n:], hash)
	if err != nil {
		return "", errUnsealable
	}
	return string(plain), nil
}

// PageURL is the customer's page of a token.
func (l *Links) PageURL(token string) string { return l.base + "/q/" + token }

// PDFURL is the salesperson's PDF of a quote (channel download).
func (l *Links) PDFURL(quoteID string) string { return l.base + "/api/v1/quotes/" + quoteID + "/pdf" }

// URL returns the customer's page of q, or "" when q has no link or the
// link cannot be unsealed.
func (l *Links) URL(q Quote) string {
	if len(q.TokenSealed) == 0 {
		return ""
	}
	token, err := l.Unseal(q.TokenSealed, q.TokenHash)
	if err != nil {
		return ""
	}
	return l.PageURL(token)
}

// NewToken returns a customer link token (256 random bits, URL-safe) and
// the SHA-256 hash that storage keeps in its place.
func NewToken() (token string, hash []byte, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, fmt.Errorf("quote token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken is the stored form of a link token.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// TokenID names a link in evidence without revealing it: the first 8
// bytes of its hash, in hex.
func TokenID(hash []byte) string {
	if len(hash) < 8 {
		return ""
	}
	return "tok_" + hex.EncodeToString(hash[:8])
}

// WellFormedToken reports whether s could be a token (43 URL-safe base64
// characters), so that junk is refused before any database work.
func WellFormedToken(s string) bool {
	if len(s) != 43 {
		return false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
