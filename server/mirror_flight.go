package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hfhub-go/hfhub/internal/gitblob"
	"github.com/hfhub-go/hfhub/objstore"
)

// ErrCorruptBlob is the error readers of a shared transfer get when the
// bytes the upstream sent do not match the announced hash.
var ErrCorruptBlob = errors.New("mirror: the upstream sent content that does not match its announced hash; it was refused")

// flightChunk is how many bytes are read from the upstream between two
// wake-ups of the waiting readers.
const flightChunk = 256 << 10

// flightAttempts bounds how many times a transfer is resumed.
const flightAttempts = 6

// flight is one upstream transfer of a blob, shared by every request for
// it while it runs. Bytes are written to a spool file; readers follow the
// write offset, and the last byte becomes readable only after the hash
// check passed.
type flight struct {
	m    *Mirror
	key  string
	rec  fileRecord
	url  string
	path string
	file *os.File

	mu       sync.Mutex
	written  int64
	verified bool
	err      error
	changed  chan struct{} // closed and replaced on every change
	refs     int           // the transfer itself plus open readers
	moved    bool          // the spool file left path (renamed or removed)
}

// errBlobStored reports that a transfer finished, and its blob reached
// the store, between the caller's look in the store and flightFor.
var errBlobStored = errors.New("mirror: the blob is stored now")

// flightFor joins the transfer of key, starting it if none runs. The
// caller must Close the reader it gets from the flight. It returns
// errBlobStored when no transfer runs because one just finished: a flight
// leaves m.flights (under m.flMu) only after its blob is in the store, so
// looking in the store again under the lock closes the window in which a
// second request would fetch the blob upstream again.
func (m *Mirror) flightFor(ctx context.Context, key string, rec *fileRecord, url string) (*flight, error) {
	m.flMu.Lock()
	defer m.flMu.Unlock()
	if f := m.flights[key]; f != nil {
		f.mu.Lock()
		f.refs++
		f.mu.Unlock()
		return f, nil
	}
	if info, err := m.opts.Store.Stat(ctx, key); err == nil && info.Size == rec.Size {
		return nil, errBlobStored
	}
	file, err := m.spoolFile()
	if err != nil {
		return nil, fmt.Errorf("cannot create a spool file for %s: %w", key, err)
	}
	f := &flight{m: m, key: key, rec: *rec, url: url, path: file.Name(), file: file,
		changed: make(chan struct{}), refs: 2}
	m.flights[key] = f
	m.running++
	m.wg.Add(1)
	m.metrics.Add(MetricTransfers, 1)
	go f.run()
	return f, nil
}

// spoolFile creates the file a blob is assembled in.
func (m *Mirror) spoolFile() (*os.File, error) {
	if m.opts.SpoolDir != "" {
		return os.CreateTemp(m.opts.SpoolDir, "blob-*")
	}
	if d, ok := m.opts.Store.(*objstore.Disk); ok {
		return d.TempFile()
	}
	return os.CreateTemp("", "hfhub-mirror-*")
}

// notify wakes the readers; the caller holds f.mu.
func (f *flight) notify() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// release drops one reference; the last one closes the spool file.
func (f *flight) release() {
	f.mu.Lock()
	f.refs--
	last := f.refs == 0
	f.mu.Unlock()
	if last {
		f.file.Close()
		if !f.moved {
			os.Remove(f.path)
		}
	}
}

func (f *flight) run() {
	m := f.m
	defer m.wg.Done()
	defer m.metrics.Add(MetricTransfers, -1)
	err := f.transfer()
	if err != nil {
		f.mu.Lock()
		f.err = err
		f.notify()
		f.mu.Unlock()
		m.finished(f)
		os.Remove(f.path) // open readers keep their descriptor
		f.moved = true
		f.release()
		return
	}
	f.mu.Lock()
	f.verified = true
	f.notify()
	f.mu.Unlock()
	f.keep()
	m.finished(f)
	f.release()
}

// finished forgets a transfer: later requests go to the store.
func (m *Mirror) finished(f *flight) {
	m.flMu.Lock()
	delete(m.flights, f.key)
	m.running--
	m.flCond.Broadcast()
	m.flMu.Unlock()
}

// keep moves the verified spool file into the store.
func (f *flight) keep() {
	m := f.m
	var err error
	if err = f.file.Sync(); err == nil {
		if mv, ok := m.opts.Store.(objstore.FileMover); ok {
			err = mv.MoveFile(m.ctx, f.key, f.path)
		} else {
			err = m.opts.Store.Put(m.ctx, f.key, io.NewSectionReader(f.file, 0, f.rec.Size), f.rec.Size)
			os.Remove(f.path)
		}
	}
	f.moved = true
	if err != nil {
		m.metrics.Add(MetricUpstreamErrors, 1, "kind", "store")
		m.log.Error("cannot keep blob", "blob", f.key, "store", m.opts.Store.String(), "error", err.Error())
		return
	}
	m.lru.add(f.key, f.rec.Size)
}

// newHasher returns the hash the content must match: sha256 for LFS
// files, the git blob id for regular ones.
func newHasher(rec fileRecord) hash.Hash {
	if len(rec.ETag) == 64 {
		return sha256.New()
	}
	return gitblob.NewHash(rec.Size)
}

// permanentError stops retries.
type permanentError struct{ error }

func (e permanentError) Unwrap() error { return e.error }

