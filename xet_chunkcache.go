package hfhub

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/hfhub-go/hfhub/cache"
	"github.com/hfhub-go/hfhub/xet"
)

// The Xet chunk cache keeps fetched xorb ranges (serialized chunks, as the
// CAS serves them) under XetCacheDir/chunk-cache/{2 hex}/{xorb hash}/{start}-{end},
// so a later download needing chunks of a range already fetched — a new
// revision of a model that shares most chunks with the old one, or the same
// file in another repo — reads them from disk. A cached range serves any
// unit inside it. The cache is bounded by XetChunkCacheSize: after each
// download the least recently used ranges are removed until it fits.

// EnvXetChunkCacheSize is the variable setting the chunk cache budget
// (the name hf_xet uses).
const EnvXetChunkCacheSize = "HF_XET_CHUNK_CACHE_SIZE_BYTES"

// defaultXetChunkCacheSize is the chunk cache budget when none is set.
const defaultXetChunkCacheSize = 10 << 30

func (c *Config) xetSettings(get func(name string) (value, source string)) error {
	c.XetChunkCacheSize, c.sources["XetChunkCacheSize"] = defaultXetChunkCacheSize, "default"
	if v, s := get(EnvXetChunkCacheSize); v != "" {
		n, err := cache.ParseSize(v)
		if err != nil || n < 0 {
			return fmt.Errorf("%w: %s=%q: want a size in bytes such as 10000000000 or 10GiB (0 turns the Xet chunk cache off)", ErrValidation, EnvXetChunkCacheSize, v)
		}
		c.XetChunkCacheSize, c.sources["XetChunkCacheSize"] = n, s
	}
	return nil
}

func xetCacheSetting(n int64) string {
	if n == 0 {
		return "0 (chunk cache off)"
	}
	return fmt.Sprintf("%d (%s)", n, cache.FormatSize(n))
}

// xetChunkCache is the chunk cache of a client (nil when off).
type xetChunkCache struct {
	dir    string
	budget int64
}

func (c *Client) xetChunkCache() *xetChunkCache {
	if c.cfg.XetChunkCacheSize <= 0 || c.cfg.XetCacheDir == "" {
		return nil
	}
	return &xetChunkCache{dir: filepath.Join(c.cfg.XetCacheDir, "chunk-cache"), budget: c.cfg.XetChunkCacheSize}
}

func (cc *xetChunkCache) xorbDir(h xet.Hash) string {
	s := h.String()
	return filepath.Join(cc.dir, s[:2], s)
}

// entryName names a cached range: its chunks and the xorb byte offset of
// its first chunk ({start}-{end}@{byte}), so a unit inside it is read from
// its own offset.
func entryName(r xet.FetchRange) string {
	return strconv.Itoa(int(r.Chunks.Start)) + "-" + strconv.Itoa(int(r.Chunks.End)) + "@" + strconv.FormatUint(r.Bytes.Start, 10)
}

// lookup finds a cached range of the xorb covering r; it returns the file
// and the offset in it of r's first chunk.
func (cc *xetChunkCache) lookup(h xet.Hash, r xet.FetchRange) (string, int64, bool) {
	entries, err := os.ReadDir(cc.xorbDir(h))
	if err != nil {
		return "", 0, false
	}
	for _, e := range entries {
		rng, at, ok := strings.Cut(e.Name(), "@")
		a, b, ok2 := strings.Cut(rng, "-")
		s, err1 := strconv.ParseUint(a, 10, 32)
		t, err2 := strconv.ParseUint(b, 10, 32)
		off, err3 := strconv.ParseUint(at, 10, 64)
		if !ok || !ok2 || err1 != nil || err2 != nil || err3 != nil {
			continue
		}
		cr := xet.ChunkRange{Start: uint32(s), End: uint32(t)}
		if cr.Contains(r.Chunks) && r.Bytes.Start >= off {
			return filepath.Join(cc.xorbDir(h), e.Name()), int64(r.Bytes.Start - off), true
		}
	}
	return "", 0, false
}

