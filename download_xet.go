package hfhub

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/hfhub-go/hfhub/internal/fsutil"
	"github.com/hfhub-go/hfhub/xet"
)

// Native Xet downloads (docs/xet.md, spec xet-protocol.md §3.7): the file's
// reconstruction is asked from the CAS, its terms planned into fetch units
// (each xorb range fetched once, however many terms use it), the units
// fetched in parallel straight from their presigned URLs and decoded one
// chunk at a time into the blob's temporary file at every offset that needs
// them. Memory is bounded by Connections × (one 128 KiB chunk + one payload
// + the LZ4 window + the HTTP buffer), about 1 MiB per connection, plus 40
// bytes per chunk of the file for its Xet hash (640 KiB per GiB). The Xet
// file hash (from the decoded chunks) and the sha256 etag (one sequential
// read of the finished file) are both checked before the rename.

// xetFile is what a Xet download needs beyond the LFS metadata.
type xetFile struct {
	hash    xet.Hash
	refresh string // read-token route, absolute
}

// WithXet turns native Xet downloads on (the default) or off (false: files
// are fetched through the /resolve redirect, as HF_HUB_DISABLE_XET=1 does).
func WithXet(enabled bool) Option {
	return func(o *clientOptions) error {
		o.set("HF_HUB_DISABLE_XET", strconv.FormatBool(!enabled))
		return nil
	}
}

// xetInfo returns the Xet data of a HEAD answer when Xet is on and the
// answer names a Xet file (X-Xet-Hash of 64 hex digits and a refresh route).
func (c *Client) xetInfo(hash, refresh string) *xetFile {
	if c.cfg.DisableXet || refresh == "" {
		return nil
	}
	h, err := xet.ParseHash(hash)
	if err != nil {
		return nil
	}
	return &xetFile{hash: h, refresh: c.xetRefreshRoute(refresh)}
}

// xetKnown is xetInfo for a file known from a tree listing at a commit:
// the refresh route is the repo's read-token route at that commit.
func (c *Client) xetKnown(rt RepoType, id, commit, hash string) *xetFile {
	return c.xetInfo(hash, c.apiRepoURL(rt, id, "xet-read-token", commit))
}

// warnXetFallback logs the first fall-back to the 302 of this client.
func (c *Client) warnXetFallback(err error) {
	if c.xet.warned.CompareAndSwap(false, true) {
		c.logger.Warn("hfhub: Xet storage unavailable, downloading through the Hub's redirect instead (set HF_HUB_DISABLE_XET=1 to skip Xet)", "err", err)
	}
}

// xetUnavailable reports whether err means the CAS cannot be used: no
// answer, a server error, or a missing route.
func xetUnavailable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if _, ok := errors.AsType[*RequestError](err); ok {
		return true
	}
	if he, ok := errors.AsType[*HubError](err); ok {
		return he.StatusCode >= 500 || he.StatusCode == 404 || he.StatusCode == 405 || he.StatusCode == 429 || he.StatusCode == 501
	}
	return false
}

// xetDownload is one Xet transfer into a temporary file.
type xetDownload struct {
	c     *Client
	r     *fileRequest
	meta  *resolvedFile
	xf    *xetFile
	f     *os.File
	temp  string
	cache *xetChunkCache

	segSize int64
	fh      xet.FileHasher
	mu      sync.Mutex
	done    map[int]bool // finished segments
	resumed bool

	fetched, fromCache atomic.Int64 // serialized bytes from the network, from the chunk cache
}

// XetStats reports how a file's bytes moved (ProgressEvent.Xet).
type XetStats struct {
	// Fetched is the serialized xorb bytes fetched from the network.
	Fetched int64
	// FromCache is the serialized xorb bytes read from the chunk cache.
	FromCache int64
}

// transferXet downloads meta through Xet into dest via temp.
func (c *Client) transferXet(ctx context.Context, r *fileRequest, meta *resolvedFile, dest, temp string) (*XetStats, error) {
	d := &xetDownload{c: c, r: r, meta: meta, xf: meta.xet, temp: temp, cache: c.xetChunkCache(), done: map[int]bool{}}
	if err := d.run(ctx); err != nil {
		return nil, err
	}
	if err := d.finish(dest); err != nil {
		return nil, err
	}
	return &XetStats{Fetched: d.fetched.Load(), FromCache: d.fromCache.Load()}, nil
}

