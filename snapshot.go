package hfhub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"

	"golang.org/x/sync/errgroup"

	"github.com/hfhub-go/hfhub/cache"
)

// DefaultMaxWorkers is how many files [Client.Snapshot] downloads at once.
const DefaultMaxWorkers = 8

// ErrIncompleteSnapshot is returned offline when the cached snapshot lacks
// files that the tree cache (trees/{commit}.json) says the commit has and
// the patterns select (Python's IncompleteSnapshotError).
var ErrIncompleteSnapshot = errors.New("cached snapshot is incomplete")

// SnapshotOptions configures [Client.Snapshot]. A nil pointer downloads the
// whole main branch of a model repo into the client's cache.
type SnapshotOptions struct {
	// DownloadOptions apply to every file (Subfolder and Extract must be
	// empty).
	DownloadOptions
	// AllowPatterns and IgnorePatterns select files, with Python's
	// semantics (see [FilterRepoFiles]).
	AllowPatterns, IgnorePatterns []string
	// MaxWorkers is the number of files fetched at once (default 8).
	MaxWorkers int
}

// Snapshot downloads a whole repository revision (snapshot_download, spec
// §7) and returns the snapshot folder ({cache}/{repo}/snapshots/{commit}) or
// the local dir. The revision is resolved to a commit once (no request for
// a commit hash), the tree is listed once (and kept in trees/{commit}.json,
// which newer Python clients also read offline), files are filtered by the
// patterns, and missing ones are fetched by MaxWorkers workers; the first
// failure cancels the rest.
//
// Unlike Python, no per-file HEAD request is sent: the tree listing already
// gives each file's etag (git blob id or LFS sha256) and size, so a
// 1000-file repo costs 1 revision call + 1 listing page + 1 GET per
// missing file instead of 1000 more HEADs (fewer requests, fewer 429s). Files
// already in the cache cost nothing.
//
// Hub API: GET /api/{type}s/{id}/revision/{rev}, GET
// /api/{type}s/{id}/tree/{commit}?recursive=true, GET /resolve/ per file.
// Offline (or when the Hub is unreachable) the cached snapshot of the
// revision is returned; errors as for [Client.Download], plus
// [ErrIncompleteSnapshot].
func (c *Client) Snapshot(ctx context.Context, id string, opts *SnapshotOptions) (string, error) {
	opts, w := c.watchSnapshotBudget(ctx, id, opts) // cache_budget.go: evicts past WithCacheBudget once done
	path, _, err := c.snapshot(ctx, id, opts, false)
	w.finish(ctx, &path)
	return path, err
}

// SnapshotDryRun reports, per selected file, what [Client.Snapshot] would do,
// without writing anything. It needs the network.
func (c *Client) SnapshotDryRun(ctx context.Context, id string, opts *SnapshotOptions) ([]DryRunFileInfo, error) {
	_, infos, err := c.snapshot(ctx, id, opts, true)
	return infos, err
}

