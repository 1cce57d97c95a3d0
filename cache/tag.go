package cache

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// CacheDirTagSignature is the first line of a cache directory tag
// (https://bford.info/cachedir/): backup tools skip tagged folders.
const CacheDirTagSignature = "Signature: 8a477f597d28d172789f06886806bc55"

// cacheDirTag is the whole tag file: the signature and three comment lines.
const cacheDirTag = CacheDirTagSignature + "\n" +
	"# This file is a cache directory tag created by the Hugging Face Hub client.\n" +
	"# Backup tools may skip this folder: everything in it can be downloaded again.\n" +
	"# See https://bford.info/cachedir/ for the convention.\n"

// WriteCacheDirTag writes {Dir}/CACHEDIR.TAG if it is absent, creating the
// cache folder. An existing tag is left as it is.
func (c *Cache) WriteCacheDirTag() error {
	p := filepath.Join(c.Dir, CacheDirTagName)
	if _, err := os.Lstat(p); err == nil {
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return c.WriteFileAtomic(p, []byte(cacheDirTag))
}
