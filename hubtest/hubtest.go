package hubtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub/server"
	"github.com/hfhub-go/hfhub/store"
)

// Role is what a token allows: Read, Write or Admin.
type Role = server.Role

// Token roles.
const (
	Read  = server.RoleRead
	Write = server.RoleWrite
	Admin = server.RoleAdmin
)

// Repo is a repository to seed with [WithRepo].
type Repo struct {
	// Type is "model" (default), "dataset" or "space".
	Type string
	// ID is "org/name" or a legacy "name".
	ID string
	// Files become one commit on "main" after the initial commit.
	Files map[string][]byte
	// Private hides the repo from callers without a token of its namespace.
	Private bool
	// Gated is "", "auto" or "manual": file downloads need a token of the
	// namespace owner, an admin token, or a user granted access with
	// [Server.GrantAccess].
	Gated string
}

type options struct {
	repos    []Repo
	buckets  []Bucket // buckets.go
	tokens   server.Tokens
	dir      string
	pageSize int
	logger   *slog.Logger
	// resolveCache: regular files answer 307 to /api/resolve-cache/.
	resolveCache bool
	compute      server.ComputeOptions // compute.go
	xet          *XetConfig            // xet.go
	webhooks     []server.Option       // webhooks.go
}

// Option configures a Server.
type Option func(*options)

// WithRepo seeds a repository.
func WithRepo(r Repo) Option {
	return func(o *options) { o.repos = append(o.repos, r) }
}

// WithToken accepts token as user's bearer token with role. Once a token is
// installed, unknown tokens are refused with 401.
func WithToken(token, user string, role Role) Option {
	return func(o *options) {
		if o.tokens == nil {
			o.tokens = server.Tokens{}
		}
		o.tokens[token] = server.User{Name: user, Role: role}
	}
}

// WithDir keeps the store in dir (it survives the server) instead of a
// temporary directory.
func WithDir(dir string) Option {
	return func(o *options) { o.dir = dir }
}

// WithPageSize limits every paginated answer (listings, tree, commits) to n
// items per page.
func WithPageSize(n int) Option {
	return func(o *options) { o.pageSize = n }
}

// WithResolveCache makes /resolve/ answer regular (git) files the way the
// Hub does since 2026: a 307 to a relative /api/resolve-cache/ URL that
// serves the file (see server.WithResolveCache). By default they are
// answered 200 directly, as the Hub did before.
func WithResolveCache() Option {
	return func(o *options) { o.resolveCache = true }
}

// WithLogger logs every request to l.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.logger = l }
}

// Server is a running test Hub. Its methods are safe for concurrent use.
type Server struct {
	// URL is the endpoint, "http://127.0.0.1:PORT", without trailing slash.
	URL string
	// ContentURL is the base URL of the second listener serving LFS content.
	ContentURL string

	st      *store.Store
	handler *server.Server
	servers []*http.Server
	tempDir string
	closing chan struct{}
	once    sync.Once

	mu          sync.Mutex
	faults      []*faultState
	ignoreRange bool
	requests    []Request
	body        bodyBytes
}

