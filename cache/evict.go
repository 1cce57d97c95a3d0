package cache

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// EnvMaxSize is the environment variable holding a cache size budget, e.g.
// "50G" (see [ParseSize]). The client reads it and evicts after downloads;
// this package only takes the number.
const EnvMaxSize = "HF_HUB_CACHE_MAX_SIZE"

// EvictOptions tunes [Cache.Evict]. nil means defaults.
type EvictOptions struct {
	// DryRun reports what would be evicted without removing anything.
	DryRun bool
	// Keep, if set, protects revisions: one for which it returns true is
	// never evicted, and its repo folder stays (the hfhub client protects
	// the revision it just downloaded and those it is downloading).
	Keep func(repoType, repoID, commit string) bool
}

// EvictedRevision is one revision [Cache.Evict] removed (or would remove).
type EvictedRevision struct {
	RepoType string    `json:"repo_type"`
	RepoID   string    `json:"repo_id"`
	Commit   string    `json:"commit_hash"`
	Refs     []string  `json:"refs"`
	LastUsed time.Time `json:"last_used"`
	// Freed is the number of bytes its removal frees, extracted archives
	// included.
	Freed int64 `json:"freed"`
}

// EvictResult is what [Cache.Evict] did.
type EvictResult struct {
	// MaxBytes is the budget.
	MaxBytes int64 `json:"max_bytes"`
	// SizeBefore and SizeAfter are the cache sizes before and after
	// (expected after, in a dry run): blobs and extracted archives
	// ([Report.TotalSize]).
	SizeBefore int64 `json:"size_before"`
	SizeAfter  int64 `json:"size_after"`
	// Evicted lists the revisions removed, least recently used first.
	Evicted []EvictedRevision `json:"evicted"`
	// Busy lists revisions skipped because another process held the lock of
	// one of the blobs they would free, as "{type}/{id}@{commit}".
	Busy []string `json:"busy"`
	// Warnings are paths that could not be removed and scan warnings.
	Warnings []Warning `json:"warnings"`
	// DryRun is true when nothing was removed.
	DryRun bool `json:"dry_run"`
}

