package cache

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ReadRef returns the commit a revision name points to in the cache
// ({repo}/refs/{revision}), with surrounding whitespace removed. A 40-hex
// revision is returned as it is, without reading anything. A missing ref
// gives an error wrapping [fs.ErrNotExist].
func (c *Cache) ReadRef(repoType, repoID, revision string) (string, error) {
	if IsCommitHash(revision) {
		return revision, nil
	}
	p, err := c.RefPath(repoType, repoID, revision)
	if err != nil {
		return "", err
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return "", err
	}
	commit := strings.TrimSpace(string(b))
	if commit == "" {
		return "", fmt.Errorf("cache: ref %s is empty: delete it or download the revision again: %w", p, fs.ErrNotExist)
	}
	return commit, nil
}

// WriteRef records that revision points to commit ({repo}/refs/{revision},
// exactly the 40 characters, no newline), as the Python client does: nothing
// is written when revision is the commit itself or when the file already
// holds that commit (so read-only caches keep working); otherwise the file is
// replaced atomically. "refs/pr/1" becomes the nested file refs/refs/pr/1.
func (c *Cache) WriteRef(repoType, repoID, revision, commit string) error {
	if revision == commit {
		return nil
	}
	if !IsCommitHash(commit) {
		return fmt.Errorf("cache: refusing to write ref %q: %q is not a 40-hex commit id", revision, commit)
	}
	p, err := c.RefPath(repoType, repoID, revision)
	if err != nil {
		return err
	}
	if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, []byte(commit)) {
		return nil
	}
	return c.WriteFileAtomic(p, []byte(commit))
}

// MarkNoExist records that filename does not exist at commit by creating the
// empty file {repo}/.no_exist/{commit}/{filename}, as the Python client does
// after a 404 that carried X-Repo-Commit.
func (c *Cache) MarkNoExist(repoType, repoID, commit, filename string) error {
	p, err := c.NoExistPath(repoType, repoID, commit, filename)
	if err != nil {
		return err
	}
	if err := c.MkdirAll(filepath.Dir(p)); err != nil {
		return err
	}
	// An empty marker cannot be half-written, so no temp file is needed.
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE, 0o666)
	if err != nil {
		return err
	}
	if err := c.fixMode(f); err != nil {
		_ = f.Close() // the chmod error is the one to report
		return err
	}
	return f.Close()
}

// IsNoExist reports whether filename is recorded as missing at commit.
func (c *Cache) IsNoExist(repoType, repoID, commit, filename string) bool {
	p, err := c.NoExistPath(repoType, repoID, commit, filename)
	if err != nil {
		return false
	}
	_, err = os.Lstat(p)
	return err == nil
}