// NewServer starts a Hub on 127.0.0.1 with a store in t.TempDir() (or the
// WithDir directory); it is closed by t.Cleanup. Setup errors fail the test.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	o := collect(opts)
	if o.dir == "" {
		o.dir = t.TempDir()
	}
	s, err := start("127.0.0.1:0", o)
	if err != nil {
		t.Fatalf("hubtest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Listen starts a Hub on addr ("127.0.0.1:8080", or port 0 for any) for
// examples and demos; LFS content is served on another port of the same
// host. Without WithDir the store lives in a temporary directory removed by
// Close. The caller must call Close.
func Listen(addr string, opts ...Option) (*Server, error) {
	o := collect(opts)
	tempDir := ""
	if o.dir == "" {
		d, err := os.MkdirTemp("", "hubtest-")
		if err != nil {
			return nil, fmt.Errorf("hubtest: %w", err)
		}
		o.dir, tempDir = d, d
	}
	s, err := start(addr, o)
	if err != nil {
		if tempDir != "" {
			os.RemoveAll(tempDir)
		}
		return nil, fmt.Errorf("hubtest: %w", err)
	}
	s.tempDir = tempDir
	return s, nil
}

func collect(opts []Option) *options {
	o := &options{}
	for _, opt := range opts {
		opt(o)
	}
	return o
}

func start(addr string, o *options) (*Server, error) {
	st, err := store.Open(o.dir)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	host, _, err := net.SplitHostPort(ln.Addr().String())
	if err != nil {
		ln.Close()
		return nil, err
	}
	cln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		ln.Close()
		return nil, err
	}
	s := &Server{
		URL:        "http://" + ln.Addr().String(),
		ContentURL: "http://" + cln.Addr().String(),
		st:         st,
		closing:    make(chan struct{}),
	}
	sopts := []server.Option{server.WithContentURL(s.ContentURL), server.WithBaseURL(s.URL)}
	if o.tokens != nil {
		sopts = append(sopts, server.WithTokens(o.tokens))
	}
	if o.pageSize > 0 {
		sopts = append(sopts, server.WithPageSize(o.pageSize))
	}
	if o.logger != nil {
		sopts = append(sopts, server.WithLogger(o.logger))
	}
	if o.resolveCache {
		sopts = append(sopts, server.WithResolveCache(true))
	}
	sopts = append(sopts, server.WithCompute(server.NewCompute(o.compute))) // compute.go
	sopts = append(sopts, o.webhookOptions()...)                            // webhooks.go
	xopts, err := o.xetOptions()
	if err != nil {
		ln.Close()
		cln.Close()
		return nil, err
	}
	s.handler = server.New(st, append(sopts, xopts...)...)
	for _, r := range o.repos {
		if err := s.seed(r); err != nil {
			ln.Close()
			cln.Close()
			return nil, fmt.Errorf("seed %s: %w", r.ID, err)
		}
	}
	for _, b := range o.buckets {
		if err := s.seedBucket(b); err != nil {
			ln.Close()
			cln.Close()
			return nil, fmt.Errorf("seed bucket %s: %w", b.ID, err)
		}
	}
	for _, pair := range []struct {
		ln net.Listener
		h  http.Handler
	}{{ln, s.handler}, {cln, s.handler.ContentHandler()}} {
		hs := &http.Server{Handler: s.wrap(pair.h), ReadHeaderTimeout: 10 * time.Second}
		s.servers = append(s.servers, hs)
		go hs.Serve(pair.ln) // returns http.ErrServerClosed on Close
	}
	return s, nil
}

func (s *Server) seed(r Repo) error {
	t, err := store.ParseRepoType(r.Type)
	if err != nil {
		return err
	}
	ctx := context.Background()
	opts := store.CreateOptions{Private: r.Private, Gated: r.Gated}
	if ga, ok := r.Files[".gitattributes"]; ok {
		opts.Gitattributes = ga
	}
	if _, err := s.st.CreateRepo(ctx, t, r.ID, opts); err != nil && !errors.Is(err, store.ErrRepoExists) {
		return err
	}
	files := map[string][]byte{}
	for p, c := range r.Files {
		if p != ".gitattributes" {
			files[p] = c
		}
	}
	if len(files) == 0 {
		return nil
	}
	_, err = s.Commit(string(t), r.ID, "main", "Upload files", files, nil)
	return err
}

// Close stops both listeners, waiting for requests in flight (stalled
// faults end early), and removes a temporary store made by Listen.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.closing)
		// A test server has no reason to wait long: in-flight requests get
		// a short grace period, then every connection is cut. (Shutdown
		// alone would wait up to 5 s for connections that never sent a
		// request.)
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		for _, hs := range s.servers {
			if hs.Shutdown(ctx) != nil {
				hs.Close() // deadline passed: cut remaining connections
			}
		}
		s.handler.WaitWebhooks() // deliveries are bounded by their retries
		if s.tempDir != "" {
			os.RemoveAll(s.tempDir)
		}
	})
}

