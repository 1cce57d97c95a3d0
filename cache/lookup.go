package cache

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// LookupStatus is the outcome of [Cache.TryLoadFromCache], Python's three
// answers of try_to_load_from_cache.
type LookupStatus int

const (
	// Unknown: the cache does not know (Python returns None).
	Unknown LookupStatus = iota
	// Found: the file is cached; the path is returned.
	Found
	// KnownMissing: .no_exist records that the file does not exist at that
	// commit (Python returns _CACHED_NO_EXIST).
	KnownMissing
)

// String returns "unknown", "found" or "known-missing".
func (s LookupStatus) String() string {
	switch s {
	case Found:
		return "found"
	case KnownMissing:
		return "known-missing"
	}
	return "unknown"
}

// TryLoadFromCache looks a file up with no network, exactly like Python's
// try_to_load_from_cache: revision ("" means "main") is mapped to a commit
// through refs/{revision} when that file exists (else it is taken as the
// commit); .no_exist/{commit}/{filename} gives [KnownMissing];
// snapshots/{commit}/{filename} being a regular file (after following
// symlinks) gives [Found] and its path; anything else gives [Unknown]. It
// never falls back to another snapshot. The error is non-nil only for an
// invalid file name or revision.
func (c *Cache) TryLoadFromCache(repoType, repoID, filename, revision string) (string, LookupStatus, error) {
	if revision == "" {
		revision = "main"
	}
	if err := ValidateFilename(filename); err != nil {
		return "", Unknown, err
	}
	if err := validRevision(revision); err != nil {
		return "", Unknown, err
	}
	if fi, err := os.Stat(c.RepoDir(repoType, repoID)); err != nil || !fi.IsDir() {
		return "", Unknown, nil
	}
	commit := revision
	if ref, err := c.ReadRef(repoType, repoID, revision); err == nil {
		commit = ref
	}
	if validSegment("commit", commit) != nil {
		return "", Unknown, nil // a corrupt ref: no answer
	}
	if c.IsNoExist(repoType, repoID, commit, filename) {
		return "", KnownMissing, nil
	}
	p, err := c.SnapshotPath(repoType, repoID, commit, filename)
	if err != nil {
		return "", Unknown, nil
	}
	if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
		return p, Found, nil
	}
	return "", Unknown, nil
}

// Path returns the cached path of filename at revision ("" means "main"),
// like [Cache.TryLoadFromCache], but as an error: [ErrKnownMissing] or
// [ErrNotCached] (both wrap [fs.ErrNotExist]) when there is no file.
func (c *Cache) Path(repoType, repoID, revision, filename string) (string, error) {
	p, st, err := c.TryLoadFromCache(repoType, repoID, filename, revision)
	if err != nil {
		return "", err
	}
	switch st {
	case Found:
		return p, nil
	case KnownMissing:
		return "", &missingError{fmt.Sprintf("%q does not exist in %s at revision %s (recorded in the cache at %s)",
			filename, repoLabel(repoType, repoID), revisionOrMain(revision), c.Dir), ErrKnownMissing}
	}
	return "", &missingError{fmt.Sprintf("%q of %s at revision %s is not in the cache at %s",
		filename, repoLabel(repoType, repoID), revisionOrMain(revision), c.Dir), ErrNotCached}
}

// Cached reports whether filename at revision ("" means "main") is in the
// cache and readable without network.
func (c *Cache) Cached(repoType, repoID, revision, filename string) bool {
	_, st, err := c.TryLoadFromCache(repoType, repoID, filename, revision)
	return err == nil && st == Found
}

func revisionOrMain(r string) string {
	if r == "" {
		return "main"
	}
	return r
}

// Touch records that a revision was just used, for least-recently-used
// eviction ([Cache.Evict]): it sets the modification time of
// snapshots/{commit} to now. The library calls it on every cache hit and
// after every download; programs that read the cache directly may call it
// too. It needs write permission on the folder, not ownership, so members of
// a shared cache's group can touch each other's snapshots. A missing
// snapshot folder is not an error (there is nothing to evict).
func (c *Cache) Touch(repoType, repoID, commit string) error {
	dir, err := c.SnapshotDir(repoType, repoID, commit)
	if err != nil {
		return err
	}
	if err := touchNow(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cache: touch %s: %w", dir, err)
	}
	return nil
}
