package hfhub

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/time/rate"

	"github.com/hfhub-go/hfhub/cache"
)

// DownloadOptions configures [Client.Download] and [Client.DownloadDryRun].
// A nil pointer downloads from the main branch of a model repo into the
// client's cache.
type DownloadOptions struct {
	RepoType RepoType
	// Revision is a branch, tag, commit or "refs/pr/N"; empty means "main".
	// With a full commit hash a cached file costs no request at all.
	Revision string
	// Subfolder is joined before the file name ("sub" + "/" + filename).
	Subfolder string
	// CacheDir overrides the client's cache (HF_HUB_CACHE).
	CacheDir string
	// LocalDir, if set, puts real files at LocalDir/filename instead of the
	// cache, with bookkeeping in LocalDir/.cache/huggingface/ (spec §3.3).
	LocalDir string
	// ForceDownload ignores every cached copy and downloads again; it fails
	// if the Hub cannot be reached.
	ForceDownload bool
	// LocalFilesOnly never touches the network (like HF_HUB_OFFLINE for one
	// call): a file that is not cached is [ErrLocalEntryNotFound].
	LocalFilesOnly bool
	// PreferOffline uses a cached copy when the revision's ref is cached,
	// without the HEAD request that would check the branch has not moved.
	// Only when nothing usable is cached is the Hub asked.
	PreferOffline bool
	// Connections is the number of parallel Range requests for a large file
	// (default 8; 1 disables parallel ranges).
	Connections int
	// BandwidthLimit caps the download rate in bytes per second (shared by
	// all files of a snapshot); zero means unlimited.
	BandwidthLimit int64
	// Progress receives progress events.
	Progress ProgressObserver
	// parallelThreshold overrides the engine's size threshold for parallel
	// ranges (tests use small files).
	parallelThreshold int64

	// Extract, if set, unpacks the downloaded archive (zip, tar, tar.gz,
	// tgz, tar.xz, gz) once per blob; see [ExtractOptions].
	Extract *ExtractOptions
}

// DryRunFileInfo is what [Client.DownloadDryRun] finds: what a download
// would do, without doing it.
type DryRunFileInfo struct {
	CommitHash   string `json:"commit_hash"`
	FileSize     int64  `json:"file_size"`
	Filename     string `json:"filename"`
	LocalPath    string `json:"local_path"`
	IsCached     bool   `json:"is_cached"`
	WillDownload bool   `json:"will_download"`
}

// Download fetches one file of a repository into the Hugging Face cache
// (or opts.LocalDir) and returns its local path: in the cache, the snapshot
// entry snapshots/{commit}/{filename}, a relative symlink to
// blobs/{etag} shared with the Python client (hf_hub_download, spec §3).
//
// With a commit-hash revision a cached file costs no request; with a branch
// one HEAD request checks the commit (unless opts.PreferOffline). Large
// files are fetched with parallel Range requests, verified (sha256 for LFS
// files, the git blob id for others) while they arrive, and resumed after
// an interruption. When the Hub cannot be reached the cached copy of the
// revision is returned, as Python does.
//
// Hub API: HEAD then GET /{prefix}{id}/resolve/{rev}/{filename}. Errors
// match [ErrRepoNotFound], [ErrGatedRepo], [ErrRevisionNotFound],
// [ErrEntryNotFound], [ErrLocalEntryNotFound] (offline or unreachable and
// not cached; then also [ErrOffline] in offline mode), [ErrChecksumMismatch],
// [ErrValidation].
func (c *Client) Download(ctx context.Context, id, filename string, opts *DownloadOptions) (string, error) {
	r, err := c.newFileRequest(id, filename, opts)
	if err != nil {
		return "", err
	}
	var path string
	w := c.watchBudget(ctx, r) // cache_budget.go: evicts past WithCacheBudget once done
	defer w.finish(ctx, &path)
	if r.o.LocalDir != "" {
		path, _, err = c.downloadLocalDir(ctx, r, false)
	} else {
		path, _, err = c.downloadCache(ctx, r, false)
	}
	if err != nil {
		return "", err
	}
	if r.o.Extract != nil {
		return c.extractDownloaded(ctx, r, path)
	}
	return path, nil
}

