package cache

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"

	"github.com/hfhub-go/hfhub/internal/gitblob"
	"golang.org/x/sync/errgroup"
)

// Refetcher downloads one file again into the cache; [Cache.Verify] uses it
// to repair. The hfhub client implements it. Refetch must take the blob's
// lock itself: Verify holds no lock while calling it.
type Refetcher interface {
	Refetch(ctx context.Context, repoType, repoID, commit, filename string) error
}

// VerifyOptions tunes [Cache.Verify]. nil means: every revision, no repair.
type VerifyOptions struct {
	// Revision limits the check to one revision: a commit hash or a ref
	// name ("main", "refs/pr/1"). Empty checks every cached revision.
	Revision string
	// Repair, if set, re-downloads every bad file: the bad blob and the
	// snapshot entry are removed, Refetch is called, and the file is
	// checked again.
	Repair Refetcher
}

// ProblemKind classifies a [Problem].
type ProblemKind string

const (
	// ChecksumMismatch: the content does not hash to the blob's name (or to
	// the tree cache's entry in caches written without symlinks).
	ChecksumMismatch ProblemKind = "checksum-mismatch"
	// MissingBlob: the snapshot symlink points into blobs/ but the blob is
	// gone.
	MissingBlob ProblemKind = "missing-blob"
	// DanglingSymlink: the snapshot symlink points outside blobs/ to
	// nothing.
	DanglingSymlink ProblemKind = "dangling-symlink"
)

// Problem is one bad file found by [Cache.Verify].
type Problem struct {
	Kind     ProblemKind `json:"kind"`
	Commit   string      `json:"commit_hash"`
	Filename string      `json:"filename"`
	// Path is the file in the snapshot folder; BlobPath what it points to.
	Path     string `json:"file_path"`
	BlobPath string `json:"blob_path"`
	// Expected and Actual are hex digests (checksum mismatches only).
	Expected string `json:"expected,omitempty"`
	Actual   string `json:"actual,omitempty"`
	// Repaired is true when a repair re-downloaded the file and it checks
	// out; RepairError says why a repair failed.
	Repaired    bool   `json:"repaired"`
	RepairError string `json:"repair_error,omitempty"`
}

// VerifyResult is what [Cache.Verify] found.
type VerifyResult struct {
	RepoType string `json:"repo_type"`
	RepoID   string `json:"repo_id"`
	// Revisions are the commits checked.
	Revisions []string `json:"revisions"`
	// Files counts the snapshot files checked; Blobs the distinct blobs
	// hashed; Bytes the bytes hashed.
	Files int   `json:"files"`
	Blobs int   `json:"blobs"`
	Bytes int64 `json:"bytes"`
	// Unverifiable lists files with no known hash (a file written without
	// symlinks and no tree cache entry).
	Unverifiable []string `json:"unverifiable"`
	// Problems are the bad files.
	Problems []Problem `json:"problems"`
}

// OK reports whether every problem found (if any) was repaired.
func (r *VerifyResult) OK() bool {
	for _, p := range r.Problems {
		if !p.Repaired {
			return false
		}
	}
	return true
}

