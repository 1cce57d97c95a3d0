// Package cas is a disk-backed Xet content store for a server: it imports
// files (chunking them, deduplicating chunks against everything stored,
// packing new chunks into xorbs), keeps each xorb once under its hash with
// its chunk table, and answers the lookups a CAS needs: file by sha256 or
// Xet hash, the chunk table of a xorb, the xorb bytes.
//
// Layout under the directory given to [Open]:
//
//	xorbs/{2 hex}/{xorb hash}         serialized chunks (no footer)
//	xorbs/{2 hex}/{xorb hash}.chunks  chunk table: 44 bytes per chunk
//	files/{2 hex}/{sha256}.json       {"xetHash","size","terms"}
//
// Every file is written with temp + fsync + rename, xorbs before the file
// records that reference them, so a crash leaves at most unreferenced xorbs.
package cas

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/sync/singleflight"

	"github.com/hfhub-go/hfhub/internal/ctxio"
	"github.com/hfhub-go/hfhub/internal/fsutil"
	"github.com/hfhub-go/hfhub/xet"
)

// ErrNotFound is returned for an unknown file or xorb.
var ErrNotFound = errors.New("cas: not found")

// File is the Xet description of one stored file.
type File struct {
	SHA256  string     `json:"sha256"`
	XetHash xet.Hash   `json:"xetHash"`
	Size    int64      `json:"size"`
	Terms   []xet.Term `json:"terms"`
}

type loc struct {
	xorb  xet.Hash
	index uint32
}

// Store is the content store. It is safe for concurrent use.
type Store struct {
	dir         string
	compression xet.Compression

	mu     sync.RWMutex
	files  map[string]*File             // by sha256
	byXet  map[xet.Hash]*File           // by Xet hash
	chunks map[xet.Hash][]xet.ChunkInfo // xorb → chunk table
	where  map[xet.Hash]loc             // chunk hash → first place stored
	stored int64                        // raw bytes in xorbs

	importMu sync.Mutex // one import packs at a time (dedup state is shared)
	flight   singleflight.Group
}

// Option configures a Store.
type Option func(*Store)

// WithCompression sets how new chunks are stored (default: per chunk, the
// smallest of none, LZ4 and BG4+LZ4).
func WithCompression(c xet.Compression) Option { return func(s *Store) { s.compression = c } }

// Open opens (creating it if needed) the store in dir and loads its index.
func Open(dir string, opts ...Option) (*Store, error) {
	s := &Store{dir: dir, files: map[string]*File{}, byXet: map[xet.Hash]*File{}, chunks: map[xet.Hash][]xet.ChunkInfo{}, where: map[xet.Hash]loc{}}
	for _, o := range opts {
		o(s)
	}
	for _, d := range []string{"xorbs", "files"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, fmt.Errorf("cas: %w", err)
		}
	}
	if err := s.load(); err != nil {
		return nil, err
	}
	return s, nil
}

// Dir returns the store's directory.
func (s *Store) Dir() string { return s.dir }

func (s *Store) load() error {
	err := filepath.WalkDir(filepath.Join(s.dir, "xorbs"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".chunks") {
			return err
		}
		h, err := xet.ParseHash(strings.TrimSuffix(filepath.Base(p), ".chunks"))
		if err != nil {
			return nil // not ours
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		table, err := decodeTable(b)
		if err != nil {
			return fmt.Errorf("cas: %s: %w", p, err)
		}
		if _, err := os.Stat(strings.TrimSuffix(p, ".chunks")); err != nil {
			return nil // table without xorb: an interrupted write
		}
		s.addXorb(h, table)
		return nil
	})
	if err != nil {
		return fmt.Errorf("cas: loading xorbs: %w", err)
	}
	err = filepath.WalkDir(filepath.Join(s.dir, "files"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var f File
		if err := json.Unmarshal(b, &f); err != nil {
			return fmt.Errorf("cas: %s: %w", p, err)
		}
		for _, t := range f.Terms {
			if _, ok := s.chunks[t.Hash]; !ok {
				return nil // a xorb went missing: import again on demand
			}
		}
		s.files[f.SHA256], s.byXet[f.XetHash] = &f, &f
		return nil
	})
	if err != nil {
		return fmt.Errorf("cas: loading files: %w", err)
	}
	return nil
}

