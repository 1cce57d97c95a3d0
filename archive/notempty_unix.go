//go:build unix

package archive

import (
	"errors"
	"syscall"
)

// isNotEmpty reports whether err is ENOTEMPTY, which rename(2) returns when
// the destination directory exists and has entries.
func isNotEmpty(err error) bool { return errors.Is(err, syscall.ENOTEMPTY) }
