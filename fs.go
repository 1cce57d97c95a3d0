package hfhub

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/hfhub-go/hfhub/cache"
)

// DefaultReadAhead is the largest read-ahead window of a file opened
// through an [FS]: sequential reads fetch ranges that double from
// [MinReadAhead] up to this size.
const DefaultReadAhead = 16 << 20

// MinReadAhead is the smallest range an [FS] file fetches: a random read of
// 4 KiB costs one request of this many bytes (less at the end of the file).
const MinReadAhead = 64 << 10

// FSOptions selects what [Client.OpenFS] shows. A nil pointer shows the main
// branch of a model repo, read through the client's cache.
type FSOptions struct {
	RepoType RepoType
	// Revision is a branch, tag, "refs/pr/N" or commit; empty means "main".
	// It is resolved to a commit once, when the FS is opened.
	Revision string
	// CacheDir overrides the client's cache folder.
	CacheDir string
	// ReadAhead bounds the read-ahead window of sequential reads (default
	// [DefaultReadAhead]; at least [MinReadAhead]).
	ReadAhead int64
}

// FS is a read-only [io/fs.FS] over one commit of a repository (or one
// listing of a bucket): a walk sees one consistent tree. It implements
// [fs.StatFS], [fs.ReadDirFS], [fs.ReadFileFS], [fs.SubFS] and [fs.GlobFS];
// files it opens implement [io.ReaderAt] and [io.Seeker] (see [FSFile]).
//
// The tree is listed once, with one recursive request, and kept in the
// cache's trees/{commit}.json, so a cached revision opens offline. A file
// whose blob is in the cache is read from disk; any other file is read
// lazily with HTTP Range requests and a read-ahead window that grows while
// reads are sequential. Nothing is written to the cache by reads.
//
// The context given to [Client.OpenFS] bounds every later read. An FS is
// safe for concurrent use.
type FS struct {
	ctx     context.Context
	c       *Client
	desc    string // "acme/tiny@<commit>" (errors, String)
	commit  string // empty for a bucket
	root    *fsNode
	modTime time.Time
	ahead   int64
	// url returns where to GET the bytes of a file (repo path).
	url func(name string) string
	// local returns a cached copy of the file, if any.
	local func(name string, n *fsNode) string
}

// fsNode is a file or folder of an [FS]. Nodes never change once built.
type fsNode struct {
	name     string // base name ("." for the root)
	path     string // full repo path ("" for the root)
	dir      bool
	size     int64
	etag     string
	modTime  time.Time // zero: the FS's
	children []*fsNode // folders: sorted by name
}

// OpenFS opens a read-only file-system view of repository id at one
// revision. The revision is resolved to a commit (one request; none for a
// commit hash or, offline, a revision in the cache) and the tree listed
// once (from the tree cache when it has the commit).
//
// Hub API: GET /api/{type}s/{id}/revision/{rev}, GET
// /api/{type}s/{id}/tree/{commit}?recursive=true, and Range GETs of
// /{prefix}{id}/resolve/{commit}/{path} as files are read.
func (c *Client) OpenFS(ctx context.Context, id string, opts *FSOptions) (*FS, error) {
	o := FSOptions{}
	if opts != nil {
		o = *opts
	}
	base, err := c.newFileRequest(id, "x", &DownloadOptions{RepoType: o.RepoType, Revision: o.Revision, CacheDir: o.CacheDir})
	if err != nil {
		return nil, err
	}
	what := describeSnapshot(o.RepoType, id, base.rev)
	commit, modTime, infoErr := "", time.Time{}, error(nil)
	offline := c.offline(base)
	if IsCommitHash(base.rev) {
		commit = base.rev
	} else if !offline {
		var info struct {
			SHA          string     `json:"sha"`
			LastModified *time.Time `json:"lastModified"`
		}
		infoErr = c.repoInfo(ctx, o.RepoType, id, &RepoInfoOptions{Revision: base.rev, Expand: []string{"sha", "lastModified"}}, &info)
		switch {
		case infoErr == nil && !IsCommitHash(info.SHA):
			return nil, fmt.Errorf("%w: the revision answer for %s has no commit sha", ErrServer, what)
		case infoErr == nil:
			commit = info.SHA
			if info.LastModified != nil {
				modTime = *info.LastModified
			}
		case ctx.Err() != nil || !retryableHeadError(infoErr):
			return nil, infoErr
		}
	}
	if commit == "" {
		if commit = base.cachedCommit(); commit == "" {
			return nil, newLocalEntryError("the tree of "+what, orOffline(infoErr))
		}
	}
	var tree *cache.Tree
	if offline || infoErr != nil {
		tree, err = c.readTreeCache(base, "", commit)
		if err != nil {
			return nil, newLocalEntryError("the tree of "+describeSnapshot(o.RepoType, id, commit)+" (no trees/"+commit+".json in the cache)", orOffline(infoErr))
		}
	} else if tree, err = c.snapshotTree(ctx, base, "", commit, false); err != nil {
		return nil, err
	}
	if base.rev != commit {
		_ = base.cache.WriteRef(base.rts, id, base.rev, commit) // best effort, as a snapshot does
	}
	files := make([]fsEntry, 0, len(tree.Files))
	for name, f := range tree.Files {
		files = append(files, fsEntry{path: name, size: f.ContentSize(), etag: f.Etag()})
	}
	root, err := buildTree(files)
	if err != nil {
		return nil, fmt.Errorf("%w: the listing of %s: %v", ErrServer, what, err)
	}
	f := &FS{ctx: ctx, c: c, desc: id + "@" + commit, commit: commit, root: root, modTime: modTime, ahead: readAhead(o.ReadAhead)}
	f.url = func(name string) string { return c.resolveURL(o.RepoType, id, commit, name) }
	f.local = func(name string, n *fsNode) string {
		if p, ok := (&fileRequest{rts: base.rts, id: id, filename: name, cache: base.cache}).pointer(commit); ok {
			return p
		}
		if p, err := base.cache.BlobPath(base.rts, id, n.etag); err == nil && sizeIs(p, n.size) {
			return p
		}
		return ""
	}
	return f, nil
}

