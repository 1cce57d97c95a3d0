package hfhub

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
)

// RemoteFile is one file of a repository opened for reading without
// downloading it: every read is an HTTP Range request (or a read of the
// cached copy, when the cache already has the file). It implements
// io.ReaderAt (for lazy loaders such as safetensors readers), io.Reader,
// io.Seeker and io.Closer. ReadAt is safe for concurrent use; Read and Seek
// share one offset and are not. Close it when done.
type RemoteFile struct {
	c      *Client
	ctx    context.Context
	url    string
	size   int64
	etag   string
	commit string
	name   string
	local  *os.File // set when the file is read from the cache

	mu     sync.Mutex
	off    int64
	stream io.ReadCloser // open body for sequential reads at sOff
	sOff   int64
}

// Size returns the file's size in bytes.
func (f *RemoteFile) Size() int64 { return f.size }

// Etag returns the file's etag (git blob id, or sha256 for LFS files).
func (f *RemoteFile) Etag() string { return f.etag }

// CommitHash returns the commit the revision resolved to.
func (f *RemoteFile) CommitHash() string { return f.commit }

// Cached reports whether reads come from the local cache.
func (f *RemoteFile) Cached() bool { return f.local != nil }

// Open resolves filename (one HEAD, as [Client.Download]) and returns a
// [RemoteFile] that reads it on demand. When the file is already in the
// cache, reads come from disk; offline, only cached files can be opened.
// The context bounds every read made through the returned file.
func (c *Client) Open(ctx context.Context, id, filename string, opts *DownloadOptions) (*RemoteFile, error) {
	r, err := c.newFileRequest(id, filename, opts)
	if err != nil {
		return nil, err
	}
	if r.o.LocalDir != "" || r.o.Extract != nil {
		return nil, fmt.Errorf("%w: Open reads from the Hub or the cache; LocalDir and Extract do not apply", ErrValidation)
	}
	openLocal := func(p, commit string) (*RemoteFile, error) {
		lf, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		fi, err := lf.Stat()
		if err != nil {
			lf.Close()
			return nil, err
		}
		return &RemoteFile{c: c, ctx: ctx, size: fi.Size(), etag: blobKey(p), commit: commit, name: r.filename, local: lf}, nil
	}
	if IsCommitHash(r.rev) || r.o.PreferOffline || c.offline(r) {
		if commit := r.cachedCommit(); commit != "" {
			if p, ok := r.pointer(commit); ok {
				return openLocal(p, commit)
			}
		}
	}
	meta, err := c.fileMetadata(ctx, r, false)
	if err != nil {
		if c.offline(r) {
			return nil, c.noLocalCopyError(r, err)
		}
		return nil, err
	}
	if p, ok := r.pointer(meta.commit); ok {
		return openLocal(p, meta.commit)
	}
	return &RemoteFile{c: c, ctx: ctx, url: meta.url, size: meta.size, etag: meta.etag, commit: meta.commit, name: r.filename}, nil
}

// OpenRange returns the bytes [off, off+n) of filename as a stream (one
// Range request; n < 0 means to the end of the file). Close the reader.
func (c *Client) OpenRange(ctx context.Context, id, filename string, off, n int64, opts *DownloadOptions) (io.ReadCloser, error) {
	f, err := c.Open(ctx, id, filename, opts)
	if err != nil {
		return nil, err
	}
	if n < 0 || off+n > f.size {
		n = f.size - off
	}
	if off < 0 || n < 0 {
		f.Close()
		return nil, fmt.Errorf("%w: range at %d is outside %s (%d bytes)", ErrValidation, off, filename, f.size)
	}
	if f.local != nil {
		return partReader{io.NewSectionReader(f.local, off, n), f.local}, nil
	}
	body, err := f.c.rangeBody(ctx, f.url, off, off+n)
	if err != nil {
		return nil, err
	}
	return body, nil
}

// rangeBody GETs bytes [start, end) of u (see [Client.rangeGet]).
func (c *Client) rangeBody(ctx context.Context, u string, start, end int64) (io.ReadCloser, error) {
	if start >= end {
		return io.NopCloser(http.NoBody), nil
	}
	body, _, err := c.rangeGet(ctx, u, start, end)
	return body, err
}

// partReader reads a part of something and closes the whole.
type partReader struct {
	io.Reader
	io.Closer
}

// ReadAt reads len(p) bytes at off with one Range request (or from the
// cached file). It returns io.EOF when the read reaches the end of the file.
func (f *RemoteFile) ReadAt(p []byte, off int64) (int, error) {
	if f.local != nil {
		return f.local.ReadAt(p, off)
	}
	if off < 0 {
		return 0, fmt.Errorf("%w: negative offset", ErrValidation)
	}
	if off >= f.size {
		return 0, io.EOF
	}
	end := min(off+int64(len(p)), f.size)
	body, err := f.c.rangeBody(f.ctx, f.url, off, end)
	if err != nil {
		return 0, err
	}
	defer body.Close()
	n, err := io.ReadFull(body, p[:end-off])
	if err != nil {
		return n, fmt.Errorf("reading %s at %d: %w", f.name, off, err)
	}
	if end-off < int64(len(p)) {
		return n, io.EOF
	}
	return n, nil
}

// Read reads sequentially from the current offset, keeping one streaming
// request open between calls.
func (f *RemoteFile) Read(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.local != nil {
		n, err := f.local.ReadAt(p, f.off)
		f.off += int64(n)
		if errors.Is(err, io.EOF) && n > 0 {
			err = nil
		}
		return n, err
	}
	if f.off >= f.size {
		return 0, io.EOF
	}
	if f.stream == nil || f.sOff != f.off {
		if f.stream != nil {
			f.stream.Close()
		}
		body, err := f.c.rangeBody(f.ctx, f.url, f.off, f.size)
		if err != nil {
			return 0, err
		}
		f.stream, f.sOff = body, f.off
	}
	n, err := f.stream.Read(p)
	f.off += int64(n)
	f.sOff = f.off
	if errors.Is(err, io.EOF) {
		f.stream.Close()
		f.stream = nil
		if f.off < f.size {
			err = io.ErrUnexpectedEOF
		} else if n > 0 {
			err = nil
		}
	}
	return n, err
}

// Seek sets the offset of the next Read (no request is made).
func (f *RemoteFile) Seek(offset int64, whence int) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = f.off + offset
	case io.SeekEnd:
		abs = f.size + offset
	default:
		return 0, fmt.Errorf("%w: bad whence %d", ErrValidation, whence)
	}
	if abs < 0 {
		return 0, fmt.Errorf("%w: negative position", ErrValidation)
	}
	f.off = abs
	return abs, nil
}

// Close releases the open request or cached file.
func (f *RemoteFile) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	var err error
	if f.stream != nil {
		err = f.stream.Close()
		f.stream = nil
	}
	if f.local != nil {
		err = errors.Join(err, f.local.Close())
	}
	return err
}