// Evict removes least-recently-used revisions until the cache's size is at
// most maxBytes. The size counted is [Report.TotalSize]: blobs and the
// archives the hfhub client extracted. A revision's last use is [RevisionInfo.LastUsed] (see
// "Last use" in the package documentation). Removing a revision removes its
// snapshot folder, its refs, the blobs no other revision references and
// their extracted folders; the last revision of a repo takes the whole repo folder with it.
//
// Eviction never touches a file another process has locked: before removing
// a revision it takes (with TryLock) the lock of every blob it would free and
// holds them while removing; if any is held elsewhere the revision is skipped
// and listed in [EvictResult.Busy]. A repo folder is removed whole only if no
// lock of that repo is held.
func (c *Cache) Evict(ctx context.Context, maxBytes int64, opts *EvictOptions) (*EvictResult, error) {
	if maxBytes < 0 {
		return nil, fmt.Errorf("cache: evict: negative budget %d", maxBytes)
	}
	dry := opts != nil && opts.DryRun
	rep, err := c.Scan(ctx)
	if err != nil {
		return nil, err
	}
	total := rep.TotalSize()
	res := &EvictResult{MaxBytes: maxBytes, SizeBefore: total, Evicted: []EvictedRevision{}, Busy: []string{}, Warnings: rep.Warnings, DryRun: dry}

	refs := map[string]int{}           // blob path -> remaining revisions using it
	remaining := map[*RepoInfo]int{}   // repo -> remaining revisions
	extracted := map[*RepoInfo]int64{} // repo -> extracted bytes still there
	var revs []*RevisionInfo
	for _, repo := range rep.Repos {
		remaining[repo] = len(repo.Revisions)
		extracted[repo] = repo.ExtractedSize
		for _, rev := range repo.Revisions {
			revs = append(revs, rev)
			for _, b := range distinctBlobs(rev) {
				refs[b.BlobPath]++
			}
		}
	}
	slices.SortFunc(revs, func(a, b *RevisionInfo) int {
		return cmp.Or(a.LastUsed.Compare(b.LastUsed), cmp.Compare(a.repo.CacheID(), b.repo.CacheID()), cmp.Compare(a.Commit, b.Commit))
	})

	for _, rev := range revs {
		if total <= maxBytes {
			break
		}
		if err := ctx.Err(); err != nil {
			return res, err
		}
		repo := rev.repo
		if opts != nil && opts.Keep != nil && opts.Keep(repo.Type, repo.ID, rev.Commit) {
			continue
		}
		var freed, extFreed int64
		var blobs, extDirs []string
		for _, f := range distinctBlobs(rev) {
			if refs[f.BlobPath] != 1 {
				continue
			}
			freed += f.SizeOnDisk
			if !isBelow(f.BlobPath, rev.SnapshotPath) {
				blobs = append(blobs, f.BlobPath)
			}
			if d, n, ok := extractedOf(rev, f); ok { // extracted.go
				extFreed += n
				extDirs = append(extDirs, d)
			}
		}
		held := blobLocks(c, blobs)
		unlocks, ok := c.lockAll(held)
		if !ok {
			res.Busy = append(res.Busy, repo.CacheID()+"@"+rev.Commit)
			continue
		}
		wholeRepo := remaining[repo] == 1
		var repoUnlocks []UnlockFunc
		if wholeRepo {
			others := slices.DeleteFunc(repoLocks(c, repo), func(p string) bool { return slices.Contains(held, p) })
			repoUnlocks, wholeRepo = c.lockAll(others)
			held = append(held, others...)
		}
		if !dry {
			if wholeRepo {
				c.removeWarn(res, repo.Path)
				for _, lp := range held {
					_ = os.Remove(lp) // best effort: we hold it; the repo is gone
				}
				_ = os.Remove(c.LocksDir(repo.Type, repo.ID)) // only if empty
			} else {
				c.removeWarn(res, rev.SnapshotPath)
				for _, ref := range rev.Refs {
					c.removeWarn(res, filepath.Join(repo.Path, RefsDirName, filepath.FromSlash(ref)))
				}
				for _, b := range blobs {
					c.removeWarn(res, b)
					if d := extractedDirOf(b); d != "" {
						c.removeWarn(res, d) // extracted.go: the blob's unpacked archive
					}
					if lp := c.blobLockPath(b); lp != "" {
						_ = os.Remove(lp) // best effort: we hold it; nobody needs it now
					}
				}
				for _, d := range extDirs {
					c.removeWarn(res, d) // extracted.go: path-keyed folders of caches without symlinks (etag ones went above)
				}
			}
		}
		for _, u := range append(unlocks, repoUnlocks...) {
			_ = u() // releasing a lock we hold cannot usefully fail here
		}
		for _, f := range distinctBlobs(rev) {
			refs[f.BlobPath]--
		}
		remaining[repo]--
		if wholeRepo {
			freed += extracted[repo] // the repo folder takes all of extracted/
			extracted[repo] = 0
		} else {
			freed += extFreed
			extracted[repo] -= extFreed
		}
		total -= freed
		res.Evicted = append(res.Evicted, EvictedRevision{
			RepoType: repo.Type, RepoID: repo.ID, Commit: rev.Commit,
			Refs: rev.Refs, LastUsed: rev.LastUsed, Freed: freed,
		})
	}
	sweep := &ExecuteResult{}
	c.sweepShared(sweep) // shared.go: payloads no repo points at any more
	res.Warnings = append(res.Warnings, sweep.Warnings...)
	res.SizeAfter = total
	return res, nil
}

// distinctBlobs returns the files of rev with one entry per blob.
func distinctBlobs(rev *RevisionInfo) []FileInfo {
	seen := make(map[string]bool, len(rev.Files))
	out := make([]FileInfo, 0, len(rev.Files))
	for _, f := range rev.Files {
		if !seen[f.BlobPath] {
			seen[f.BlobPath] = true
			out = append(out, f)
		}
	}
	return out
}

func blobLocks(c *Cache, blobs []string) []string {
	var out []string
	for _, b := range blobs {
		if lp := c.blobLockPath(b); lp != "" {
			out = append(out, lp)
		}
	}
	return out
}

// repoLocks lists the lock files that exist for a repo.
func repoLocks(c *Cache, repo *RepoInfo) []string {
	return lockFilesIn(c.LocksDir(repo.Type, repo.ID))
}

// lockFilesIn lists the *.lock files of a repo's locks folder.
func lockFilesIn(dir string) []string {
	entries, _ := os.ReadDir(dir) // no locks folder: no locks
	var out []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".lock") {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out
}

// lockAll takes every lock with TryLock. If one is held elsewhere (or cannot
// be taken) it releases what it took and returns ok false.
func (c *Cache) lockAll(paths []string) (unlocks []UnlockFunc, ok bool) {
	for _, p := range paths {
		u, got, err := c.TryLock(p)
		if err != nil || !got {
			for _, u := range unlocks {
				_ = u() // backing out
			}
			return nil, false
		}
		unlocks = append(unlocks, u)
	}
	return unlocks, true
}