func readAhead(n int64) int64 {
	if n <= 0 {
		return DefaultReadAhead
	}
	return max(n, MinReadAhead)
}

func sizeIs(p string, size int64) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Size() == size
}

// fsEntry is one listed file.
type fsEntry struct {
	path    string
	size    int64
	etag    string
	modTime time.Time
}

// buildTree makes the folder tree of a file listing; folders are implied by
// the paths. A path that is not a valid fs path, or that is both a file and
// a folder, is an error.
func buildTree(files []fsEntry) (*fsNode, error) {
	root := &fsNode{name: ".", dir: true}
	dirs := map[string]*fsNode{"": root}
	var mkdir func(p string) (*fsNode, error)
	mkdir = func(p string) (*fsNode, error) {
		if d, ok := dirs[p]; ok {
			if !d.dir {
				return nil, fmt.Errorf("%q is both a file and a folder", p)
			}
			return d, nil
		}
		parent, err := mkdir(parentDir(p))
		if err != nil {
			return nil, err
		}
		d := &fsNode{name: path.Base(p), path: p, dir: true}
		parent.children = append(parent.children, d)
		dirs[p] = d
		return d, nil
	}
	for _, f := range files {
		if !fs.ValidPath(f.path) || f.path == "." {
			return nil, fmt.Errorf("invalid path %q", f.path)
		}
		if _, dup := dirs[f.path]; dup {
			return nil, fmt.Errorf("%q is listed twice or is both a file and a folder", f.path)
		}
		parent, err := mkdir(parentDir(f.path))
		if err != nil {
			return nil, err
		}
		n := &fsNode{name: path.Base(f.path), path: f.path, size: f.size, etag: f.etag, modTime: f.modTime}
		parent.children = append(parent.children, n)
		dirs[f.path] = n
	}
	for _, d := range dirs {
		if d.dir {
			slices.SortFunc(d.children, func(a, b *fsNode) int { return strings.Compare(a.name, b.name) })
		}
	}
	return root, nil
}

func parentDir(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return ""
}

// errNotInTree is the error of a path the tree lacks: it matches both
// fs.ErrNotExist and ErrEntryNotFound.
var errNotInTree error = notInTree{}

type notInTree struct{}

func (notInTree) Error() string        { return "no such file or folder in the tree" }
func (notInTree) Is(target error) bool { return target == fs.ErrNotExist || target == ErrEntryNotFound }

// Commit returns the commit the FS shows (empty for a bucket).
func (f *FS) Commit() string { return f.commit }

// String describes the FS ("acme/tiny@<commit>").
func (f *FS) String() string { return f.desc }

// lookup finds the node of name, a valid fs path relative to the FS.
func (f *FS) lookup(op, name string) (*fsNode, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	n := f.root
	if name == "." {
		return n, nil
	}
	for seg := range strings.SplitSeq(name, "/") {
		if !n.dir {
			return nil, &fs.PathError{Op: op, Path: name, Err: errNotInTree}
		}
		i, ok := slices.BinarySearchFunc(n.children, seg, func(c *fsNode, s string) int { return strings.Compare(c.name, s) })
		if !ok {
			return nil, &fs.PathError{Op: op, Path: name, Err: errNotInTree}
		}
		n = n.children[i]
	}
	return n, nil
}

// Open opens name for reading. A folder implements [fs.ReadDirFile]; a file
// is an [*FSFile]. Opening a file that is not in the cache sends nothing
// (offline it fails with [ErrLocalEntryNotFound]).
func (f *FS) Open(name string) (fs.File, error) {
	n, err := f.lookup("open", name)
	if err != nil {
		return nil, err
	}
	if n.dir {
		return &fsDir{fs: f, n: n}, nil
	}
	return f.openFile(name, n)
}

