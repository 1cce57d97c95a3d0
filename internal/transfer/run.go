package transfer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
)

// inlineHashMax is the largest file hashed after its transfer rather than
// during it (see run).
const inlineHashMax = 1 << 20

// preallocMin is the smallest file whose space is reserved up front; below
// it the first write allocates as soon anyway, and an fallocate'd extent
// only adds work for the fsync.
const preallocMin = 1 << 20

var bufPool sync.Pool

func getBuf(size int) *[]byte {
	if b, ok := bufPool.Get().(*[]byte); ok && len(*b) == size {
		return b
	}
	b := make([]byte, size)
	return &b
}

func putBuf(b *[]byte) { bufPool.Put(b) }

// run downloads what is missing, verifies, and publishes. On failure it
// keeps or discards the temporary file according to the error.
func (t *task) run(ctx context.Context) (err error) {
	if t.job.Observer != nil {
		t.job.Observer.Started(t.size, t.resumed)
	}
	h := t.newHash()
	hctx, hcancel := context.WithCancel(ctx)
	defer hcancel()
	finished := make(chan struct{})
	var sum []byte
	var herr error
	var hwg sync.WaitGroup
	// Large files are hashed by a second goroutine while they arrive; small
	// ones (and those of unknown size) after the transfer, from the page
	// cache, which costs less than a goroutine and its wake-ups.
	if h != nil && t.size > inlineHashMax {
		hwg.Go(func() { sum, herr = t.hashPrefix(hctx, h, finished) })
	}
	stopCkpt := make(chan struct{})
	var cwg sync.WaitGroup
	var ckptErr atomic.Value
	if t.journal != "" {
		cwg.Go(func() {
			interval := t.e.checkpointInterval()
			var last time.Time
			for {
				select {
				case <-stopCkpt:
					return
				case <-t.ckpt:
					// Space checkpoints out: each one waits for the disk.
					if wait := interval - time.Since(last); !last.IsZero() && wait > 0 {
						if sleepUntilStop(stopCkpt, wait) {
							return // the final state is saved by keep or publish
						}
					}
					if err := t.checkpoint(); err != nil {
						ckptErr.Store(err)
					}
					last = time.Now()
				}
			}
		})
	}

	// Writeback requests go to their own goroutine: starting disk writes can
	// block on a busy device, and the connections should keep reading.
	var wwg sync.WaitGroup
	if wb := t.e.writebackBytes(); wb > 0 && (t.size < 0 || t.size > wb) {
		t.wbq = make(chan [2]int64, 16)
		wwg.Go(func() {
			for r := range t.wbq {
				startWriteback(t.f, r[0], r[1])
			}
		})
	}
	err = t.fetchAll(ctx)
	if t.wbq != nil {
		close(t.wbq)
		wwg.Wait()
	}
	close(stopCkpt)
	cwg.Wait()
	if err == nil {
		if v := ckptErr.Load(); v != nil {
			err = v.(error)
		}
	}
	if err == nil {
		close(finished)
	} else {
		hcancel()
	}
	hwg.Wait()
	if err == nil && h != nil && t.size >= 0 && sum == nil && herr == nil {
		sum, herr = t.hashPrefix(hctx, h, finished) // small, or size unknown until EOF
	}
	if err == nil {
		err = herr
	}
	if err != nil {
		if resumable(err) {
			if kerr := t.keep(); kerr != nil {
				err = errors.Join(err, kerr)
			}
		} else {
			t.discard()
		}
		return err
	}
	if t.size >= 0 && t.watermark() != t.size {
		err = fmt.Errorf("transfer: internal error: %d of %d bytes written", t.watermark(), t.size)
		t.discard()
		return err
	}
	return t.publish(sum)
}

// fetchAll downloads every missing part: one stream, or a probe request
// followed by parallel workers.
func (t *task) fetchAll(ctx context.Context) error {
	if t.size == 0 || t.size > 0 && t.watermark() == t.size {
		return nil
	}
	parts := t.parts()
	if len(parts) == 1 {
		return t.fetchPart(ctx, parts[0], true, nil)
	}
	t.parallel = true
	// Workers take the lowest unstarted part; the first request also probes
	// that the server honours Range before the others start.
	var next atomic.Int64
	take := func() *part {
		for {
			i := next.Add(1) - 1
			if int(i) >= len(parts) {
				return nil
			}
			if p := parts[i]; p.remaining() > 0 {
				return p
			}
		}
	}
	first := take()
	if first == nil {
		return nil
	}
	probed := make(chan struct{})
	var probeOnce sync.Once
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		err := t.fetchPart(gctx, first, false, func() { probeOnce.Do(func() { close(probed) }) })
		probeOnce.Do(func() { close(probed) })
		if err != nil {
			return err
		}
		for p := take(); p != nil; p = take() {
			if err := t.fetchPart(gctx, p, false, nil); err != nil {
				return err
			}
		}
		return nil
	})
	select {
	case <-probed:
	case <-gctx.Done():
	}
	for range t.e.connections() - 1 {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			for p := take(); p != nil; p = take() {
				if err := t.fetchPart(gctx, p, false, nil); err != nil {
					return err
				}
			}
			return nil
		})
	}
	err := g.Wait()
	if errors.Is(err, errRangeIgnored) && ctx.Err() == nil {
		// The server sends whole files only: continue in one stream.
		t.ckptMu.Lock()
		t.mergeToSingle()
		t.ckptMu.Unlock()
		t.parallel = false
		return t.fetchPart(ctx, t.parts()[0], true, nil)
	}
	return err
}

