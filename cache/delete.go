package cache

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// DeletePlan lists what a deletion will remove, in the order
// [Cache.Execute] removes it: whole repo folders, snapshot folders, refs,
// then blobs (last, so no ref or symlink ever points to a deleted blob), then
// other files (stale partial downloads, lock files). It is the Python
// client's DeleteCacheStrategy, extended for prune. A plan is data: build it,
// show it (dry run), then execute it.
type DeletePlan struct {
	// Repos are repo folders removed whole.
	Repos []string `json:"repos"`
	// Snapshots are snapshots/{commit} folders.
	Snapshots []string `json:"snapshots"`
	// Refs are refs/{name} files pointing to removed snapshots.
	Refs []string `json:"refs"`
	// Blobs are blobs no remaining revision references. Each is removed
	// under its lock and kept if another process holds the lock.
	Blobs []string `json:"blobs"`
	// Incomplete are stale blobs/*.incomplete files (prune only), removed
	// only if nobody holds the blob's lock. An hfhub partial download and
	// its journal are removed together.
	Incomplete []string `json:"incomplete_files"`
	// Extracted are extracted/{etag} folders of unpacked archives: those of
	// removed blobs (removed with the blob, under its lock) and, for prune,
	// those whose blob is gone.
	Extracted []string `json:"extracted"`
	// Locks are lock files nobody holds (prune only).
	Locks []string `json:"locks"`
	// ExpectedFreedSize is the number of bytes the plan frees.
	ExpectedFreedSize int64 `json:"expected_freed_size"`
	// Revisions are the commits the plan removes, as "{type}/{id}@{commit}".
	Revisions []string `json:"revisions"`
	// Warnings are targets that matched nothing and similar remarks.
	Warnings []Warning `json:"warnings"`

	dir string // cache root, to find lock files
}

// Empty reports whether the plan removes nothing.
func (p *DeletePlan) Empty() bool {
	return len(p.Repos)+len(p.Snapshots)+len(p.Refs)+len(p.Blobs)+len(p.Incomplete)+len(p.Extracted)+len(p.Locks) == 0
}

// PlanDeleteRevisions plans the deletion of revisions by commit hash, with
// the Python client's strategy (spec §4.6): a repo whose revisions are all
// selected is removed whole; otherwise each selected revision loses its
// snapshot folder and refs, and each blob it references that no remaining
// revision references. Files that are not symlinks (caches written without
// symlinks, stray files) count towards the freed size and go with their
// snapshot folder. Unknown hashes become warnings.
func (r *Report) PlanDeleteRevisions(commits ...string) *DeletePlan {
	sel := map[*RevisionInfo]bool{}
	plan := newPlan(r.Dir)
	for _, h := range commits {
		found := false
		for _, repo := range r.Repos {
			for _, rev := range repo.Revisions {
				if rev.Commit == h {
					sel[rev] = true
					found = true
				}
			}
		}
		if !found {
			plan.Warnings = append(plan.Warnings, Warning{Path: h, Message: "revision not found in the cache; ignored"})
		}
	}
	r.planSelected(plan, sel)
	plan.addExtracted()
	return plan
}

// PlanDelete plans the deletion of targets, as `hf cache rm` takes them: a
// 40-hex revision hash, a cache id "{type}/{id}" ("model/gpt2",
// "dataset/ibm/duorc"), a repo folder name ("models--gpt2") or a repo id
// ("org/name", a model). Repos are removed whole. Targets that match
// nothing become warnings; an empty target is an error.
func (r *Report) PlanDelete(targets ...string) (*DeletePlan, error) {
	sel := map[*RevisionInfo]bool{}
	plan := newPlan(r.Dir)
	var wholeRepos []*RepoInfo
	for _, t := range targets {
		t = strings.TrimSpace(t)
		if t == "" {
			return nil, errors.New("empty target: give a repo id (org/name), a cache id (model/org/name) or a revision hash")
		}
		if IsCommitHash(t) {
			n := 0
			for _, repo := range r.Repos {
				for _, rev := range repo.Revisions {
					if rev.Commit == t {
						sel[rev] = true
						n++
					}
				}
			}
			if n == 0 {
				plan.Warnings = append(plan.Warnings, Warning{Path: t, Message: "revision not found in the cache; ignored"})
			}
			continue
		}
		typ, id := parseTarget(t)
		repo := r.Repo(typ, id)
		if repo == nil {
			plan.Warnings = append(plan.Warnings, Warning{Path: t, Message: fmt.Sprintf("%s %s not found in the cache; ignored", typ, id)})
			continue
		}
		wholeRepos = append(wholeRepos, repo)
	}
	for _, repo := range wholeRepos {
		for _, rev := range repo.Revisions {
			sel[rev] = true
		}
		if len(repo.Revisions) == 0 && !slices.Contains(plan.Repos, repo.Path) {
			plan.Repos = append(plan.Repos, repo.Path)
		}
	}
	r.planSelected(plan, sel)
	plan.addExtracted()
	return plan, nil
}

