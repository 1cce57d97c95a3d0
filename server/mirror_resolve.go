package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/hfhub-go/hfhub/cache"
	"github.com/hfhub-go/hfhub/objstore"
	"github.com/hfhub-go/hfhub/store"
)

// fileRecord is what the mirror knows about a file of a commit.
type fileRecord struct {
	Commit string `json:"commit"`
	// ETag is the sha256 of an LFS file, the git blob id of a regular one.
	ETag string `json:"etag"`
	Size int64  `json:"size"`
	LFS  bool   `json:"lfs"`
}

// relayError is an upstream refusal (4xx) passed on to the client.
type relayError struct {
	Status int
	Header map[string]string
}

func (e *relayError) Error() string {
	return fmt.Sprintf("upstream answered %d: %s", e.Status, e.Header["X-Error-Message"])
}

// errNotStored means an offline lookup found nothing.
var errNotStored = errors.New("not stored in this mirror")

// relayHeaders are the upstream headers of a refusal passed on.
var relayHeaders = []string{"X-Error-Code", "X-Error-Message", "X-Repo-Commit", "WWW-Authenticate"}

// serveFile answers /resolve/{rev}/{path}: the file's headers like the
// Hub's, and its bytes from the store or from a shared upstream transfer.
func (m *Mirror) serveFile(w http.ResponseWriter, r *http.Request, rt mirrorRoute) {
	rev, rest, ok := splitRev(rt.Rest)
	p, pok := joinPath(rest)
	if !ok || !pok || len(rest) == 0 {
		writeText(w, r, http.StatusNotFound, codeEntryNotFound, "Entry not found", "Entry not found")
		return
	}
	if rev == "" {
		rev = store.DefaultBranch
	}
	rec, how, err := m.lookupFile(r.Context(), rt, rev, p)
	if err != nil {
		var re *relayError
		switch {
		case errors.As(err, &re):
			for k, v := range re.Header {
				w.Header().Set(k, v)
			}
			msg := re.Header["X-Error-Message"]
			if msg == "" {
				msg = http.StatusText(re.Status)
			}
			writeError(w, r, re.Status, re.Header["X-Error-Code"], msg)
		case errors.Is(err, errNotStored):
			writeText(w, r, http.StatusNotFound, codeEntryNotFound, "Entry not found: "+p+" at "+rev+" is not stored in this mirror and the upstream is not available", "Entry not found")
		default:
			writeError(w, r, http.StatusBadGateway, "", "The mirror could not resolve "+p+" at "+rev+" upstream ("+m.upstream.String()+"): "+err.Error())
		}
		return
	}
	h := w.Header()
	h.Set("X-Repo-Commit", rec.Commit)
	h.Set("ETag", `"`+rec.ETag+`"`)
	if rec.LFS {
		h.Set("X-Linked-Etag", `"`+rec.ETag+`"`)
		h.Set("X-Linked-Size", strconv.FormatInt(rec.Size, 10))
	}
	h.Set("Accept-Ranges", "bytes")
	ct := mime.TypeByExtension(path.Ext(p))
	if ct == "" {
		ct = "application/octet-stream"
	}
	h.Set("Content-Type", ct)
	h.Set("Content-Disposition", contentDisposition(path.Base(p)))
	key := "blobs/" + rec.ETag
	if r.Method == http.MethodHead {
		h.Set("X-Mirror-Cache", how)
		h.Set("Content-Length", strconv.FormatInt(rec.Size, 10))
		w.WriteHeader(http.StatusOK)
		return
	}
	if m.serveStored(w, r, key, rec.Size) {
		return
	}
	if m.Offline() {
		writeText(w, r, http.StatusNotFound, codeEntryNotFound, "Entry not found: the content of "+p+" is not stored in this offline mirror", "Entry not found")
		return
	}
	m.metrics.Add(MetricCacheMisses, 1, "kind", "blob")
	f, err := m.flightFor(r.Context(), key, rec, m.pinnedURL(rt, rec.Commit, p))
	if errors.Is(err, errBlobStored) && m.serveStored(w, r, key, rec.Size) {
		return
	}
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "", "mirror: "+err.Error())
		return
	}
	h.Set("X-Mirror-Cache", "miss")
	n, _ := serveRange(w, r, rec.ETag, rec.Size, func(off, n int64) (io.ReadCloser, error) {
		return f.reader(r.Context(), off, n), nil
	})
	m.metrics.Add(MetricResponseBytes, float64(n), "kind", "file")
}

