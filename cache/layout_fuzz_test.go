package cache

import (
	"path/filepath"
	"strings"
	"testing"
)

// FuzzSnapshotPath checks that every filename, commit and etag the cache
// accepts maps to a path inside the repo's folder.
func FuzzSnapshotPath(f *testing.F) {
	f.Add("a/b.txt", "0123456789abcdef0123456789abcdef01234567", "abc")
	f.Add("../x", "..", "../../etc")
	f.Add(`a\..\x`, "c/d", "e\x00f")
	f.Add("/abs", "", ".")
	c := &Cache{Dir: filepath.Join(string(filepath.Separator)+"cache", "hub")}
	repo := c.RepoDir("model", "acme/x")
	f.Fuzz(func(t *testing.T, name, commit, etag string) {
		inside := func(p string) {
			rel, err := filepath.Rel(repo, p)
			if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				t.Fatalf("(%q, %q, %q) maps to %s outside %s", name, commit, etag, p, repo)
			}
		}
		if p, err := c.SnapshotPath("model", "acme/x", commit, name); err == nil {
			inside(p)
		}
		if p, err := c.BlobPath("model", "acme/x", etag); err == nil {
			inside(p)
		}
		if p, err := c.NoExistPath("model", "acme/x", commit, name); err == nil {
			inside(p)
		}
		if p, err := c.RefPath("model", "acme/x", name); err == nil {
			inside(p)
		}
	})
}