// Verify checks a cached repo's files against their names: the sha256 of
// the content for 64-hex blobs (LFS/Xet files), the git blob sha1 ("blob
// {size}\x00" + content) for 40-hex blobs. Files written without symlinks
// are checked against trees/{commit}.json when present. It reports checksum
// mismatches, missing blobs and dangling symlinks, and with
// [VerifyOptions.Repair] re-downloads the bad files. Each blob is hashed
// once, several in parallel.
//
// It fails with an error wrapping [ErrNotCached] when the repo or revision
// is not cached, and when ctx ends.
func (c *Cache) Verify(ctx context.Context, repoType, repoID string, opts *VerifyOptions) (*VerifyResult, error) {
	var o VerifyOptions
	if opts != nil {
		o = *opts
	}
	name := RepoFolderName(repoType, repoID)
	s := &repoScan{dir: filepath.Join(c.Dir, name), blobs: map[string]*blobStat{}}
	repo := s.scan(ctx, name)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if repo == nil {
		return nil, &missingError{repoLabel(repoType, repoID) + " is not in the cache at " + c.Dir, ErrNotCached}
	}
	revs := repo.Revisions
	if o.Revision != "" {
		commit := o.Revision
		if c, ok := repo.Refs[o.Revision]; ok {
			commit = c
		}
		revs = slices.DeleteFunc(slices.Clone(revs), func(r *RevisionInfo) bool { return r.Commit != commit })
		if len(revs) == 0 {
			return nil, &missingError{fmt.Sprintf("revision %q of %s is not in the cache at %s", o.Revision, repoLabel(repoType, repoID), c.Dir), ErrNotCached}
		}
	}
	res := &VerifyResult{RepoType: repoType, RepoID: repoID, Revisions: []string{}, Unverifiable: []string{}, Problems: []Problem{}}

	type job struct {
		blob, algo, want string
	}
	jobs := map[string]*job{} // blob path -> hashing job
	type fileRef struct {
		rev *RevisionInfo
		f   FileInfo
	}
	var users = map[string][]fileRef{}
	for _, rev := range revs {
		res.Revisions = append(res.Revisions, rev.Commit)
		tree, _ := c.ReadTree(repoType, repoID, rev.Commit) // no tree cache: fine
		for _, f := range rev.Files {
			res.Files++
			algo, want := expectedHash(s.dir, f, tree)
			if algo == "" {
				res.Unverifiable = append(res.Unverifiable, rev.Commit+"/"+f.Filename)
				continue
			}
			if _, ok := jobs[f.BlobPath]; !ok {
				jobs[f.BlobPath] = &job{blob: f.BlobPath, algo: algo, want: want}
			}
			users[f.BlobPath] = append(users[f.BlobPath], fileRef{rev, f})
		}
		for _, m := range rev.Missing {
			p := filepath.Join(rev.SnapshotPath, filepath.FromSlash(m))
			target, _ := os.Readlink(p) // Missing entries are symlinks
			if target != "" && !filepath.IsAbs(target) {
				target = filepath.Clean(filepath.Join(filepath.Dir(p), target))
			}
			kind := DanglingSymlink
			if filepath.Dir(target) == filepath.Join(s.dir, BlobsDirName) {
				kind = MissingBlob
			}
			res.Problems = append(res.Problems, Problem{Kind: kind, Commit: rev.Commit, Filename: m, Path: p, BlobPath: target})
		}
	}

	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	keys := slices.Sorted(maps.Keys(jobs))
	for _, k := range keys {
		j := jobs[k]
		g.Go(func() error {
			got, n, err := hashFile(gctx, j.blob, j.algo)
			if err != nil {
				if gctx.Err() != nil {
					return gctx.Err()
				}
				got = "unreadable: " + err.Error()
			}
			mu.Lock()
			defer mu.Unlock()
			res.Blobs++
			res.Bytes += n
			if got != j.want {
				for _, u := range users[j.blob] {
					res.Problems = append(res.Problems, Problem{
						Kind: ChecksumMismatch, Commit: u.rev.Commit, Filename: u.f.Filename,
						Path: u.f.Path, BlobPath: j.blob, Expected: j.want, Actual: got,
					})
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	slices.SortFunc(res.Problems, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Commit, b.Commit), cmp.Compare(a.Filename, b.Filename))
	})
	if o.Repair != nil {
		if err := c.repair(ctx, res, o.Repair); err != nil {
			return res, err
		}
	}
	return res, nil
}

// expectedHash says how to check a file: "sha256" or "git-sha1" and the
// expected hex digest, from the blob's name or the tree cache.
func expectedHash(repoDir string, f FileInfo, tree *Tree) (algo, want string) {
	if filepath.Dir(f.BlobPath) == filepath.Join(repoDir, BlobsDirName) {
		name := filepath.Base(f.BlobPath)
		switch {
		case IsSHA256(name):
			return "sha256", name
		case IsCommitHash(name):
			return "git-sha1", name
		}
	}
	if tree != nil {
		if e, ok := tree.Files[f.Filename]; ok {
			if IsSHA256(e.LFSSHA256) {
				return "sha256", e.LFSSHA256
			}
			if IsCommitHash(e.BlobID) {
				return "git-sha1", e.BlobID
			}
		}
	}
	return "", ""
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 1<<20); return &b }}

