package cache

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// PruneOptions selects what [Cache.PlanPrune] removes. nil means everything
// with no age limit.
type PruneOptions struct {
	// KeepDetached keeps revisions that no ref points to.
	KeepDetached bool
	// KeepOrphans keeps blobs that no snapshot references.
	KeepOrphans bool
	// KeepIncomplete keeps partial downloads (blobs/*.incomplete).
	KeepIncomplete bool
	// KeepLocks keeps lock files.
	KeepLocks bool
	// OlderThan, if positive, only removes partial downloads and lock files
	// not modified for that long (a partial download may be resumed).
	OlderThan time.Duration
}

// PlanPrune plans the removal of what a cache accumulates and nobody needs:
// detached revisions (no ref points to them; their blobs go with the
// strategy of [Report.PlanDeleteRevisions]), orphan blobs (in blobs/ but
// referenced by no snapshot), partial downloads (*.incomplete) and lock
// files that no process holds right now. Files whose lock is held are left
// out of the plan; [Cache.Execute] checks the locks again when it removes.
// rep must be a fresh [Cache.Scan] of c.
func (c *Cache) PlanPrune(ctx context.Context, rep *Report, opts *PruneOptions) (*DeletePlan, error) {
	var o PruneOptions
	if opts != nil {
		o = *opts
	}
	now := time.Now()
	oldEnough := func(p string) bool {
		if o.OlderThan <= 0 {
			return true
		}
		fi, err := os.Lstat(p)
		return err == nil && now.Sub(fi.ModTime()) >= o.OlderThan
	}
	sel := map[*RevisionInfo]bool{}
	if !o.KeepDetached {
		for _, repo := range rep.Repos {
			for _, rev := range repo.Revisions {
				if len(rev.Refs) == 0 {
					sel[rev] = true
				}
			}
		}
	}
	plan := newPlan(rep.Dir)
	rep.planSelected(plan, sel)
	inPlan := map[string]bool{}
	for _, b := range plan.Blobs {
		inPlan[b] = true
	}
	for _, repo := range rep.Repos {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		blobsDir := filepath.Join(repo.Path, BlobsDirName)
		entries, err := os.ReadDir(blobsDir)
		if err != nil {
			continue // no blobs folder: nothing to prune
		}
		referenced := map[string]bool{}
		for _, rev := range repo.Revisions {
			for _, f := range rev.Files {
				referenced[f.BlobPath] = true
			}
		}
		for _, e := range entries {
			name := e.Name()
			p := filepath.Join(blobsDir, name)
			switch {
			case strings.Contains(name, ".incomplete"):
				if comp := incompleteCompanion(p); comp != "" && pathExists(comp) && !oldEnough(comp) {
					continue // an hfhub partial download and its journal go together
				}
				if o.KeepIncomplete || !oldEnough(p) || c.lockHeld(c.blobLockPath(p)) {
					continue
				}
				plan.Incomplete = append(plan.Incomplete, p)
				if fi, err := e.Info(); err == nil {
					plan.ExpectedFreedSize += fi.Size()
				}
			case IsCommitHash(name) || IsSHA256(name):
				if o.KeepOrphans || referenced[p] || inPlan[p] || !e.Type().IsRegular() {
					continue
				}
				if slices.Contains(plan.Repos, repo.Path) {
					continue // the whole repo goes
				}
				if c.lockHeld(c.blobLockPath(p)) {
					continue // being downloaded: published but not linked yet
				}
				plan.Blobs = append(plan.Blobs, p)
				if fi, err := e.Info(); err == nil {
					plan.ExpectedFreedSize += fi.Size()
				}
			}
		}
	}
	plan.addExtracted()
	for _, repo := range rep.Repos {
		if !slices.Contains(plan.Repos, repo.Path) {
			c.planOrphanExtracted(plan, repo, o, now)
		}
	}
	if !o.KeepLocks {
		locksRoot := filepath.Join(c.Dir, LocksDirName)
		repoDirs, _ := os.ReadDir(locksRoot) // no .locks folder: nothing to do
		for _, d := range repoDirs {
			if !d.IsDir() {
				continue
			}
			dir := filepath.Join(locksRoot, d.Name())
			locks, err := os.ReadDir(dir)
			if err != nil {
				continue
			}
			for _, l := range locks {
				p := filepath.Join(dir, l.Name())
				if !strings.HasSuffix(l.Name(), ".lock") || !l.Type().IsRegular() || !oldEnough(p) || c.lockHeld(p) {
					continue
				}
				plan.Locks = append(plan.Locks, p)
			}
		}
	}
	return plan, nil
}

// lockHeld reports whether another process (or goroutine) holds the lock
// at p. A missing lock file is free; an unusable one counts as held.
func (c *Cache) lockHeld(p string) bool {
	if p == "" {
		return false
	}
	if _, err := os.Lstat(p); err != nil {
		return false
	}
	unlock, ok, err := c.TryLock(p)
	if err != nil {
		return true
	}
	if ok {
		_ = unlock() // only probing
	}
	return !ok
}
