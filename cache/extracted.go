package cache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Files the hfhub client adds to the Python layout, which every cleaning
// operation knows about:
//
//	{repo}/blobs/{etag}.hfhub.incomplete          resumable partial download
//	{repo}/blobs/{etag}.hfhub.journal.incomplete  its resume journal
//	{repo}/extracted/{etag}/                      an unpacked archive blob
//	{repo}/extracted/.{etag}.extract-XXXX/        an extraction in progress
//
// The partial file and its journal are one unit guarded by the blob's lock:
// prune removes both or neither. An extracted folder belongs to its blob:
// deleting, evicting or repairing the blob removes it; prune removes those
// whose blob is gone.

// ExtractedDirName is the folder of a repo folder holding archives the
// hfhub client unpacked (Download with Extract), one sub-folder per blob
// etag. Python ignores it; [Cache.Scan] sizes it apart from the blobs
// ([RepoInfo.ExtractedSize]) and [Cache.Evict] counts it in the budget.
const ExtractedDirName = "extracted"

// Suffixes of the hfhub client's resumable partial download of a blob and
// of its resume journal.
const (
	IncompleteSuffix        = ".hfhub.incomplete"
	IncompleteJournalSuffix = ".hfhub.journal.incomplete"
)

// staleExtractAge is how old an unfinished extraction folder must be before
// prune removes it: extraction holds no lock, so age is the only sign that
// nobody is writing it.
const staleExtractAge = time.Hour

// ExtractedDir returns {repo}/extracted/{etag}, where the hfhub client
// unpacks the archive blob etag.
func (c *Cache) ExtractedDir(repoType, repoID, etag string) (string, error) {
	if err := validSegment("etag", etag); err != nil {
		return "", err
	}
	return filepath.Join(c.RepoDir(repoType, repoID), ExtractedDirName, etag), nil
}

// extractedDirOf maps {repo}/blobs/{etag} to {repo}/extracted/{etag}; "" if
// p is not a blob path.
func extractedDirOf(p string) string {
	blobs := filepath.Dir(p)
	if filepath.Base(blobs) != BlobsDirName {
		return ""
	}
	etag := filepath.Base(p)
	if validSegment("etag", etag) != nil || strings.Contains(etag, ".") {
		return ""
	}
	return filepath.Join(filepath.Dir(blobs), ExtractedDirName, etag)
}

// incompleteCompanion returns the other half of an hfhub partial download
// pair (the journal of a partial file, the partial file of a journal); ""
// for any other name.
func incompleteCompanion(p string) string {
	if base, ok := strings.CutSuffix(p, IncompleteJournalSuffix); ok {
		return base + IncompleteSuffix
	}
	if base, ok := strings.CutSuffix(p, IncompleteSuffix); ok {
		return base + IncompleteJournalSuffix
	}
	return ""
}

// dirSize sums the sizes of the regular files below dir (0 if missing).
func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable parts count as empty
		}
		if d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// scanExtracted sizes the folders below the repo's extracted/ folder into
// repo.ExtractedSize and repo.extracted. Stray files there count too: they
// take space and go with the repo folder.
func (s *repoScan) scanExtracted(repo *RepoInfo) {
	dir := filepath.Join(s.dir, ExtractedDirName)
	entries, err := os.ReadDir(dir)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			s.warn(dir, "cannot read: %v", err)
		}
		return // no extracted archives
	}
	repo.extracted = make(map[string]int64, len(entries))
	for _, e := range entries {
		var n int64
		switch {
		case e.IsDir():
			n = dirSize(filepath.Join(dir, e.Name()))
		case e.Type().IsRegular():
			if fi, err := e.Info(); err == nil {
				n = fi.Size()
			}
		}
		repo.extracted[e.Name()] = n
		repo.ExtractedSize += n
	}
}

// extractedOf returns the extracted folder of a file of rev the hfhub
// client may have unpacked, its size as scanned and whether it exists:
// {repo}/extracted/{etag} for a blob, {repo}/extracted/path-… for a file
// written without symlinks.
func extractedOf(rev *RevisionInfo, f FileInfo) (string, int64, bool) {
	repo := rev.repo
	if repo == nil || len(repo.extracted) == 0 {
		return "", 0, false
	}
	var key string
	if isBelow(f.BlobPath, rev.SnapshotPath) {
		real, err := filepath.EvalSymlinks(f.Path)
		if err != nil {
			return "", 0, false
		}
		key = pathKey(real)
	} else if d := extractedDirOf(f.BlobPath); d != "" {
		key = filepath.Base(d)
	} else {
		return "", 0, false
	}
	n, ok := repo.extracted[key]
	if !ok {
		return "", 0, false
	}
	return filepath.Join(repo.Path, ExtractedDirName, key), n, true
}

// addExtracted lists in plan the extracted folders of the blobs it removes
// (they go with their blob) and counts them, and those of repos removed
// whole, in the freed size.
func (plan *DeletePlan) addExtracted() {
	for _, b := range plan.Blobs {
		d := extractedDirOf(b)
		if fi, err := os.Stat(d); d != "" && err == nil && fi.IsDir() {
			plan.Extracted = append(plan.Extracted, d)
			plan.ExpectedFreedSize += dirSize(d)
		}
	}
	for _, r := range plan.Repos {
		plan.ExpectedFreedSize += dirSize(filepath.Join(r, ExtractedDirName))
	}
}

