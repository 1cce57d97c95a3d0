//go:build linux

package transfer

import (
	"os"

	"golang.org/x/sys/unix"
)

// startWriteback asks the kernel to start writing [off, off+n) of f to disk
// now, without waiting for it (sync_file_range with SYNC_FILE_RANGE_WRITE).
// It makes no durability promise: it only spreads the disk writes over the
// transfer so that the fsync before the rename has little left to do. Errors
// are ignored (the fsync that follows reports real I/O errors).
func startWriteback(f *os.File, off, n int64) {
	_ = unix.SyncFileRange(int(f.Fd()), off, n, unix.SYNC_FILE_RANGE_WRITE) // advisory only
}

// datasync makes f's data (and the metadata needed to read it back, such as
// its size and allocated extents) durable: fdatasync(2), which skips the
// timestamp updates a full fsync also writes.
func datasync(f *os.File) error {
	for {
		err := unix.Fdatasync(int(f.Fd()))
		if err != unix.EINTR {
			if err != nil {
				return &os.PathError{Op: "fdatasync", Path: f.Name(), Err: err}
			}
			return nil
		}
	}
}
