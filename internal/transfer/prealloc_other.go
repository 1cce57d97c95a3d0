//go:build !linux

package transfer

import "os"

// preallocate extends f to size (a sparse file where supported).
func preallocate(f *os.File, size int64) error {
	if size <= 0 {
		return nil
	}
	return f.Truncate(size)
}