// OpenFile is [FS.Open] for a file, returning the concrete type.
func (f *FS) OpenFile(name string) (*FSFile, error) {
	n, err := f.lookup("open", name)
	if err != nil {
		return nil, err
	}
	if n.dir {
		return nil, &fs.PathError{Op: "open", Path: name, Err: errors.New("is a folder")}
	}
	return f.openFile(name, n)
}

func (f *FS) openFile(name string, n *fsNode) (*FSFile, error) {
	file := &FSFile{fs: f, n: n}
	if p := f.local(n.path, n); p != "" {
		lf, err := os.Open(p)
		if err == nil {
			file.local = lf
			return file, nil
		}
	}
	if f.c.cfg.Offline {
		return nil, &fs.PathError{Op: "open", Path: name, Err: newLocalEntryError(f.desc+"/"+n.path, ErrOffline)}
	}
	file.rr = &rangeReader{c: f.c, ctx: f.ctx, url: f.url(n.path), name: f.desc + "/" + n.path, size: n.size, max: f.ahead}
	return file, nil
}

// Stat returns the [fs.FileInfo] of name without any request.
func (f *FS) Stat(name string) (fs.FileInfo, error) {
	n, err := f.lookup("stat", name)
	if err != nil {
		return nil, err
	}
	return fsInfo{n, f}, nil
}

// ReadDir lists folder name, sorted by name, without any request.
func (f *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	n, err := f.lookup("readdir", name)
	if err != nil {
		return nil, err
	}
	if !n.dir {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a folder")}
	}
	out := make([]fs.DirEntry, len(n.children))
	for i, c := range n.children {
		out[i] = fs.FileInfoToDirEntry(fsInfo{c, f})
	}
	return out, nil
}

// ReadFile reads the whole of file name: from the cache when it has the
// blob, else with one request.
func (f *FS) ReadFile(name string) ([]byte, error) {
	file, err := f.OpenFile(name)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	b := make([]byte, file.n.size)
	if file.rr != nil {
		file.rr.whole = true
	}
	if _, err := file.ReadAt(b, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	return b, nil
}

// Sub returns the FS of folder dir (an error if dir is not a folder).
func (f *FS) Sub(dir string) (fs.FS, error) {
	n, err := f.lookup("sub", dir)
	if err != nil {
		return nil, err
	}
	if !n.dir {
		return nil, &fs.PathError{Op: "sub", Path: dir, Err: errors.New("not a folder")}
	}
	sub := *f
	sub.root = &fsNode{name: ".", path: n.path, dir: true, children: n.children}
	if n.path != "" {
		sub.desc = f.desc + "/" + n.path
	}
	return &sub, nil
}

// Glob returns the paths matching pattern ([path.Match] syntax), without
// any request.
func (f *FS) Glob(pattern string) ([]string, error) {
	return fs.Glob(noGlob{f}, pattern)
}

// noGlob hides Glob so that fs.Glob walks the tree with ReadDir.
type noGlob struct{ f *FS }

func (g noGlob) Open(name string) (fs.File, error)          { return g.f.Open(name) }
func (g noGlob) ReadDir(name string) ([]fs.DirEntry, error) { return g.f.ReadDir(name) }

// fsInfo is the fs.FileInfo of a node.
type fsInfo struct {
	n  *fsNode
	fs *FS
}

func (i fsInfo) Name() string { return i.n.name }
func (i fsInfo) Size() int64 {
	if i.n.dir {
		return 0
	}
	return i.n.size
}
func (i fsInfo) Mode() fs.FileMode {
	if i.n.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
func (i fsInfo) ModTime() time.Time {
	if !i.n.modTime.IsZero() {
		return i.n.modTime
	}
	return i.fs.modTime
}
func (i fsInfo) IsDir() bool { return i.n.dir }

// Sys returns the file's etag (git blob id, LFS sha256, or a bucket's
// content id) as a string; "" for a folder.
func (i fsInfo) Sys() any { return i.n.etag }

// fsDir is an open folder.
type fsDir struct {
	fs  *FS
	n   *fsNode
	pos int
}

func (d *fsDir) Stat() (fs.FileInfo, error) { return fsInfo{d.n, d.fs}, nil }
func (d *fsDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.n.path, Err: errors.New("is a folder")}
}
func (d *fsDir) Close() error { return nil }

// ReadDir returns the next n entries (all remaining when n <= 0).
func (d *fsDir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.n.children[d.pos:]
	if n > 0 && len(rest) == 0 {
		return nil, io.EOF
	}
	if n > 0 && n < len(rest) {
		rest = rest[:n]
	}
	d.pos += len(rest)
	out := make([]fs.DirEntry, len(rest))
	for i, c := range rest {
		out[i] = fs.FileInfoToDirEntry(fsInfo{c, d.fs})
	}
	return out, nil
}

var (
	_ fs.StatFS     = (*FS)(nil)
	_ fs.ReadDirFS  = (*FS)(nil)
	_ fs.ReadFileFS = (*FS)(nil)
	_ fs.SubFS      = (*FS)(nil)
	_ fs.GlobFS     = (*FS)(nil)
)