// transfer downloads the blob, resuming after failures, and checks it.
func (f *flight) transfer() error {
	m := f.m
	h := newHasher(f.rec)
	var err error
	for attempt := 0; f.written < f.rec.Size; attempt++ {
		if attempt > 0 {
			if attempt >= flightAttempts {
				return fmt.Errorf("mirror: fetching %s from the upstream failed %d times, last: %w", f.key, attempt, err)
			}
			select {
			case <-time.After(min(time.Duration(1<<attempt)*100*time.Millisecond, 5*time.Second)):
			case <-m.ctx.Done():
				return m.ctx.Err()
			}
		}
		err = f.attempt(h)
		var pe permanentError
		if errors.As(err, &pe) || m.ctx.Err() != nil {
			return err
		}
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != f.rec.ETag {
		m.metrics.Add(MetricUpstreamErrors, 1, "kind", "corrupt")
		m.log.Error("refused corrupt blob from upstream", "blob", f.key, "url", f.url, "got", got, "size", f.rec.Size)
		return ErrCorruptBlob
	}
	return nil
}

// attempt runs one upstream GET from the current offset.
func (f *flight) attempt(h hash.Hash) error {
	m := f.m
	ctx, cancel := context.WithCancel(m.ctx)
	defer cancel()
	stall := time.AfterFunc(m.opts.StallTimeout, cancel)
	defer stall.Stop()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.url, nil)
	if err != nil {
		return permanentError{err}
	}
	m.authorize(req)
	req.Header.Set("Accept-Encoding", "identity")
	start := f.written
	if start > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(start, 10)+"-")
	}
	m.metrics.Add(MetricUpstreamReqs, 1, "kind", "blob")
	resp, err := m.follow.Do(req)
	if err != nil {
		m.upstreamError("network", err)
		return err
	}
	defer resp.Body.Close()
	skip := int64(0)
	switch {
	case resp.StatusCode == http.StatusOK:
		skip = start // the range was ignored: drop what we have
	case resp.StatusCode == http.StatusPartialContent && start > 0:
		if !strings.HasPrefix(resp.Header.Get("Content-Range"), "bytes "+strconv.FormatInt(start, 10)+"-") {
			err := fmt.Errorf("upstream answered range %d- with %q", start, resp.Header.Get("Content-Range"))
			m.upstreamError("status", err)
			return err
		}
	case resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusRequestTimeout && resp.StatusCode != http.StatusTooManyRequests:
		err := fmt.Errorf("upstream refused %s: %s %s", f.key, resp.Status, resp.Header.Get("X-Error-Message"))
		m.upstreamError("status", err)
		return permanentError{err}
	default:
		err := fmt.Errorf("upstream answered %s for %s", resp.Status, f.key)
		m.upstreamError("status", err)
		return err
	}
	if skip > 0 {
		if _, err := io.CopyN(io.Discard, resp.Body, skip); err != nil {
			m.upstreamError("network", err)
			return err
		}
	}
	buf := make([]byte, flightChunk)
	for {
		n, rerr := io.ReadFull(resp.Body, buf)
		if n > 0 {
			stall.Reset(m.opts.StallTimeout)
			if f.written+int64(n) > f.rec.Size {
				m.metrics.Add(MetricUpstreamErrors, 1, "kind", "corrupt")
				return permanentError{fmt.Errorf("%w: more than the announced %d bytes", ErrCorruptBlob, f.rec.Size)}
			}
			if _, err := f.file.WriteAt(buf[:n], f.written); err != nil {
				return permanentError{fmt.Errorf("mirror: spool file: %w", err)}
			}
			h.Write(buf[:n])
			m.metrics.Add(MetricUpstreamBytes, float64(n))
			f.mu.Lock()
			f.written += int64(n)
			f.notify()
			f.mu.Unlock()
		}
		switch {
		case rerr == io.EOF || rerr == io.ErrUnexpectedEOF:
			if f.written < f.rec.Size {
				m.upstreamError("short", fmt.Errorf("%s: body ended at %d of %d bytes", f.key, f.written, f.rec.Size))
				return fmt.Errorf("upstream body ended at byte %d of %d", f.written, f.rec.Size)
			}
			return nil
		case rerr != nil:
			m.upstreamError("network", rerr)
			return rerr
		}
	}
}

// readable waits until byte pos can be read and returns the readable
// limit. Until the hash is checked the last byte is held back.
func (f *flight) readable(ctx context.Context, pos int64) (int64, error) {
	for {
		f.mu.Lock()
		if f.err != nil {
			err := f.err
			f.mu.Unlock()
			return 0, err
		}
		limit := f.written
		if !f.verified && limit >= f.rec.Size {
			limit = f.rec.Size - 1
		}
		if limit > pos {
			f.mu.Unlock()
			return limit, nil
		}
		ch := f.changed
		f.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
}

// reader streams bytes [off, off+n) as they arrive.
func (f *flight) reader(ctx context.Context, off, n int64) io.ReadCloser {
	return &flightReader{f: f, ctx: ctx, pos: off, end: off + n}
}

type flightReader struct {
	f      *flight
	ctx    context.Context
	pos    int64
	end    int64
	closed bool
}

func (r *flightReader) Read(p []byte) (int, error) {
	if r.pos >= r.end {
		return 0, io.EOF
	}
	limit, err := r.f.readable(r.ctx, r.pos)
	if err != nil {
		return 0, err
	}
	n := int(min(int64(len(p)), limit-r.pos, r.end-r.pos))
	n, err = r.f.file.ReadAt(p[:n], r.pos)
	r.pos += int64(n)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}

func (r *flightReader) Close() error {
	if !r.closed {
		r.closed = true
		r.f.release()
	}
	return nil
}