// DownloadDryRun resolves what [Client.Download] would do with the same
// arguments (one HEAD request) and returns it without writing anything.
func (c *Client) DownloadDryRun(ctx context.Context, id, filename string, opts *DownloadOptions) (*DryRunFileInfo, error) {
	r, err := c.newFileRequest(id, filename, opts)
	if err != nil {
		return nil, err
	}
	var info *DryRunFileInfo
	if r.o.LocalDir != "" {
		_, info, err = c.downloadLocalDir(ctx, r, true)
	} else {
		_, info, err = c.downloadCache(ctx, r, true)
	}
	return info, err
}

// fileRequest is one file download, validated.
type fileRequest struct {
	rt       RepoType
	rts      string // rt.String(), the cache package's repo type
	id       string
	filename string // repo path, forward slashes, subfolder included
	rev      string // revision, "main" by default
	cache    *cache.Cache
	o        *DownloadOptions // never nil
	known    *knownFile       // from a tree listing: no HEAD needed
	limiter  *rate.Limiter
	dirs     *dirSyncer // set by Snapshot: folder fsyncs batched (snapshot_dirsync.go)
}

// knownFile is file metadata already known from a tree listing at a commit.
type knownFile struct {
	commit, etag string
	size         int64
	xetHash      string // tree xetHash: a Xet file (download_xet.go)
}

func (c *Client) newFileRequest(id, filename string, opts *DownloadOptions) (*fileRequest, error) {
	o := &DownloadOptions{}
	if opts != nil {
		cp := *opts
		o = &cp
	}
	if err := ValidateRepoID(id); err != nil {
		return nil, err
	}
	name, err := cleanFilename(o.Subfolder, filename)
	if err != nil {
		return nil, err
	}
	ca, err := c.openCache(o.CacheDir)
	if err != nil {
		return nil, err
	}
	r := &fileRequest{rt: o.RepoType, rts: o.RepoType.String(), id: id, filename: name,
		rev: revOrDefault(o.Revision), cache: ca, o: o}
	if o.BandwidthLimit > 0 {
		r.limiter = newLimiter(o.BandwidthLimit)
	}
	return r, nil
}

// newLimiter returns a limiter of bps bytes per second with bursts of at
// most 256 KiB (or one second's worth, if smaller).
func newLimiter(bps int64) *rate.Limiter {
	return rate.NewLimiter(rate.Limit(bps), int(min(bps, 256<<10)))
}

