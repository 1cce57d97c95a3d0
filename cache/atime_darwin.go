//go:build darwin

package cache

import (
	"os"
	"syscall"
	"time"
)

// atime returns the access time of fi, or its modification time when the
// system does not expose one.
func atime(fi os.FileInfo) time.Time {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return time.Unix(st.Atimespec.Sec, st.Atimespec.Nsec)
	}
	return fi.ModTime()
}
