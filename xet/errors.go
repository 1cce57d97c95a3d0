package xet

import (
	"errors"
	"fmt"
)

// Sentinels of malformed xorb data, matched with errors.Is through a
// [*FormatError].
var (
	// ErrTruncated: a chunk header or payload ends before its stated length.
	ErrTruncated = errors.New("truncated chunk")
	// ErrBadVersion: a chunk header has a version other than 0.
	ErrBadVersion = errors.New("unsupported chunk header version")
	// ErrUnknownScheme: a chunk header names a compression scheme other than 0, 1, 2.
	ErrUnknownScheme = errors.New("unknown compression scheme")
	// ErrChunkTooLarge: a header states a size over the protocol limits.
	ErrChunkTooLarge = errors.New("chunk too large")
	// ErrCorrupt: the payload does not decode to the stated length.
	ErrCorrupt = errors.New("corrupt chunk payload")
	// ErrChunkCount: a xorb range holds more or fewer chunks than expected.
	ErrChunkCount = errors.New("wrong number of chunks")
)

// FormatError reports malformed xorb bytes: which chunk, where, and why.
// Err is one of the sentinels above; Detail says what was found.
type FormatError struct {
	Chunk  int   // index of the chunk within the stream being read (0-based)
	Offset int64 // byte offset of its header within that stream
	Err    error
	Detail string
}

func (e *FormatError) Error() string {
	s := fmt.Sprintf("xet: chunk %d at byte %d: %v", e.Chunk, e.Offset, e.Err)
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap returns the sentinel.
func (e *FormatError) Unwrap() error { return e.Err }
