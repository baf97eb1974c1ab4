// Package blob keeps file contents (attachments, signed documents) outside
// the database. Blobs are content-addressed: a blob's key is the hex SHA-256
// of its bytes, so storing the same file twice keeps one copy and a key
// always names the same bytes.
package blob

import (
	"context"
	"errors"
	"io"
	"regexp"
)

// ErrNotFound is returned by Open for a key that holds no blob.
var ErrNotFound = errors.New("blob not found")

// Info describes a stored blob.
type Info struct {
	Key  string // hex SHA-256 of the content
	Size int64
}

// Store keeps blobs. Put reads r to its end (or its first error, which it
// returns unchanged so that callers can recognise, for example, an
// http.MaxBytesError) and stores nothing on error.
type Store interface {
	Put(ctx context.Context, r io.Reader) (Info, error)
	// Open returns the blob's content; ErrNotFound if there is none.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
}

var keyPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// ValidKey reports whether key is a well-formed blob key.
func ValidKey(key string) bool { return keyPattern.MatchString(key) }
