package archive

import (
	"errors"
	"fmt"
)

var (
	// ErrUnsafePath reports an entry whose name or link target would place
	// data outside the destination directory.
	ErrUnsafePath = errors.New("archive entry escapes the destination directory")

	// ErrUnsupportedEntry reports an entry of a kind that is never extracted:
	// device files, FIFOs, sockets and unknown tar entry types.
	ErrUnsupportedEntry = errors.New("unsupported archive entry type")

	// ErrLimitExceeded reports an archive that expands past one of the
	// [Limits]; the concrete error is a [*LimitError].
	ErrLimitExceeded = errors.New("archive limit exceeded")

	// ErrUnknownFormat reports input that is not a zip, tar, gzip, xz or
	// bzip2 stream.
	ErrUnknownFormat = errors.New("unrecognized archive format")
)

// EntryError reports a problem with one archive entry. It wraps one of the
// package's sentinel errors or the underlying I/O error.
type EntryError struct {
	// Name is the entry name as stored in the archive.
	Name string
	// Err is the reason the entry was refused or could not be written.
	Err error
}

// Error implements error.
func (e *EntryError) Error() string {
	return fmt.Sprintf("archive entry %q: %v", e.Name, e.Err)
}

// Unwrap returns the reason.
func (e *EntryError) Unwrap() error { return e.Err }

// LimitError reports which limit an archive exceeded. errors.Is(err,
// ErrLimitExceeded) is true for it.
type LimitError struct {
	// Limit names the limit: "total size", "entries" or "compression ratio".
	Limit string
	// Max is the configured maximum (bytes, entries, or ratio).
	Max float64
	// Value is the value reached when extraction stopped.
	Value float64
}

// Error implements error.
func (e *LimitError) Error() string {
	switch e.Limit {
	case limitTotal:
		return fmt.Sprintf("archive expands to more than %.0f bytes (limit %.0f): raise Limits.MaxTotalSize if the archive is trusted", e.Value, e.Max)
	case limitEntries:
		return fmt.Sprintf("archive has at least %.0f entries, more than the limit of %.0f: raise Limits.MaxEntries if the archive is trusted", e.Value, e.Max)
	default:
		return fmt.Sprintf("archive expands %.0f times its compressed size (limit %.0f): it looks like a decompression bomb; raise Limits.MaxRatio if it is trusted", e.Value, e.Max)
	}
}

// Is reports whether target is ErrLimitExceeded.
func (e *LimitError) Is(target error) bool { return target == ErrLimitExceeded }

const (
	limitTotal   = "total size"
	limitEntries = "entries"
	limitRatio   = "compression ratio"
)
