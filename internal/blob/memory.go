package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"sync"
)

// Memory keeps blobs in memory: for tests and throwaway setups only, its
// content is lost when the process ends.
type Memory struct {
	mu    sync.RWMutex
	blobs map[string][]byte
}

var _ Store = (*Memory)(nil)

// NewMemory returns an empty in-memory store.
func NewMemory() *Memory { return &Memory{blobs: map[string][]byte{}} }

// Put implements Store.
func (m *Memory) Put(ctx context.Context, r io.Reader) (Info, error) {
	b, err := io.ReadAll(readerCtx{ctx, r})
	if err != nil {
		return Info{}, err
	}
	sum := sha256.Sum256(b)
	key := hex.EncodeToString(sum[:])
	m.mu.Lock()
	m.blobs[key] = b
	m.mu.Unlock()
	return Info{Key: key, Size: int64(len(b))}, nil
}

// Open implements Store.
func (m *Memory) Open(_ context.Context, key string) (io.ReadCloser, error) {
	m.mu.RLock()
	b, ok := m.blobs[key]
	m.mu.RUnlock()
	if !ok {
		return nil, ErrNotFound
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}
