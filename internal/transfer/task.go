package transfer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/hfhub-go/hfhub/internal/fsutil"
	"github.com/hfhub-go/hfhub/internal/gitblob"
)

// part is one byte range [start, end) of the file; done bytes from start are
// written. end is -1 while the size is unknown.
type part struct {
	start, end int64
	done       atomic.Int64
	// wb is how many bytes from start have been handed to startWriteback;
	// only the goroutine fetching the part touches it.
	wb int64
}

func (p *part) remaining() int64 {
	if p.end < 0 {
		return -1
	}
	return p.end - p.start - p.done.Load()
}

// layout is how the file is cut into parts; replaced as a whole (atomically)
// when a server that ignores Range forces one stream.
type layout struct {
	partSize int64
	parts    []*part
}

// task is the state of one attempt of one Job.
type task struct {
	e        *Engine
	job      Job
	f        *os.File
	size     int64 // -1 while unknown
	lay      atomic.Pointer[layout]
	resumed  int64
	journal  string // path; "" when not journaling
	parallel bool

	mu       sync.Mutex
	finalURL string

	wbq       chan [2]int64 // writeback requests (offset, length); nil: inline
	wake      chan struct{} // hasher wake-up, capacity 1
	ckpt      chan struct{} // checkpoint request, capacity 1
	sinceCkpt atomic.Int64
	ckptMu    sync.Mutex
	lastCkpt  []int64
}

// open prepares the temporary file: it resumes from a matching journal or
// starts afresh.
func (e *Engine) open(job Job) (*task, error) {
	t := &task{
		e: e, job: job, size: job.Size,
		wake: make(chan struct{}, 1),
		ckpt: make(chan struct{}, 1),
	}
	jmin := e.journalMin()
	if jmin >= 0 && job.Size >= jmin && job.Want != "" {
		t.journal = JournalPath(job.Temp)
	}
	if t.journal != "" {
		if j, ok := readJournal(t.journal, job); ok {
			if f, err := os.OpenFile(job.Temp, os.O_RDWR, 0); err == nil {
				if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() == job.Size {
					t.f = f
					t.makeParts(j.PartSize)
					for i, d := range j.Done {
						t.parts()[i].done.Store(d)
						t.resumed += d
					}
					t.lastCkpt = j.Done
					return t, nil
				}
				_ = f.Close() // unusable leftover; recreated below
			}
		}
	}
	// Fresh start: no journal of ours survives for a file we truncate.
	if t.journal != "" {
		if err := os.Remove(t.journal); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, &localError{fmt.Errorf("removing stale resume journal: %w", err)}
		}
	}
	f, err := os.OpenFile(job.Temp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
	if err != nil {
		return nil, &localError{fmt.Errorf("creating temporary file: %w", err)}
	}
	if job.Perm != 0 {
		if err := f.Chmod(job.Perm); err != nil {
			_ = f.Close()           // already failing
			_ = os.Remove(job.Temp) // nothing worth keeping
			return nil, &localError{fmt.Errorf("setting mode of %s: %w", job.Temp, err)}
		}
	}
	if job.Size >= preallocMin {
		if err := preallocate(f, job.Size); err != nil {
			_ = f.Close()           // already failing
			_ = os.Remove(job.Temp) // nothing worth keeping
			return nil, &localError{fmt.Errorf("reserving %d bytes for %s: %w", job.Size, job.Temp, err)}
		}
	}
	t.f = f
	th := e.threshold()
	if job.Size >= 0 && th >= 0 && job.Size >= th && e.connections() > 1 {
		t.makeParts(e.partSize(job.Size))
	} else {
		t.makeParts(max(job.Size, 1))
	}
	return t, nil
}

func (t *task) parts() []*part { return t.lay.Load().parts }

func (t *task) makeParts(partSize int64) {
	if t.size < 0 {
		t.lay.Store(&layout{partSize: partSize, parts: []*part{{start: 0, end: -1}}})
		return
	}
	n := numParts(t.size, partSize)
	parts := make([]*part, n)
	for i := range n {
		start := int64(i) * partSize
		parts[i] = &part{start: start, end: min(start+partSize, t.size)}
	}
	t.lay.Store(&layout{partSize: partSize, parts: parts})
}

// mergeToSingle replaces the parts by one part covering the whole file whose
// progress is the current contiguous prefix (used when ranges are ignored).
// No worker may be running.
func (t *task) mergeToSingle() {
	w := t.watermark()
	p := &part{start: 0, end: t.size}
	p.done.Store(w)
	t.lay.Store(&layout{partSize: max(t.size, 1), parts: []*part{p}})
}

// watermark is the length of the contiguous written prefix.
func (t *task) watermark() int64 {
	for _, p := range t.parts() {
		d := p.done.Load()
		if p.end < 0 || p.start+d < p.end {
			return p.start + d
		}
	}
	return max(t.size, 0)
}

func (t *task) written() int64 {
	var n int64
	for _, p := range t.parts() {
		n += p.done.Load()
	}
	return n
}

func (t *task) url() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.finalURL != "" {
		return t.finalURL
	}
	return t.job.URL
}