// Store returns the store behind the server, for direct inspection or
// writes.
func (s *Server) Store() *store.Store { return s.st }

// Handler returns the Hub handler itself (without fault injection).
func (s *Server) Handler() *server.Server { return s.handler }

// Commit commits add (path -> content) and deletes del on branch, and
// returns the new commit id.
func (s *Server) Commit(repoType, repoID, branch, message string, add map[string][]byte, del []string) (string, error) {
	res, err := s.commit(repoType, repoID, store.CommitRequest{Revision: branch, Title: message}, add, del)
	if err != nil {
		return "", err
	}
	return res.Commit.ID, nil
}

func (s *Server) commit(repoType, repoID string, req store.CommitRequest, add map[string][]byte, del []string) (*store.CommitResult, error) {
	t, err := store.ParseRepoType(repoType)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	paths := make([]string, 0, len(add))
	for p := range add {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		b, err := s.st.PutBlob(ctx, bytes.NewReader(add[p]))
		if err != nil {
			return nil, err
		}
		req.Ops = append(req.Ops, store.Op{Kind: store.OpAdd, Path: p, SHA256: b.SHA256})
	}
	for _, p := range del {
		req.Ops = append(req.Ops, store.Op{Kind: store.OpDelete, Path: p})
	}
	if req.Title == "" {
		req.Title = "Upload files"
	}
	res, err := s.st.Commit(ctx, t, repoID, req)
	if err != nil {
		return nil, err
	}
	if err := s.handler.ImportXetCommit(ctx, res.Commit); err != nil { // no-op without WithXet
		return nil, err
	}
	return res, nil
}

// CreateBranch creates branch at fromRev ("" = main).
func (s *Server) CreateBranch(repoType, repoID, branch, fromRev string) error {
	t, err := store.ParseRepoType(repoType)
	if err != nil {
		return err
	}
	return s.st.CreateBranch(context.Background(), t, repoID, branch, fromRev)
}

// CreateTag creates tag at rev ("" = main).
func (s *Server) CreateTag(repoType, repoID, tag, rev string) error {
	t, err := store.ParseRepoType(repoType)
	if err != nil {
		return err
	}
	return s.st.CreateTag(context.Background(), t, repoID, tag, rev)
}

// CreatePR opens a pull request (refs/pr/N) on top of main adding files,
// and returns its number and commit id.
func (s *Server) CreatePR(repoType, repoID string, add map[string][]byte) (num int, commit string, err error) {
	res, err := s.commit(repoType, repoID, store.CommitRequest{CreatePR: true, Title: "Pull request"}, add, nil)
	if err != nil {
		return 0, "", err
	}
	return res.PRNum, res.Commit.ID, nil
}

// Rename moves a repository; the old id then answers 307 with a relative
// Location.
func (s *Server) Rename(repoType, fromID, toID string) error {
	t, err := store.ParseRepoType(repoType)
	if err != nil {
		return err
	}
	return s.st.MoveRepo(context.Background(), t, fromID, toID)
}

// GrantAccess lets user download the files of a gated repository, like an
// owner accepting an access request on the Hub. Without a grant (or after
// RevokeAccess) only the namespace owner and admin tokens pass a gated
// repo; others get 403 GatedRepo.
func (s *Server) GrantAccess(repoType, repoID, user string) error {
	return s.setAccess(repoType, repoID, user, store.AccessAccepted)
}

// RevokeAccess withdraws a grant made with GrantAccess (the user's request
// is then "rejected").
func (s *Server) RevokeAccess(repoType, repoID, user string) error {
	return s.setAccess(repoType, repoID, user, store.AccessRejected)
}

func (s *Server) setAccess(repoType, repoID, user string, st store.AccessStatus) error {
	t, err := store.ParseRepoType(repoType)
	if err != nil {
		return err
	}
	return s.st.SetAccess(context.Background(), t, repoID, user, st)
}