// hashFile hashes path with algo, checking ctx between 1 MiB reads.
func hashFile(ctx context.Context, path, algo string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close() // read-only
	var h hash.Hash
	switch algo {
	case "sha256":
		h = sha256.New()
	default:
		fi, err := f.Stat()
		if err != nil {
			return "", 0, err
		}
		h = gitblob.NewHash(fi.Size())
	}
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return "", n, err
		}
		k, err := f.Read(*bp)
		h.Write((*bp)[:k])
		n += int64(k)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", n, err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// repair removes each bad blob and snapshot entry and fetches the file again.
func (c *Cache) repair(ctx context.Context, res *VerifyResult, rf Refetcher) error {
	removed := map[string]bool{}
	for i := range res.Problems {
		p := &res.Problems[i]
		if err := ctx.Err(); err != nil {
			return err
		}
		if p.Kind == ChecksumMismatch && !removed[p.BlobPath] {
			if err := c.removeBlobLocked(ctx, p.BlobPath); err != nil {
				p.RepairError = err.Error()
				continue
			}
			removed[p.BlobPath] = true
		}
		if err := os.Remove(p.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
			p.RepairError = err.Error()
			continue
		}
		if err := rf.Refetch(ctx, res.RepoType, res.RepoID, p.Commit, p.Filename); err != nil {
			p.RepairError = err.Error()
			continue
		}
		p.Repaired, p.RepairError = c.recheck(ctx, res, p)
	}
	return nil
}

// removeBlobLocked removes a blob under its lock (waiting for it).
func (c *Cache) removeBlobLocked(ctx context.Context, blob string) error {
	if lp := c.blobLockPath(blob); lp != "" {
		unlock, err := c.Lock(ctx, lp)
		if err != nil {
			return err
		}
		defer func() { _ = unlock() }() // releasing: nothing to do on failure
	}
	if err := os.Remove(blob); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if d := extractedDirOf(blob); d != "" {
		_ = os.RemoveAll(d) // unpacked from bad bytes; re-extracted on demand
	}
	return nil
}

// recheck verifies one repaired file.
func (c *Cache) recheck(ctx context.Context, res *VerifyResult, p *Problem) (bool, string) {
	repoDir := c.RepoDir(res.RepoType, res.RepoID)
	blob, err := filepath.EvalSymlinks(p.Path)
	if err != nil {
		return false, "after refetch: " + err.Error()
	}
	fi, err := os.Stat(blob)
	if err != nil {
		return false, "after refetch: " + err.Error()
	}
	tree, _ := c.ReadTree(res.RepoType, res.RepoID, p.Commit) // optional
	f := FileInfo{Filename: p.Filename, Path: p.Path, BlobPath: blob, SizeOnDisk: fi.Size()}
	if real, err := filepath.EvalSymlinks(filepath.Join(repoDir, BlobsDirName)); err == nil && filepath.Dir(blob) == real {
		f.BlobPath = filepath.Join(repoDir, BlobsDirName, filepath.Base(blob))
	}
	algo, want := expectedHash(repoDir, f, tree)
	if algo == "" {
		return true, "" // present again; nothing to check it against
	}
	got, _, err := hashFile(ctx, blob, algo)
	if err != nil {
		return false, "after refetch: " + err.Error()
	}
	if got != want {
		return false, fmt.Sprintf("after refetch: still %s, want %s", got, want)
	}
	return true, ""
}
