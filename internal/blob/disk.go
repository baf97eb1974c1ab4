package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Disk stores blobs as files under a root folder, at <root>/<ab>/<key>
// where ab is the key's first two characters (keeping folders small).
type Disk struct{ root string }

var _ Store = (*Disk)(nil)

// NewDisk returns a store under root, creating the folder if needed.
func NewDisk(root string) (*Disk, error) {
	if err := os.MkdirAll(root, 0o750); err != nil {
		return nil, fmt.Errorf("create blob folder: %w", err)
	}
	return &Disk{root: root}, nil
}

func (d *Disk) path(key string) string { return filepath.Join(d.root, key[:2], key) }

// Put implements Store. The content goes to a temporary file while it is
// hashed and is then renamed into place, so a reader never sees a partial
// blob and concurrent puts of the same content are harmless.
func (d *Disk) Put(ctx context.Context, r io.Reader) (Info, error) {
	tmp, err := os.CreateTemp(d.root, ".upload-*")
	if err != nil {
		return Info{}, fmt.Errorf("create blob: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), readerCtx{ctx, r})
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("write blob: %w", cerr)
	}
	if err != nil {
		return Info{}, err
	}
	key := hex.EncodeToString(h.Sum(nil))
	if err := os.MkdirAll(filepath.Dir(d.path(key)), 0o750); err != nil {
		return Info{}, fmt.Errorf("create blob folder: %w", err)
	}
	if err := os.Rename(tmp.Name(), d.path(key)); err != nil {
		return Info{}, fmt.Errorf("store blob: %w", err)
	}
	return Info{Key: key, Size: n}, nil
}

// Open implements Store.
func (d *Disk) Open(_ context.Context, key string) (io.ReadCloser, error) {
	if !ValidKey(key) {
		return nil, ErrNotFound
	}
	f, err := os.Open(d.path(key))
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotFound
	}
	return f, err
}

// readerCtx stops a long copy when the context ends.
type readerCtx struct {
	ctx context.Context
	r   io.Reader
}

func (r readerCtx) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}
