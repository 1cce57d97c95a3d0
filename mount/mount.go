// Package mount serves a read-only [io/fs.FS] as a FUSE file system on
// Linux: `hf mount` mounts a repository revision (an [hfhub.FS]) with it.
//
// Names, sizes and modes come from the FS without reading any file (for an
// hfhub.FS, from its tree in memory), so `ls -lR` and `stat` download
// nothing. A read is passed to the open file's ReadAt when it has one (an
// hfhub.FSFile: a Range request with its read-ahead window, or a read of
// the cached blob), else to Seek+Read. The kernel's own read-ahead is
// capped at 128 KiB (MaxReadAhead), so a random read costs about one
// window. Contents never change under a mount (it shows one commit), so
// the kernel may keep pages and attributes cached.
//
// It needs /dev/fuse and, unless running as root, fusermount3 (Debian
// package fuse3); [Available] says what is missing.
package mount

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path"
	"sync"
	"syscall"
	"time"

	fusefs "github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// ErrUnavailable is matched by the error of [Available] and [Mount] when
// FUSE cannot be used on this machine.
var ErrUnavailable = errors.New("FUSE is not available")

// Available reports whether FUSE mounts can be made: /dev/fuse must exist
// and, for a user other than root, fusermount3 (or fusermount) must be on
// PATH.
func Available() error {
	if _, err := os.Stat("/dev/fuse"); err != nil {
		return fmt.Errorf("%w: /dev/fuse is missing (load the fuse module with `modprobe fuse`, or give the container --device /dev/fuse)", ErrUnavailable)
	}
	if os.Geteuid() == 0 {
		return nil
	}
	if fusermount() == "" {
		return fmt.Errorf("%w: fusermount3 is not installed (Debian/Ubuntu: apt-get install fuse3)", ErrUnavailable)
	}
	return nil
}

