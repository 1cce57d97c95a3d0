//go:build linux

package transfer

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// preallocate reserves size bytes for f, so a full disk fails now rather than
// mid-transfer, and extends f to size.
func preallocate(f *os.File, size int64) error {
	if size <= 0 {
		return nil
	}
	err := unix.Fallocate(int(f.Fd()), 0, 0, size)
	if err == nil {
		return nil
	}
	if errors.Is(err, unix.ENOSPC) {
		return err
	}
	// Filesystems without fallocate (tmpfs on old kernels, some FUSE): a
	// sparse file of the right size is enough.
	return f.Truncate(size)
}
