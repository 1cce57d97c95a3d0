//go:build !(linux || darwin || freebsd || openbsd || netbsd)

package cache

import (
	"os"
	"path/filepath"
)

// readlinkAt reads the symlink name in folder dirPath.
func readlinkAt(_ *os.File, dirPath, name string, _ *[]byte) (string, error) {
	return os.Readlink(filepath.Join(dirPath, name))
}

// statAt stats name in the open folder d, following symlinks.
func statAt(d *os.File, name string) (blobStat, bool, error) {
	fi, err := os.Stat(filepath.Join(d.Name(), name))
	if err != nil {
		return blobStat{}, false, err
	}
	return blobStat{size: fi.Size(), atime: atime(fi), mtime: fi.ModTime()}, fi.IsDir(), nil
}
