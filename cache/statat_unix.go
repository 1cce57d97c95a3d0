//go:build linux || darwin || freebsd || openbsd || netbsd

package cache

import (
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// readlinkAt reads the symlink name in the open folder d (path dirPath),
// without walking the full path again. buf is scratch space, reused between
// calls.
func readlinkAt(d *os.File, dirPath, name string, buf *[]byte) (string, error) {
	if len(*buf) == 0 {
		*buf = make([]byte, 256)
	}
	for {
		n, err := unix.Readlinkat(int(d.Fd()), name, *buf)
		if err != nil {
			return "", &os.PathError{Op: "readlink", Path: dirPath + string(os.PathSeparator) + name, Err: err}
		}
		if n < len(*buf) {
			return string((*buf)[:n]), nil
		}
		*buf = make([]byte, 2*len(*buf))
	}
}

// statAt stats name in the open folder d, following symlinks.
func statAt(d *os.File, name string) (blobStat, bool, error) {
	var st unix.Stat_t
	if err := unix.Fstatat(int(d.Fd()), name, &st, 0); err != nil {
		return blobStat{}, false, err
	}
	isDir := st.Mode&unix.S_IFMT == unix.S_IFDIR
	return blobStat{size: st.Size, atime: statAtime(&st), mtime: statMtime(&st)}, isDir, nil
}

func statAtime(st *unix.Stat_t) time.Time { return time.Unix(st.Atim.Unix()) }
func statMtime(st *unix.Stat_t) time.Time { return time.Unix(st.Mtim.Unix()) }
