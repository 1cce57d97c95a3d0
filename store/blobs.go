package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/hfhub-go/hfhub/internal/ctxio"
	"github.com/hfhub-go/hfhub/internal/fsutil"
	"github.com/hfhub-go/hfhub/internal/gitblob"
)

// Blob describes stored content.
type Blob struct {
	SHA256 string // hex
	Size   int64
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 1<<20); return &b }}

// blobPath returns where the content with this sha256 lives.
func (s *Store) blobPath(sha string) string {
	return filepath.Join(s.dir, "objects", sha[:2], sha)
}

// PutBlob stores the content read from r (streamed through a temporary
// file, hashed while copied) and returns its sha256 and size. Content that
// is already stored is kept once. Cancelling ctx stops the copy.
func (s *Store) PutBlob(ctx context.Context, r io.Reader) (Blob, error) {
	return s.putBlob(ctx, r, "", -1)
}

// PutBlobVerified is [Store.PutBlob] for content announced in advance (an
// LFS upload): it fails with ErrChecksum, storing nothing, unless the bytes
// have this sha256 and, when size >= 0, this size.
func (s *Store) PutBlobVerified(ctx context.Context, r io.Reader, sha256 string, size int64) (Blob, error) {
	if !isHex64(sha256) {
		return Blob{}, fmt.Errorf("%w: sha256 %q is not 64 lowercase hex digits", ErrInvalid, sha256)
	}
	return s.putBlob(ctx, r, sha256, size)
}

func (s *Store) putBlob(ctx context.Context, r io.Reader, want string, wantSize int64) (b Blob, err error) {
	tmp, err := os.CreateTemp(filepath.Join(s.dir, "tmp"), "blob-*.incomplete")
	if err != nil {
		return Blob{}, fmt.Errorf("store: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()           // best effort: already failing
			_ = os.Remove(tmp.Name()) // best effort: unique temp name
		}
	}()
	h := sha256.New()
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	n, err := io.CopyBuffer(io.MultiWriter(tmp, h), ctxio.NewReader(ctx, r), *bp)
	if err != nil {
		return Blob{}, fmt.Errorf("store: write blob: %w", err)
	}
	b = Blob{SHA256: hex.EncodeToString(h.Sum(nil)), Size: n}
	if want != "" && (b.SHA256 != want || (wantSize >= 0 && n != wantSize)) {
		return Blob{}, fmt.Errorf("%w: got sha256 %s size %d, want sha256 %s size %d", ErrChecksum, b.SHA256, n, want, wantSize)
	}
	if err = tmp.Sync(); err != nil {
		return Blob{}, fmt.Errorf("store: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return Blob{}, fmt.Errorf("store: %w", err)
	}
	dst := s.blobPath(b.SHA256)
	if _, statErr := os.Stat(dst); statErr == nil {
		_ = os.Remove(tmp.Name()) // best effort: identical content is already stored
		return b, nil
	}
	if err = os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return Blob{}, fmt.Errorf("store: %w", err)
	}
	if err = os.Rename(tmp.Name(), dst); err != nil {
		return Blob{}, fmt.Errorf("store: %w", err)
	}
	if err = fsutil.SyncDir(filepath.Dir(dst)); err != nil {
		return Blob{}, fmt.Errorf("store: %w", err)
	}
	return b, nil
}

// HasBlob reports whether content with this sha256 is stored, and its size.
func (s *Store) HasBlob(sha256 string) (int64, bool) {
	if !isHex64(sha256) {
		return 0, false
	}
	fi, err := os.Stat(s.blobPath(sha256))
	if err != nil {
		return 0, false
	}
	return fi.Size(), true
}

// OpenBlob opens the content with this sha256 for reading; the caller
// closes it. It fails with ErrBlobNotFound if the content is not stored.
func (s *Store) OpenBlob(sha256 string) (*os.File, error) {
	if !isHex64(sha256) {
		return nil, fmt.Errorf("%w: %q", ErrBlobNotFound, sha256)
	}
	f, err := os.Open(s.blobPath(sha256))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrBlobNotFound, sha256)
	}
	return f, err
}

// gitBlobIDOf streams the stored content through the git blob hash.
func (s *Store) gitBlobIDOf(b Blob) (string, error) {
	f, err := s.OpenBlob(b.SHA256)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := gitblob.NewHash(b.Size)
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	if _, err := io.CopyBuffer(h, f, *bp); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// CreateTemp creates a temporary file in the store's own temporary folder
// (on the same disk as the blobs, never a memory-backed /tmp), for a caller
// that must spool a request before it can store it. The caller closes and
// removes it.
func (s *Store) CreateTemp(pattern string) (*os.File, error) {
	f, err := os.CreateTemp(filepath.Join(s.dir, "tmp"), pattern)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return f, nil
}
