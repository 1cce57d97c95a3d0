package cache

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// junkNames are files operating systems drop into folders; scans skip them.
var junkNames = map[string]bool{".DS_Store": true, "Thumbs.db": true, "desktop.ini": true}

// Scan reads the whole cache and reports repos, revisions, files, sizes and
// times like Python's scan_cache_dir. It never fails on one bad entry: what is
// malformed (unknown folder, stray file, missing blob, empty or dangling
// ref...) becomes a [Warning] and the rest is reported. Unlike Python, a repo
// with a broken entry is still listed (the bad file is left out and named in
// [RevisionInfo.Missing]). It tolerates CACHEDIR.TAG, trees/, .no_exist/,
// caches written without symlinks, nested refs/pr/N and .incomplete files.
// The hfhub client's extracted archives are sized apart
// ([RepoInfo.ExtractedSize]), so SizeOnDisk stays what Python reports.
//
// Scan stats files in parallel and hashes nothing. It fails only when the
// cache folder is missing ([ErrCacheNotFound]), not a folder or unreadable, or
// when ctx ends.
func (c *Cache) Scan(ctx context.Context) (*Report, error) {
	fi, err := os.Stat(c.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &missingError{"there is no cache at " + c.Dir, ErrCacheNotFound}
	}
	if err != nil {
		return nil, fmt.Errorf("cache: scan: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("cache: scan: %s is a file, not a cache folder", c.Dir)
	}
	entries, err := os.ReadDir(c.Dir)
	if err != nil {
		return nil, fmt.Errorf("cache: scan: %w", err)
	}
	rep := &Report{Dir: c.Dir, Repos: []*RepoInfo{}, Warnings: []Warning{}, IncompleteFiles: []IncompleteFile{}}
	shared := c.sharedStore() != "" // shared.go: newer Python's cross-repo store
	resolved := map[string]int64{}  // resolved blob path -> size, for the shared store
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(8, 4*runtime.GOMAXPROCS(0)))
	for _, e := range entries {
		name := e.Name()
		if junkNames[name] || name == LocksDirName || name == CacheDirTagName || (shared && name == BlobsDirName) {
			continue
		}
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			s := &repoScan{dir: filepath.Join(c.Dir, name), blobs: map[string]*blobStat{}}
			repo := s.scan(gctx, name)
			mu.Lock()
			defer mu.Unlock()
			if repo != nil {
				rep.Repos = append(rep.Repos, repo)
				rep.SizeOnDisk += repo.SizeOnDisk
				rep.ExtractedSize += repo.ExtractedSize
			}
			rep.Warnings = append(rep.Warnings, s.warnings...)
			rep.IncompleteFiles = append(rep.IncompleteFiles, s.incomplete...)
			if shared && repo != nil {
				for p, b := range s.blobs {
					resolved[p] = b.size
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.adjustSharedSizes(rep, resolved)
	slices.SortFunc(rep.Repos, func(a, b *RepoInfo) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.ID, b.ID))
	})
	slices.SortFunc(rep.Warnings, func(a, b Warning) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Message, b.Message))
	})
	slices.SortFunc(rep.IncompleteFiles, func(a, b IncompleteFile) int { return cmp.Compare(a.Path, b.Path) })
	return rep, nil
}

// blobStat is what a scan remembers about one resolved blob.
type blobStat struct {
	size         int64
	atime, mtime time.Time
}

// repoScan holds the state of scanning one repo folder (one goroutine).
type repoScan struct {
	dir        string
	repoType   string
	repoID     string
	blobs      map[string]*blobStat // resolved path -> stat, each blob stat'ed once
	blobsDir   string
	blobsFD    *os.File // the open blobs folder, for *at system calls
	blobsErr   error
	linkBuf    []byte // scratch for readlink
	warnings   []Warning
	incomplete []IncompleteFile
}