// serveStored serves a stored blob and reports whether it was there.
func (m *Mirror) serveStored(w http.ResponseWriter, r *http.Request, key string, size int64) bool {
	info, err := m.opts.Store.Stat(r.Context(), key)
	if err != nil || info.Size != size {
		return false
	}
	unpin := m.lru.pin(key, size)
	defer unpin()
	m.metrics.Add(MetricCacheHits, 1, "kind", "blob")
	w.Header().Set("X-Mirror-Cache", "hit")
	open := func(off, n int64) (io.ReadCloser, error) {
		return m.opts.Store.Get(r.Context(), key, off, n)
	}
	if d, ok := m.opts.Store.(*objstore.Disk); ok {
		open = func(off, n int64) (io.ReadCloser, error) {
			f, err := d.Open(key)
			if err != nil {
				return nil, err
			}
			if _, err := f.Seek(off, io.SeekStart); err != nil {
				f.Close()
				return nil, err
			}
			// A LimitedReader over an *os.File lets net/http use sendfile(2).
			return struct {
				io.Reader
				io.Closer
			}{&io.LimitedReader{R: f, N: n}, f}, nil
		}
	}
	etag := strings.TrimPrefix(key, "blobs/")
	n, _ := serveRange(w, r, etag, size, open)
	m.metrics.Add(MetricResponseBytes, float64(n), "kind", "file")
	return true
}

// lookupFile resolves rev and finds the file's commit, etag and size:
// upstream (cached briefly), or what is stored when offline or when the
// upstream fails.
func (m *Mirror) lookupFile(ctx context.Context, rt mirrorRoute, rev, p string) (*fileRecord, string, error) {
	if m.Offline() {
		rec, err := m.storedFile(ctx, rt, rev, p)
		return rec, "offline", err
	}
	memKey := "file\x00" + string(rt.Type) + "\x00" + rt.ID + "\x00" + rev + "\x00" + p
	if v, ok := m.cached(memKey); ok {
		m.metrics.Add(MetricCacheHits, 1, "kind", "metadata")
		if re, ok := v.(*relayError); ok {
			return nil, "hit", re
		}
		return v.(*fileRecord), "hit", nil
	}
	m.metrics.Add(MetricCacheMisses, 1, "kind", "metadata")
	v, err, _ := m.group.Do(memKey, func() (any, error) {
		ttl := m.opts.MetadataTTL
		if cache.IsCommitHash(rev) && ttl > 0 {
			ttl = max(ttl, pinnedTTL)
		}
		rec, err := m.headUpstream(rt, rev, p)
		var re *relayError
		if errors.As(err, &re) {
			m.remember(memKey, re, ttl)
			return nil, err
		}
		if err != nil {
			return nil, err
		}
		m.remember(memKey, rec, ttl)
		m.saveRecords(rt, rev, p, rec)
		return rec, nil
	})
	if err != nil {
		var re *relayError
		if errors.As(err, &re) {
			return nil, "miss", err
		}
		if rec, serr := m.storedFile(ctx, rt, rev, p); serr == nil {
			return rec, "stale", nil
		}
		return nil, "miss", err
	}
	return v.(*fileRecord), "miss", nil
}

// escapeSegments escapes each segment of a slash-separated path.
func escapeSegments(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// fileURL is the upstream /resolve/ URL of a file.
func (m *Mirror) fileURL(rt mirrorRoute, rev, p string) string {
	return m.upstream.String() + "/" + webPrefix(rt.Type) + escapeSegments(rt.ID) + "/resolve/" + url.PathEscape(rev) + "/" + escapeSegments(p)
}

// pinnedURL is the upstream URL of a file at a commit.
func (m *Mirror) pinnedURL(rt mirrorRoute, commit, p string) string {
	return m.fileURL(rt, commit, p)
}

// headUpstream asks the upstream for a file's metadata, following only
// relative redirects (renamed repos), like the official clients.
func (m *Mirror) headUpstream(rt mirrorRoute, rev, p string) (*fileRecord, error) {
	ctx, cancel := context.WithTimeout(m.ctx, 2*time.Minute)
	defer cancel()
	target := m.fileURL(rt, rev, p)
	for hops := 0; ; hops++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodHead, target, nil)
		if err != nil {
			return nil, err
		}
		m.authorize(req)
		req.Header.Set("Accept-Encoding", "identity")
		m.metrics.Add(MetricUpstreamReqs, 1, "kind", "resolve")
		resp, err := m.direct.Do(req)
		if err != nil {
			m.upstreamError("network", err)
			return nil, err
		}
		resp.Body.Close()
		loc := resp.Header.Get("Location")
		if resp.StatusCode >= 300 && resp.StatusCode < 400 && loc != "" && !strings.Contains(loc, "://") && hops < 5 {
			next, err := req.URL.Parse(loc)
			if err != nil {
				return nil, fmt.Errorf("upstream redirect %q: %w", loc, err)
			}
			target = next.String()
			continue
		}
		switch {
		case resp.StatusCode >= 500:
			err := fmt.Errorf("upstream answered %s for %s", resp.Status, req.URL.Path)
			m.upstreamError("status", err)
			return nil, err
		case resp.StatusCode >= 400:
			re := &relayError{Status: resp.StatusCode, Header: map[string]string{}}
			for _, k := range relayHeaders {
				if v := resp.Header.Get(k); v != "" {
					re.Header[k] = v
				}
			}
			return nil, re
		}
		return parseFileHeaders(resp)
	}
}