// parseTarget maps a repo target to a type and id.
func parseTarget(t string) (typ, id string) {
	if typ, id, err := ParseRepoFolderName(t); err == nil && !strings.Contains(t, "/") {
		return typ, id
	}
	if first, rest, ok := strings.Cut(t, "/"); ok && rest != "" {
		switch strings.TrimSuffix(first, "s") {
		case "model", "dataset", "space", "kernel":
			return strings.TrimSuffix(first, "s"), rest
		}
	}
	return "model", t
}

func newPlan(dir string) *DeletePlan {
	return &DeletePlan{
		Repos: []string{}, Snapshots: []string{}, Refs: []string{}, Blobs: []string{},
		Incomplete: []string{}, Extracted: []string{}, Locks: []string{}, Revisions: []string{}, Warnings: []Warning{}, dir: dir,
	}
}

// planSelected adds the selected revisions to plan, repo by repo.
func (r *Report) planSelected(plan *DeletePlan, sel map[*RevisionInfo]bool) {
	for _, repo := range r.Repos {
		var chosen, kept []*RevisionInfo
		for _, rev := range repo.Revisions {
			if sel[rev] {
				chosen = append(chosen, rev)
			} else {
				kept = append(kept, rev)
			}
		}
		if len(chosen) == 0 {
			continue
		}
		for _, rev := range chosen {
			plan.Revisions = append(plan.Revisions, repo.CacheID()+"@"+rev.Commit)
		}
		if len(kept) == 0 {
			if !slices.Contains(plan.Repos, repo.Path) {
				plan.Repos = append(plan.Repos, repo.Path)
				plan.ExpectedFreedSize += repo.SizeOnDisk
			}
			continue
		}
		planRevisions(plan, repo, chosen, kept)
	}
	slices.Sort(plan.Revisions)
}

// planRevisions plans removing chosen revisions of repo while kept stay.
func planRevisions(plan *DeletePlan, repo *RepoInfo, chosen, kept []*RevisionInfo) {
	keptBlobs := map[string]bool{}
	for _, rev := range kept {
		for _, f := range rev.Files {
			keptBlobs[f.BlobPath] = true
		}
	}
	counted := map[string]bool{}
	for _, rev := range chosen {
		plan.Snapshots = append(plan.Snapshots, rev.SnapshotPath)
		for _, ref := range rev.Refs {
			plan.Refs = append(plan.Refs, filepath.Join(repo.Path, RefsDirName, filepath.FromSlash(ref)))
		}
		for _, f := range rev.Files {
			if keptBlobs[f.BlobPath] || counted[f.BlobPath] {
				continue
			}
			counted[f.BlobPath] = true
			plan.ExpectedFreedSize += f.SizeOnDisk
			if !isBelow(f.BlobPath, rev.SnapshotPath) {
				plan.Blobs = append(plan.Blobs, f.BlobPath)
			}
		}
	}
}

