package server

import (
	"context"
	"crypto/sha1"
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
	"time"

	"github.com/hfhub-go/hfhub/cache"
	"github.com/hfhub-go/hfhub/store"
)

// CacheSource is a read-only [Source] over an existing Hugging Face cache
// folder (the layout the Python client and ours write): every repo and
// revision there is served with the refs and snapshots it holds; files
// that are not in a snapshot answer EntryNotFound. Blobs are read in place,
// nothing is copied.
//
// The cache is scanned by [NewCacheSource] and again by [CacheSource.Refresh]
// (periodically with a refresh interval), so downloads made meanwhile
// appear. Serve it with [NewCacheServer], which refuses writes.
type CacheSource struct {
	dir string

	mu     sync.RWMutex
	meta   *store.Store      // metadata of the snapshots (a scratch store)
	metaIn string            // its folder
	blobs  map[string]string // etag -> blob file

	stop chan struct{}
	done chan struct{}
	once sync.Once
}

var _ Source = (*CacheSource)(nil)

// NewCacheSource scans the cache folder dir. With refresh > 0 it rescans
// every refresh until Close.
func NewCacheSource(ctx context.Context, dir string, refresh time.Duration) (*CacheSource, error) {
	c := &CacheSource{dir: dir, stop: make(chan struct{}), done: make(chan struct{})}
	if err := c.Refresh(ctx); err != nil {
		return nil, err
	}
	if refresh <= 0 {
		close(c.done)
		return c, nil
	}
	go func() {
		defer close(c.done)
		t := time.NewTicker(refresh)
		defer t.Stop()
		for {
			select {
			case <-c.stop:
				return
			case <-t.C:
				c.Refresh(context.Background()) // a failed rescan keeps the last view
			}
		}
	}()
	return c, nil
}

// Close stops the periodic rescans and removes the scratch metadata.
func (c *CacheSource) Close() error {
	c.once.Do(func() { close(c.stop) })
	<-c.done
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.metaIn != "" {
		os.RemoveAll(c.metaIn)
		c.metaIn = ""
	}
	return nil
}

// Refresh rescans the cache and swaps in what it finds.
func (c *CacheSource) Refresh(ctx context.Context) error {
	hc, err := cache.Open(c.dir, nil)
	if err != nil {
		return fmt.Errorf("cache source: %w", err)
	}
	rep, err := hc.Scan(ctx)
	if err != nil {
		return fmt.Errorf("cache source: %w", err)
	}
	tmp, err := os.MkdirTemp("", "hfhub-cache-source-")
	if err != nil {
		return fmt.Errorf("cache source: %w", err)
	}
	blobs := map[string]string{}
	for _, r := range rep.Repos {
		if err := writeCachedRepo(tmp, r, blobs); err != nil {
			os.RemoveAll(tmp)
			return fmt.Errorf("cache source: %s %s: %w", r.Type, r.ID, err)
		}
	}
	st, err := store.Open(tmp)
	if err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("cache source: %w", err)
	}
	c.mu.Lock()
	old := c.metaIn
	c.meta, c.metaIn, c.blobs = st, tmp, blobs
	c.mu.Unlock()
	if old != "" {
		os.RemoveAll(old)
	}
	return nil
}

// Store returns the scratch store holding the scanned metadata (for
// [New]; it must not receive writes).
func (c *CacheSource) Store() *store.Store {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.meta
}

// cachedRepo and cachedCommit are the store's persisted shapes.
type cachedRepo struct {
	store.RepoInfo
	Refs store.Refs `json:"refs"`
	Seq  int64      `json:"seq"`
}

// writeCachedRepo records one cached repo (refs and one commit per
// snapshot) in the scratch store folder and its blobs in blobs.
func writeCachedRepo(root string, r *cache.RepoInfo, blobs map[string]string) error {
	t, err := store.ParseRepoType(r.Type)
	if err != nil {
		return nil // kernels and other types are not served
	}
	oid := sha1.Sum([]byte(r.Type + "/" + r.ID))
	repo := cachedRepo{
		RepoInfo: store.RepoInfo{Type: t, ID: r.ID, ObjectID: hex.EncodeToString(oid[:12]), CreatedAt: r.LastModified.UTC()},
		Refs:     store.Refs{Branches: map[string]string{}, Tags: map[string]string{}, PullRequests: map[int]string{}, Converts: map[string]string{}},
	}
	for name, commit := range r.Refs {
		switch {
		case strings.HasPrefix(name, "refs/pr/"):
			if n, err := strconv.Atoi(strings.TrimPrefix(name, "refs/pr/")); err == nil {
				repo.Refs.PullRequests[n] = commit
			}
		case strings.HasPrefix(name, "refs/convert/"):
			repo.Refs.Converts[strings.TrimPrefix(name, "refs/convert/")] = commit
		case strings.HasPrefix(name, "refs/tags/"):
			repo.Refs.Tags[strings.TrimPrefix(name, "refs/tags/")] = commit
		default:
			repo.Refs.Branches[strings.TrimPrefix(name, "refs/heads/")] = commit
		}
	}
	dir := filepath.Join(root, "repos", t.Plural(), strings.ReplaceAll(r.ID, "/", "--"))
	if err := os.MkdirAll(filepath.Join(dir, "commits"), 0o755); err != nil {
		return err
	}
	for i, rev := range r.Revisions {
		commit := store.Commit{ID: rev.Commit, Title: "Snapshot " + rev.Commit[:min(7, len(rev.Commit))] + " from the cache",
			Author: "cache", Date: rev.LastModified.UTC(), Seq: int64(i + 1), List: []*store.File{}}
		for _, f := range rev.Files {
			sf, err := cachedFile(f)
			if err != nil {
				return err
			}
			blobs[sf.SHA256] = f.BlobPath
			commit.List = append(commit.List, sf)
		}
		data, err := json.Marshal(&commit)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "commits", rev.Commit+".json"), data, 0o644); err != nil {
			return err
		}
	}
	repo.Seq = int64(len(r.Revisions))
	data, err := json.Marshal(&repo)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "repo.json"), data, 0o644)
}