func (s *repoScan) warn(path, format string, args ...any) {
	s.warnings = append(s.warnings, Warning{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (s *repoScan) scan(ctx context.Context, name string) *RepoInfo {
	fi, err := os.Stat(s.dir)
	if err != nil {
		s.warn(s.dir, "cannot read: %v", err)
		return nil
	}
	if !fi.IsDir() {
		s.warn(s.dir, "stray file in the cache folder (not a repo folder); ignored")
		return nil
	}
	s.repoType, s.repoID, err = ParseRepoFolderName(name)
	if err != nil {
		s.warn(s.dir, "not a repo folder: %v; ignored", err)
		return nil
	}
	snapDir := filepath.Join(s.dir, SnapshotsDirName)
	snaps, err := os.ReadDir(snapDir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			s.warn(s.dir, "repo folder has no snapshots/ folder; delete it or download the repo again")
		} else {
			s.warn(snapDir, "cannot read: %v", err)
		}
		return nil
	}
	repo := &RepoInfo{Type: s.repoType, ID: s.repoID, Path: s.dir, Revisions: []*RevisionInfo{}, Refs: map[string]string{}}
	s.blobsDir = filepath.Join(s.dir, BlobsDirName)
	defer func() {
		if s.blobsFD != nil {
			_ = s.blobsFD.Close() // read-only
		}
	}()
	s.scanIncomplete()
	s.scanExtracted(repo) // extracted.go

	byCommit := map[string]*RevisionInfo{}
	for _, e := range snaps {
		if ctx.Err() != nil {
			return nil
		}
		p := filepath.Join(snapDir, e.Name())
		if junkNames[e.Name()] {
			continue
		}
		isDir := e.IsDir()
		if !isDir && e.Type()&fs.ModeSymlink != 0 {
			fi, err := os.Stat(p)
			isDir = err == nil && fi.IsDir()
		}
		if !isDir {
			s.warn(p, "stray file in snapshots/ (only commit folders belong there); ignored")
			continue
		}
		rev := s.scanRevision(p, e.Name())
		rev.repo = repo
		repo.Revisions = append(repo.Revisions, rev)
		byCommit[rev.Commit] = rev
	}

	s.scanRefs(repo, byCommit)

	// Repo totals over distinct blobs.
	for _, b := range s.blobs {
		repo.SizeOnDisk += b.size
		repo.NumFiles++
		repo.LastAccessed = later(repo.LastAccessed, b.atime)
		repo.LastModified = later(repo.LastModified, b.mtime)
	}
	if len(s.blobs) == 0 {
		repo.LastAccessed, repo.LastModified = atime(fi), fi.ModTime()
	}
	for _, rev := range repo.Revisions {
		slices.Sort(rev.Refs)
		repo.LastUsed = later(repo.LastUsed, rev.LastUsed)
	}
	slices.SortFunc(repo.Revisions, func(a, b *RevisionInfo) int { return cmp.Compare(a.Commit, b.Commit) })
	return repo
}

// scanRevision lists the files of snapshots/{commit} and resolves each to
// its blob.
func (s *repoScan) scanRevision(dir, commit string) *RevisionInfo {
	rev := &RevisionInfo{Commit: commit, SnapshotPath: dir, Files: []FileInfo{}, Refs: []string{}}
	dfi, err := os.Stat(dir)
	if err != nil {
		s.warn(dir, "cannot read: %v", err)
		return rev
	}
	seen := map[string]bool{}
	s.walkSnapshot(rev, dir, "", 0, seen)
	for _, f := range rev.Files {
		rev.LastModified = later(rev.LastModified, f.BlobLastModified)
		rev.LastUsed = later(rev.LastUsed, f.BlobLastAccessed)
	}
	if len(rev.Files) == 0 {
		rev.LastModified = dfi.ModTime()
	}
	rev.LastUsed = later(rev.LastUsed, dfi.ModTime())
	rev.NumFiles = len(rev.Files)
	slices.SortFunc(rev.Files, func(a, b FileInfo) int { return cmp.Compare(a.Filename, b.Filename) })
	return rev
}

func (s *repoScan) walkSnapshot(rev *RevisionInfo, dir, rel string, depth int, seen map[string]bool) {
	d, err := os.Open(dir)
	if err != nil {
		s.warn(dir, "cannot read: %v", err)
		return
	}
	defer d.Close() // read-only
	entries, err := d.ReadDir(-1)
	if err != nil {
		s.warn(dir, "cannot read: %v", err)
		return
	}
	sep := string(filepath.Separator)
	for _, e := range entries {
		name := e.Name()
		if junkNames[name] {
			continue
		}
		p := dir + sep + name
		fname := name
		if rel != "" {
			fname = rel + "/" + name
		}
		if e.IsDir() {
			s.walkSnapshot(rev, p, fname, depth+1, seen)
			continue
		}
		blobPath := p
		var b *blobStat
		if e.Type()&fs.ModeSymlink != 0 {
			target, err := readlinkAt(d, dir, name, &s.linkBuf)
			if err != nil {
				s.warn(p, "cannot read symlink: %v", err)
				continue
			}
			if etag, ok := plainBlobTarget(target, depth); ok && s.openBlobs() {
				// The usual case: ../../blobs/{etag}, stat'ed relative to
				// the open blobs folder.
				blobPath = s.blobsDir + sep + etag
				if b = s.blobs[blobPath]; b == nil {
					st, isDir, err := statAt(s.blobsFD, etag)
					if err == nil && !isDir {
						b = &st
						s.blobs[blobPath] = b
					} else if err != nil {
						rev.Missing = append(rev.Missing, fname)
						s.warn(p, "blob missing (broken symlink to %s); run `hf cache verify` or download the file again", blobPath)
						continue
					}
				}
			} else {
				if !filepath.IsAbs(target) {
					target = filepath.Join(dir, target)
				}
				blobPath = filepath.Clean(target)
				if real, err := filepath.EvalSymlinks(p); err == nil {
					blobPath = real // resolve the whole chain, as realpath does
				}
			}
		}
		if b == nil {
			b = s.blobs[blobPath]
		}
		if b == nil {
			fi, err := os.Stat(blobPath)
			if err != nil {
				rev.Missing = append(rev.Missing, fname)
				s.warn(p, "blob missing (broken symlink to %s); run `hf cache verify` or download the file again", blobPath)
				continue
			}
			if fi.IsDir() {
				s.warn(p, "symlink to a folder in a snapshot; ignored")
				continue
			}
			b = &blobStat{size: fi.Size(), atime: atime(fi), mtime: fi.ModTime()}
			s.blobs[blobPath] = b
		}
		rev.Files = append(rev.Files, FileInfo{
			Name: name, Filename: fname, Path: p, BlobPath: blobPath,
			SizeOnDisk: b.size, BlobLastAccessed: b.atime, BlobLastModified: b.mtime,
		})
		if !seen[blobPath] {
			seen[blobPath] = true
			rev.SizeOnDisk += b.size
		}
	}
}

// plainBlobTarget recognises the symlink target the Python client writes
// for a file depth folders below the snapshot: "../" repeated depth+2 times,
// "blobs/", then the etag. It returns the etag.
func plainBlobTarget(target string, depth int) (string, bool) {
	t := filepath.ToSlash(target)
	for range depth + 2 {
		rest, ok := strings.CutPrefix(t, "../")
		if !ok {
			return "", false
		}
		t = rest
	}
	etag, ok := strings.CutPrefix(t, BlobsDirName+"/")
	if !ok || validSegment("etag", etag) != nil {
		return "", false
	}
	return etag, true
}

// openBlobs opens the repo's blobs folder once; false if it cannot.
func (s *repoScan) openBlobs() bool {
	if s.blobsFD == nil && s.blobsErr == nil {
		s.blobsFD, s.blobsErr = os.Open(s.blobsDir)
	}
	return s.blobsFD != nil
}

// scanRefs reads refs/ recursively: each file is a ref named by its path
// relative to refs/ ("main", "refs/pr/1") holding a commit.
func (s *repoScan) scanRefs(repo *RepoInfo, byCommit map[string]*RevisionInfo) {
	refsDir := filepath.Join(s.dir, RefsDirName)
	fi, err := os.Stat(refsDir)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		s.warn(refsDir, "cannot read: %v", err)
		return
	}
	if !fi.IsDir() {
		s.warn(refsDir, "refs is a file, not a folder; ignored")
		return
	}
	_ = filepath.WalkDir(refsDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			s.warn(p, "cannot read: %v", err)
			return nil
		}
		if d.IsDir() || junkNames[d.Name()] || isTempName(d.Name()) {
			return nil
		}
		rel, _ := filepath.Rel(refsDir, p) // p is below refsDir
		ref := filepath.ToSlash(rel)
		b, err := os.ReadFile(p)
		if err != nil {
			s.warn(p, "cannot read ref: %v", err)
			return nil
		}
		commit := strings.TrimSpace(string(b))
		if commit == "" {
			s.warn(p, "empty ref %q; ignored (delete the file or download the revision again)", ref)
			return nil
		}
		rev, ok := byCommit[commit]
		if !ok {
			s.warn(p, "ref %q points to commit %s which has no snapshot; ignored", ref, commit)
			return nil
		}
		repo.Refs[ref] = commit
		rev.Refs = append(rev.Refs, ref)
		return nil
	})
}

// scanIncomplete lists blobs/*.incomplete.
func (s *repoScan) scanIncomplete() {
	blobsDir := filepath.Join(s.dir, BlobsDirName)
	entries, err := os.ReadDir(blobsDir)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			s.warn(blobsDir, "cannot read: %v", err)
		}
		return
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".incomplete") {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue // vanished: the download finished
		}
		s.incomplete = append(s.incomplete, IncompleteFile{
			Path: filepath.Join(blobsDir, e.Name()), RepoType: s.repoType, RepoID: s.repoID,
			Size: fi.Size(), LastModified: fi.ModTime(),
		})
	}
}

// isTempName matches the temporary files of atomic writes: {name}.{8hex}.tmp.
func isTempName(name string) bool {
	base, ok := strings.CutSuffix(name, ".tmp")
	if !ok {
		return false
	}
	i := strings.LastIndexByte(base, '.')
	return i >= 0 && isHex(base[i+1:], 8)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