func (c *Cache) removeWarn(res *EvictResult, p string) {
	if err := os.RemoveAll(p); err != nil {
		res.Warnings = append(res.Warnings, Warning{Path: p, Message: fmt.Sprintf("cannot remove: %v", err)})
	}
}

// Stats summarises a cache for `hf cache stats`. SizeOnDisk counts blobs
// (as Python does), ExtractedSize the archives the hfhub client unpacked,
// and TotalSize both: the size [Cache.Evict] holds to a budget.
type Stats struct {
	Dir             string               `json:"cache_dir"`
	SizeOnDisk      int64                `json:"size_on_disk"`
	ExtractedSize   int64                `json:"extracted_size"`
	TotalSize       int64                `json:"total_size"`
	Repos           int                  `json:"repos"`
	Revisions       int                  `json:"revisions"`
	DetachedRevs    int                  `json:"detached_revisions"`
	Files           int                  `json:"files"`
	Blobs           int                  `json:"blobs"`
	IncompleteFiles int                  `json:"incomplete_files"`
	IncompleteSize  int64                `json:"incomplete_size"`
	Warnings        int                  `json:"warnings"`
	ByType          map[string]TypeStats `json:"by_type"`
	OldestUse       time.Time            `json:"oldest_use"`
	NewestUse       time.Time            `json:"newest_use"`
}

// TypeStats are the per repo type numbers of [Stats].
type TypeStats struct {
	Repos         int   `json:"repos"`
	SizeOnDisk    int64 `json:"size_on_disk"`
	ExtractedSize int64 `json:"extracted_size"`
}

// Stats summarises a scan report: sizes (blobs, extracted archives, their
// total), counts per repo type, partial
// downloads, and the oldest and newest revision use.
func (r *Report) Stats() *Stats {
	s := &Stats{Dir: r.Dir, SizeOnDisk: r.SizeOnDisk, ExtractedSize: r.ExtractedSize, TotalSize: r.TotalSize(), Repos: len(r.Repos), Warnings: len(r.Warnings), ByType: map[string]TypeStats{}}
	for _, repo := range r.Repos {
		ts := s.ByType[repo.Type]
		ts.Repos++
		ts.SizeOnDisk += repo.SizeOnDisk
		ts.ExtractedSize += repo.ExtractedSize
		s.ByType[repo.Type] = ts
		s.Blobs += repo.NumFiles
		for _, rev := range repo.Revisions {
			s.Revisions++
			s.Files += rev.NumFiles
			if len(rev.Refs) == 0 {
				s.DetachedRevs++
			}
			if s.OldestUse.IsZero() || rev.LastUsed.Before(s.OldestUse) {
				s.OldestUse = rev.LastUsed
			}
			s.NewestUse = later(s.NewestUse, rev.LastUsed)
		}
	}
	for _, f := range r.IncompleteFiles {
		s.IncompleteFiles++
		s.IncompleteSize += f.Size
	}
	return s
}

// Stats scans the cache and summarises it (see [Report.Stats]).
func (c *Cache) Stats(ctx context.Context) (*Stats, error) {
	rep, err := c.Scan(ctx)
	if err != nil {
		return nil, err
	}
	return rep.Stats(), nil
}

// ParseSize parses a size such as "50G", "1.5TB", "800M", "10GiB" or
// "1048576" into bytes. K, M, G, T, P are decimal (powers of 1000, as the
// Python client prints sizes); Ki, Mi, Gi, Ti, Pi are binary. A trailing B
// is optional and case is ignored. A plain byte count is exact, however
// large.
func ParseSize(s string) (int64, error) {
	in := s
	s = strings.TrimSpace(strings.ToUpper(s))
	s = strings.TrimSuffix(s, "B")
	mult := 1.0
	units := []struct {
		suffix string
		mult   float64
	}{
		{"KI", 1 << 10}, {"MI", 1 << 20}, {"GI", 1 << 30}, {"TI", 1 << 40}, {"PI", 1 << 50},
		{"K", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12}, {"P", 1e15},
	}
	for _, u := range units {
		if rest, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 0 && mult == 1 {
		return n, nil // exact: no rounding through float64
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f*mult > 1<<62 {
		return 0, fmt.Errorf("invalid size %q: want a number with an optional unit, e.g. 50G, 800M, 10GiB", in)
	}
	return int64(f * mult), nil
}