const tableEntry = xet.HashSize + 12

func encodeTable(c []xet.ChunkInfo) []byte {
	b := make([]byte, 0, len(c)*tableEntry)
	for _, ci := range c {
		b = append(b, ci.Hash[:]...)
		b = binary.LittleEndian.AppendUint32(b, ci.Size)
		b = binary.LittleEndian.AppendUint32(b, ci.Start)
		b = binary.LittleEndian.AppendUint32(b, ci.End)
	}
	return b
}

func decodeTable(b []byte) ([]xet.ChunkInfo, error) {
	if len(b)%tableEntry != 0 {
		return nil, fmt.Errorf("chunk table of %d bytes is not a multiple of %d", len(b), tableEntry)
	}
	c := make([]xet.ChunkInfo, len(b)/tableEntry)
	for i := range c {
		e := b[i*tableEntry:]
		copy(c[i].Hash[:], e)
		c[i].Size = binary.LittleEndian.Uint32(e[32:])
		c[i].Start = binary.LittleEndian.Uint32(e[36:])
		c[i].End = binary.LittleEndian.Uint32(e[40:])
	}
	return c, nil
}

func (s *Store) addXorb(h xet.Hash, table []xet.ChunkInfo) {
	if _, ok := s.chunks[h]; ok {
		return
	}
	s.chunks[h] = table
	for i, c := range table {
		if _, ok := s.where[c.Hash]; !ok {
			s.where[c.Hash] = loc{h, uint32(i)}
		}
		s.stored += int64(c.Size)
	}
}

func (s *Store) xorbPath(h xet.Hash) string {
	hs := h.String()
	return filepath.Join(s.dir, "xorbs", hs[:2], hs)
}

func (s *Store) filePath(sha string) string {
	return filepath.Join(s.dir, "files", sha[:2], sha+".json")
}

// File returns the record of the file with this sha256.
func (s *Store) File(sha256 string) (*File, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	f, ok := s.files[sha256]
	return f, ok
}

// FileByXet returns the record of the file with this Xet hash.
func (s *Store) FileByXet(h xet.Hash) (*File, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	f, ok := s.byXet[h]
	return f, ok
}

// Chunks returns the chunk table of a xorb (ErrNotFound).
func (s *Store) Chunks(h xet.Hash) ([]xet.ChunkInfo, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.chunks[h]
	if !ok {
		return nil, fmt.Errorf("%w: xorb %v", ErrNotFound, h)
	}
	return c, nil
}

// OpenXorb opens the serialized bytes of a xorb (ErrNotFound).
func (s *Store) OpenXorb(h xet.Hash) (*os.File, error) {
	f, err := os.Open(s.xorbPath(h))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: xorb %v", ErrNotFound, h)
	}
	return f, err
}

// Stats reports the number of xorbs and the raw bytes they hold (each
// distinct chunk once).
func (s *Store) Stats() (xorbs int, rawBytes int64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.chunks), s.stored
}

// Import makes the file with this sha256 available through Xet, reading its
// bytes from open when it is not imported yet. Concurrent imports of one
// file share the work. The content's sha256 must match.
func (s *Store) Import(ctx context.Context, sha256 string, open func() (io.ReadCloser, error)) (*File, error) {
	if f, ok := s.File(sha256); ok {
		return f, nil
	}
	if len(sha256) != 64 {
		return nil, fmt.Errorf("cas: %q is not a sha256", sha256)
	}
	if _, err := hex.DecodeString(sha256); err != nil {
		return nil, fmt.Errorf("cas: %q is not a sha256", sha256)
	}
	v, err, _ := s.flight.Do(sha256, func() (any, error) {
		if f, ok := s.File(sha256); ok {
			return f, nil
		}
		rc, err := open()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return s.importFile(ctx, sha256, rc)
	})
	if err != nil {
		return nil, err
	}
	return v.(*File), nil
}

