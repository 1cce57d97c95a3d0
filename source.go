package hfhub

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Source is where a model or dataset loader gets its files: a Hub
// repository ([Client.HubSource]) or a local directory ([LocalSource]).
// Loaders take a Source so that the same code runs on both.
type Source interface {
	// Files lists every file (paths relative to the source, "/"-separated)
	// with its etag, sorted by path.
	Files(ctx context.Context) ([]SourceFile, error)
	// Fetch returns a local path to the file, downloading it if needed.
	Fetch(ctx context.Context, name string) (string, error)
	// String describes the source ("hf:acme/tiny@main" or "local:/dir").
	String() string
}

// SourceFile is one file of a [Source].
type SourceFile struct {
	Path string
	// Etag identifies the content: the Hub's etag (git blob id or LFS
	// sha256) for a repo; for a local file "<size>-<mtime ns>" in hex, which
	// changes whenever the file is rewritten.
	Etag string
	Size int64
}

// HubSourceOptions selects what a [Client.HubSource] reads. A nil pointer
// reads the whole of a model repo at main with default download options.
type HubSourceOptions struct {
	RepoType RepoType
	Revision string // branch, tag or commit; empty means "main"
	// Subdir restricts the source to a folder of the repo; paths are
	// relative to it.
	Subdir string
	// Download applies to every Fetch (cache dir, local dir, progress...).
	// Its RepoType, Revision and Subfolder are set from the fields above.
	Download DownloadOptions
}

// HubSource is a [Source] reading a Hub repository through a [Client]
// (so the client's token and cache are used). Safe for concurrent use.
type HubSource struct {
	c    *Client
	id   string
	opts HubSourceOptions
}

// HubSource returns a [Source] for repo id.
func (c *Client) HubSource(id string, opts *HubSourceOptions) *HubSource {
	s := &HubSource{c: c, id: id}
	if opts != nil {
		s.opts = *opts
	}
	s.opts.Subdir = strings.Trim(strings.ReplaceAll(s.opts.Subdir, `\`, "/"), "/")
	return s
}

// String returns "hf:{id}@{revision}[/{subdir}]".
func (s *HubSource) String() string {
	out := "hf:" + s.id + "@" + revOrDefault(s.opts.Revision)
	if s.opts.Subdir != "" {
		out += "/" + s.opts.Subdir
	}
	return out
}

// Files lists the repo's files under Subdir with their etags (one
// recursive tree listing). Offline, or when the Hub cannot be reached, the
// tree cache of the cached revision is used.
func (s *HubSource) Files(ctx context.Context) ([]SourceFile, error) {
	base, err := s.c.newFileRequest(s.id, "x", &DownloadOptions{RepoType: s.opts.RepoType, Revision: s.opts.Revision, CacheDir: s.opts.Download.CacheDir})
	if err != nil {
		return nil, err
	}
	prefix := ""
	if s.opts.Subdir != "" {
		prefix = s.opts.Subdir + "/"
	}
	var out []SourceFile
	add := func(p, etag string, size int64) {
		if rel, ok := strings.CutPrefix(p, prefix); ok {
			out = append(out, SourceFile{Path: rel, Etag: etag, Size: size})
		}
	}
	online := !s.c.cfg.Offline && !s.opts.Download.LocalFilesOnly
	var listErr error
	if online {
		for e, err := range s.c.ListRepoTree(ctx, s.id, &ListRepoTreeOptions{RepoType: s.opts.RepoType, Revision: s.opts.Revision, Path: s.opts.Subdir, Recursive: true}) {
			if err != nil {
				listErr = err
				out = nil
				break
			}
			if e.IsDir() {
				continue
			}
			etag := e.OID
			if e.LFS != nil {
				etag = e.LFS.OID
			}
			add(e.Path, etag, e.Size)
		}
		if listErr == nil {
			sortSourceFiles(out)
			return out, nil
		}
		if ctx.Err() != nil || !retryableHeadError(listErr) {
			return nil, listErr
		}
	}
	commit := base.cachedCommit()
	if commit == "" {
		return nil, fmt.Errorf("%w: cannot list %s: not cached (%v)", ErrLocalEntryNotFound, s, orOffline(listErr))
	}
	t, err := base.cache.ReadTree(base.rts, s.id, commit)
	if err != nil {
		return nil, fmt.Errorf("%w: cannot list %s offline: no tree cache for %s (download it once with Snapshot)", ErrLocalEntryNotFound, s, commit)
	}
	for name, f := range t.Files {
		add(name, f.Etag(), f.ContentSize())
	}
	sortSourceFiles(out)
	return out, nil
}

// Fetch downloads name (relative to Subdir) with [Client.Download] and
// returns its local path.
func (s *HubSource) Fetch(ctx context.Context, name string) (string, error) {
	o := s.opts.Download
	o.RepoType, o.Revision, o.Subfolder = s.opts.RepoType, s.opts.Revision, s.opts.Subdir
	return s.c.Download(ctx, s.id, name, &o)
}

// LocalDirSource is a [Source] reading a local directory. Safe for
// concurrent use.
type LocalDirSource struct {
	dir string
}

// LocalSource returns a [Source] for the files below dir. The bookkeeping
// folder .cache/huggingface of a local-dir download is skipped.
func LocalSource(dir string) *LocalDirSource {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return &LocalDirSource{dir: dir}
}

// String returns "local:{dir}".
func (s *LocalDirSource) String() string { return "local:" + s.dir }

// Files walks the directory. Symlinks are followed only when they stay
// inside it.
func (s *LocalDirSource) Files(ctx context.Context) ([]SourceFile, error) {
	root, err := os.OpenRoot(s.dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrLocalEntryNotFound, s, err)
	}
	defer root.Close() // read-only
	var out []SourceFile
	err = fs.WalkDir(root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			if p == ".cache/huggingface" || p == ".git" {
				return fs.SkipDir
			}
			return nil
		}
		fi, err := root.Stat(p) // follows symlinks, refuses escapes
		if err != nil || !fi.Mode().IsRegular() {
			return nil // dangling or escaping links and special files are not part of the source
		}
		out = append(out, SourceFile{Path: p, Size: fi.Size(),
			Etag: strconv.FormatInt(fi.Size(), 16) + "-" + strconv.FormatInt(fi.ModTime().UnixNano(), 16)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	sortSourceFiles(out)
	return out, nil
}

// Fetch returns the path of name inside the directory; a name that would
// leave it (.., absolute, a symlink out of the tree) is refused.
func (s *LocalDirSource) Fetch(ctx context.Context, name string) (string, error) {
	name = strings.ReplaceAll(name, `\`, "/")
	if !fs.ValidPath(name) || name == "." {
		return "", fmt.Errorf("%w: %q is not a path inside %s", ErrValidation, name, s)
	}
	root, err := os.OpenRoot(s.dir)
	if err != nil {
		return "", fmt.Errorf("%w: %s: %v", ErrLocalEntryNotFound, s, err)
	}
	defer root.Close() // read-only
	fi, err := root.Stat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%w: %s has no %s", ErrLocalEntryNotFound, s, name)
	}
	if err != nil {
		return "", fmt.Errorf("%w: %s: %v", ErrValidation, path.Join(s.dir, name), err)
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("%w: %s in %s is not a regular file", ErrValidation, name, s)
	}
	return filepath.Join(s.dir, filepath.FromSlash(name)), nil
}

func sortSourceFiles(fs []SourceFile) {
	sort.Slice(fs, func(i, j int) bool { return fs[i].Path < fs[j].Path })
}

var (
	_ Source = (*HubSource)(nil)
	_ Source = (*LocalDirSource)(nil)
)
