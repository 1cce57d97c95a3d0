package server

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hfhub-go/hfhub/cache"
	"github.com/hfhub-go/hfhub/internal/gitblob"
	"github.com/hfhub-go/hfhub/store"
)

// CacheSource is a read-only [Source] over an existing Hugging Face cache
// folder (the layout the Python client and ours write): every repo and
// revision there is served with the refs and snapshots it holds; files
// that are not in a snapshot answer EntryNotFound. Blobs are read in place,
// nothing is copied, and nothing is written anywhere.
//
// The cache is scanned by [NewCacheSource] and again by [CacheSource.Refresh]
// (periodically with a refresh interval), so downloads made meanwhile
// appear. Serve it with [NewCacheServer], which refuses writes.
type CacheSource struct {
	dir string

	mu    sync.RWMutex
	meta  *store.Memory     // the scanned repos, refs and snapshots
	blobs map[string]string // etag -> blob file

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

// Close stops the periodic rescans.
func (c *CacheSource) Close() error {
	c.once.Do(func() { close(c.stop) })
	<-c.done
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
	blobs := map[string]string{}
	var repos []store.MemoryRepo
	for _, r := range rep.Repos {
		mr, ok, err := cachedRepo(r, blobs)
		if err != nil {
			return fmt.Errorf("cache source: %s %s: %w", r.Type, r.ID, err)
		}
		if ok {
			repos = append(repos, mr)
		}
	}
	meta, err := store.NewMemory(repos)
	if err != nil {
		return fmt.Errorf("cache source: %w", err)
	}
	c.mu.Lock()
	c.meta, c.blobs = meta, blobs
	c.mu.Unlock()
	return nil
}

// cachedRepo describes one cached repo (its refs and one commit per
// snapshot) and records its blobs in blobs. ok is false for repo types the
// server does not serve (kernels).
func cachedRepo(r *cache.RepoInfo, blobs map[string]string) (mr store.MemoryRepo, ok bool, err error) {
	t, err := store.ParseRepoType(r.Type)
	if err != nil {
		return store.MemoryRepo{}, false, nil
	}
	oid := sha1.Sum([]byte(r.Type + "/" + r.ID))
	mr = store.MemoryRepo{
		Info: store.RepoInfo{Type: t, ID: r.ID, ObjectID: hex.EncodeToString(oid[:12]), CreatedAt: r.LastModified},
		Refs: store.RefsFromNames(r.Refs),
	}
	// Oldest snapshot first: the order of the history.
	revs := append([]*cache.RevisionInfo(nil), r.Revisions...)
	sort.SliceStable(revs, func(i, j int) bool { return revs[i].LastModified.Before(revs[j].LastModified) })
	for _, rev := range revs {
		spec := store.CommitSpec{ID: rev.Commit, Title: "Snapshot " + rev.Commit[:min(7, len(rev.Commit))] + " from the cache",
			Author: "cache", Date: rev.LastModified}
		for _, f := range rev.Files {
			sf, err := cachedFile(f)
			if err != nil {
				return store.MemoryRepo{}, false, err
			}
			blobs[sf.SHA256] = f.BlobPath
			spec.Files = append(spec.Files, *sf)
		}
		c, err := store.NewCommit(spec)
		if err != nil {
			continue // a snapshot folder no client wrote (bad name or paths): not served
		}
		mr.Commits = append(mr.Commits, c)
	}
	return mr, true, nil
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
		fh, err := os.Open(f.BlobPath)
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		h := gitblob.NewHash(f.SizeOnDisk)
		if _, err := io.Copy(h, fh); err != nil {
			return nil, err
		}
		sf.BlobID = hex.EncodeToString(h.Sum(nil))
		sf.SHA256 = sf.BlobID
	}
	return sf, nil
}

func (c *CacheSource) current() *store.Memory {
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
	s := New(nil, append(opts, WithSource(src))...)
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
