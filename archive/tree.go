package archive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"sync"
	"time"
)

// tree writes entries into a directory through an os.Root. Symbolic links
// are collected and created by finish, after every other entry, so no entry
// is ever written through a link. A tree is not safe for concurrent use.
type tree struct {
	ctx    context.Context
	root   *os.Root
	budget *budget
	files  map[string]bool   // regular files written (cleaned names)
	links  map[string]string // pending symbolic links: name -> target
}

func newTree(ctx context.Context, root *os.Root, b *budget) *tree {
	return &tree{ctx: ctx, root: root, budget: b, files: map[string]bool{}, links: map[string]string{}}
}

// check validates the name of an entry about to be written and counts it.
func (t *tree) check(raw string) (string, error) {
	if err := t.ctx.Err(); err != nil {
		return "", err
	}
	if err := t.budget.entry(); err != nil {
		return "", err
	}
	name, err := cleanName(raw)
	if err != nil {
		return "", &EntryError{Name: raw, Err: err}
	}
	return name, nil
}

// dir creates a directory entry.
func (t *tree) dir(raw string) error {
	name, err := t.check(raw)
	if err != nil {
		return err
	}
	if name == "." {
		return nil
	}
	if _, ok := t.links[name]; ok {
		return &EntryError{Name: raw, Err: fmt.Errorf("%w: directory replaces a symbolic link", ErrUnsafePath)}
	}
	if err := t.root.MkdirAll(name, 0o755); err != nil {
		return &EntryError{Name: raw, Err: err}
	}
	return nil
}

// file writes a regular file entry from r.
func (t *tree) file(raw string, mode fs.FileMode, mtime time.Time, r io.Reader) error {
	name, err := t.check(raw)
	if err != nil {
		return err
	}
	if name == "." {
		return &EntryError{Name: raw, Err: fmt.Errorf("%w: a file cannot replace the destination", ErrUnsafePath)}
	}
	if err := t.writeFile(name, mode, mtime, r); err != nil {
		return &EntryError{Name: raw, Err: err}
	}
	return nil
}

var copyBufs = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

func (t *tree) writeFile(name string, mode fs.FileMode, mtime time.Time, r io.Reader) (err error) {
	if _, ok := t.links[name]; ok {
		return fmt.Errorf("%w: file replaces a symbolic link", ErrUnsafePath)
	}
	if d := parentDir(name); d != "." {
		if err := t.root.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	if t.files[name] {
		// A later entry with the same name wins (tar semantics). Remove the
		// old one first so that a hard link to it is not rewritten too.
		if err := t.root.Remove(name); err != nil {
			return err
		}
	}
	perm := fs.FileMode(0o644)
	if mode&0o111 != 0 {
		perm = 0o755
	}
	f, err := t.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	t.files[name] = true
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	bp := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(bp)
	buf := *bp
	for {
		if err := t.ctx.Err(); err != nil {
			return err
		}
		n, rerr := r.Read(buf)
		if n > 0 {
			if err := t.budget.add(int64(n)); err != nil {
				return err
			}
			if _, err := f.Write(buf[:n]); err != nil {
				return err
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return rerr
		}
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if !mtime.IsZero() {
		// Best effort: a timestamp is not worth failing the extraction for.
		_ = t.root.Chtimes(name, mtime, mtime)
	}
	return nil
}

// hardlink creates name as a hard link to target, which must be a regular
// file already extracted from this archive.
func (t *tree) hardlink(raw, rawTarget string) error {
	name, err := t.check(raw)
	if err != nil {
		return err
	}
	target, err := cleanName(rawTarget)
	if err != nil {
		return &EntryError{Name: raw, Err: fmt.Errorf("hard link target: %w", err)}
	}
	if !t.files[target] {
		return &EntryError{Name: raw, Err: fmt.Errorf("%w: hard link to %q, which is not a file extracted earlier", ErrUnsafePath, rawTarget)}
	}
	if name == "." || name == target {
		return &EntryError{Name: raw, Err: fmt.Errorf("%w: hard link onto itself or the destination", ErrUnsafePath)}
	}
	if _, ok := t.links[name]; ok {
		return &EntryError{Name: raw, Err: fmt.Errorf("%w: hard link replaces a symbolic link", ErrUnsafePath)}
	}
	if d := parentDir(name); d != "." {
		if err := t.root.MkdirAll(d, 0o755); err != nil {
			return &EntryError{Name: raw, Err: err}
		}
	}
	if t.files[name] {
		if err := t.root.Remove(name); err != nil {
			return &EntryError{Name: raw, Err: err}
		}
	}
	if err := t.root.Link(target, name); err != nil {
		return &EntryError{Name: raw, Err: err}
	}
	t.files[name] = true
	return nil
}

// symlink records a symbolic link, created by finish.
func (t *tree) symlink(raw, target string) error {
	name, err := t.check(raw)
	if err != nil {
		return err
	}
	if name == "." {
		return &EntryError{Name: raw, Err: fmt.Errorf("%w: a link cannot replace the destination", ErrUnsafePath)}
	}
	if t.files[name] {
		return &EntryError{Name: raw, Err: fmt.Errorf("%w: symbolic link replaces a file", ErrUnsafePath)}
	}
	t.links[name] = target
	return nil
}

// finish validates every recorded symbolic link against the complete set of
// links and creates them.
func (t *tree) finish() error {
	names := make([]string, 0, len(t.links))
	for n := range t.links {
		names = append(names, n)
	}
	sort.Strings(names)
	isLink := func(p string) bool { _, ok := t.links[p]; return ok }
	for _, name := range names {
		target := t.links[name]
		for _, p := range prefixes(name) {
			if isLink(p) {
				return &EntryError{Name: name, Err: fmt.Errorf("%w: link inside link %q", ErrUnsafePath, p)}
			}
		}
		if err := resolveLink(name, target, isLink); err != nil {
			return &EntryError{Name: name, Err: err}
		}
	}
	for _, name := range names {
		if err := t.ctx.Err(); err != nil {
			return err
		}
		if d := parentDir(name); d != "." {
			if err := t.root.MkdirAll(d, 0o755); err != nil {
				return &EntryError{Name: name, Err: err}
			}
		}
		if err := t.root.Symlink(t.links[name], name); err != nil {
			if errors.Is(err, fs.ErrExist) {
				err = fmt.Errorf("%w: symbolic link collides with a directory of the archive", ErrUnsafePath)
			}
			return &EntryError{Name: name, Err: err}
		}
	}
	return nil
}
