package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/hfhub-go/hfhub/objstore"
	"github.com/hfhub-go/hfhub/store"
	"golang.org/x/sync/singleflight"
)

// MirrorOptions configures [NewMirror].
type MirrorOptions struct {
	// Upstream is the base URL of the Hub being mirrored
	// ("https://huggingface.co", or another mirror). Required.
	Upstream string
	// UpstreamToken is sent upstream as a bearer token (for private and
	// gated repos). Client tokens are never forwarded upstream.
	UpstreamToken string
	// Store keeps blobs and metadata; several mirror instances may share
	// one (an [objstore.S3] bucket). Required.
	Store objstore.Store
	// SpoolDir is where blobs being downloaded are assembled. Default: a
	// folder inside a disk store (so finished blobs are renamed into
	// place), else the system temporary folder.
	SpoolDir string
	// MetadataTTL is how long upstream metadata answers (repo info, tree,
	// refs, revision -> commit) are reused before asking again. Zero means
	// 30 seconds; negative asks every time. Answers for a full commit id
	// never change and are kept longer.
	MetadataTTL time.Duration
	// Offline serves only what is stored, never contacting the upstream.
	// It can be switched at run time with [Mirror.SetOffline].
	Offline bool
	// Allow and Deny are globs on repo ids ("org/*", "datasets/org/**",
	// "*/secret-*"); a pattern starting with models/, datasets/ or spaces/
	// applies to that type only. With Allow set, a repo must match one of
	// them; a repo matching Deny is refused.
	Allow, Deny []string
	// MaxBytes caps the bytes of blobs kept; least recently used blobs are
	// evicted beyond it. Zero means no limit.
	MaxBytes int64
	// Tokens, when set, are required from clients (any role reads).
	Tokens Tokens
	// Transport carries upstream requests; nil uses a clone of
	// http.DefaultTransport, which honours HTTPS_PROXY and NO_PROXY.
	Transport http.RoundTripper
	// StallTimeout aborts an upstream blob transfer that delivers nothing
	// for this long (it is then resumed). Zero means one minute.
	StallTimeout time.Duration
	// Logger receives operational events (upstream failures, refused
	// corrupt blobs, evictions); nil discards them.
	Logger *slog.Logger
	// Metrics receives cache and upstream counters; nil makes a registry
	// (see [Mirror.Metrics]).
	Metrics *Metrics
}

// Mirror is a pull-through mirror of a Hub: an http.Handler speaking the
// Hub protocol that answers metadata by asking the upstream (caching the
// answers briefly, and keeping the last one for offline use) and serves
// files from its own store, fetching each blob from the upstream once.
//
// Concurrent requests for a blob that is not stored share one upstream
// transfer; each is streamed the bytes as they arrive (ranges included),
// and the blob is kept only when its sha256 (LFS) or git blob id (regular
// files) matches what the upstream announced. The last byte of a blob is
// held back until that check passes, so a client never receives a complete
// corrupt file: its connection is cut instead.
//
// A Mirror is read-only: writes are refused with 405. It is safe for
// concurrent use. Call Close to stop its transfers.
type Mirror struct {
	opts     MirrorOptions
	upstream *url.URL
	follow   *http.Client // follows redirects, drops Authorization across hosts
	direct   *http.Client // never follows redirects
	metrics  *Metrics
	log      *slog.Logger
	offline  atomic.Bool

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	group singleflight.Group // metadata and resolve lookups
	memMu sync.Mutex
	mem   map[string]memEntry

	flMu    sync.Mutex
	flCond  *sync.Cond // signalled when running drops
	flights map[string]*flight
	running int // transfers not yet finished (stored or failed)

	lru *lru
}

// memEntry is an in-memory cached answer.
type memEntry struct {
	val     any
	expires time.Time
}

