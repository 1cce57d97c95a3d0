package cache

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
)

// Names of the fixed entries of a hub cache directory and of a repo folder.
const (
	// LocksDirName is the folder under the cache root that holds lock files,
	// one sub-folder per repo: .locks/models--org--name/{etag}.lock.
	LocksDirName = ".locks"
	// CacheDirTagName is the cache directory tag file written at the cache root.
	CacheDirTagName = "CACHEDIR.TAG"
	// BlobsDirName holds the content-addressed files of a repo.
	BlobsDirName = "blobs"
	// SnapshotsDirName holds one folder per cached commit.
	SnapshotsDirName = "snapshots"
	// RefsDirName maps revision names (branches, tags, refs/pr/N) to commits.
	RefsDirName = "refs"
	// NoExistDirName holds empty marker files for files known to be missing
	// at a commit.
	NoExistDirName = ".no_exist"
	// TreesDirName holds the tree cache, trees/{commit}.json.
	TreesDirName = "trees"
	// RepoIDSeparator replaces "/" in repo folder names.
	RepoIDSeparator = "--"
)

// Cache is a Hugging Face hub cache directory laid out exactly as the Python
// huggingface_hub client lays it out (see the package documentation).
//
// Create it with [Open]. A Cache is safe for concurrent use by several
// goroutines; processes coordinate through lock files ([Cache.Lock]). The zero
// value is not usable.
type Cache struct {
	// Dir is the absolute path of the cache root (HF_HUB_CACHE).
	Dir string

	opts     Options
	dirMode  os.FileMode
	fileMode os.FileMode

	symlinkMu sync.Mutex
	symlinkOK map[string]bool // repo dir -> symlinks supported, probed once
}

// Options tunes how a [Cache] writes. The zero value writes like the Python
// client: modes follow the process umask, symlinks are used when supported.
type Options struct {
	// GroupWritable makes every folder the cache creates 2775 (setgid, so new
	// entries inherit the group) and every file 0664, whatever the umask, so
	// several users in one group can share the cache. Lock files are always
	// opened so that users who cannot write them can still lock them.
	// The client maps HF_HUB_CACHE_PERMISSIONS=group to this field
	// (see [ParsePermissions]).
	GroupWritable bool

	// DisableSymlinks never creates symlinks in snapshots: a new blob is
	// moved to the snapshot path and an existing blob is copied, as with the
	// Python client's HF_HUB_DISABLE_SYMLINKS=1.
	DisableSymlinks bool
}

// EnvPermissions is the environment variable that selects the permissions of
// created cache entries: "user" (default, follow the umask) or "group"
// (group-writable, see [Options.GroupWritable]). The client reads it; this
// package only takes the parsed value.
const EnvPermissions = "HF_HUB_CACHE_PERMISSIONS"

// ParsePermissions parses a value of [EnvPermissions]: "" or "user" gives
// false, "group" (or "shared") gives true.
func ParsePermissions(s string) (groupWritable bool, err error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "user", "default":
		return false, nil
	case "group", "shared":
		return true, nil
	}
	return false, fmt.Errorf("cache: %s=%q: want \"user\" or \"group\"", EnvPermissions, s)
}

// Open returns the cache rooted at dir. It creates nothing: a missing
// directory is created by the first write, and a read-only cache can be read.
// It fails only when dir is empty or exists and is not a directory.
func Open(dir string, opts *Options) (*Cache, error) {
	if dir == "" {
		return nil, errors.New("cache: empty cache directory: set HF_HUB_CACHE or HF_HOME")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	if fi, err := os.Stat(abs); err == nil && !fi.IsDir() {
		return nil, fmt.Errorf("cache: %s is a file, not a directory: point HF_HUB_CACHE at a directory", abs)
	}
	c := &Cache{Dir: abs, symlinkOK: map[string]bool{}}
	if opts != nil {
		c.opts = *opts
	}
	if c.opts.GroupWritable {
		c.dirMode = 0o775 | os.ModeSetgid
		c.fileMode = 0o664
	}
	return c, nil
}

// Options returns the options the cache was opened with.
func (c *Cache) Options() Options { return c.opts }

// RepoFolderName returns the folder name of a repo in the cache:
// "{type}s--{id with / replaced by --}", e.g. "models--google-bert--bert-base-uncased",
// "datasets--ibm--duorc", "models--gpt2". An empty repoType means "model".
func RepoFolderName(repoType, repoID string) string {
	if repoType == "" {
		repoType = "model"
	}
	return repoType + "s" + RepoIDSeparator + strings.ReplaceAll(repoID, "/", RepoIDSeparator)
}

// ParseRepoFolderName is the inverse of [RepoFolderName]: "datasets--ibm--duorc"
// gives ("dataset", "ibm/duorc"). It accepts the types model, dataset, space
// and kernel.
func ParseRepoFolderName(name string) (repoType, repoID string, err error) {
	plural, rest, ok := strings.Cut(name, RepoIDSeparator)
	if !ok || rest == "" {
		return "", "", fmt.Errorf("repo folder name %q is not {type}s--{id}", name)
	}
	repoType = strings.TrimSuffix(plural, "s")
	switch repoType {
	case "model", "dataset", "space", "kernel":
	default:
		return "", "", fmt.Errorf("repo folder name %q: unknown repo type %q (want models, datasets, spaces or kernels)", name, plural)
	}
	return repoType, strings.ReplaceAll(rest, RepoIDSeparator, "/"), nil
}

// IsCommitHash reports whether s is a full lowercase 40-hex commit id, the
// form the cache uses for snapshot folders.
func IsCommitHash(s string) bool { return isHex(s, 40) }

// IsSHA256 reports whether s is 64 lowercase hex digits (the blob name of an
// LFS or Xet file).
func IsSHA256(s string) bool { return isHex(s, 64) }

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if (ch < '0' || ch > '9') && (ch < 'a' || ch > 'f') {
			return false
		}
	}
	return true
}

