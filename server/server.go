package server

import (
	"crypto/rand"
	"encoding/base32"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/hfhub-go/hfhub/store"
)

// Server is the Hub-compatible http.Handler. Create it with [New].
// It is safe for concurrent use.
type Server struct {
	store      *store.Store
	src        Source
	tokens     Tokens
	logger     *slog.Logger
	baseURL    string
	contentURL string
	pageSize   int
	secret     []byte
	maxCommit  int64         // see WithMaxCommitBytes
	bodyIdle   time.Duration // see WithBodyIdleTimeout
	// resolveCache: regular files answer 307 to /api/resolve-cache/.
	resolveCache bool
	compute      *Compute // compute.go: Spaces runtime and Jobs, nil = not served

	mux        *http.ServeMux
	repoAPI    map[string]repoRoute // /api/{T}/{id}/{name}/...
	repoWeb    map[string]repoRoute // /{P}{id}/{name}/...
	hooks      webhookState         // webhooks.go
	stMu       sync.Mutex
	safetensor map[string]map[string]int64 // sha256 -> dtype -> parameter count
	xet        *xetConfig                  // xet.go; nil when Xet is off
}

// Option configures a Server.
type Option func(*Server)

// WithTokens installs the bearer tokens the server accepts. With tokens
// installed, an unknown token is refused with 401.
func WithTokens(t Tokens) Option {
	return func(s *Server) { s.tokens = t }
}

// WithLogger logs one JSON-friendly record per request (method, path,
// status, bytes, duration) to l.
func WithLogger(l *slog.Logger) Option {
	return func(s *Server) { s.logger = l }
}

// WithBaseURL sets the absolute URL the server is reached at (used in Link
// headers). By default it is derived from each request's Host.
func WithBaseURL(u string) Option {
	return func(s *Server) { s.baseURL = strings.TrimSuffix(u, "/") }
}

// WithContentURL sets the absolute base URL of the listener serving
// [Server.ContentHandler]; LFS files redirect there. By default LFS content
// is served by the main handler itself, under /lfs-content/.
func WithContentURL(u string) Option {
	return func(s *Server) { s.contentURL = strings.TrimSuffix(u, "/") }
}

// WithPageSize caps every paginated answer (listings, tree, commits) at n
// items per page, to exercise pagination with few items.
func WithPageSize(n int) Option {
	return func(s *Server) { s.pageSize = n }
}

// WithSource serves repositories from src instead of the store given to New
// (the store still receives writes).
func WithSource(src Source) Option {
	return func(s *Server) { s.src = src }
}

// New returns a Server for the repositories of st. st may be nil when
// [WithSource] gives the repositories: the server is then read-only and
// registers no write endpoint.
func New(st *store.Store, opts ...Option) *Server {
	s := &Server{
		store:      st,
		src:        st,
		mux:        http.NewServeMux(),
		repoAPI:    map[string]repoRoute{},
		repoWeb:    map[string]repoRoute{},
		secret:     make([]byte, 32),
		safetensor: map[string]map[string]int64{},
	}
	rand.Read(s.secret) // crypto/rand.Read never fails
	for _, o := range opts {
		o(s)
	}
	s.registerReadRoutes()
	s.registerXetRoutes()
	s.registerViewerRoutes() // viewer.go: the dataset viewer API
	s.registerBucketRoutes() // buckets.go
	// The write side (write_*.go) registers its routes through this hook;
	// the assertion keeps the read side building on its own.
	if ws, ok := any(s).(interface{ registerWriteRoutes() }); ok && s.store != nil {
		ws.registerWriteRoutes()
	}
	if s.compute != nil && s.store != nil {
		s.registerSpaceRoutes() // spaces_routes.go
		s.registerJobRoutes()   // jobs_routes.go
	}
	return s
}

// Store returns the store the server writes to (nil for a read-only server).
func (s *Server) Store() *store.Store { return s.store }

// ServeHTTP routes a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.logger != nil {
		lw := &logWriter{ResponseWriter: w, status: http.StatusOK}
		defer s.logRequest(r, lw, time.Now())
		w = lw
	}
	s.limitBody(w, r)
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Expose-Headers", "X-Repo-Commit,X-Request-Id,X-Error-Code,X-Error-Message,X-Total-Count,ETag,Link,Accept-Ranges,Content-Range,X-Linked-Size,X-Linked-ETag,X-Xet-Hash")
	h.Set("Vary", "Origin")
	h.Set("X-Powered-By", "hfhub")
	h.Set("X-Request-Id", requestID(r))
	if strings.HasPrefix(r.URL.Path, contentPrefix) {
		s.serveContent(w, r)
		return
	}
	if s.serveXet(w, r) {
		return
	}
	if hd, pattern := s.mux.Handler(r); pattern != "" {
		hd.ServeHTTP(w, r)
		return
	}
	s.routeRepo(w, r)
}

// ContentHandler serves LFS content at the signed URLs the main handler
// redirects to. Serve it on a second listener and pass that listener's URL
// with [WithContentURL].
func (s *Server) ContentHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.logger != nil {
			lw := &logWriter{ResponseWriter: w, status: http.StatusOK}
			defer s.logRequest(r, lw, time.Now())
			w = lw
		}
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Access-Control-Expose-Headers", "*")
		if s.serveXet(w, r) {
			return
		}
		if !strings.HasPrefix(r.URL.Path, contentPrefix) {
			writeText(w, r, http.StatusNotFound, "", "", "Not Found")
			return
		}
		s.serveContent(w, r)
	})
}

// requestID echoes a client trace id like the Hub, or makes one.
func requestID(r *http.Request) string {
	if id := r.Header.Get("X-Amzn-Trace-Id"); id != "" {
		return "Root=1-" + id
	}
	b := make([]byte, 12)
	rand.Read(b) // crypto/rand.Read never fails
	return "Root=1-" + strings.ToLower(strings.TrimRight(base32.StdEncoding.EncodeToString(b), "="))
}

// logRequest writes one access-log record.
func (s *Server) logRequest(r *http.Request, lw *logWriter, start time.Time) {
	s.logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
		slog.String("method", r.Method), slog.String("path", r.URL.EscapedPath()),
		slog.String("query", r.URL.RawQuery), slog.Int("status", lw.status),
		slog.Int64("bytes", lw.bytes), slog.Duration("duration", time.Since(start)),
		slog.String("remote", r.RemoteAddr))
}

type logWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
	wrote  bool
}

func (l *logWriter) WriteHeader(code int) {
	if !l.wrote {
		l.status, l.wrote = code, true
	}
	l.ResponseWriter.WriteHeader(code)
}

func (l *logWriter) Write(p []byte) (int, error) {
	l.wrote = true
	n, err := l.ResponseWriter.Write(p)
	l.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (l *logWriter) Unwrap() http.ResponseWriter { return l.ResponseWriter }

// baseFor returns the absolute URL prefix of this server for r.
func (s *Server) baseFor(r *http.Request) string {
	if s.baseURL != "" {
		return s.baseURL
	}
	return baseOf(r)
}

// baseOf is the server's own absolute URL as the client reached it (the
// scheme from X-Forwarded-Proto behind a proxy).
func baseOf(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "https" || p == "http" {
		scheme = p
	}
	return scheme + "://" + r.Host
}