// decode serves unit u from a cached range if one covers it; it returns
// whether it did and the cached bytes read. A damaged entry is removed.
func (cc *xetChunkCache) decode(dec *xet.UnitDecoder, u *xet.Unit, w io.WriterAt, sink xet.ChunkSink) (bool, int64) {
	path, off, ok := cc.lookup(u.Xorb, u.Range)
	if !ok {
		return false, 0
	}
	f, err := os.Open(path)
	if err != nil {
		return false, 0
	}
	defer f.Close()
	counted := &countingReader{r: io.NewSectionReader(f, off, u.Size())}
	if err := dec.Decode(counted, u, w, 0, sink); err != nil {
		_ = os.Remove(path) // damaged: fetch again
		return false, 0
	}
	now := time.Now()
	_ = os.Chtimes(path, now, now) // recency for eviction
	return true, counted.n
}

// chunkCacheWriter receives the bytes of a unit as they are fetched.
type chunkCacheWriter struct {
	f    *os.File
	dest string
	err  error
}

func (w *chunkCacheWriter) Write(p []byte) (int, error) {
	if w.err == nil {
		_, w.err = w.f.Write(p)
	}
	return len(p), nil // a cache failure never fails the download
}

// writer starts caching unit u (nil when the cache folder is unusable).
func (cc *xetChunkCache) writer(u *xet.Unit) *chunkCacheWriter {
	dir := cc.xorbDir(u.Xorb)
	if os.MkdirAll(dir, 0o755) != nil {
		return nil
	}
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return nil
	}
	return &chunkCacheWriter{f: f, dest: filepath.Join(dir, entryName(u.Range))}
}

// finish publishes the cached range when the unit decoded completely.
func (w *chunkCacheWriter) finish(ok bool) {
	closeErr := w.f.Close()
	if ok && w.err == nil && closeErr == nil && os.Rename(w.f.Name(), w.dest) == nil {
		return
	}
	_ = os.Remove(w.f.Name())
}

// evict removes the least recently used ranges until the cache fits its budget.
func (cc *xetChunkCache) evict() {
	type entry struct {
		path string
		size int64
		mod  time.Time
	}
	var all []entry
	var total int64
	_ = filepath.WalkDir(cc.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".tmp-") && time.Since(info.ModTime()) < time.Hour {
			return nil // being written
		}
		all = append(all, entry{p, info.Size(), info.ModTime()})
		total += info.Size()
		return nil
	})
	if total <= cc.budget {
		return
	}
	sort.Slice(all, func(i, j int) bool { return all[i].mod.Before(all[j].mod) })
	for _, e := range all {
		if total <= cc.budget {
			break
		}
		if os.Remove(e.path) == nil {
			total -= e.size
			_ = os.Remove(filepath.Dir(e.path)) // the xorb folder, once empty
		}
	}
}

// limitedReader paces reads with the download's bandwidth limiter.
type limitedReader struct {
	r   io.Reader
	ctx context.Context
	lim *rate.Limiter
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if b := l.lim.Burst(); len(p) > b && b > 0 {
		p = p[:b]
	}
	n, err := l.r.Read(p)
	if n > 0 {
		if werr := l.lim.WaitN(l.ctx, n); werr != nil {
			return n, werr
		}
	}
	return n, err
}

// fillXetConfig applies the Xet options (WithXet, WithXetChunkCache) to a
// Config given with WithConfig; a zero chunk cache budget there means the
// default.
func fillXetConfig(cfg *Config, overrides, src map[string]string) {
	if v := overrides["HF_HUB_DISABLE_XET"]; v != "" {
		cfg.DisableXet, src["DisableXet"] = isTrue(v), "option"
	}
	switch v := overrides[EnvXetChunkCacheSize]; {
	case v != "":
		cfg.XetChunkCacheSize, _ = strconv.ParseInt(v, 10, 64) // written by WithXetChunkCache
		src["XetChunkCacheSize"] = "option"
	case cfg.XetChunkCacheSize == 0:
		cfg.XetChunkCacheSize, src["XetChunkCacheSize"] = defaultXetChunkCacheSize, "default"
	default:
		src["XetChunkCacheSize"] = "WithConfig"
	}
}

// WithXetChunkCache sets the Xet chunk cache budget in bytes, overriding
// HF_XET_CHUNK_CACHE_SIZE_BYTES; 0 turns the chunk cache off.
func WithXetChunkCache(maxBytes int64) Option {
	return func(o *clientOptions) error {
		if maxBytes < 0 {
			return fmt.Errorf("%w: WithXetChunkCache(%d): want 0 (off) or a size in bytes", ErrValidation, maxBytes)
		}
		o.set(EnvXetChunkCacheSize, strconv.FormatInt(maxBytes, 10))
		return nil
	}
}
