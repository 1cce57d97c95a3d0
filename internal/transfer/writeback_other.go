//go:build !linux

package transfer

import "os"

// startWriteback is a no-op where sync_file_range does not exist; the fsync
// before the rename then writes everything.
func startWriteback(*os.File, int64, int64) {}

// datasync makes f's data durable (fsync; fdatasync where it exists).
func datasync(f *os.File) error { return f.Sync() }