// isBelow reports whether p is inside dir.
func isBelow(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// ExecuteResult is what [Cache.Execute] did.
type ExecuteResult struct {
	// Removed counts the paths removed.
	Removed int `json:"removed"`
	// Kept lists blobs, partial downloads and lock files left alone because
	// another process held their lock.
	Kept []string `json:"kept"`
	// Warnings are paths already gone or that could not be removed.
	Warnings []Warning `json:"warnings"`
}

// Execute carries out a plan in its order (repos, snapshots, refs, blobs
// with their extracted folders, partial downloads, other extracted folders,
// lock files). A path already gone or that cannot be
// removed becomes a warning, not an error. A blob or partial download is
// removed only while holding its lock (.locks/{repo}/{etag}.lock), and a
// repo folder only while holding every lock of the repo: if another process
// holds one, the file or repo is kept and listed in [ExecuteResult.Kept]. The
// error is non-nil only when ctx ends; what was removed until then stays
// removed and the cache stays consistent.
func (c *Cache) Execute(ctx context.Context, plan *DeletePlan) (*ExecuteResult, error) {
	res := &ExecuteResult{Kept: []string{}, Warnings: []Warning{}}
	for _, p := range plan.Repos {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		c.removeRepo(res, p)
	}
	for _, group := range [][]string{plan.Snapshots, plan.Refs} {
		for _, p := range group {
			if err := ctx.Err(); err != nil {
				return res, err
			}
			c.remove(res, p)
		}
	}
	for _, p := range plan.Blobs {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		c.removeBlobUnderLock(res, p) // extracted.go: with its extracted folder
	}
	if err := c.removeIncomplete(ctx, res, plan.Incomplete); err != nil {
		return res, err
	}
	if err := c.removeExtracted(ctx, res, plan); err != nil {
		return res, err
	}
	for _, p := range plan.Locks {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		c.removeUnderLock(res, p, p)
	}
	c.sweepShared(res) // shared.go
	return res, nil
}

// blobLockPath returns the lock file guarding a file of {repo}/blobs/ ("" if
// p is not in a blobs folder): .locks/{repo}/{etag}.lock, where etag is the
// name up to the first dot ("{etag}.{8hex}.incomplete" -> etag).
func (c *Cache) blobLockPath(p string) string {
	blobs := filepath.Dir(p)
	if filepath.Base(blobs) != BlobsDirName {
		return ""
	}
	repo := filepath.Base(filepath.Dir(blobs))
	etag, _, _ := strings.Cut(filepath.Base(p), ".")
	if validSegment("etag", etag) != nil {
		return ""
	}
	return filepath.Join(c.Dir, LocksDirName, repo, etag+".lock")
}

// removeRepo removes a repo folder whole while holding every lock of the
// repo, and the locks with it. If another process holds one (a download
// into the repo is running), the repo is kept whole and listed in Kept:
// removing it would pull the folder from under that download.
func (c *Cache) removeRepo(res *ExecuteResult, p string) {
	lockDir := filepath.Join(c.Dir, LocksDirName, filepath.Base(p))
	locks := lockFilesIn(lockDir)
	unlocks, ok := c.lockAll(locks)
	if !ok {
		res.Kept = append(res.Kept, p)
		res.Warnings = append(res.Warnings, Warning{Path: p, Message: "kept: a download into this repo is running (it holds a lock); run the delete again when it has finished"})
		return
	}
	c.remove(res, p)
	for _, lp := range locks {
		_ = os.Remove(lp) // best effort: we hold it; the repo is gone
	}
	for _, u := range unlocks {
		_ = u() // releasing a lock we hold cannot usefully fail here
	}
	_ = os.Remove(lockDir) // only if empty
}

func (c *Cache) remove(res *ExecuteResult, p string) {
	if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
		res.Warnings = append(res.Warnings, Warning{Path: p, Message: "already gone"})
		return
	}
	if err := os.RemoveAll(p); err != nil {
		res.Warnings = append(res.Warnings, Warning{Path: p, Message: fmt.Sprintf("cannot remove: %v", err)})
		return
	}
	res.Removed++
}

// removeUnderLock removes p while holding lock; if another process holds the
// lock, p is kept.
func (c *Cache) removeUnderLock(res *ExecuteResult, p, lock string) {
	if lock == "" {
		c.remove(res, p)
		return
	}
	unlock, ok, err := c.TryLock(lock)
	if err != nil {
		res.Warnings = append(res.Warnings, Warning{Path: p, Message: fmt.Sprintf("kept: cannot take its lock: %v", err)})
		return
	}
	if !ok {
		res.Kept = append(res.Kept, p)
		return
	}
	c.remove(res, p)
	if lock != p {
		// Nobody waits on a lock we took with TryLock; drop the file so
		// deletions leave no clutter. Go lockers re-check the path after
		// locking, so removing a held lock file is safe for them.
		_ = os.Remove(lock) // best effort: prune removes leftovers
	}
	if err := unlock(); err != nil {
		res.Warnings = append(res.Warnings, Warning{Path: lock, Message: fmt.Sprintf("unlock: %v", err)})
	}
}