// ValidateFilename checks that a repo file name ("sub/dir/w.bin", forward
// slashes) is safe to use below a snapshot folder: relative, no empty, "." or
// ".." segments, no backslashes or NUL bytes.
func ValidateFilename(name string) error {
	if name == "" {
		return errors.New("empty file name")
	}
	if strings.ContainsAny(name, "\\\x00") || path.IsAbs(name) || filepath.IsAbs(name) {
		return fmt.Errorf("invalid file name %q: want a relative path with forward slashes", name)
	}
	for seg := range strings.SplitSeq(name, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("invalid file name %q: empty, \".\" or \"..\" path segment", name)
		}
	}
	return nil
}

// validSegment checks one path component we do not control (etag, commit).
func validSegment(kind, s string) error {
	if s == "" || s == "." || s == ".." || strings.ContainsAny(s, "/\\\x00") {
		return fmt.Errorf("invalid %s %q", kind, s)
	}
	return nil
}

// validRevision checks a revision name used as a ref path ("main",
// "refs/pr/1", "v1.0").
func validRevision(rev string) error {
	if err := ValidateFilename(rev); err != nil {
		return fmt.Errorf("invalid revision %q", rev)
	}
	return nil
}

// RepoDir returns the folder of a repo: {Dir}/{type}s--{org}--{name}.
func (c *Cache) RepoDir(repoType, repoID string) string {
	return filepath.Join(c.Dir, RepoFolderName(repoType, repoID))
}

// BlobsDir returns {repo}/blobs.
func (c *Cache) BlobsDir(repoType, repoID string) string {
	return filepath.Join(c.RepoDir(repoType, repoID), BlobsDirName)
}

// BlobPath returns {repo}/blobs/{etag}. The etag is the normalised ETag:
// git blob sha1 for regular files, sha256 for LFS files.
func (c *Cache) BlobPath(repoType, repoID, etag string) (string, error) {
	if err := validSegment("etag", etag); err != nil {
		return "", err
	}
	return filepath.Join(c.BlobsDir(repoType, repoID), etag), nil
}

// SnapshotDir returns {repo}/snapshots/{commit}.
func (c *Cache) SnapshotDir(repoType, repoID, commit string) (string, error) {
	if err := validSegment("commit", commit); err != nil {
		return "", err
	}
	return filepath.Join(c.RepoDir(repoType, repoID), SnapshotsDirName, commit), nil
}

// SnapshotPath returns {repo}/snapshots/{commit}/{filename}, the path users
// open. It refuses file names that would leave the snapshot folder.
func (c *Cache) SnapshotPath(repoType, repoID, commit, filename string) (string, error) {
	dir, err := c.SnapshotDir(repoType, repoID, commit)
	if err != nil {
		return "", err
	}
	if err := ValidateFilename(filename); err != nil {
		return "", err
	}
	return filepath.Join(dir, filepath.FromSlash(filename)), nil
}

// NoExistPath returns {repo}/.no_exist/{commit}/{filename}, the empty marker
// that records "this file does not exist at this commit".
func (c *Cache) NoExistPath(repoType, repoID, commit, filename string) (string, error) {
	if err := validSegment("commit", commit); err != nil {
		return "", err
	}
	if err := ValidateFilename(filename); err != nil {
		return "", err
	}
	return filepath.Join(c.RepoDir(repoType, repoID), NoExistDirName, commit, filepath.FromSlash(filename)), nil
}

// RefPath returns {repo}/refs/{revision}; "refs/pr/1" gives the nested file
// {repo}/refs/refs/pr/1.
func (c *Cache) RefPath(repoType, repoID, revision string) (string, error) {
	if err := validRevision(revision); err != nil {
		return "", err
	}
	return filepath.Join(c.RepoDir(repoType, repoID), RefsDirName, filepath.FromSlash(revision)), nil
}

// TreePath returns {repo}/trees/{commit}.json, the tree cache of a commit.
func (c *Cache) TreePath(repoType, repoID, commit string) (string, error) {
	if err := validSegment("commit", commit); err != nil {
		return "", err
	}
	return filepath.Join(c.RepoDir(repoType, repoID), TreesDirName, commit+".json"), nil
}

// LocksDir returns {Dir}/.locks/{type}s--{org}--{name}.
func (c *Cache) LocksDir(repoType, repoID string) string {
	return filepath.Join(c.Dir, LocksDirName, RepoFolderName(repoType, repoID))
}

// LockPath returns {Dir}/.locks/{type}s--{org}--{name}/{etag}.lock, the lock
// the Python client takes while it downloads that blob.
func (c *Cache) LockPath(repoType, repoID, etag string) (string, error) {
	if err := validSegment("etag", etag); err != nil {
		return "", err
	}
	return filepath.Join(c.LocksDir(repoType, repoID), etag+".lock"), nil
}