// NewMirror checks the options, indexes the blobs already stored (for the
// size budget) and returns the mirror.
func NewMirror(ctx context.Context, o MirrorOptions) (*Mirror, error) {
	if o.Store == nil {
		return nil, errors.New("mirror: no store: give a folder or an s3:// location")
	}
	u, err := url.Parse(strings.TrimSuffix(o.Upstream, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("mirror: upstream %q is not an http(s) URL (want e.g. https://huggingface.co)", o.Upstream)
	}
	for _, p := range append(append([]string(nil), o.Allow...), o.Deny...) {
		if !doublestar.ValidatePattern(p) {
			return nil, fmt.Errorf("mirror: bad repo pattern %q (use globs like org/* or datasets/org/**)", p)
		}
	}
	if o.MetadataTTL == 0 {
		o.MetadataTTL = 30 * time.Second
	}
	if o.StallTimeout <= 0 {
		o.StallTimeout = time.Minute
	}
	if o.SpoolDir != "" {
		if err := os.MkdirAll(o.SpoolDir, 0o755); err != nil {
			return nil, fmt.Errorf("mirror: spool folder: %w", err)
		}
	}
	tr := o.Transport
	if tr == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 64
		t.ResponseHeaderTimeout = 2 * time.Minute
		tr = t
	}
	m := &Mirror{
		opts:     o,
		upstream: u,
		metrics:  o.Metrics,
		log:      o.Logger,
		mem:      map[string]memEntry{},
		flights:  map[string]*flight{},
	}
	m.flCond = sync.NewCond(&m.flMu)
	if m.metrics == nil {
		m.metrics = NewMetrics()
	}
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	m.offline.Store(o.Offline)
	m.follow = &http.Client{Transport: tr, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		if req.URL.Host != via[0].URL.Host {
			req.Header.Del("Authorization") // signed CDN URLs need no token
		}
		return nil
	}}
	m.direct = &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	if d, ok := o.Store.(*objstore.Disk); ok {
		// Spool files of transfers cut by a crash; a day is far longer
		// than any transfer still running from another instance.
		if n, err := d.CleanTemp(24 * time.Hour); err == nil && n > 0 {
			m.log.Info("removed leftover spool files", "count", n)
		}
	}
	m.ctx, m.cancel = context.WithCancel(context.Background())
	m.lru = newLRU(o.MaxBytes, o.Store, m.metrics, m.log)
	if err := m.lru.load(ctx); err != nil {
		return nil, err
	}
	return m, nil
}

// Metrics returns the registry the mirror counts into.
func (m *Mirror) Metrics() *Metrics { return m.metrics }

// SetOffline switches offline mode: when on, only stored blobs and
// metadata are served and the upstream is never contacted.
func (m *Mirror) SetOffline(on bool) { m.offline.Store(on) }

// Offline reports whether offline mode is on.
func (m *Mirror) Offline() bool { return m.offline.Load() }

// Close stops the upstream transfers in progress and waits for them.
func (m *Mirror) Close() error {
	m.cancel()
	m.wg.Wait()
	return nil
}

// WaitTransfers waits until every upstream transfer started so far has
// finished: its blob is stored (or refused). Requests answered from a
// transfer may complete before the blob is stored; tests and tools that
// inspect the store call this first.
func (m *Mirror) WaitTransfers() {
	m.flMu.Lock()
	for m.running > 0 {
		m.flCond.Wait()
	}
	m.flMu.Unlock()
}

// Health reports whether the store answers (for /healthz).
func (m *Mirror) Health(ctx context.Context) error {
	if _, err := m.opts.Store.Stat(ctx, "health/probe"); err != nil && !errors.Is(err, objstore.ErrNotFound) {
		return fmt.Errorf("store %s: %w", m.opts.Store, err)
	}
	return nil
}

// mirrorRoute is what a request path asks for.
type mirrorRoute struct {
	Type store.RepoType
	ID   string // "" when the request is not about one repo
	// Name is the route after the id: "" (repo info), "tree", "resolve"...
	Name string
	// Rest are the raw segments after Name.
	Rest []string
	File bool // /resolve/ (a file download)
	List bool // /api/{type}s listing
}

// apiRoutes are the names that can follow a repo id under /api/.
var apiRoutes = map[string]bool{
	"revision": true, "tree": true, "paths-info": true, "refs": true, "commits": true,
	"treesize": true, "parquet": true, "croissant": true, "discussions": true,
	"settings": true, "preupload": true, "commit": true, "branch": true, "tag": true,
	"lfs-files": true, "compare": true, "xet-read-token": true, "resolve": true, "notebook": true,
}

// parseMirrorPath splits an escaped request path.
func parseMirrorPath(p string) mirrorRoute {
	segs := strings.Split(strings.Trim(p, "/"), "/")
	dec := func(s string) string {
		v, err := url.PathUnescape(s)
		if err != nil {
			return "\x00"
		}
		return v
	}
	if segs[0] == "api" {
		if len(segs) < 2 {
			return mirrorRoute{}
		}
		t, ok := typeFromPlural(segs[1])
		if !ok {
			return mirrorRoute{}
		}
		s := segs[2:]
		switch {
		case len(s) == 0:
			return mirrorRoute{Type: t, List: true}
		case len(s) == 1:
			return mirrorRoute{Type: t, ID: dec(s[0])}
		case apiRoutes[s[1]]:
			return mirrorRoute{Type: t, ID: dec(s[0]), Name: s[1], Rest: s[2:]}
		case len(s) == 2:
			return mirrorRoute{Type: t, ID: dec(s[0]) + "/" + dec(s[1])}
		default:
			return mirrorRoute{Type: t, ID: dec(s[0]) + "/" + dec(s[1]), Name: s[2], Rest: s[3:]}
		}
	}
	t := store.Model
	if pt, ok := typeFromPlural(segs[0]); ok && pt != store.Model && len(segs) > 1 {
		t, segs = pt, segs[1:]
	}
	for _, name := range []string{"resolve", "raw", "blob"} {
		switch {
		case len(segs) >= 4 && segs[2] == name:
			return mirrorRoute{Type: t, ID: dec(segs[0]) + "/" + dec(segs[1]), Name: name, Rest: segs[3:], File: name == "resolve"}
		case len(segs) >= 3 && segs[1] == name:
			return mirrorRoute{Type: t, ID: dec(segs[0]), Name: name, Rest: segs[2:], File: name == "resolve"}
		}
	}
	return mirrorRoute{}
}

