package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hfhub-go/hfhub/internal/fsutil"
	"github.com/hfhub-go/hfhub/xet"
)

// ErrBucketNotFound: no bucket with that id.
var ErrBucketNotFound = errors.New("bucket not found")

// Bucket is a bucket: a flat, mutable set of files without history, named
// by path, each with its content's Xet hash and modification time.
type Bucket struct {
	ID        string                `json:"id"`
	Private   bool                  `json:"private"`
	CreatedAt time.Time             `json:"createdAt"`
	Files     map[string]BucketFile `json:"files"`
}

// BucketFile is one file of a bucket.
type BucketFile struct {
	Path       string    `json:"path"`
	Size       int64     `json:"size"`
	XetHash    string    `json:"xetHash"`
	SHA256     string    `json:"sha256"` // the blob holding the content
	MTime      time.Time `json:"mtime"`
	UploadedAt time.Time `json:"uploadedAt"`
}

// Size returns the total size of the bucket's files.
func (b *Bucket) Size() int64 {
	var n int64
	for _, f := range b.Files {
		n += f.Size
	}
	return n
}

// Sorted returns the files sorted by path.
func (b *Bucket) Sorted() []BucketFile {
	out := make([]BucketFile, 0, len(b.Files))
	for _, f := range b.Files {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// buckets is the store's bucket set, loaded on first use from
// {dir}/buckets/{namespace}/{name}.json.
type buckets struct {
	once sync.Once
	err  error
	mu   sync.Mutex
	m    map[string]*Bucket
}

func (s *Store) bucketSet() (*buckets, error) {
	b := &s.bkts
	b.once.Do(func() {
		b.m = map[string]*Bucket{}
		root := filepath.Join(s.dir, "buckets")
		b.err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if errors.Is(err, fs.ErrNotExist) && p == root {
				return filepath.SkipDir
			}
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			var bk Bucket
			if err := json.Unmarshal(data, &bk); err != nil {
				return fmt.Errorf("store: bucket %s: %w", p, err)
			}
			if bk.Files == nil {
				bk.Files = map[string]BucketFile{}
			}
			b.m[bk.ID] = &bk
			return nil
		})
	})
	return b, b.err
}

func (s *Store) bucketPath(id string) string {
	return filepath.Join(s.dir, "buckets", filepath.FromSlash(id)+".json")
}

func (s *Store) saveBucket(b *Bucket) error {
	data, err := json.MarshalIndent(b, "", " ")
	if err != nil {
		return err
	}
	p := s.bucketPath(b.ID)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return fsutil.WriteFileAtomic(p, data, 0o644)
}

// CreateBucket creates an empty bucket; ErrRepoExists if the id is taken.
func (s *Store) CreateBucket(id string, private bool) (Bucket, error) {
	if err := ValidateRepoID(id); err != nil || !strings.Contains(id, "/") {
		return Bucket{}, fmt.Errorf("%w: bucket id %q: want namespace/name", ErrInvalid, id)
	}
	set, err := s.bucketSet()
	if err != nil {
		return Bucket{}, err
	}
	set.mu.Lock()
	defer set.mu.Unlock()
	if _, ok := set.m[id]; ok {
		return Bucket{}, fmt.Errorf("%w: bucket %s", ErrRepoExists, id)
	}
	b := &Bucket{ID: id, Private: private, CreatedAt: s.now().UTC(), Files: map[string]BucketFile{}}
	if err := s.saveBucket(b); err != nil {
		return Bucket{}, err
	}
	set.m[id] = b
	return *b, nil
}

// Bucket returns a copy of bucket id.
func (s *Store) Bucket(id string) (Bucket, error) {
	set, err := s.bucketSet()
	if err != nil {
		return Bucket{}, err
	}
	set.mu.Lock()
	defer set.mu.Unlock()
	b, ok := set.m[id]
	if !ok {
		return Bucket{}, fmt.Errorf("%w: %s", ErrBucketNotFound, id)
	}
	cp := *b
	cp.Files = make(map[string]BucketFile, len(b.Files))
	for k, v := range b.Files {
		cp.Files[k] = v
	}
	return cp, nil
}

// Buckets lists the buckets of namespace ns, sorted by id.
func (s *Store) Buckets(ns string) ([]Bucket, error) {
	set, err := s.bucketSet()
	if err != nil {
		return nil, err
	}
	set.mu.Lock()
	var ids []string
	for id := range set.m {
		if strings.HasPrefix(id, ns+"/") {
			ids = append(ids, id)
		}
	}
	set.mu.Unlock()
	sort.Strings(ids)
	out := make([]Bucket, 0, len(ids))
	for _, id := range ids {
		if b, err := s.Bucket(id); err == nil {
			out = append(out, b)
		}
	}
	return out, nil
}

