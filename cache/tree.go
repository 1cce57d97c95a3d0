package cache

import (
	"encoding/json"
	"fmt"
	"os"
)

// Tree is the tree cache of one commit, trees/{commit}.json, written by the
// Python client 1.22+ after listing a commit: every file with its size and
// git blob id, and for LFS files the sha256 and size of the content.
type Tree struct {
	// FormatVersion is 1; other versions are ignored by readers.
	FormatVersion int `json:"format_version"`
	// Files maps repo paths ("sub/w.bin") to their entries.
	Files map[string]TreeFile `json:"files"`
}

// TreeFile is one entry of a [Tree].
type TreeFile struct {
	Size      int64  `json:"size"`
	BlobID    string `json:"blob_id"`
	LFSSHA256 string `json:"lfs_sha256,omitempty"`
	LFSSize   int64  `json:"lfs_size,omitempty"`
	XetHash   string `json:"xet_hash,omitempty"`
}

// Etag returns the etag a download of the file has, which names its blob:
// the LFS sha256 for an LFS file, else the git blob id.
func (f TreeFile) Etag() string {
	if f.LFSSHA256 != "" {
		return f.LFSSHA256
	}
	return f.BlobID
}

// ContentSize returns the size of the file's content: the LFS size for an
// LFS file (Size is then the pointer's), else Size.
func (f TreeFile) ContentSize() int64 {
	if f.LFSSHA256 != "" && f.LFSSize > 0 {
		return f.LFSSize
	}
	return f.Size
}

// ReadTree reads trees/{commit}.json. Like the Python client it rejects a
// file whose format_version is not 1 or whose xet_hash values are not 64 hex
// digits; callers treat any error as "no tree cache".
func (c *Cache) ReadTree(repoType, repoID, commit string) (*Tree, error) {
	p, err := c.TreePath(repoType, repoID, commit)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	var t Tree
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("cache: tree cache %s: %w", p, err)
	}
	if t.FormatVersion != 1 {
		return nil, fmt.Errorf("cache: tree cache %s: format_version %d, want 1", p, t.FormatVersion)
	}
	for name, f := range t.Files {
		if f.XetHash != "" && !IsSHA256(f.XetHash) {
			return nil, fmt.Errorf("cache: tree cache %s: %s: invalid xet_hash", p, name)
		}
	}
	return &t, nil
}

// WriteTree writes trees/{commit}.json atomically, in the Python client's
// shape (format_version 1, one-space indent, files sorted by path).
func (c *Cache) WriteTree(repoType, repoID, commit string, t *Tree) error {
	p, err := c.TreePath(repoType, repoID, commit)
	if err != nil {
		return err
	}
	out := Tree{FormatVersion: 1, Files: t.Files}
	if out.Files == nil {
		out.Files = map[string]TreeFile{}
	}
	b, err := json.MarshalIndent(out, "", " ") // map keys come out sorted
	if err != nil {
		return err
	}
	return c.WriteFileAtomic(p, b)
}