// cleanFilename joins subfolder and filename and rejects names that could
// leave the snapshot folder (spec §3.1 step 6): ".." segments (after "\" is
// read as "/"), absolute paths, Windows drives and UNC paths.
func cleanFilename(subfolder, filename string) (string, error) {
	name := filename
	if subfolder != "" {
		name = strings.TrimRight(subfolder, "/") + "/" + filename
	}
	slashed := strings.ReplaceAll(name, `\`, "/")
	bad := name == "" || strings.HasPrefix(slashed, "/") || strings.HasPrefix(slashed, "//") ||
		len(slashed) >= 2 && slashed[1] == ':'
	for seg := range strings.SplitSeq(slashed, "/") {
		if seg == ".." {
			bad = true
		}
	}
	if bad {
		return "", fmt.Errorf("%w: invalid file name %q: want a relative path inside the repository (no \"..\", no absolute or drive paths)", ErrValidation, name)
	}
	if err := cache.ValidateFilename(name); err != nil {
		return "", fmt.Errorf("%w: %v", ErrValidation, err)
	}
	return name, nil
}

// openCache opens dir (default: the client's cache), resolved to an absolute
// real path as Python does.
func (c *Client) openCache(dir string) (*cache.Cache, error) {
	if dir == "" {
		dir = c.cfg.CacheDir
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	ca, err := cache.Open(dir, &cache.Options{DisableSymlinks: c.cfg.DisableSymlinks, GroupWritable: c.cfg.CacheGroupWritable})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrValidation, err)
	}
	return ca, nil
}

// offline reports whether this request may not touch the network.
func (c *Client) offline(r *fileRequest) bool { return c.cfg.Offline || r.o.LocalFilesOnly }

// cachedCommit returns the commit the request's revision maps to in the
// cache: the revision itself when it is a commit hash, else refs/{rev}.
func (r *fileRequest) cachedCommit() string {
	if IsCommitHash(r.rev) {
		return r.rev
	}
	commit, err := r.cache.ReadRef(r.rts, r.id, r.rev)
	if err != nil || !IsCommitHash(commit) {
		return ""
	}
	return commit
}

// pointer returns the snapshot path of the file at commit and whether it
// exists (following the symlink).
func (r *fileRequest) pointer(commit string) (string, bool) {
	p, err := r.cache.SnapshotPath(r.rts, r.id, commit, r.filename)
	if err != nil {
		return "", false
	}
	fi, err := os.Stat(p)
	return p, err == nil && fi.Mode().IsRegular()
}

// downloadCache is hf_hub_download in cache mode (spec §3.2).
func (c *Client) downloadCache(ctx context.Context, r *fileRequest, dry bool) (string, *DryRunFileInfo, error) {
	force := r.o.ForceDownload
	hit := func(p, commit string) (string, *DryRunFileInfo, error) {
		if dry {
			fi, _ := os.Stat(p)
			var size int64
			if fi != nil {
				size = fi.Size()
			}
			return "", &DryRunFileInfo{CommitHash: commit, FileSize: size, Filename: r.filename, LocalPath: p, IsCached: true}, nil
		}
		_ = r.cache.Touch(r.rts, r.id, commit) // best effort: only eviction order depends on it
		size := int64(-1)
		if fi, err := os.Stat(p); err == nil {
			size = fi.Size()
		}
		emit(r.o.Progress, ProgressEvent{Kind: FileDone, RepoID: r.id, Path: r.filename, Cached: true, Total: size})
		return p, nil, nil
	}
	// 1. A commit revision already in the cache costs nothing.
	if IsCommitHash(r.rev) && !force {
		if p, ok := r.pointer(r.rev); ok {
			return hit(p, r.rev)
		}
	}
	// Prefer-offline: trust the cached ref without revalidation.
	if r.o.PreferOffline && !force {
		if commit := r.cachedCommit(); commit != "" {
			if p, ok := r.pointer(commit); ok {
				return hit(p, commit)
			}
		}
	}
	// 2. Metadata.
	meta, headErr := c.fileMetadata(ctx, r, false)
	if headErr != nil {
		if err := ctx.Err(); err != nil {
			return "", nil, headErr
		}
		if errors.Is(headErr, ErrEntryNotFound) {
			c.markNoExist(r, headErr)
			return "", nil, headErr
		}
		if errors.Is(headErr, ErrRevisionNotFound) {
			return "", nil, headErr
		}
		// 3. Fall back to the cached copy of the revision.
		if !force {
			if commit := r.cachedCommit(); commit != "" {
				if p, ok := r.pointer(commit); ok {
					return hit(p, commit)
				}
			}
		}
		if !c.offline(r) && retryableHeadError(headErr) {
			meta, headErr = c.fileMetadata(ctx, r, true)
		}
		if headErr != nil {
			return "", nil, c.noLocalCopyError(r, headErr)
		}
	}
	// 4. Paths.
	blob, err := r.cache.BlobPath(r.rts, r.id, meta.etag)
	if err != nil {
		return "", nil, fmt.Errorf("%w: %v", ErrServer, err)
	}
	pointer, err := r.cache.SnapshotPath(r.rts, r.id, meta.commit, r.filename)
	if err != nil {
		return "", nil, fmt.Errorf("%w: %v", ErrServer, err)
	}
	_, pointerOK := r.pointer(meta.commit)
	if dry {
		_, blobErr := os.Stat(blob)
		cached := pointerOK || blobErr == nil
		return "", &DryRunFileInfo{CommitHash: meta.commit, FileSize: meta.size, Filename: r.filename,
			LocalPath: pointer, IsCached: cached, WillDownload: force || !cached}, nil
	}
	// 5. Already there.
	if pointerOK && !force {
		_ = r.cache.WriteRef(r.rts, r.id, r.rev, meta.commit) // best effort: the cache may be read-only
		return hit(pointer, meta.commit)
	}
	// 6. Folders, tag, ref.
	if err := r.cache.MkdirAll(filepath.Dir(blob)); err != nil {
		return "", nil, err
	}
	if err := r.cache.MkdirAll(filepath.Dir(pointer)); err != nil {
		return "", nil, err
	}
	_ = r.cache.WriteCacheDirTag() // best effort: only backup tools read it
	if err := r.cache.WriteRef(r.rts, r.id, r.rev, meta.commit); err != nil {
		return "", nil, err
	}
	// 7. Lock the blob (Python holds the same flock).
	unlock, err := r.cache.LockBlob(ctx, r.rts, r.id, meta.etag)
	if err != nil {
		return "", nil, err
	}
	defer unlock()
	// 8. Another process may have fetched it meanwhile.
	if _, err := os.Stat(blob); err == nil && !force {
		if err := r.cache.LinkSnapshot(blob, pointer, false); err != nil {
			return "", nil, err
		}
		return hit(pointer, meta.commit)
	}
	// 9. Transfer, then link.
	if err := c.transferTo(ctx, r, meta, blob, blobTempPath(blob)); err != nil {
		return "", nil, err
	}
	if err := r.cache.LinkSnapshot(blob, pointer, true); err != nil {
		return "", nil, err
	}
	_ = r.cache.Touch(r.rts, r.id, meta.commit) // best effort: only eviction order depends on it
	emit(r.o.Progress, ProgressEvent{Kind: FileDone, RepoID: r.id, Path: r.filename, Total: meta.size})
	return pointer, nil, nil
}

// blobTempPath is the resumable temporary file of a blob:
// blobs/{etag}.hfhub.incomplete. It is stable across runs (so a later run
// resumes it, guided by its journal blobs/{etag}.hfhub.journal.incomplete)
// and distinct from the names Python uses ({etag}.{8hex}.incomplete in 1.x,
// {etag}.incomplete in 0.x), so neither client ever appends to the other's
// partial file. Only the holder of the blob's lock touches it.
func blobTempPath(blob string) string { return blob + ".hfhub.incomplete" }

// markNoExist records a 404 EntryNotFound that carried X-Repo-Commit
// (.no_exist marker and refs/{rev}); errors are ignored, as in Python.
func (c *Client) markNoExist(r *fileRequest, err error) {
	var he *HubError
	if !errors.As(err, &he) || he.Header == nil {
		return
	}
	commit := he.Header.Get(HeaderRepoCommit)
	if !IsCommitHash(commit) {
		return
	}
	_ = r.cache.MarkNoExist(r.rts, r.id, commit, r.filename) // best effort (Python logs and ignores)
	_ = r.cache.WriteRef(r.rts, r.id, r.rev, commit)         // best effort
}

// retryableHeadError reports whether a failed metadata request is worth
// retrying with back-off: network errors, timeouts and HTTP 408, 429, 500,
// 502, 503, 504.
func retryableHeadError(err error) bool {
	if errors.Is(err, ErrOffline) || errors.Is(err, context.Canceled) {
		return false
	}
	var he *HubError
	if errors.As(err, &he) {
		switch he.StatusCode {
		case 408, 429, 500, 502, 503, 504:
			return true
		}
		return false
	}
	var me *FileMetadataError
	if errors.As(err, &me) {
		return false
	}
	return retryableNetErr(err)
}

// noLocalCopyError is the error of spec §3.5: metadata failed and no usable
// local copy exists.
func (c *Client) noLocalCopyError(r *fileRequest, headErr error) error {
	what := describeFile(r.rt, r.id, r.filename, r.rev) // errors_local.go
	switch {
	case r.o.ForceDownload:
		return fmt.Errorf("cannot force the download of %s: its metadata could not be fetched (nothing was changed): %w", what, headErr)
	case r.o.LocalFilesOnly:
		return newLocalEntryError(what, nil)
	case errors.Is(headErr, ErrRepoNotFound), errors.Is(headErr, ErrUnauthorized):
		return headErr
	}
	var he *HubError
	if errors.As(headErr, &he) && he.StatusCode == http.StatusUnauthorized {
		return headErr
	}
	return newLocalEntryError(what, headErr)
}

// existsFile reports whether p exists (following symlinks) as a regular file.
func existsFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}
