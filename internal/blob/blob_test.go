package blob_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/acme/crm/internal/blob"
)

type failingReader struct{ err error }

func (f failingReader) Read([]byte) (int, error) { return 0, f.err }

func stores(t *testing.T) map[string]blob.Store {
	t.Helper()
	disk, err := blob.NewDisk(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	return map[string]blob.Store{"disk": disk, "memory": blob.NewMemory()}
}

// TestStore: keys are the SHA-256 of the content, content reads back,
// unknown or malformed keys are ErrNotFound, and a failed read stores
// nothing and returns the reader's error.
func TestStore(t *testing.T) {
	ctx := context.Background()
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			info, err := s.Put(ctx, strings.NewReader("hello"))
			if err != nil {
				t.Fatal(err)
			}
			const want = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
			if info.Key != want || info.Size != 5 {
				t.Errorf("got %+v, want key %s size 5", info, want)
			}
			again, err := s.Put(ctx, strings.NewReader("hello"))
			if err != nil || again != info {
				t.Errorf("second put: got %+v, %v, want %+v", again, err, info)
			}
			rc, err := s.Open(ctx, info.Key)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			if string(b) != "hello" {
				t.Errorf("got %q, want hello", b)
			}
			for _, key := range []string{strings.Repeat("0", 64), "../etc/passwd", ""} {
				if _, err := s.Open(ctx, key); !errors.Is(err, blob.ErrNotFound) {
					t.Errorf("open %q: got %v, want ErrNotFound", key, err)
				}
			}
			boom := errors.New("boom")
			if _, err := s.Put(ctx, failingReader{boom}); !errors.Is(err, boom) {
				t.Errorf("failing reader: got %v, want boom", err)
			}
		})
	}
}

// TestDiskLeavesNoTemporaryFiles: a failed upload leaves the folder as it was.
func TestDiskLeavesNoTemporaryFiles(t *testing.T) {
	root := t.TempDir()
	d, err := blob.NewDisk(root)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Put(context.Background(), io.MultiReader(strings.NewReader("part"), failingReader{errors.New("cut")})); err == nil {
		t.Fatal("got nil error, want the reader's")
	}
	entries, _ := os.ReadDir(root)
	if len(entries) != 0 {
		t.Errorf("got %d entries, want none", len(entries))
	}
}
