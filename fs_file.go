package hfhub

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"strconv"
	"sync"
)

// FSFile is a file opened through an [FS]. It implements [fs.File],
// [io.ReaderAt] (safe for concurrent use), [io.Seeker] and [io.Reader]
// (which share one offset). A cached file is read from disk; any other is
// read with Range requests: a read that continues where the previous one
// ended doubles the next range fetched (up to the FS's read-ahead), any
// other read fetches [MinReadAhead] bytes (or what it asks, if more).
type FSFile struct {
	fs    *FS
	n     *fsNode
	local *os.File     // a cached copy, when the cache has the blob
	rr    *rangeReader // otherwise

	mu  sync.Mutex
	off int64
}

// Stat returns the file's info (no request).
func (f *FSFile) Stat() (fs.FileInfo, error) { return fsInfo{f.n, f.fs}, nil }

// Cached reports whether reads come from the local cache.
func (f *FSFile) Cached() bool { return f.local != nil }

// ReadAt reads len(p) bytes at off; io.EOF when the read reaches the end.
func (f *FSFile) ReadAt(p []byte, off int64) (int, error) {
	if f.local != nil {
		return f.local.ReadAt(p, off)
	}
	if off < 0 {
		return 0, &fs.PathError{Op: "read", Path: f.n.path, Err: errors.New("negative offset")}
	}
	return f.rr.readAt(p, off)
}

// Read reads from the current offset.
func (f *FSFile) Read(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.off >= f.n.size {
		return 0, io.EOF
	}
	n, err := f.ReadAt(p, f.off)
	f.off += int64(n)
	if errors.Is(err, io.EOF) && n > 0 {
		err = nil
	}
	return n, err
}

// Seek sets the offset of the next Read (no request is made).
func (f *FSFile) Seek(offset int64, whence int) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += f.off
	case io.SeekEnd:
		offset += f.n.size
	default:
		return 0, &fs.PathError{Op: "seek", Path: f.n.path, Err: fmt.Errorf("bad whence %d", whence)}
	}
	if offset < 0 {
		return 0, &fs.PathError{Op: "seek", Path: f.n.path, Err: errors.New("negative position")}
	}
	f.off = offset
	return offset, nil
}

// Close releases the open request or cached file.
func (f *FSFile) Close() error {
	if f.local != nil {
		return f.local.Close()
	}
	f.rr.close()
	return nil
}

// rangeReader reads a remote file of known size with Range requests. It
// keeps one response open: a read at the position where that response
// stands continues it; a read just past it skips ahead; anything else
// closes it and sends a new request. Its window (the size of the next
// range) doubles while reads are sequential, up to max.
type rangeReader struct {
	c     *Client
	ctx   context.Context
	url   string // the /resolve/ URL
	name  string // for errors
	size  int64
	max   int64
	whole bool // the next request covers the rest of the file (ReadFile)

	mu      sync.Mutex
	direct  string // where the last request was redirected (a CDN URL)
	body    io.ReadCloser
	bOff    int64 // the position of body
	bEnd    int64 // where body ends
	lastEnd int64 // where the last read ended
	win     int64
}

// skipMax is how far ahead of the open response a read may start and still
// continue it (bytes in between are discarded): the kernel's read-ahead
// can deliver a FUSE read slightly out of order.
const skipMax = 256 << 10

func (r *rangeReader) readAt(p []byte, off int64) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if off >= r.size {
		return 0, io.EOF
	}
	want := min(int64(len(p)), r.size-off)
	n := int64(0)
	retried := false
	for n < want {
		pos := off + n
		if r.body != nil && pos > r.bOff && pos-r.bOff <= skipMax && pos < r.bEnd {
			if _, err := io.CopyN(io.Discard, r.body, pos-r.bOff); err != nil {
				r.drop()
			} else {
				r.bOff = pos
			}
		}
		if r.body == nil || r.bOff != pos {
			r.drop()
			switch {
			case r.whole:
				r.win = r.size - pos
				r.whole = false
			case pos == r.lastEnd && pos > 0 || r.win > 0 && pos == r.bEnd:
				r.win = min(max(r.win*2, MinReadAhead), r.max)
			default:
				r.win = MinReadAhead
			}
			end := min(r.size, pos+max(r.win, want-n))
			if err := r.open(pos, end); err != nil {
				return int(n), err
			}
		}
		k := min(want-n, r.bEnd-r.bOff)
		m, err := io.ReadFull(r.body, p[n:n+k])
		n += int64(m)
		r.bOff += int64(m)
		if err != nil {
			r.drop()
			if r.ctx.Err() != nil {
				return int(n), fmt.Errorf("reading %s at %d: %w", r.name, off+n, context.Cause(r.ctx))
			}
			if retried {
				return int(n), fmt.Errorf("reading %s at %d: %w", r.name, off+n, err)
			}
			retried = true // one new request after a dropped connection
			continue
		}
		if r.bOff == r.bEnd {
			r.drop()
			r.bEnd = r.bOff // remembered for the next read's window
		}
	}
	r.lastEnd = off + n
	if n < int64(len(p)) {
		return int(n), io.EOF
	}
	return int(n), nil
}

// open sends the request for [start, end). The first request goes to the
// /resolve/ URL; when it is redirected (LFS content on a CDN), later ones go
// straight to where it led, falling back to /resolve/ if that fails (a
// signed URL that expired).
func (r *rangeReader) open(start, end int64) error {
	if r.direct != "" {
		body, _, err := r.c.rangeGet(r.ctx, r.direct, start, end)
		if err == nil {
			r.body, r.bOff, r.bEnd = body, start, end
			return nil
		}
		if r.ctx.Err() != nil {
			return err
		}
		r.direct = ""
	}
	body, final, err := r.c.rangeGet(r.ctx, r.url, start, end)
	if err != nil {
		return err
	}
	if final != r.url {
		r.direct = final
	}
	r.body, r.bOff, r.bEnd = body, start, end
	return nil
}

// drop closes the open response (a short rest is drained by net/http so
// the connection is reused).
func (r *rangeReader) drop() {
	if r.body != nil {
		r.body.Close()
		r.body = nil
	}
}

func (r *rangeReader) close() {
	r.mu.Lock()
	r.drop()
	r.mu.Unlock()
}

// rangeGet GETs bytes [start, end) of u (start < end) and returns the body
// limited to them, and the URL that answered (after redirects). A server
// that ignores Range and answers 200 is handled by skipping.
func (c *Client) rangeGet(ctx context.Context, u string, start, end int64) (io.ReadCloser, string, error) {
	req, err := c.newRequest(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("Range", "bytes="+strconv.FormatInt(start, 10)+"-"+strconv.FormatInt(end-1, 10))
	resp, err := c.do(req, nil)
	if err != nil {
		return nil, "", err
	}
	switch resp.StatusCode {
	case http.StatusPartialContent:
	case http.StatusOK:
		if _, err := io.CopyN(io.Discard, resp.Body, start); err != nil {
			resp.Body.Close()
			return nil, "", fmt.Errorf("GET %s: skipping to %d: %w", sanitizeURL(u), start, err)
		}
	default:
		resp.Body.Close()
		return nil, "", fmt.Errorf("%w: GET %s: unexpected status %d to a Range request", ErrServer, sanitizeURL(u), resp.StatusCode)
	}
	return partReader{io.LimitReader(resp.Body, end-start), resp.Body}, resp.Request.URL.String(), nil
}