func (c *Client) snapshot(ctx context.Context, id string, opts *SnapshotOptions, dry bool) (string, []DryRunFileInfo, error) {
	o := &SnapshotOptions{}
	if opts != nil {
		cp := *opts
		o = &cp
	}
	if o.Subfolder != "" || o.Extract != nil {
		return "", nil, fmt.Errorf("%w: Snapshot does not take Subfolder or Extract; filter with AllowPatterns instead", ErrValidation)
	}
	if err := ValidateRepoID(id); err != nil {
		return "", nil, err
	}
	ca, err := c.openCache(o.CacheDir)
	if err != nil {
		return "", nil, err
	}
	base := &fileRequest{rt: o.RepoType, rts: o.RepoType.String(), id: id, rev: revOrDefault(o.Revision), cache: ca, o: &o.DownloadOptions}
	localDir := ""
	if o.LocalDir != "" {
		if localDir, err = filepath.Abs(o.LocalDir); err != nil {
			return "", nil, fmt.Errorf("%w: local dir: %v", ErrValidation, err)
		}
		if real, err := filepath.EvalSymlinks(localDir); err == nil {
			localDir = real
		}
	}
	offline := c.cfg.Offline || o.LocalFilesOnly

	// 2. The commit.
	commit := ""
	var infoErr error
	if IsCommitHash(base.rev) {
		commit = base.rev
	} else if o.PreferOffline && !o.ForceDownload && !dry {
		if cc := base.cachedCommit(); cc != "" {
			if p, err := c.offlineSnapshot(base, localDir, cc, o); err == nil {
				return p, nil, nil
			}
		}
	}
	if commit == "" && !offline {
		info, err := c.RepoInfo(ctx, id, &RepoInfoOptions{RepoType: o.RepoType, Revision: base.rev})
		switch {
		case err == nil && IsCommitHash(info.SHA()):
			commit = info.SHA()
		case err == nil:
			infoErr = fmt.Errorf("%w: the revision answer for %s@%s has no commit sha", ErrServer, id, base.rev)
		case ctx.Err() != nil, errors.Is(err, ErrRevisionNotFound):
			return "", nil, err
		default:
			infoErr = err
		}
	}
	// 3. Offline branch.
	if commit == "" || o.LocalFilesOnly {
		if dry {
			return "", nil, fmt.Errorf("%w: a dry run needs the Hub: %v", ErrLocalEntryNotFound, orOffline(infoErr))
		}
		if commit == "" {
			commit = base.cachedCommit()
		}
		if commit != "" {
			p, err := c.offlineSnapshot(base, localDir, commit, o)
			if err == nil || errors.Is(err, ErrIncompleteSnapshot) {
				return p, nil, err
			}
		}
		return "", nil, c.snapshotUnavailable(base, o, infoErr)
	}

	// 4. Listing.
	tree, err := c.snapshotTree(ctx, base, localDir, commit, dry)
	if err != nil {
		return "", nil, err
	}
	// 5. Filter.
	names := make([]string, 0, len(tree.Files))
	for name := range tree.Files {
		names = append(names, name)
	}
	sort.Strings(names)
	names = FilterRepoFiles(names, o.AllowPatterns, o.IgnorePatterns)
	// The listing comes from the server: a name that would leave the
	// snapshot or local folder ("../x", "/x", "a\..\x") stops the download.
	for _, name := range names {
		if _, err := cleanFilename("", name); err != nil {
			return "", nil, fmt.Errorf("%w: the file listing of %s at %s names an unsafe path: %v", ErrServer, id, commit, err)
		}
	}

	snapDir, err := ca.SnapshotDir(base.rts, id, commit)
	if err != nil {
		return "", nil, err
	}
	result := snapDir
	if localDir != "" {
		result = localDir
	}
	if dry {
		infos := make([]DryRunFileInfo, 0, len(names))
		for _, name := range names {
			r := c.snapshotFile(base, name, commit, tree.Files[name])
			var info *DryRunFileInfo
			if localDir != "" {
				_, info, err = c.downloadLocalDir(ctx, r, true)
			} else {
				_, info, err = c.downloadCache(ctx, r, true)
			}
			if err != nil {
				return "", nil, err
			}
			infos = append(infos, *info)
		}
		return result, infos, nil
	}
	// 6. The ref.
	if localDir == "" && base.rev != commit {
		_ = ca.WriteRef(base.rts, id, base.rev, commit) // best effort, as Python (warning only)
	}
	// 7. Fetch.
	var total int64
	for _, name := range names {
		total += tree.Files[name].ContentSize()
	}
	emit(o.Progress, ProgressEvent{Kind: SnapshotStarted, RepoID: id, Files: len(names), Total: total})
	if o.BandwidthLimit > 0 {
		base.limiter = newLimiter(o.BandwidthLimit)
	}
	base.dirs = newDirSyncer()
	g, gctx := errgroup.WithContext(ctx)
	workers := o.MaxWorkers
	if workers <= 0 {
		workers = DefaultMaxWorkers
	}
	g.SetLimit(workers)
	for _, name := range names {
		if gctx.Err() != nil {
			break
		}
		r := c.snapshotFile(base, name, commit, tree.Files[name])
		g.Go(func() error {
			var err error
			if localDir != "" {
				_, _, err = c.downloadLocalDir(gctx, r, false)
			} else {
				_, _, err = c.downloadCache(gctx, r, false)
			}
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			return nil
		})
	}
	err = g.Wait()
	if serr := syncSnapshotDirs(base, snapDir, localDir, names); err == nil {
		err = serr
	}
	if err != nil {
		return "", nil, err
	}
	if err := ctx.Err(); err != nil {
		return "", nil, err
	}
	emit(o.Progress, ProgressEvent{Kind: SnapshotDone, RepoID: id, Files: len(names), Total: total})
	return result, nil, nil
}

func orOffline(err error) error {
	if err == nil {
		return ErrOffline
	}
	return err
}

// snapshotFile is the request for one file of a listed commit: its etag and
// size are known, so no HEAD is needed.
func (c *Client) snapshotFile(base *fileRequest, name, commit string, f cache.TreeFile) *fileRequest {
	r := *base
	r.filename = name
	r.rev = commit
	r.known = &knownFile{commit: commit, etag: f.Etag(), size: f.ContentSize(), xetHash: f.XetHash}
	return &r
}