// allowed applies the allow and deny globs to a repo.
func (m *Mirror) allowed(t store.RepoType, id string) (bool, string) {
	match := func(p string) bool {
		for _, tp := range store.RepoTypes {
			if rest, ok := strings.CutPrefix(p, tp.Plural()+"/"); ok {
				if tp != t {
					return false
				}
				p = rest
				break
			}
		}
		ok, _ := doublestar.Match(p, id)
		return ok
	}
	for _, p := range m.opts.Deny {
		if match(p) {
			return false, "denied by the mirror rule " + p
		}
	}
	if len(m.opts.Allow) == 0 {
		return true, ""
	}
	for _, p := range m.opts.Allow {
		if match(p) {
			return true, ""
		}
	}
	return false, "not in the mirror's allowed repos (" + strings.Join(m.opts.Allow, ", ") + ")"
}

// ServeHTTP answers a Hub API or file request.
func (m *Mirror) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Expose-Headers", "X-Repo-Commit,X-Request-Id,X-Error-Code,X-Error-Message,X-Total-Count,ETag,Link,Accept-Ranges,Content-Range,X-Linked-Size,X-Linked-ETag,X-Mirror-Cache")
	h.Set("X-Powered-By", "hfhub-mirror")
	h.Set("X-Request-Id", requestID(r))
	if r.Method == http.MethodOptions {
		h.Set("Access-Control-Allow-Methods", "GET, HEAD, POST")
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Range, User-Agent, X-Requested-With")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if len(m.opts.Tokens) > 0 {
		tok := bearer(r.Header.Get("Authorization"))
		if _, ok := m.opts.Tokens[tok]; !ok {
			msg := "This mirror needs a token: set HF_TOKEN to a token the mirror's operator gave you."
			if tok != "" {
				msg = "This mirror does not know the token sent; use a token its operator gave you (upstream Hub tokens are not accepted)."
			}
			writeError(w, r, http.StatusUnauthorized, "", msg)
			return
		}
	}
	rt := parseMirrorPath(r.URL.EscapedPath())
	if rt.ID != "" {
		if ok, why := m.allowed(rt.Type, rt.ID); !ok {
			writeError(w, r, http.StatusForbidden, "", string(rt.Type)+" "+rt.ID+" is not served by this mirror: "+why+".")
			return
		}
	}
	readOnlyPost := r.Method == http.MethodPost && rt.Name == "paths-info"
	if r.Method != http.MethodGet && r.Method != http.MethodHead && !readOnlyPost {
		writeError(w, r, http.StatusMethodNotAllowed, "", "This is a read-only mirror of "+m.upstream.String()+": upload to the upstream Hub instead.")
		return
	}
	if rt.File {
		m.serveFile(w, r, rt)
		return
	}
	m.serveMeta(w, r, rt)
}

// upstreamURL is the upstream address of an escaped path and raw query.
func (m *Mirror) upstreamURL(escapedPath, rawQuery string) string {
	u := m.upstream.String() + escapedPath
	if rawQuery != "" {
		u += "?" + rawQuery
	}
	return u
}

// cached returns a fresh in-memory value.
func (m *Mirror) cached(key string) (any, bool) {
	m.memMu.Lock()
	defer m.memMu.Unlock()
	e, ok := m.mem[key]
	if !ok || time.Now().After(e.expires) {
		return nil, false
	}
	return e.val, true
}

// remember keeps a value in memory for ttl.
func (m *Mirror) remember(key string, val any, ttl time.Duration) {
	if ttl <= 0 {
		return
	}
	now := time.Now()
	m.memMu.Lock()
	defer m.memMu.Unlock()
	if len(m.mem) >= 50_000 {
		for k, e := range m.mem {
			if now.After(e.expires) {
				delete(m.mem, k)
			}
		}
		if len(m.mem) >= 50_000 {
			clear(m.mem)
		}
	}
	m.mem[key] = memEntry{val: val, expires: now.Add(ttl)}
}