// parseFileHeaders reads a /resolve/ answer's commit, etag and size.
func parseFileHeaders(resp *http.Response) (*fileRecord, error) {
	h := resp.Header
	rec := &fileRecord{Commit: h.Get("X-Repo-Commit")}
	etag, size := h.Get("X-Linked-Etag"), h.Get("X-Linked-Size")
	rec.LFS = etag != ""
	if etag == "" {
		etag = h.Get("ETag")
	}
	if size == "" {
		size = h.Get("Content-Length")
	}
	rec.ETag = strings.Trim(strings.TrimPrefix(etag, "W/"), `"`)
	n, err := strconv.ParseInt(size, 10, 64)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("upstream did not send the file size (X-Linked-Size or Content-Length) for %s", resp.Request.URL.Path)
	}
	rec.Size = n
	if len(rec.ETag) == 64 {
		rec.LFS = true
	}
	if !cache.IsCommitHash(rec.Commit) || !cache.IsCommitHash(rec.ETag) && !cache.IsSHA256(rec.ETag) {
		return nil, fmt.Errorf("upstream answer for %s lacks a commit (X-Repo-Commit %q) or a content hash (ETag %q): is it a Hub?", resp.Request.URL.Path, rec.Commit, etag)
	}
	return rec, nil
}

func hashKey(parts ...string) string {
	s := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	h := hex.EncodeToString(s[:])
	return h[:2] + "/" + h
}

func refKey(t store.RepoType, id, rev string) string {
	return "meta/refs/" + hashKey(string(t), id, rev)
}

func fileKey(t store.RepoType, id, commit, p string) string {
	return "meta/files/" + hashKey(string(t), id, commit, p)
}

// saveRecords persists rev -> commit and the file record for offline use.
func (m *Mirror) saveRecords(rt mirrorRoute, rev, p string, rec *fileRecord) {
	ctx, cancel := context.WithTimeout(m.ctx, 30*time.Second)
	defer cancel()
	data, _ := json.Marshal(rec) // plain struct: always marshals
	err := objstore.PutBytes(ctx, m.opts.Store, fileKey(rt.Type, rt.ID, rec.Commit, p), data)
	if err == nil && rev != rec.Commit {
		err = objstore.PutBytes(ctx, m.opts.Store, refKey(rt.Type, rt.ID, rev), []byte(rec.Commit))
	}
	if err != nil {
		m.metrics.Add(MetricUpstreamErrors, 1, "kind", "store")
		m.log.Warn("cannot keep file metadata", "repo", rt.ID, "path", p, "error", err.Error())
	}
}

// storedFile finds the last known record of a file.
func (m *Mirror) storedFile(ctx context.Context, rt mirrorRoute, rev, p string) (*fileRecord, error) {
	commit := rev
	if !cache.IsCommitHash(rev) {
		data, err := objstore.ReadAll(ctx, m.opts.Store, refKey(rt.Type, rt.ID, rev))
		if err != nil {
			return nil, errNotStored
		}
		commit = string(data)
	}
	data, err := objstore.ReadAll(ctx, m.opts.Store, fileKey(rt.Type, rt.ID, commit, p))
	if err != nil {
		return nil, errNotStored
	}
	rec := &fileRecord{}
	if err := json.Unmarshal(data, rec); err != nil {
		return nil, fmt.Errorf("stored record of %s: %w", p, err)
	}
	return rec, nil
}