// snapshotUnavailable is the error of spec §7 step 3 when nothing usable is
// cached.
func (c *Client) snapshotUnavailable(r *fileRequest, o *SnapshotOptions, infoErr error) error {
	what := describeSnapshot(r.rt, r.id, r.rev) // errors_local.go
	switch {
	case o.LocalFilesOnly:
		return newLocalEntryError(what, nil)
	case c.cfg.Offline:
		return newLocalEntryError(what, ErrOffline)
	case errors.Is(infoErr, ErrRepoNotFound), errors.Is(infoErr, ErrUnauthorized):
		return infoErr
	}
	var he *HubError
	if errors.As(infoErr, &he) && he.StatusCode == http.StatusUnauthorized {
		return infoErr
	}
	return newLocalEntryError(what, orOffline(infoErr))
}

// offlineSnapshot returns the cached snapshot of commit (or the local dir)
// if it is there and, when a tree cache exists, complete for the patterns.
func (c *Client) offlineSnapshot(r *fileRequest, localDir, commit string, o *SnapshotOptions) (string, error) {
	var dir string
	if localDir != "" {
		ents, err := os.ReadDir(localDir)
		if err != nil || len(ents) == 0 {
			return "", fmt.Errorf("%w: %s is empty", ErrLocalEntryNotFound, localDir)
		}
		dir = localDir
	} else {
		d, err := r.cache.SnapshotDir(r.rts, r.id, commit)
		if err != nil {
			return "", err
		}
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			return "", fmt.Errorf("%w: no snapshot folder %s", ErrLocalEntryNotFound, d)
		}
		dir = d
	}
	tree, err := c.readTreeCache(r, localDir, commit)
	if err == nil {
		names := make([]string, 0, len(tree.Files))
		for name := range tree.Files {
			names = append(names, name)
		}
		var missing []string
		for _, name := range FilterRepoFiles(names, o.AllowPatterns, o.IgnorePatterns) {
			if !existsFile(filepath.Join(dir, filepath.FromSlash(name))) {
				missing = append(missing, name)
			}
		}
		if len(missing) > 0 {
			sort.Strings(missing)
			return dir, fmt.Errorf("%w: %s at %s lacks %d file(s) (first: %s); connect to the Hub and download again", ErrIncompleteSnapshot, r.id, commit, len(missing), missing[0])
		}
	}
	if localDir == "" {
		_ = r.cache.Touch(r.rts, r.id, commit) // best effort: only eviction order depends on it
	}
	return dir, nil
}

// treeCachePath is trees/{commit}.json in the repo's cache folder or in
// {local dir}/.cache/huggingface/.
func treeCachePath(r *fileRequest, localDir, commit string) (string, error) {
	if localDir != "" {
		return filepath.Join(localMetaDir(localDir), cache.TreesDirName, commit+".json"), nil
	}
	return r.cache.TreePath(r.rts, r.id, commit)
}

func (c *Client) readTreeCache(r *fileRequest, localDir, commit string) (*cache.Tree, error) {
	if localDir == "" {
		return r.cache.ReadTree(r.rts, r.id, commit)
	}
	p, _ := treeCachePath(r, localDir, commit)
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	var t cache.Tree
	if err := json.Unmarshal(b, &t); err != nil || t.FormatVersion != 1 {
		return nil, fmt.Errorf("tree cache %s is unreadable", p)
	}
	for _, f := range t.Files {
		if f.XetHash != "" && !cache.IsSHA256(f.XetHash) {
			return nil, fmt.Errorf("tree cache %s has an invalid xet_hash", p)
		}
	}
	return &t, nil
}

// snapshotTree returns the files of commit: from the tree cache, else from
// one recursive listing, which is then saved as the tree cache (not in a
// dry run).
func (c *Client) snapshotTree(ctx context.Context, r *fileRequest, localDir, commit string, dry bool) (*cache.Tree, error) {
	if t, err := c.readTreeCache(r, localDir, commit); err == nil {
		return t, nil
	}
	t := &cache.Tree{FormatVersion: 1, Files: map[string]cache.TreeFile{}}
	for e, err := range c.ListRepoTree(ctx, r.id, &ListRepoTreeOptions{RepoType: r.rt, Revision: commit, Recursive: true}) {
		if err != nil {
			return nil, err
		}
		if e.IsDir() {
			continue
		}
		f := cache.TreeFile{Size: e.Size, BlobID: e.OID}
		if e.LFS != nil {
			f.LFSSHA256, f.LFSSize = e.LFS.OID, e.LFS.Size
		}
		if cache.IsSHA256(e.XetHash) {
			f.XetHash = e.XetHash
		}
		t.Files[e.Path] = f
	}
	if !dry {
		// Best effort: the listing is only an optimisation for later runs.
		if localDir == "" {
			_ = r.cache.WriteTree(r.rts, r.id, commit, t)
		} else if p, err := treeCachePath(r, localDir, commit); err == nil {
			if b, err := json.MarshalIndent(t, "", " "); err == nil {
				_ = r.cache.WriteFileAtomic(p, b)
			}
		}
	}
	return t, nil
}
