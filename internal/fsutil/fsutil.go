// Package fsutil holds the crash-safe file writes that the client, the leaf
// packages (cache, lfs, archive, store, objstore) and the server share: a
// file is written to a temporary name in its own folder, synced, renamed
// over the target, and the folder is synced, so a crash leaves either the
// old file or the new one.
package fsutil

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
)

// WriteFileAtomic writes data to path with mode perm so that, after a crash,
// path holds either its old content or all of data: a temporary file
// ".{name}.{random}.tmp" in the same folder, fsync, close, rename, fsync of
// the folder. The folder must exist. On failure the temporary file is
// removed and path is untouched.
func WriteFileAtomic(path string, data []byte, perm fs.FileMode) error {
	return WriteAtomic(path, perm, "", func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteAtomic is [WriteFileAtomic] for content that is produced rather than
// held: fill writes the content into the temporary file (streamed from a
// reader, hashed, checked...). If fill returns an error, the temporary file
// is removed, path is untouched and that error is returned as is. pattern
// names the temporary file as in [os.CreateTemp] (one '*' for the random
// part); "" means ".{name}.*.tmp". The folder must exist.
func WriteAtomic(path string, perm fs.FileMode, pattern string, fill func(w io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	if pattern == "" {
		pattern = "." + filepath.Base(path) + ".*.tmp"
	}
	tmp, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()           // may already be closed; the first error matters
			_ = os.Remove(tmp.Name()) // unique name: nothing else to clean
		}
	}()
	if err := tmp.Chmod(perm); err != nil {
		return err
	}
	if err := fill(tmp); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil { // close before rename: Windows needs it
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return SyncDir(dir)
}

// SyncDir makes the renames and creations in dir durable by fsyncing the
// folder. Windows cannot fsync a folder and some filesystems refuse it
// (EINVAL, ErrUnsupported); there it does nothing and returns nil.
func SyncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, errors.ErrUnsupported) || errors.Is(err, syscall.EINVAL) {
		return nil
	}
	return err
}
