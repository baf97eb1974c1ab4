package postgres

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"

	"github.com/acme/crm/internal/blob"
)

// Blobs is a blob.Store in the blobs table: every replica of the API reads
// what any of them stored, with no shared folder. Put holds a blob in
// memory while it hashes it; uploads are capped (CRM_MAX_UPLOAD_BYTES) before
// they get here.
type Blobs struct{ db *DB }

var _ blob.Store = (*Blobs)(nil)

// NewBlobs returns the store.
func NewBlobs(db *DB) *Blobs { return &Blobs{db: db} }

// Put implements blob.Store; storing the same content again is a no-op.
func (b *Blobs) Put(ctx context.Context, r io.Reader) (blob.Info, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return blob.Info{}, err
	}
	sum := sha256.Sum256(data)
	key := hex.EncodeToString(sum[:])
	if _, err := b.db.pool.Exec(ctx, `INSERT INTO blobs (key, data) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, key, data); err != nil {
		return blob.Info{}, fmt.Errorf("store blob: %w", translate(err))
	}
	return blob.Info{Key: key, Size: int64(len(data))}, nil
}

// Open implements blob.Store.
func (b *Blobs) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if !blob.ValidKey(key) {
		return nil, blob.ErrNotFound
	}
	var data []byte
	err := b.db.pool.QueryRow(ctx, `SELECT data FROM blobs WHERE key = $1`, key).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, blob.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read blob: %w", translate(err))
	}
	return io.NopCloser(bytes.NewReader(data)), nil
}