func (s *Store) importFile(ctx context.Context, sha string, r io.Reader) (*File, error) {
	s.importMu.Lock()
	defer s.importMu.Unlock()
	p := &xet.Packer{
		Compression: s.compression,
		Known: func(h xet.Hash) (xet.Hash, uint32, bool) {
			s.mu.RLock()
			defer s.mu.RUnlock()
			l, ok := s.where[h]
			return l.xorb, l.index, ok
		},
		Flush: s.writeXorb,
	}
	pf, err := p.Pack(ctxio.NewReader(ctx, r))
	if err != nil {
		return nil, fmt.Errorf("cas: importing %s: %w", sha, err)
	}
	if got := hex.EncodeToString(pf.Sha256[:]); got != sha {
		return nil, fmt.Errorf("cas: importing %s: content has sha256 %s", sha, got)
	}
	f := &File{SHA256: sha, XetHash: pf.Hash, Size: pf.Size, Terms: pf.Terms}
	if f.Terms == nil {
		f.Terms = []xet.Term{}
	}
	b, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	p2 := s.filePath(sha)
	if err := os.MkdirAll(filepath.Dir(p2), 0o755); err != nil {
		return nil, err
	}
	if err := fsutil.WriteFileAtomic(p2, b, 0o644); err != nil {
		return nil, fmt.Errorf("cas: %w", err)
	}
	s.mu.Lock()
	s.files[sha] = f
	if _, ok := s.byXet[f.XetHash]; !ok {
		s.byXet[f.XetHash] = f
	}
	s.mu.Unlock()
	return f, nil
}

// writeXorb stores a completed xorb of the packer.
func (s *Store) writeXorb(x *xet.XorbBuilder) error {
	_, err := s.storeXorb(x.Hash(), x.Bytes(), append([]xet.ChunkInfo(nil), x.Chunks()...))
	return err
}

// storeXorb writes the bytes, then the chunk table, and indexes the xorb.
func (s *Store) storeXorb(h xet.Hash, data []byte, table []xet.ChunkInfo) (bool, error) {
	if _, err := s.Chunks(h); err == nil {
		return false, nil
	}
	p := s.xorbPath(h)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return false, fmt.Errorf("cas: %w", err)
	}
	if err := fsutil.WriteFileAtomic(p, data, 0o644); err != nil {
		return false, fmt.Errorf("cas: %w", err)
	}
	if err := fsutil.WriteFileAtomic(p+".chunks", encodeTable(table), 0o644); err != nil {
		return false, fmt.Errorf("cas: %w", err)
	}
	s.mu.Lock()
	s.addXorb(h, table)
	s.mu.Unlock()
	return true, nil
}

// PutXorb stores an uploaded xorb after checking it: every chunk must
// decode and the chunks must hash to h; a footer is dropped. It reports
// whether the xorb was new.
func (s *Store) PutXorb(h xet.Hash, data []byte) (bool, error) {
	if _, err := s.Chunks(h); err == nil {
		return false, nil
	}
	table, err := xet.ScanXorb(data)
	if err != nil {
		return false, err
	}
	if got := xet.XorbHash(xet.Leaves(table)); got != h {
		return false, fmt.Errorf("cas: xorb chunks hash to %v, not %v", got, h)
	}
	raw := 0
	for _, c := range table {
		raw += int(c.Size)
	}
	if raw > xet.MaxXorbBytes {
		return false, fmt.Errorf("cas: xorb holds %d bytes, over the %d limit", raw, xet.MaxXorbBytes)
	}
	end := uint32(0)
	if n := len(table); n > 0 {
		end = table[n-1].End
	}
	return s.storeXorb(h, data[:end], table)
}
