package viewerserver

import (
	"errors"
	"io"
	"net/http"
)

// ErrNotFound is returned by a Source for a dataset, revision or file
// that does not exist or that the caller may not read.
var ErrNotFound = errors.New("not found")

// ErrUnauthenticated is returned by a Source when the caller sent no
// token (or a bad one) for a dataset that needs one.
var ErrUnauthenticated = errors.New("authentication required")

// File is one file of a dataset at a commit.
type File struct {
	Path string
	Size int64
}

// Snapshot is a dataset at one commit.
type Snapshot struct {
	// Commit is the commit id; answers are cached by it.
	Commit string
	// Files are every file of the commit.
	Files []File
	// Message is the commit message (title and body).
	Message string
}

// Source gives the server the datasets it serves.
type Source interface {
	// Snapshot resolves a revision ("" for main, or "refs/convert/parquet")
	// of a dataset the request may read.
	Snapshot(r *http.Request, dataset, revision string) (*Snapshot, error)
	// Open opens one file of a commit; the caller closes it.
	Open(dataset, commit, path string) (ReadAtCloser, int64, error)
}

// ReadAtCloser is an open file.
type ReadAtCloser interface {
	io.ReaderAt
	io.Reader
	io.Closer
}