// reconstruction asks the CAS for bytes [a, b] of the file: v2, or v1 when
// v2 is not served (remembered per client); a 401 refreshes the token once.
func (d *xetDownload) reconstruction(ctx context.Context, a, b int64) (*xet.Reconstruction, error) {
	c := d.c
	for attempt := 0; ; attempt++ {
		tok, err := c.xetToken(ctx, d.xf.refresh, attempt > 0)
		if err != nil {
			return nil, err
		}
		versions := []string{"v2", "v1"}
		if c.xet.v1Only.Load() {
			versions = versions[1:]
		}
		var rec *xet.Reconstruction
		for i, v := range versions {
			rec, err = d.queryCAS(ctx, tok, v, a, b)
			var he *HubError
			if i == 0 && len(versions) == 2 && errors.As(err, &he) && (he.StatusCode == 404 || he.StatusCode == 501) {
				continue // v2 not served: try v1
			}
			if err == nil && v == "v1" && len(versions) == 2 {
				c.xet.v1Only.Store(true)
			}
			break
		}
		var he *HubError
		if errors.As(err, &he) && he.StatusCode == http.StatusUnauthorized && attempt == 0 {
			continue // expired or revoked token: refresh once
		}
		return rec, err
	}
}

func (d *xetDownload) queryCAS(ctx context.Context, tok *xetToken, version string, a, b int64) (*xet.Reconstruction, error) {
	u := tok.CasURL + "/" + version + "/reconstructions/" + d.xf.hash.String()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", d.c.userAgent)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken) // the CAS token, never the Hub's
	req.Header.Set("Range", "bytes="+strconv.FormatInt(a, 10)+"-"+strconv.FormatInt(b, 10))
	resp, err := d.c.do(req, &reqOpts{Retry: retryIdempotent, BufferBody: true})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	dec := json.NewDecoder(resp.Body)
	if version == "v1" {
		var v1 xet.ReconstructionV1
		if err := dec.Decode(&v1); err != nil {
			return nil, fmt.Errorf("%w: reconstruction of %s: %v", ErrServer, d.xf.hash, err)
		}
		return v1.V2(), nil
	}
	var rec xet.Reconstruction
	if err := dec.Decode(&rec); err != nil {
		return nil, fmt.Errorf("%w: reconstruction of %s: %v", ErrServer, d.xf.hash, err)
	}
	return &rec, nil
}

// plan queries the reconstruction of segment i and plans it.
func (d *xetDownload) plan(ctx context.Context, i int) ([]*xet.Unit, error) {
	a, b := d.segment(i)
	rec, err := d.reconstruction(ctx, a, b)
	if err != nil {
		return nil, err
	}
	units, err := xet.Plan(rec, a, b-a+1)
	if err != nil {
		return nil, fmt.Errorf("%w: %s %s: %v", ErrServer, d.r.id, d.r.filename, err)
	}
	return units, nil
}

// Segments: the file is asked from the CAS and fetched in segments of
// segSize bytes (4 to 64 MiB, about two per connection), each queried
// with its own Range, so a big unit is split, an expired URL re-queries one
// segment, and a killed download resumes at segment granularity.
const (
	xetMinSegment = 4 << 20
	xetMaxSegment = 64 << 20
)

func xetSegmentSize(size int64, conns int) int64 {
	return min(max(size/int64(2*conns), xetMinSegment), xetMaxSegment)
}

func (d *xetDownload) segments() int { return int((d.meta.size + d.segSize - 1) / d.segSize) }

// segment returns the inclusive byte range of segment i.
func (d *xetDownload) segment(i int) (int64, int64) {
	a := int64(i) * d.segSize
	return a, min(a+d.segSize, d.meta.size) - 1
}

func (d *xetDownload) journalPath() string { return xetJournalPath(d.temp) }

// xetJournalPath names the journal beside the blob's temporary file; the
// .incomplete suffix lets Python's cleanup remove it with the partial file.
func xetJournalPath(temp string) string {
	return strings.TrimSuffix(temp, ".incomplete") + ".xet-journal.incomplete"
}

// xetJournal records the finished segments of a resumable Xet download.
type xetJournal struct {
	XetHash string `json:"xetHash"`
	Size    int64  `json:"size"`
	Segment int64  `json:"segment"`
	Done    []int  `json:"done"`
}