// fetchPart downloads the rest of p, retrying with back-off. single means p
// is the whole file (a 200 answer is then used, from offset 0). onHeaders,
// if set, runs when the first response's headers have arrived.
func (t *task) fetchPart(ctx context.Context, p *part, single bool, onHeaders func()) error {
	failures := 0
	triedOrigin := false
	for {
		if r := p.remaining(); r == 0 {
			return nil
		}
		before := p.done.Load()
		err := t.fetchOnce(ctx, p, single, onHeaders)
		if err == nil {
			if p.remaining() <= 0 { // complete (or unknown size reached EOF)
				return nil
			}
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, errRangeIgnored) {
			return err
		}
		var se *statusError
		if errors.As(err, &se) && !retryableStatus(se.status) {
			// A presigned redirect target may have expired: go back to the
			// original URL once before giving up.
			if !triedOrigin && t.url() != t.job.URL {
				triedOrigin = true
				t.setFinalURL("")
				continue
			}
			return err
		}
		if !retryable(err) {
			return err
		}
		if p.done.Load() > before {
			failures = 0
		}
		failures++
		if failures > t.e.maxRetries() {
			return err
		}
		wait := t.e.backoff(failures)
		if se != nil && se.retryAfter > 0 {
			wait = se.retryAfter
		}
		if err := sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// fetchOnce sends one request for the rest of p and streams the body into the
// file.
func (t *task) fetchOnce(ctx context.Context, p *part, single bool, onHeaders func()) error {
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var stalled atomic.Bool
	stall := t.e.stall()
	timer := time.AfterFunc(stall, func() { stalled.Store(true); cancel() })
	defer timer.Stop()
	wrap := func(err error) error {
		if stalled.Load() && ctx.Err() == nil {
			return &stallError{stall}
		}
		return err
	}

	off := p.start + p.done.Load()
	req, err := t.e.newRequest(rctx, t.url())
	if err != nil {
		return err
	}
	ranged := off > 0 || p.end >= 0 && p.end < t.size || !single
	if ranged {
		if p.end >= 0 {
			req.Header.Set("Range", "bytes="+strconv.FormatInt(off, 10)+"-"+strconv.FormatInt(p.end-1, 10))
		} else {
			req.Header.Set("Range", "bytes="+strconv.FormatInt(off, 10)+"-")
		}
	}
	resp, err := t.e.client().Do(req)
	if err != nil {
		return wrap(err)
	}
	defer resp.Body.Close()
	if resp.Request != nil && resp.Request.URL != nil {
		t.setFinalURL(resp.Request.URL.String())
	}
	if onHeaders != nil {
		onHeaders()
	}
	switch resp.StatusCode {
	case http.StatusPartialContent:
		if !ranged {
			return &statusError{status: resp.StatusCode, mapped: fmt.Errorf("GET %s: unexpected 206 to a request without Range", sanitizeURL(t.url()))}
		}
		start, total, err := parseContentRange(resp.Header.Get("Content-Range"))
		if err != nil {
			return fmt.Errorf("GET %s: %w", sanitizeURL(t.url()), err)
		}
		if total >= 0 && t.size >= 0 && total != t.size {
			return &SizeError{URL: sanitizeURL(t.url()), Want: t.size, Got: total}
		}
		if start != off {
			return fmt.Errorf("GET %s: asked for bytes from %d, got from %d", sanitizeURL(t.url()), off, start)
		}
	case http.StatusOK:
		if ranged {
			if !single {
				return errRangeIgnored
			}
			// A whole body in answer to a resume: start over from 0.
			if d := p.done.Swap(0); d > 0 && t.job.Observer != nil {
				t.job.Observer.Advanced(-d)
			}
			off = 0
		}
		if t.size >= 0 && resp.ContentLength >= 0 && resp.ContentLength != t.size {
			return &SizeError{URL: sanitizeURL(t.url()), Want: t.size, Got: resp.ContentLength}
		}
	default:
		var mapped error
		if t.e.CheckResponse != nil {
			mapped = t.e.CheckResponse(resp)
		}
		if mapped == nil {
			mapped = &HTTPError{URL: sanitizeURL(t.url()), Status: resp.StatusCode, RetryAfter: retryAfter(resp.Header)}
		}
		return &statusError{status: resp.StatusCode, retryAfter: retryAfter(resp.Header), mapped: mapped}
	}
	return wrap(t.stream(ctx, p, resp.Body, timer, stall))
}

// stream copies body into p's range of the file.
func (t *task) stream(ctx context.Context, p *part, body io.Reader, timer *time.Timer, stall time.Duration) error {
	bp := getBuf(t.e.bufferSize())
	defer putBuf(bp)
	buf := *bp
	wb := t.e.writebackBytes()
	for {
		want := len(buf)
		if r := p.remaining(); r >= 0 {
			if r == 0 {
				if t.size >= 0 && p.end == t.size {
					// Last part: a longer body means the file is not what we expect.
					var one [1]byte
					if n, _ := io.ReadFull(body, one[:]); n > 0 {
						return &SizeError{URL: sanitizeURL(t.url()), Want: t.size, Got: t.size + 1}
					}
				}
				return nil
			}
			want = int(min(int64(want), r))
		}
		n, rerr := fill(body, buf[:want], timer, stall)
		if n > 0 {
			if lim := t.e.Limiter; lim != nil {
				if err := waitN(ctx, lim, n); err != nil {
					return err
				}
			}
			off := p.start + p.done.Load()
			if _, err := t.f.WriteAt(buf[:n], off); err != nil {
				return &localError{fmt.Errorf("writing %s: %w", t.job.Temp, err)}
			}
			done := p.done.Add(int64(n))
			t.added(int64(n))
			if wb > 0 && done-p.wb >= wb {
				t.writeback(p.start+p.wb, done-p.wb)
				p.wb = done
			}
		}
		if rerr == io.EOF {
			if p.end < 0 {
				t.size = p.done.Load()
				p.end = t.size
				return nil
			}
			if p.remaining() > 0 {
				return io.ErrUnexpectedEOF
			}
			return nil
		}
		if rerr != nil {
			return rerr
		}
	}
}

// writeback starts the disk writes of [off, off+n): on the writeback
// goroutine, or here when its queue is full.
func (t *task) writeback(off, n int64) {
	if t.wbq != nil {
		select {
		case t.wbq <- [2]int64{off, n}:
			return
		default:
		}
	}
	startWriteback(t.f, off, n)
}

// sleepUntilStop waits d; it reports true if stop was closed first.
func sleepUntilStop(stop <-chan struct{}, d time.Duration) bool {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-stop:
		return true
	case <-tm.C:
		return false
	}
}

// fill reads into buf until it is full or the body ends or fails, pushing the
// stall deadline back after every read that delivers bytes.
func fill(body io.Reader, buf []byte, timer *time.Timer, stall time.Duration) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := body.Read(buf[n:])
		if m > 0 {
			n += m
			timer.Reset(stall)
		}
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

type waiter interface {
	Burst() int
	WaitN(ctx context.Context, n int) error
}

// waitN takes n tokens from lim in bursts it can grant.
func waitN(ctx context.Context, lim waiter, n int) error {
	b := lim.Burst()
	if b <= 0 {
		return nil
	}
	for n > 0 {
		k := min(n, b)
		if err := lim.WaitN(ctx, k); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// parseContentRange parses "bytes a-b/total" (total may be "*", then -1).
func parseContentRange(v string) (start, total int64, err error) {
	rest, ok := strings.CutPrefix(v, "bytes ")
	if !ok {
		return 0, 0, fmt.Errorf("bad Content-Range %q", v)
	}
	rng, tot, ok := strings.Cut(rest, "/")
	if !ok {
		return 0, 0, fmt.Errorf("bad Content-Range %q", v)
	}
	a, b, ok := strings.Cut(rng, "-")
	if !ok {
		return 0, 0, fmt.Errorf("bad Content-Range %q", v)
	}
	start, err1 := strconv.ParseInt(a, 10, 64)
	end, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil || start < 0 || end < start {
		return 0, 0, fmt.Errorf("bad Content-Range %q", v)
	}
	total = -1
	if tot != "*" {
		total, err = strconv.ParseInt(tot, 10, 64)
		if err != nil || total <= end {
			return 0, 0, fmt.Errorf("bad Content-Range %q", v)
		}
	}
	return start, total, nil
}
