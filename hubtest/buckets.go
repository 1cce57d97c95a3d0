package hubtest

import (
	"bytes"
	"context"
	"sort"

	"github.com/hfhub-go/hfhub/store"
)

// Bucket is a bucket to seed with [WithBucket].
type Bucket struct {
	// ID is "namespace/name".
	ID string
	// Files are its files by path.
	Files map[string][]byte
	// Private hides it from callers without a token of its namespace.
	Private bool
}

// WithBucket seeds a bucket.
func WithBucket(b Bucket) Option {
	return func(o *options) { o.buckets = append(o.buckets, b) }
}

func (s *Server) seedBucket(b Bucket) error {
	if _, err := s.st.CreateBucket(b.ID, b.Private); err != nil {
		return err
	}
	return s.PutBucketFiles(b.ID, b.Files, nil)
}

// PutBucketFiles adds (or replaces) files of a bucket and deletes paths,
// as an upload through Xet would.
func (s *Server) PutBucketFiles(id string, add map[string][]byte, del []string) error {
	paths := make([]string, 0, len(add))
	for p := range add {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var ops []store.BucketOp
	for _, p := range paths {
		ops = append(ops, store.BucketOp{Path: p, Content: bytes.NewReader(add[p])})
	}
	for _, p := range del {
		ops = append(ops, store.BucketOp{Path: p, Delete: true})
	}
	return s.st.UpdateBucket(context.Background(), id, ops)
}