func fusermount() string {
	for _, name := range []string{"fusermount3", "fusermount"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Options configures [Mount]. A nil pointer uses the defaults.
type Options struct {
	// Name is the file system's name in /proc/mounts (default "hf").
	Name string
	// AllowOther lets other users read the mount (needs user_allow_other
	// in /etc/fuse.conf for non-root users).
	AllowOther bool
	// Logger receives read errors, which the kernel only sees as EIO.
	Logger *slog.Logger
	// Debug logs every FUSE request.
	Debug bool
}

// Server is a mounted file system.
type Server struct {
	dir string
	srv *fuse.Server
}

// Dir returns the mount point.
func (s *Server) Dir() string { return s.dir }

// Wait blocks until the file system is unmounted (by [Server.Unmount], by
// [Unmount] or by `fusermount3 -u` from anywhere).
func (s *Server) Wait() { s.srv.Wait() }

// Unmount unmounts the file system; it fails while files are open on it.
func (s *Server) Unmount() error { return s.srv.Unmount() }

// entryTTL is how long the kernel may trust names and attributes: they
// never change under one mount.
const entryTTL = time.Hour

// Mount mounts fsys read-only at dir (an existing, empty folder) and
// serves it until unmounted. Each read is bounded by the FS's own context
// (for an hfhub.FS, the one given to OpenFS).
func Mount(dir string, fsys fs.FS, opts *Options) (*Server, error) {
	if err := Available(); err != nil {
		return nil, err
	}
	o := Options{}
	if opts != nil {
		o = *opts
	}
	if o.Name == "" {
		o.Name = "hf"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("mount point: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("mount point %s is not a folder", dir)
	}
	ttl := entryTTL
	root := &node{m: &mounter{fsys: fsys, log: o.Logger}, path: "."}
	srv, err := fusefs.Mount(dir, root, &fusefs.Options{
		MountOptions: fuse.MountOptions{
			FsName: o.Name, Name: "hf", AllowOther: o.AllowOther, Debug: o.Debug,
			Options:      []string{"ro", "default_permissions"},
			MaxReadAhead: 128 << 10,
			// One read per handle at a time, in offset order: our Range
			// streams are sequential, and out-of-order reads would break them.
			SyncRead:    true,
			DirectMount: os.Geteuid() == 0,
		},
		EntryTimeout: &ttl, AttrTimeout: &ttl, NegativeTimeout: &ttl,
		UID: uint32(os.Getuid()), GID: uint32(os.Getgid()),
	})
	if err != nil {
		return nil, fmt.Errorf("mounting %s: %w", dir, err)
	}
	return &Server{dir: dir, srv: srv}, nil
}

// Unmount unmounts the FUSE file system at dir (`hf unmount`): with
// fusermount3 -u, or umount(2) as root.
func Unmount(dir string) error {
	if os.Geteuid() == 0 {
		if err := syscall.Unmount(dir, 0); err == nil {
			return nil
		} else if !errors.Is(err, syscall.EPERM) {
			return fmt.Errorf("unmounting %s: %w", dir, err)
		}
	}
	fm := fusermount()
	if fm == "" {
		return fmt.Errorf("%w: fusermount3 is not installed (Debian/Ubuntu: apt-get install fuse3)", ErrUnavailable)
	}
	if out, err := exec.Command(fm, "-u", dir).CombinedOutput(); err != nil {
		return fmt.Errorf("unmounting %s: %s: %v", dir, out, err)
	}
	return nil
}

type mounter struct {
	fsys fs.FS
	log  *slog.Logger
}

// node is a file or folder; its path is relative to the FS ("." for the
// root).
type node struct {
	fusefs.Inode
	m    *mounter
	path string
}

var (
	_ fusefs.NodeLookuper  = (*node)(nil)
	_ fusefs.NodeReaddirer = (*node)(nil)
	_ fusefs.NodeGetattrer = (*node)(nil)
	_ fusefs.NodeOpener    = (*node)(nil)
)

func (n *node) child(name string) string {
	if n.path == "." {
		return name
	}
	return path.Join(n.path, name)
}

func (m *mounter) errno(op, p string, err error) syscall.Errno {
	if errors.Is(err, fs.ErrNotExist) {
		return syscall.ENOENT
	}
	m.log.Warn("hf mount: "+op+" failed", "path", p, "err", err)
	return syscall.EIO
}

// ino is a stable inode number for a path.
func ino(p string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(p))
	return h.Sum64() | 1 // never 0 (unset) and never 1 (the root)
}

func fill(a *fuse.Attr, info fs.FileInfo) {
	a.Size = uint64(info.Size())
	a.Blocks = (a.Size + 511) / 512
	if info.IsDir() {
		a.Mode = syscall.S_IFDIR | 0o555
		a.Size, a.Blocks = 4096, 8
	} else {
		a.Mode = syscall.S_IFREG | 0o444
	}
	a.Nlink = 1
	t := info.ModTime()
	if !t.IsZero() {
		a.SetTimes(&t, &t, &t)
	}
}

func (n *node) Lookup(ctx context.Context, name string, out *fuse.EntryOut) (*fusefs.Inode, syscall.Errno) {
	p := n.child(name)
	info, err := fs.Stat(n.m.fsys, p)
	if err != nil {
		return nil, n.m.errno("lookup", p, err)
	}
	fill(&out.Attr, info)
	mode := uint32(syscall.S_IFREG)
	if info.IsDir() {
		mode = syscall.S_IFDIR
	}
	return n.NewInode(ctx, &node{m: n.m, path: p}, fusefs.StableAttr{Mode: mode, Ino: ino(p)}), 0
}

func (n *node) Readdir(ctx context.Context) (fusefs.DirStream, syscall.Errno) {
	ents, err := fs.ReadDir(n.m.fsys, n.path)
	if err != nil {
		return nil, n.m.errno("readdir", n.path, err)
	}
	out := make([]fuse.DirEntry, 0, len(ents))
	for _, e := range ents {
		mode := uint32(syscall.S_IFREG)
		if e.IsDir() {
			mode = syscall.S_IFDIR
		}
		out = append(out, fuse.DirEntry{Name: e.Name(), Mode: mode, Ino: ino(n.child(e.Name()))})
	}
	return fusefs.NewListDirStream(out), 0
}

func (n *node) Getattr(ctx context.Context, _ fusefs.FileHandle, out *fuse.AttrOut) syscall.Errno {
	info, err := fs.Stat(n.m.fsys, n.path)
	if err != nil {
		return n.m.errno("stat", n.path, err)
	}
	fill(&out.Attr, info)
	return 0
}

func (n *node) Open(ctx context.Context, flags uint32) (fusefs.FileHandle, uint32, syscall.Errno) {
	if flags&(syscall.O_WRONLY|syscall.O_RDWR|syscall.O_TRUNC|syscall.O_APPEND) != 0 {
		return nil, 0, syscall.EROFS
	}
	f, err := n.m.fsys.Open(n.path)
	if err != nil {
		return nil, 0, n.m.errno("open", n.path, err)
	}
	h := &handle{m: n.m, path: n.path, f: f}
	h.ra, _ = f.(io.ReaderAt)
	return h, fuse.FOPEN_KEEP_CACHE, 0
}

// handle is an open file.
type handle struct {
	m    *mounter
	path string
	f    fs.File
	ra   io.ReaderAt

	mu sync.Mutex // for files without ReadAt
}

var (
	_ fusefs.FileReader   = (*handle)(nil)
	_ fusefs.FileReleaser = (*handle)(nil)
)

func (h *handle) Read(ctx context.Context, dest []byte, off int64) (fuse.ReadResult, syscall.Errno) {
	var n int
	var err error
	if h.ra != nil {
		n, err = h.ra.ReadAt(dest, off)
	} else {
		n, err = h.readSeek(dest, off)
	}
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, h.m.errno("read", h.path, err)
	}
	return fuse.ReadResultData(dest[:n]), 0
}

func (h *handle) readSeek(dest []byte, off int64) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s, ok := h.f.(io.Seeker)
	if !ok {
		return 0, fmt.Errorf("%s supports neither ReadAt nor Seek", h.path)
	}
	if _, err := s.Seek(off, io.SeekStart); err != nil {
		return 0, err
	}
	return io.ReadFull(h.f, dest)
}

func (h *handle) Release(ctx context.Context) syscall.Errno {
	if err := h.f.Close(); err != nil {
		return syscall.EIO
	}
	return 0
}
