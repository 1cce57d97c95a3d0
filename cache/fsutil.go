package cache

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/hfhub-go/hfhub/internal/fsutil"
)

// MkdirAll creates dir and its missing parents with the cache's folder mode:
// the umask's choice by default, 2775 when [Options.GroupWritable] is set.
func (c *Cache) MkdirAll(dir string) error {
	if c.dirMode == 0 {
		return os.MkdirAll(dir, 0o777)
	}
	fi, err := os.Stat(dir)
	if err == nil {
		if !fi.IsDir() {
			return &fs.PathError{Op: "mkdir", Path: dir, Err: errors.New("not a directory")}
		}
		return nil
	}
	parent := filepath.Dir(dir)
	if parent != dir {
		if err := c.MkdirAll(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o777); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil
		}
		return err
	}
	// Mkdir applies the umask; chmod sets the exact shared mode.
	return os.Chmod(dir, c.dirMode)
}

// fixMode gives a file the shared mode when the cache is group-writable.
// Without that option files keep what the umask gave them.
func (c *Cache) fixMode(f *os.File) error {
	if c.fileMode == 0 {
		return nil
	}
	return f.Chmod(c.fileMode)
}

// randHex returns n random bytes as 2n hex digits, for unique temp names.
func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

// createTemp creates a new file named prefix+8hex+suffix in dir, mode 0666
// minus the umask (like any file the Python client writes), or 0664 when
// group-writable. The folder is created if needed.
func (c *Cache) createTemp(dir, prefix, suffix string) (*os.File, error) {
	if err := c.MkdirAll(dir); err != nil {
		return nil, err
	}
	for range 16 {
		name := filepath.Join(dir, prefix+randHex(4)+suffix)
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if err := c.fixMode(f); err != nil {
			_ = f.Close() // already failing; report the chmod error
			_ = os.Remove(name)
			return nil, err
		}
		return f, nil
	}
	return nil, fmt.Errorf("cache: could not create a unique temporary file in %s", dir)
}

// CreateBlobTemp creates the unique temporary file a download writes before
// it becomes blobs/{etag}: blobs/{etag}.{8hex}.incomplete, as the Python 1.x
// client names it. Hold the blob's lock ([Cache.LockPath]) while writing, then
// call [Cache.Publish].
func (c *Cache) CreateBlobTemp(repoType, repoID, etag string) (*os.File, error) {
	if err := validSegment("etag", etag); err != nil {
		return nil, err
	}
	return c.createTemp(c.BlobsDir(repoType, repoID), etag+".", ".incomplete")
}

// Publish makes a fully written temporary file visible at dst: fsync, close,
// rename, fsync of the folder. On failure the temporary file is removed and
// dst is untouched. The caller checks size and hash before publishing.
func (c *Cache) Publish(tmp *os.File, dst string) (err error) {
	defer func() {
		if err != nil {
			_ = tmp.Close()           // may already be closed; the first error matters
			_ = os.Remove(tmp.Name()) // harmless after a successful rename
		}
	}()
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil { // close before rename: Windows needs it
		return err
	}
	if err := c.MkdirAll(filepath.Dir(dst)); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return err
	}
	return fsutil.SyncDir(filepath.Dir(dst))
}

// WriteFileAtomic writes data to path through a temporary file in the same
// folder ({name}.{8hex}.tmp), fsync and rename, creating parent folders. A
// crash leaves either the old file or the new one.
func (c *Cache) WriteFileAtomic(path string, data []byte) error {
	tmp, err := c.createTemp(filepath.Dir(path), filepath.Base(path)+".", ".tmp")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close() // the write error is the one to report
		_ = os.Remove(tmp.Name())
		return err
	}
	return c.Publish(tmp, path)
}

// copyFile copies src to dst through a temporary file and rename.
func (c *Cache) copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close() // read-only: a close error changes nothing
	tmp, err := c.createTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".", ".tmp")
	if err != nil {
		return err
	}
	if _, err := io.Copy(tmp, in); err != nil {
		_ = tmp.Close() // the copy error is the one to report
		_ = os.Remove(tmp.Name())
		return err
	}
	return c.Publish(tmp, dst)
}