// cachedFile describes a snapshot file. The blob's name is its etag: a
// sha256 for LFS files, a git blob id otherwise; blobs are keyed by it.
func cachedFile(f cache.FileInfo) (*store.File, error) {
	etag := filepath.Base(f.BlobPath)
	sf := &store.File{Path: f.Filename, Size: f.SizeOnDisk}
	switch {
	case cache.IsSHA256(etag):
		sf.LFS, sf.SHA256 = true, etag
		sf.BlobID = store.GitBlobID(store.LFSPointer(etag, f.SizeOnDisk))
	case cache.IsCommitHash(etag):
		sf.SHA256, sf.BlobID = etag, etag
	default: // a cache written without symlinks: hash the file
		h := sha1.New()
		fh, err := os.Open(f.BlobPath)
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		fmt.Fprintf(h, "blob %d\x00", f.SizeOnDisk)
		if _, err := io.Copy(h, fh); err != nil {
			return nil, err
		}
		sf.BlobID = hex.EncodeToString(h.Sum(nil))
		sf.SHA256 = sf.BlobID
	}
	return sf, nil
}

func (c *CacheSource) current() *store.Store {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.meta
}

// Repo describes a cached repo.
func (c *CacheSource) Repo(t store.RepoType, id string) (store.RepoInfo, error) {
	return c.current().Repo(t, id)
}

// Redirect reports no renames: the cache does not record them.
func (c *CacheSource) Redirect(t store.RepoType, id string) (string, bool) { return "", false }

// ListRepos lists the cached repos of a type.
func (c *CacheSource) ListRepos(t store.RepoType) []store.RepoInfo { return c.current().ListRepos(t) }

// Resolve finds the snapshot a ref or commit names.
func (c *CacheSource) Resolve(t store.RepoType, id, rev string) (*store.Commit, error) {
	return c.current().Resolve(t, id, rev)
}

// Refs lists the cached refs.
func (c *CacheSource) Refs(t store.RepoType, id string) (store.Refs, error) {
	return c.current().Refs(t, id)
}

// Log lists the snapshot rev names (the cache keeps no history).
func (c *CacheSource) Log(t store.RepoType, id, rev string) ([]*store.Commit, error) {
	return c.current().Log(t, id, rev)
}

// LastCommits maps every path of a snapshot to the snapshot itself.
func (c *CacheSource) LastCommits(t store.RepoType, id, commitID string) (map[string]*store.Commit, error) {
	return c.current().LastCommits(t, id, commitID)
}

// OpenBlob opens a cached blob by its etag.
func (c *CacheSource) OpenBlob(etag string) (*os.File, error) {
	c.mu.RLock()
	p, ok := c.blobs[etag]
	c.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w: %s", store.ErrBlobNotFound, etag)
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s (removed from the cache since the last scan)", store.ErrBlobNotFound, etag)
	}
	return f, err
}

// NewCacheServer returns a handler serving the cache read-only: the Hub
// read API over src, with every write answered 405.
func NewCacheServer(src *CacheSource, opts ...Option) http.Handler {
	s := New(src.Store(), append(opts, WithSource(src))...)
	return ReadOnly(s, "this server shares a Hugging Face cache read-only")
}

// ReadOnly refuses every request but GET, HEAD, OPTIONS and the POST of
// paths-info with 405 and the reason given.
func ReadOnly(h http.Handler, why string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		case http.MethodPost:
			if !strings.Contains(r.URL.Path, "/paths-info/") && !strings.HasSuffix(r.URL.Path, "/paths-info") {
				writeError(w, r, http.StatusMethodNotAllowed, "", "Method "+r.Method+" not allowed: "+why+".")
				return
			}
		default:
			writeError(w, r, http.StatusMethodNotAllowed, "", "Method "+r.Method+" not allowed: "+why+".")
			return
		}
		h.ServeHTTP(w, r)
	})
}
