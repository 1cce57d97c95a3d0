package objstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"time"
)

// ErrNotFound is returned (wrapped) when a key does not exist.
var ErrNotFound = errors.New("object not found")

// ErrInvalidKey is returned (wrapped) for keys that are empty, absolute, or
// contain empty, "." or ".." segments or backslashes.
var ErrInvalidKey = errors.New("invalid object key")

// ErrSizeMismatch is returned (wrapped) by Put when the reader yields more
// or fewer bytes than announced; nothing is stored.
var ErrSizeMismatch = errors.New("object size does not match the announced size")

// Info describes a stored object.
type Info struct {
	// Key is the object's name.
	Key string
	// Size is its length in bytes.
	Size int64
	// ModTime is when it was last written (or touched, see [Toucher]).
	ModTime time.Time
}

// Store keeps objects under slash-separated keys.
type Store interface {
	// Stat describes the object at key, or fails with ErrNotFound.
	Stat(ctx context.Context, key string) (Info, error)
	// Get reads n bytes of the object at key starting at off (n < 0: to the
	// end). It fails with ErrNotFound when the object does not exist.
	Get(ctx context.Context, key string, off, n int64) (io.ReadCloser, error)
	// Put stores exactly size bytes read from r under key, atomically,
	// replacing any previous object.
	Put(ctx context.Context, key string, r io.Reader, size int64) error
	// Delete removes the object at key; a missing object is not an error.
	Delete(ctx context.Context, key string) error
	// List yields every object whose key starts with prefix, in no
	// particular order.
	List(ctx context.Context, prefix string) iter.Seq2[Info, error]
	// String names the store for logs ("disk:/srv/mirror", "s3://bucket/p").
	String() string
}

// FileMover is implemented by stores that can take a finished local file
// without copying it (the disk store renames it when on the same file
// system). The file at path is gone afterwards, whatever the outcome.
type FileMover interface {
	MoveFile(ctx context.Context, key, path string) error
}

// Toucher is implemented by stores that can record a use of an object by
// setting its ModTime, so least-recently-used order survives restarts.
type Toucher interface {
	Touch(ctx context.Context, key string, t time.Time) error
}

// ValidateKey checks that key is a relative slash-separated name without
// empty, "." or ".." segments, backslashes or NUL bytes.
func ValidateKey(key string) error {
	if key == "" || strings.HasPrefix(key, "/") || strings.ContainsAny(key, "\\\x00") {
		return fmt.Errorf("%w: %q (want a relative slash-separated name)", ErrInvalidKey, key)
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("%w: %q has an empty, \".\" or \"..\" segment", ErrInvalidKey, key)
		}
	}
	return nil
}

// ReadAll reads a whole (small) object.
func ReadAll(ctx context.Context, s Store, key string) ([]byte, error) {
	rc, err := s.Get(ctx, key, 0, -1)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// PutBytes stores data under key.
func PutBytes(ctx context.Context, s Store, key string, data []byte) error {
	return s.Put(ctx, key, bytes.NewReader(data), int64(len(data)))
}

// countReader counts bytes and fails when more than max arrive.
type countReader struct {
	r   io.Reader
	n   int64
	max int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.max {
		return n, fmt.Errorf("%w: more than %d bytes", ErrSizeMismatch, c.max)
	}
	return n, err
}