// DeleteBucket removes bucket id (its blobs stay, shared by content).
func (s *Store) DeleteBucket(id string) error {
	set, err := s.bucketSet()
	if err != nil {
		return err
	}
	set.mu.Lock()
	defer set.mu.Unlock()
	if _, ok := set.m[id]; !ok {
		return fmt.Errorf("%w: %s", ErrBucketNotFound, id)
	}
	if err := os.Remove(s.bucketPath(id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	delete(set.m, id)
	return nil
}

// MoveBucket renames bucket from to to.
func (s *Store) MoveBucket(from, to string) error {
	if err := ValidateRepoID(to); err != nil || !strings.Contains(to, "/") {
		return fmt.Errorf("%w: bucket id %q: want namespace/name", ErrInvalid, to)
	}
	set, err := s.bucketSet()
	if err != nil {
		return err
	}
	set.mu.Lock()
	defer set.mu.Unlock()
	b, ok := set.m[from]
	if !ok {
		return fmt.Errorf("%w: %s", ErrBucketNotFound, from)
	}
	if _, ok := set.m[to]; ok {
		return fmt.Errorf("%w: bucket %s", ErrRepoExists, to)
	}
	moved := *b
	moved.ID = to
	if err := s.saveBucket(&moved); err != nil {
		return err
	}
	if err := os.Remove(s.bucketPath(from)); err != nil {
		return err
	}
	delete(set.m, from)
	set.m[to] = &moved
	return nil
}

// BucketOp is one change of [Store.UpdateBucket]: Delete a path, or put
// content at it — from Content (stored, Xet-hashed) or, with only XetHash
// set, content the store already holds under that Xet hash (a file of any
// bucket: a server-side copy).
type BucketOp struct {
	Path    string
	Delete  bool
	Content io.Reader
	XetHash string
	MTime   time.Time // zero: now
}

// UpdateBucket applies ops to bucket id in order (all or nothing).
func (s *Store) UpdateBucket(ctx context.Context, id string, ops []BucketOp) error {
	set, err := s.bucketSet()
	if err != nil {
		return err
	}
	// Content is stored before the lock: blobs are content-addressed.
	adds := make([]BucketFile, len(ops))
	for i, op := range ops {
		if !fs.ValidPath(op.Path) || op.Path == "." || path.Clean(op.Path) != op.Path {
			return fmt.Errorf("%w: bucket path %q", ErrInvalid, op.Path)
		}
		if op.Delete || op.Content == nil {
			continue
		}
		pr, pw := io.Pipe()
		type hashed struct {
			h   xet.Hash
			n   int64
			err error
		}
		done := make(chan hashed, 1)
		go func() {
			h, n, err := xet.HashFile(pr)
			pr.CloseWithError(err)
			done <- hashed{h, n, err}
		}()
		blob, err := s.PutBlob(ctx, io.TeeReader(op.Content, pw))
		pw.CloseWithError(err)
		x := <-done
		if err != nil {
			return err
		}
		if x.err != nil {
			return x.err
		}
		adds[i] = BucketFile{Path: op.Path, Size: blob.Size, SHA256: blob.SHA256, XetHash: x.h.String()}
	}
	set.mu.Lock()
	defer set.mu.Unlock()
	b, ok := set.m[id]
	if !ok {
		return fmt.Errorf("%w: %s", ErrBucketNotFound, id)
	}
	next := make(map[string]BucketFile, len(b.Files))
	for k, v := range b.Files {
		next[k] = v
	}
	now := s.now().UTC()
	for i, op := range ops {
		switch {
		case op.Delete:
			delete(next, op.Path)
			continue
		case op.Content == nil:
			f, ok := set.byXetHash(op.XetHash)
			if !ok {
				return fmt.Errorf("%w: no content with Xet hash %q is stored: upload it first", ErrBlobNotFound, op.XetHash)
			}
			adds[i] = BucketFile{Size: f.Size, SHA256: f.SHA256, XetHash: f.XetHash}
		}
		f := adds[i]
		f.Path, f.UploadedAt, f.MTime = op.Path, now, op.MTime
		if f.MTime.IsZero() {
			f.MTime = now
		}
		next[op.Path] = f
	}
	upd := *b
	upd.Files = next
	if err := s.saveBucket(&upd); err != nil {
		return err
	}
	set.m[id] = &upd
	return nil
}

// byXetHash finds a stored file with Xet hash h in any bucket (set.mu held).
func (set *buckets) byXetHash(h string) (BucketFile, bool) {
	for _, b := range set.m {
		for _, f := range b.Files {
			if f.XetHash == h {
				return f, true
			}
		}
	}
	return BucketFile{}, false
}