func (d *xetDownload) run(ctx context.Context) error {
	conns := d.r.o.Connections
	if conns <= 0 {
		conns = 8
	}
	d.segSize = xetSegmentSize(d.meta.size, conns)
	// Resume: the temporary file and a journal of the same file.
	if b, err := os.ReadFile(d.journalPath()); err == nil {
		var j xetJournal
		if json.Unmarshal(b, &j) == nil && j.XetHash == d.xf.hash.String() && j.Size == d.meta.size && j.Segment > 0 {
			if f, err := os.OpenFile(d.temp, os.O_RDWR, 0); err == nil {
				if st, err := f.Stat(); err == nil && st.Size() == d.meta.size {
					d.f, d.segSize = f, j.Segment
					for _, i := range j.Done {
						d.done[i] = true
					}
				} else {
					f.Close()
				}
			}
		}
	}
	if d.f == nil {
		d.done = map[int]bool{}
		_ = os.Remove(d.journalPath())
		f, err := os.OpenFile(d.temp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
		if err != nil {
			return fmt.Errorf("creating temporary file: %w", err)
		}
		if err := f.Truncate(d.meta.size); err != nil {
			f.Close()
			return fmt.Errorf("reserving %d bytes for %s: %w", d.meta.size, d.temp, err)
		}
		d.f = f
	}
	if d.r.cache.Options().GroupWritable {
		_ = d.f.Chmod(0o664)
	}
	if d.meta.size == 0 {
		return nil // nothing to fetch (the empty file's Xet hash is zero)
	}
	var resumedBytes int64
	var todo []int
	for i := range d.segments() {
		if d.done[i] {
			a, b := d.segment(i)
			resumedBytes += b - a + 1
			d.resumed = true
			continue
		}
		todo = append(todo, i)
	}
	if obs := d.r.o.Progress; obs != nil {
		obs.OnProgress(ProgressEvent{Kind: FileStarted, RepoID: d.r.id, Path: d.r.filename, Total: d.meta.size, Resumed: resumedBytes})
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(conns)
	decoders := sync.Pool{New: func() any { return xet.NewUnitDecoder() }}
	var sinceCkpt atomic.Int64
	for _, i := range todo {
		g.Go(func() error {
			dec := decoders.Get().(*xet.UnitDecoder)
			defer decoders.Put(dec)
			if err := d.fetchSegment(gctx, dec, i); err != nil {
				return err
			}
			d.mu.Lock()
			d.done[i] = true
			d.mu.Unlock()
			if sinceCkpt.Add(d.segSize) >= 16<<20 {
				sinceCkpt.Store(0)
				d.checkpoint()
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		d.checkpoint() // keep what is done for the next run
		d.f.Close()
		return err
	}
	return nil
}

// fetchSegment plans segment i and brings each of its units into the file:
// from the chunk cache when it holds a range covering the unit, else from
// its presigned URL (retried on dropped bodies; the request layer retries
// 429/5xx). A 403 — an expired URL — re-queries just this segment, up to
// three times.
func (d *xetDownload) fetchSegment(ctx context.Context, dec *xet.UnitDecoder, i int) error {
	units, err := d.plan(ctx, i)
	if err != nil {
		return err
	}
	w := xetProgressWriter{w: d.f, obs: d.r.o.Progress, r: d.r}
	refreshes := 0
	for k := 0; k < len(units); k++ {
		u := units[k]
		if d.cache != nil {
			if ok, n := d.cache.decode(dec, u, w, &d.fh); ok {
				d.fromCache.Add(n)
				continue
			}
		}
		for retries := 0; ; retries++ {
			err := d.fetchOnce(ctx, dec, u, w)
			if err == nil {
				break
			}
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
			var he *HubError
			if errors.As(err, &he) && he.StatusCode == http.StatusForbidden && refreshes < 3 {
				refreshes++
				fresh, err := d.plan(ctx, i)
				if err != nil {
					return err
				}
				units, k = fresh, -1 // start the segment again with new URLs (written bytes are rewritten identically)
				break
			}
			if !isTransient(err) || retries >= d.c.maxRetries {
				return err
			}
			if err := d.c.sleep(ctx, d.c.baseWait<<min(retries, 6)); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkpoint makes the finished units durable: data first, then the journal.
func (d *xetDownload) checkpoint() {
	if d.f.Sync() != nil {
		return
	}
	d.mu.Lock()
	j := xetJournal{XetHash: d.xf.hash.String(), Size: d.meta.size, Segment: d.segSize}
	for i := range d.done {
		j.Done = append(j.Done, i)
	}
	d.mu.Unlock()
	b, _ := json.Marshal(j) // strings and ints always marshal
	_ = fsutil.WriteFileAtomic(d.journalPath(), b, 0o644)
}

// xetProgressWriter counts the bytes written for progress events.
type xetProgressWriter struct {
	w   io.WriterAt
	obs ProgressObserver
	r   *fileRequest
}

func (p xetProgressWriter) WriteAt(b []byte, off int64) (int, error) {
	n, err := p.w.WriteAt(b, off)
	if p.obs != nil && n > 0 {
		p.obs.OnProgress(ProgressEvent{Kind: FileAdvanced, RepoID: p.r.id, Path: p.r.filename, Bytes: int64(n)})
	}
	return n, err
}

// isTransient: a dropped or truncated body (the request layer already
// retried 429/5xx and connection failures before the headers).
func isTransient(err error) bool {
	if errors.Is(err, xet.ErrTruncated) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var fe *xet.FormatError
	if errors.As(err, &fe) {
		return false
	}
	_, isHub := errors.AsType[*HubError](err)
	return !isHub && !errors.Is(err, xet.ErrBadReconstruction)
}

func (d *xetDownload) fetchOnce(ctx context.Context, dec *xet.UnitDecoder, u *xet.Unit, w io.WriterAt) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.URL, nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", d.c.userAgent)
	req.Header.Set("Range", "bytes="+strconv.FormatUint(u.Range.Bytes.Start, 10)+"-"+strconv.FormatUint(u.Range.Bytes.End, 10))
	// No Authorization: the URL's signature is the credential (NoAuth also
	// strips anything a caller's transport might add).
	resp, err := d.c.do(req, &reqOpts{Retry: retryIdempotent, NoAuth: true})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent {
		return fmt.Errorf("%w: xorb range GET answered %d, want 206", ErrServer, resp.StatusCode)
	}
	var body io.Reader = resp.Body
	if d.r.limiter != nil {
		body = &limitedReader{r: body, ctx: ctx, lim: d.r.limiter}
	}
	var sink *chunkCacheWriter
	if d.cache != nil {
		sink = d.cache.writer(u)
		if sink != nil {
			body = io.TeeReader(body, sink)
		}
	}
	cr := &countingReader{r: body}
	err = dec.Decode(cr, u, w, 0, &d.fh)
	d.fetched.Add(cr.n)
	if sink != nil {
		sink.finish(err == nil)
	}
	return err
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// finish verifies the Xet file hash and the sha256 etag, then renames temp
// into dest (fsync of the file and its folder).
func (d *xetDownload) finish(dest string) error {
	f := d.f
	defer f.Close()
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	sum := sha256.New()
	var got xet.Hash
	if d.resumed || d.meta.size == 0 {
		// Chunks fetched by an earlier run were not hashed here: hash the
		// file while reading it for the sha256.
		h, n, err := xet.HashFile(io.TeeReader(io.NewSectionReader(f, 0, d.meta.size), sum))
		if err != nil {
			return err
		}
		if n != d.meta.size {
			return fmt.Errorf("%w: %s %s: %d bytes, want %d", ErrChecksumMismatch, d.r.id, d.r.filename, n, d.meta.size)
		}
		got = h
	} else {
		if _, err := io.Copy(sum, io.NewSectionReader(f, 0, d.meta.size)); err != nil {
			return err
		}
		h, err := d.fh.Hash(d.meta.size)
		if err != nil {
			d.discard()
			return fmt.Errorf("%w: %s %s: %v", ErrChecksumMismatch, d.r.id, d.r.filename, err)
		}
		got = h
	}
	if got != d.xf.hash {
		d.discard()
		return fmt.Errorf("%w: %s %s: Xet hash %s, want %s", ErrChecksumMismatch, d.r.id, d.r.filename, got, d.xf.hash)
	}
	if etag := d.meta.etag; len(etag) == 64 {
		if s := hex.EncodeToString(sum.Sum(nil)); s != etag {
			d.discard()
			return fmt.Errorf("%w: %s %s: sha256 %s, want %s", ErrChecksumMismatch, d.r.id, d.r.filename, s, etag)
		}
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := os.Rename(d.temp, dest); err != nil {
		return err
	}
	_ = os.Remove(d.journalPath())
	if d.r.dirs != nil {
		d.r.dirs.add(filepath.Dir(dest))
		return nil
	}
	return fsutil.SyncDir(filepath.Dir(dest))
}

// discard removes a temporary file whose content failed verification.
func (d *xetDownload) discard() {
	_ = os.Remove(d.temp)
	_ = os.Remove(d.journalPath())
}

// transferXetOrFallBack downloads through Xet; when the CAS cannot be used
// it warns once and returns done=false for the caller's 302 path.
func (c *Client) transferXetOrFallBack(ctx context.Context, r *fileRequest, meta *resolvedFile, dest, temp string) (done bool, err error) {
	st, err := c.transferXet(ctx, r, meta, dest, temp)
	if cc := c.xetChunkCache(); cc != nil {
		defer cc.evict()
	}
	if err == nil {
		emit(r.o.Progress, ProgressEvent{Kind: FileVerified, RepoID: r.id, Path: r.filename, Total: meta.size, Transport: TransportXet, Xet: st})
		return true, nil
	}
	if xetUnavailable(err) {
		c.warnXetFallback(err)
		_ = os.Remove(xetJournalPath(temp)) // the 302 path starts its own file
		return false, nil
	}
	err = fmt.Errorf("downloading %s %s through Xet: %w", r.id, r.filename, err)
	emit(r.o.Progress, ProgressEvent{Kind: FileFailed, RepoID: r.id, Path: r.filename, Err: err})
	return true, err
}