func (t *task) setFinalURL(u string) {
	t.mu.Lock()
	t.finalURL = u
	t.mu.Unlock()
}

func (t *task) notifyHasher() {
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

// added accounts for n new bytes: observer, hasher and checkpoint trigger.
func (t *task) added(n int64) {
	if t.job.Observer != nil {
		t.job.Observer.Advanced(n)
	}
	t.notifyHasher()
	if t.journal != "" && t.sinceCkpt.Add(n) >= t.e.checkpointBytes() {
		t.sinceCkpt.Store(0)
		select {
		case t.ckpt <- struct{}{}:
		default:
		}
	}
}

// checkpoint fsyncs the data and records the progress that is now durable.
func (t *task) checkpoint() error {
	if t.journal == "" || t.size < 0 {
		return nil
	}
	t.ckptMu.Lock()
	defer t.ckptMu.Unlock()
	lay := t.lay.Load()
	parts := lay.parts
	done := make([]int64, len(parts))
	var total int64
	for i, p := range parts {
		done[i] = p.done.Load() // read before the sync: all of it is durable after
		total += done[i]
	}
	if slicesEqual(done, t.lastCkpt) {
		return nil
	}
	if err := datasync(t.f); err != nil {
		return &localError{fmt.Errorf("syncing %s: %w", t.job.Temp, err)}
	}
	j := journal{
		Version: journalVersion, Size: t.size, PartSize: lay.partSize,
		Hash: t.job.Hash.String(), Want: t.job.Want, Done: done,
	}
	if err := writeJournal(t.journal, j); err != nil {
		return &localError{err}
	}
	t.lastCkpt = done
	if co, ok := t.job.Observer.(CheckpointObserver); ok {
		co.Checkpointed(total)
	}
	return nil
}

func slicesEqual(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// discard deletes the temporary file and its journal.
func (t *task) discard() {
	_ = t.f.Close()           // best effort: the file is being thrown away
	_ = os.Remove(t.job.Temp) // best effort
	if t.journal != "" {
		_ = os.Remove(t.journal) // best effort
	}
}

// keep saves the progress for a later resume and closes the file.
func (t *task) keep() error {
	err := t.checkpoint()
	if cerr := t.f.Close(); err == nil {
		err = cerr
	}
	if t.journal == "" {
		_ = os.Remove(t.job.Temp) // no journal: nothing can resume from it
	}
	return err
}

// newHash returns the digest for the job (nil for NoHash).
func (t *task) newHash() hash.Hash {
	switch t.job.Hash {
	case SHA256:
		return sha256.New()
	case GitSHA1:
		return gitblob.NewHash(t.size)
	}
	return nil
}

// publish checks the digest, makes the file durable and renames it into place.
func (t *task) publish(sum []byte) (err error) {
	defer func() {
		if err != nil {
			t.discard()
		}
	}()
	if sum != nil {
		if got := hex.EncodeToString(sum); got != t.job.Want {
			return &ChecksumError{Path: t.job.Dest, Kind: t.job.Hash, Want: t.job.Want, Got: got}
		}
	}
	if err := t.f.Sync(); err != nil {
		return &localError{fmt.Errorf("syncing %s: %w", t.job.Temp, err)}
	}
	if err := t.f.Close(); err != nil {
		return &localError{fmt.Errorf("closing %s: %w", t.job.Temp, err)}
	}
	if err := os.Rename(t.job.Temp, t.job.Dest); err != nil {
		return &localError{fmt.Errorf("moving download into place: %w", err)}
	}
	if t.journal != "" {
		_ = os.Remove(t.journal) // best effort: a journal without its temp file is ignored
	}
	if t.job.NoDirSync {
		return nil
	}
	if err := fsutil.SyncDir(filepath.Dir(t.job.Dest)); err != nil {
		return &localError{fmt.Errorf("syncing %s: %w", filepath.Dir(t.job.Dest), err)}
	}
	return nil
}

// hashPrefix follows the watermark, hashing each newly contiguous byte as it
// lands on disk (read back from the page cache), until finished is closed and
// the whole file is hashed. It returns the digest.
func (t *task) hashPrefix(ctx context.Context, h hash.Hash, finished <-chan struct{}) ([]byte, error) {
	buf := getBuf(t.e.bufferSize())
	defer putBuf(buf)
	var hashed int64
	catchUp := func() error {
		for w := t.watermark(); hashed < w; {
			n := min(int64(len(*buf)), w-hashed)
			m, err := t.f.ReadAt((*buf)[:n], hashed)
			if m > 0 {
				h.Write((*buf)[:m])
				hashed += int64(m)
			}
			if err != nil && int64(m) < n {
				return &localError{fmt.Errorf("reading back %s: %w", t.job.Temp, err)}
			}
		}
		return nil
	}
	for {
		if err := catchUp(); err != nil {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-t.wake:
		case <-finished:
			if err := catchUp(); err != nil {
				return nil, err
			}
			if hashed != t.size {
				return nil, fmt.Errorf("transfer: internal error: hashed %d of %d bytes", hashed, t.size)
			}
			return h.Sum(nil), nil
		}
	}
}
