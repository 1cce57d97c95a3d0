package objstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hfhub-go/hfhub/internal/ctxio"
	"github.com/hfhub-go/hfhub/internal/fsutil"
)

// tempPrefix starts the names of files being written; List skips them.
const tempPrefix = ".tmp-"

// Disk is a [Store] keeping each object as a file under Dir.
type Disk struct {
	dir string
}

var (
	_ Store     = (*Disk)(nil)
	_ FileMover = (*Disk)(nil)
	_ Toucher   = (*Disk)(nil)
)

// NewDisk opens (creating it if needed) a disk store rooted at dir.
func NewDisk(dir string) (*Disk, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("objstore: %w", err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("objstore: create store folder: %w", err)
	}
	return &Disk{dir: abs}, nil
}

// Dir returns the folder the store lives in.
func (d *Disk) Dir() string { return d.dir }

// String returns "disk:" and the folder.
func (d *Disk) String() string { return "disk:" + d.dir }

func (d *Disk) path(key string) (string, error) {
	if err := ValidateKey(key); err != nil {
		return "", err
	}
	for _, seg := range strings.Split(key, "/") {
		if strings.HasPrefix(seg, tempPrefix) {
			return "", fmt.Errorf("%w: %q: segments may not start with %q", ErrInvalidKey, key, tempPrefix)
		}
	}
	return filepath.Join(d.dir, filepath.FromSlash(key)), nil
}

func notFound(key string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	return fmt.Errorf("objstore: %s: %w", key, err)
}

// Stat describes the object at key.
func (d *Disk) Stat(ctx context.Context, key string) (Info, error) {
	p, err := d.path(key)
	if err != nil {
		return Info{}, err
	}
	fi, err := os.Stat(p)
	if err != nil {
		return Info{}, notFound(key, err)
	}
	if !fi.Mode().IsRegular() {
		return Info{}, fmt.Errorf("%w: %s is a folder", ErrNotFound, key)
	}
	return Info{Key: key, Size: fi.Size(), ModTime: fi.ModTime()}, nil
}

// Get reads n bytes at off (n < 0: to the end).
func (d *Disk) Get(ctx context.Context, key string, off, n int64) (io.ReadCloser, error) {
	f, err := d.Open(key)
	if err != nil {
		return nil, err
	}
	if off == 0 && n < 0 {
		return f, nil
	}
	if n < 0 {
		n = 1<<63 - 1 - off
	}
	return struct {
		io.Reader
		io.Closer
	}{io.NewSectionReader(f, off, n), f}, nil
}

// Open returns the object's file itself, for zero-copy serving.
func (d *Disk) Open(key string) (*os.File, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, notFound(key, err)
	}
	return f, nil
}

// Put writes a temporary file beside the target, syncs it and renames it
// (the folder is synced too); a body of the wrong size stores nothing.
func (d *Disk) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("objstore: %w", err)
	}
	err = fsutil.WriteAtomic(p, 0o600, tempPrefix+"*", func(w io.Writer) error {
		cr := &countReader{r: ctxio.NewReader(ctx, r), max: size}
		if _, err := io.Copy(w, cr); err != nil {
			return err
		}
		if cr.n != size {
			return fmt.Errorf("%w: got %d bytes, want %d", ErrSizeMismatch, cr.n, size)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("objstore: put %s: %w", key, err)
	}
	return nil
}

// MoveFile renames the local file at path into the store (copying it when
// it is on another file system). The file is gone afterwards.
func (d *Disk) MoveFile(ctx context.Context, key, path string) error {
	p, err := d.path(key)
	if err != nil {
		os.Remove(path)
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		os.Remove(path)
		return fmt.Errorf("objstore: %w", err)
	}
	if err := os.Rename(path, p); err == nil {
		if err := fsutil.SyncDir(filepath.Dir(p)); err != nil {
			return fmt.Errorf("objstore: %w", err)
		}
		return nil
	}
	defer os.Remove(path)
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("objstore: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("objstore: %w", err)
	}
	return d.Put(ctx, key, f, fi.Size())
}

// Touch sets the object's modification time to t.
func (d *Disk) Touch(ctx context.Context, key string, t time.Time) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.Chtimes(p, time.Time{}, t); err != nil {
		return notFound(key, err)
	}
	return nil
}

// Delete removes the object; empty parent folders are left in place.
func (d *Disk) Delete(ctx context.Context, key string) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("objstore: delete %s: %w", key, err)
	}
	return nil
}

// List walks the folder of prefix and yields matching objects.
func (d *Disk) List(ctx context.Context, prefix string) iter.Seq2[Info, error] {
	return func(yield func(Info, error) bool) {
		start := d.dir
		if i := strings.LastIndex(prefix, "/"); i >= 0 {
			start = filepath.Join(d.dir, filepath.FromSlash(prefix[:i]))
		}
		err := filepath.WalkDir(start, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if strings.HasPrefix(e.Name(), tempPrefix) {
				if e.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if !e.Type().IsRegular() {
				return nil
			}
			rel, err := filepath.Rel(d.dir, p)
			if err != nil {
				return err
			}
			key := filepath.ToSlash(rel)
			if !strings.HasPrefix(key, prefix) {
				return nil
			}
			fi, err := e.Info()
			if err != nil {
				return nil // removed meanwhile
			}
			if !yield(Info{Key: key, Size: fi.Size(), ModTime: fi.ModTime()}, nil) {
				return fs.SkipAll
			}
			return nil
		})
		if err != nil {
			yield(Info{}, fmt.Errorf("objstore: list %q: %w", prefix, err))
		}
	}
}

// TempFile creates a file for an object being assembled, in a folder of
// the store that List skips, so [Disk.MoveFile] can rename it into place.
func (d *Disk) TempFile() (*os.File, error) {
	dir := filepath.Join(d.dir, tempPrefix+"spool")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("objstore: %w", err)
	}
	return os.CreateTemp(dir, "blob-*")
}

// CleanTemp removes files of [Disk.TempFile] and of interrupted writes
// last modified more than olderThan ago (left by a crash), and returns how
// many it removed. Younger ones may belong to a writer still running.
func (d *Disk) CleanTemp(olderThan time.Duration) (int, error) {
	cut := time.Now().Add(-olderThan)
	n := 0
	err := filepath.WalkDir(d.dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if e.IsDir() || !e.Type().IsRegular() {
			return nil
		}
		rel, _ := filepath.Rel(d.dir, p)
		if !strings.Contains(filepath.ToSlash(rel), tempPrefix) {
			return nil
		}
		if fi, err := e.Info(); err == nil && fi.ModTime().Before(cut) && os.Remove(p) == nil {
			n++
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("objstore: clean temporary files: %w", err)
	}
	return n, nil
}
