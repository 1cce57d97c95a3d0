package cache

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// LinkSnapshot makes pointer (a path under snapshots/{commit}/) refer to blob
// (a path under blobs/). With symlinks it creates a relative symlink, e.g.
// ../../blobs/{etag} (absolute only if no relative path exists): directly
// when pointer does not exist, else as a temporary symlink renamed over the
// existing entry (atomic either way). When symlinks are unsupported (probed
// once per repo folder) or disabled by [Options.DisableSymlinks] it does
// what the Python client does: a new blob (newBlob true) is moved to
// pointer, an existing one is copied.
func (c *Cache) LinkSnapshot(blob, pointer string, newBlob bool) error {
	dir := filepath.Dir(pointer)
	if err := c.MkdirAll(dir); err != nil {
		return err
	}
	if !c.SymlinksSupported(filepath.Dir(filepath.Dir(blob))) {
		if newBlob {
			return os.Rename(blob, pointer)
		}
		return c.copyFile(blob, pointer)
	}
	target, err := filepath.Rel(dir, blob)
	if err != nil {
		target = blob
	}
	cur, err := os.Readlink(pointer)
	if err == nil && cur == target {
		return nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		// Nothing to replace: symlink(2) creates the link atomically, so no
		// temporary name and rename are needed.
		err := os.Symlink(target, pointer)
		if !errors.Is(err, fs.ErrExist) {
			return err
		}
		// Created meanwhile by another writer: replace it below.
	}
	for range 16 {
		tmp := filepath.Join(dir, "."+filepath.Base(pointer)+"."+randHex(4)+".tmp")
		err := os.Symlink(target, tmp)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return err
		}
		if err := os.Rename(tmp, pointer); err != nil {
			_ = os.Remove(tmp) // the rename error is the one to report
			return err
		}
		return nil
	}
	return errors.New("cache: could not create a unique temporary symlink in " + dir)
}

// SymlinksSupported reports whether relative symlinks can be created in dir
// (normally a repo folder). The answer is probed once per folder, by creating
// a symlink in a temporary folder inside dir, and remembered; it is false
// when [Options.DisableSymlinks] is set.
func (c *Cache) SymlinksSupported(dir string) bool {
	if c.opts.DisableSymlinks {
		return false
	}
	c.symlinkMu.Lock()
	defer c.symlinkMu.Unlock()
	if ok, seen := c.symlinkOK[dir]; seen {
		return ok
	}
	ok := probeSymlink(c, dir)
	c.symlinkOK[dir] = ok
	return ok
}

func probeSymlink(c *Cache, dir string) bool {
	if err := c.MkdirAll(dir); err != nil {
		return false
	}
	tmp, err := os.MkdirTemp(dir, ".symlink-probe-")
	if err != nil {
		return false
	}
	defer os.RemoveAll(tmp) // best effort: a leftover probe folder is harmless
	src := filepath.Join(tmp, "src")
	if err := os.WriteFile(src, nil, 0o600); err != nil {
		return false
	}
	return os.Symlink("src", filepath.Join(tmp, "dst")) == nil
}
