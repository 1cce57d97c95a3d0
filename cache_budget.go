package hfhub

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hfhub-go/hfhub/cache"
)

// Cache budget (WithCacheBudget, HF_HUB_CACHE_MAX_SIZE): after a Download or
// Snapshot that put new files into the cache, the least recently used
// revisions are evicted until the cache fits. The revision just downloaded
// and every revision of a repo this client is still downloading are
// protected; files other processes have locked are left alone by
// cache.Evict itself. Eviction never fails the download: problems are
// logged as warnings.

// budgetState is the client's bookkeeping for eviction.
type budgetState struct {
	evictMu sync.Mutex // one eviction at a time: each scans what the last left

	mu       sync.Mutex
	inflight map[string]int // cache dir + "\x00" + repo folder -> calls in progress
}

type noBudgetKey struct{}

// withoutBudget marks ctx so that downloads made with it never evict (a
// repair must not evict other revisions of the repo it is repairing).
func withoutBudget(ctx context.Context) context.Context {
	return context.WithValue(ctx, noBudgetKey{}, true)
}

// budgetWatch follows one Download or Snapshot call when a budget applies.
// A nil *budgetWatch (no budget, local-dir mode) does nothing.
type budgetWatch struct {
	c     *Client
	ca    *cache.Cache
	rts   string
	id    string
	key   string
	next  ProgressObserver // the caller's observer, if any
	wrote atomic.Bool      // a file was transferred into the cache
}

// OnProgress notes transfers and passes every event on.
func (w *budgetWatch) OnProgress(ev ProgressEvent) {
	if ev.Kind == FileDone && !ev.Cached {
		w.wrote.Store(true)
	}
	if w.next != nil {
		w.next.OnProgress(ev)
	}
}

// watchBudget starts following the download r when the client has a cache
// budget: it wraps r's progress observer (to learn whether anything was
// written) and marks r's repo as in progress. Call finish when done.
func (c *Client) watchBudget(ctx context.Context, r *fileRequest) *budgetWatch {
	if c.cfg.CacheMaxSize <= 0 || r.o.LocalDir != "" || ctx.Value(noBudgetKey{}) != nil {
		return nil
	}
	w := &budgetWatch{c: c, ca: r.cache, rts: r.rts, id: r.id, next: r.o.Progress,
		key: r.cache.Dir + "\x00" + cache.RepoFolderName(r.rts, r.id)}
	r.o.Progress = w
	c.budget.mu.Lock()
	if c.budget.inflight == nil {
		c.budget.inflight = map[string]int{}
	}
	c.budget.inflight[w.key]++
	c.budget.mu.Unlock()
	return w
}

// watchSnapshotBudget is watchBudget for [Client.Snapshot]: it returns a
// copy of opts carrying the watch's observer (opts itself is not changed).
func (c *Client) watchSnapshotBudget(ctx context.Context, id string, opts *SnapshotOptions) (*SnapshotOptions, *budgetWatch) {
	if c.cfg.CacheMaxSize <= 0 || opts != nil && opts.LocalDir != "" || ctx.Value(noBudgetKey{}) != nil {
		return opts, nil
	}
	o := &SnapshotOptions{}
	if opts != nil {
		cp := *opts
		o = &cp
	}
	ca, err := c.openCache(o.CacheDir)
	if err != nil {
		return opts, nil // the snapshot reports this error itself
	}
	w := c.watchBudget(ctx, &fileRequest{rts: o.RepoType.String(), id: id, cache: ca, o: &o.DownloadOptions})
	return o, w
}

// finish ends the watch. When the call wrote to the cache and *path is
// the snapshot file or folder it returned, LRU revisions are evicted until
// the cache fits the budget, protecting the revision of *path and the repos
// this client is still downloading.
func (w *budgetWatch) finish(ctx context.Context, path *string) {
	if w == nil {
		return
	}
	c := w.c
	defer func() {
		c.budget.mu.Lock()
		if c.budget.inflight[w.key]--; c.budget.inflight[w.key] <= 0 {
			delete(c.budget.inflight, w.key)
		}
		c.budget.mu.Unlock()
	}()
	if !w.wrote.Load() || *path == "" || ctx.Err() != nil {
		return
	}
	commit := w.commitOf(*path)
	if commit == "" {
		c.logger.Warn("hfhub: cache budget not applied: the downloaded path is not in a snapshot folder", "path", *path)
		return
	}
	c.evictToBudget(ctx, w.ca, func(repoType, repoID, rev string) bool {
		if repoType == w.rts && repoID == w.id && rev == commit {
			return true // just downloaded
		}
		c.budget.mu.Lock()
		defer c.budget.mu.Unlock()
		n := c.budget.inflight[w.ca.Dir+"\x00"+cache.RepoFolderName(repoType, repoID)]
		if repoType == w.rts && repoID == w.id {
			n-- // this call itself is still counted
		}
		return n > 0
	})
}

// commitOf returns the commit of a path below the repo's snapshots folder.
func (w *budgetWatch) commitOf(p string) string {
	snaps := filepath.Join(w.ca.RepoDir(w.rts, w.id), cache.SnapshotsDirName)
	rel, err := filepath.Rel(snaps, p)
	if err != nil {
		return ""
	}
	commit, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
	if !cache.IsCommitHash(commit) {
		return ""
	}
	return commit
}

// evictToBudget runs cache.Evict with the client's budget and logs what
// happened; it never fails.
func (c *Client) evictToBudget(ctx context.Context, ca *cache.Cache, keep func(repoType, repoID, commit string) bool) {
	c.budget.evictMu.Lock()
	defer c.budget.evictMu.Unlock()
	max := c.cfg.CacheMaxSize
	res, err := ca.Evict(ctx, max, &cache.EvictOptions{Keep: keep})
	if err != nil {
		c.logger.Warn("hfhub: cache eviction failed; the download itself succeeded", "cache", ca.Dir, "budget", max, "err", err)
		return
	}
	for _, e := range res.Evicted {
		c.logger.Info("hfhub: evicted from the cache (budget)", "repo", e.RepoType+"/"+e.RepoID, "commit", e.Commit, "freed", e.Freed)
	}
	for _, wr := range res.Warnings {
		c.logger.Debug("hfhub: cache eviction", "path", wr.Path, "warning", wr.Message)
	}
	if res.SizeAfter > max {
		c.logger.Warn("hfhub: the cache is still over its budget (what remains is in use, locked by another process, or just downloaded); raise HF_HUB_CACHE_MAX_SIZE or free space",
			"cache", ca.Dir, "size", res.SizeAfter, "budget", max, "busy", len(res.Busy))
	}
}