// pathKey is the folder name the hfhub client extracts a snapshot file
// written without symlinks to: "path-" and 16 hex digits of the sha256 of
// its real path (see blobKey in package hfhub).
func pathKey(real string) string {
	sum := sha256.Sum256([]byte(real))
	return "path-" + hex.EncodeToString(sum[:8])
}

// planOrphanExtracted adds to plan the extracted folders of repo whose
// archive is gone (no blob, no snapshot file) and unfinished extractions
// older than an hour (or o.OlderThan, if longer).
func (c *Cache) planOrphanExtracted(plan *DeletePlan, repo *RepoInfo, o PruneOptions, now time.Time) {
	dir := filepath.Join(repo.Path, ExtractedDirName)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return // no extracted archives
	}
	planned := map[string]bool{}
	for _, p := range plan.Extracted {
		planned[p] = true
	}
	var pathKeys map[string]bool // lazily: only caches without symlinks have them
	for _, e := range entries {
		name := e.Name()
		p := filepath.Join(dir, name)
		if !e.IsDir() || planned[p] {
			continue
		}
		switch {
		case strings.HasPrefix(name, ".") && strings.Contains(name, ".extract-"):
			fi, err := e.Info()
			if err != nil || now.Sub(fi.ModTime()) < max(o.OlderThan, staleExtractAge) {
				continue
			}
		case strings.HasPrefix(name, "path-"):
			if pathKeys == nil {
				pathKeys = map[string]bool{}
				for _, rev := range repo.Revisions {
					for _, f := range rev.Files {
						if isBelow(f.BlobPath, rev.SnapshotPath) {
							if real, err := filepath.EvalSymlinks(f.Path); err == nil {
								pathKeys[pathKey(real)] = true
							}
						}
					}
				}
			}
			if pathKeys[name] {
				continue
			}
		default:
			if _, err := os.Lstat(filepath.Join(repo.Path, BlobsDirName, name)); err == nil {
				continue // its blob is there
			}
			if c.lockHeld(c.blobLockPath(filepath.Join(repo.Path, BlobsDirName, name))) {
				continue // being downloaded again
			}
		}
		plan.Extracted = append(plan.Extracted, p)
		plan.ExpectedFreedSize += dirSize(p)
	}
}

// removeBlobUnderLock removes a blob and its extracted folder while holding
// the blob's lock; if another process holds it, both are kept.
func (c *Cache) removeBlobUnderLock(res *ExecuteResult, blob string) {
	c.removeAllUnderLock(res, []string{blob}, c.blobLockPath(blob), extractedDirOf(blob))
}

// removeAllUnderLock removes paths (and then extra, if it exists, without a
// warning when it does not) in one hold of lock. If another process holds
// the lock, everything is kept and paths are listed in res.Kept.
func (c *Cache) removeAllUnderLock(res *ExecuteResult, paths []string, lock, extra string) {
	if lock == "" {
		for _, p := range paths {
			c.remove(res, p)
		}
		return
	}
	unlock, ok, err := c.TryLock(lock)
	if err != nil {
		for _, p := range paths {
			res.Warnings = append(res.Warnings, Warning{Path: p, Message: fmt.Sprintf("kept: cannot take its lock: %v", err)})
		}
		return
	}
	if !ok {
		res.Kept = append(res.Kept, paths...)
		return
	}
	for _, p := range paths {
		c.remove(res, p)
	}
	if extra != "" {
		if _, err := os.Lstat(extra); err == nil {
			c.remove(res, extra)
		}
	}
	// Nobody waits on a lock taken with TryLock; drop the file (as
	// removeUnderLock does).
	_ = os.Remove(lock) // best effort: prune removes leftovers
	if err := unlock(); err != nil {
		res.Warnings = append(res.Warnings, Warning{Path: lock, Message: fmt.Sprintf("unlock: %v", err)})
	}
}

// removeIncomplete removes partial downloads, a partial file and its journal
// in one hold of their blob's lock.
func (c *Cache) removeIncomplete(ctx context.Context, res *ExecuteResult, paths []string) error {
	done := map[string]bool{}
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return err
		}
		if done[p] {
			continue
		}
		group := []string{p}
		if comp := incompleteCompanion(p); comp != "" {
			if _, err := os.Lstat(comp); err == nil {
				group = append(group, comp)
			} else if !errors.Is(err, fs.ErrNotExist) {
				group = append(group, comp) // let remove report it
			}
		}
		for _, g := range group {
			done[g] = true
		}
		c.removeAllUnderLock(res, group, c.blobLockPath(p), "")
	}
	return nil
}

// removeExtracted removes the plan's extracted folders that did not go with
// their blob, each under its blob's lock.
func (c *Cache) removeExtracted(ctx context.Context, res *ExecuteResult, plan *DeletePlan) error {
	withBlob := map[string]bool{}
	for _, b := range plan.Blobs {
		withBlob[extractedDirOf(b)] = true
	}
	for _, p := range plan.Extracted {
		if err := ctx.Err(); err != nil {
			return err
		}
		if withBlob[p] {
			continue
		}
		key := filepath.Base(p)
		repo := filepath.Dir(filepath.Dir(p))
		lock := ""
		if validSegment("etag", key) == nil && !strings.HasPrefix(key, ".") && !strings.HasPrefix(key, "path-") {
			lock = c.blobLockPath(filepath.Join(repo, BlobsDirName, key))
		}
		c.removeAllUnderLock(res, []string{p}, lock, "")
	}
	return nil
}

// pathExists reports whether p exists (without following a final symlink).
func pathExists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}
