package objstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config locates a bucket on an S3-compatible object store.
type S3Config struct {
	// Endpoint is host[:port] of the service, without scheme
	// ("s3.amazonaws.com", "127.0.0.1:8333").
	Endpoint string
	// Bucket holds the objects.
	Bucket string
	// Prefix is put before every key ("mirror/" keeps objects under
	// mirror/ in the bucket); "" uses the whole bucket.
	Prefix string
	// Region of the bucket ("" lets the client discover it).
	Region string
	// AccessKey and SecretKey are the credentials; both empty means
	// anonymous access.
	AccessKey, SecretKey string
	// SessionToken completes temporary credentials.
	SessionToken string
	// Insecure talks plain HTTP instead of HTTPS.
	Insecure bool
	// CreateBucket makes the bucket when it does not exist.
	CreateBucket bool
	// Transport overrides the HTTP transport (proxies, custom CAs).
	Transport http.RoundTripper
}

// S3 is a [Store] in a bucket of an S3-compatible object store. S3 writes
// are atomic, so several processes may share one bucket.
type S3 struct {
	c      *minio.Client
	bucket string
	prefix string
	desc   string
}

var _ Store = (*S3)(nil)

// NewS3 connects to the bucket described by cfg and checks that it exists
// (creating it with cfg.CreateBucket).
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	if cfg.Endpoint == "" || cfg.Bucket == "" {
		return nil, errors.New("objstore: s3 needs an endpoint and a bucket (s3://BUCKET/PREFIX?endpoint=HOST:PORT, or AWS_ENDPOINT_URL)")
	}
	var creds *credentials.Credentials
	if cfg.AccessKey != "" || cfg.SecretKey != "" {
		creds = credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, cfg.SessionToken)
	} else {
		creds = credentials.NewStatic("", "", "", credentials.SignatureAnonymous)
	}
	c, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:     creds,
		Secure:    !cfg.Insecure,
		Region:    cfg.Region,
		Transport: cfg.Transport,
	})
	if err != nil {
		return nil, fmt.Errorf("objstore: s3 %s: %w", cfg.Endpoint, err)
	}
	prefix := strings.TrimPrefix(cfg.Prefix, "/")
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	scheme := "https"
	if cfg.Insecure {
		scheme = "http"
	}
	s := &S3{c: c, bucket: cfg.Bucket, prefix: prefix,
		desc: "s3://" + cfg.Bucket + "/" + prefix + " at " + scheme + "://" + cfg.Endpoint}
	ok, err := c.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("objstore: s3 %s: cannot reach bucket %q: %w", cfg.Endpoint, cfg.Bucket, err)
	}
	if !ok {
		if !cfg.CreateBucket {
			return nil, fmt.Errorf("objstore: s3 %s: bucket %q does not exist: create it or allow its creation", cfg.Endpoint, cfg.Bucket)
		}
		if err := c.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: cfg.Region}); err != nil {
			if code := minio.ToErrorResponse(err).Code; code != "BucketAlreadyOwnedByYou" && code != "BucketAlreadyExists" {
				return nil, fmt.Errorf("objstore: s3 %s: create bucket %q: %w", cfg.Endpoint, cfg.Bucket, err)
			}
		}
	}
	return s, nil
}

// String names the bucket, prefix and endpoint.
func (s *S3) String() string { return s.desc }

func (s *S3) name(key string) (string, error) {
	if err := ValidateKey(key); err != nil {
		return "", err
	}
	return s.prefix + key, nil
}

func s3Err(key string, err error) error {
	switch minio.ToErrorResponse(err).Code {
	case minio.NoSuchKey, "NotFound":
		return fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	return fmt.Errorf("objstore: s3 %s: %w", key, err)
}

// Stat describes the object at key.
func (s *S3) Stat(ctx context.Context, key string) (Info, error) {
	name, err := s.name(key)
	if err != nil {
		return Info{}, err
	}
	oi, err := s.c.StatObject(ctx, s.bucket, name, minio.StatObjectOptions{})
	if err != nil {
		return Info{}, s3Err(key, err)
	}
	return Info{Key: key, Size: oi.Size, ModTime: oi.LastModified}, nil
}

// Get reads n bytes at off (n < 0: to the end) with one ranged GET.
func (s *S3) Get(ctx context.Context, key string, off, n int64) (io.ReadCloser, error) {
	name, err := s.name(key)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return io.NopCloser(strings.NewReader("")), nil
	}
	var opts minio.GetObjectOptions
	switch {
	case n > 0:
		err = opts.SetRange(off, off+n-1)
	case off > 0:
		err = opts.SetRange(off, 0)
	}
	if err != nil {
		return nil, fmt.Errorf("objstore: s3 %s: %w", key, err)
	}
	// GetObject is lazy: the request goes out on the first Read. Force it
	// now so a missing object fails here, like on disk.
	obj, err := s.c.GetObject(ctx, s.bucket, name, opts)
	if err != nil {
		return nil, s3Err(key, err)
	}
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		return nil, s3Err(key, err)
	}
	return obj, nil
}

// Put uploads size bytes from r (multipart for large objects; an
// io.ReaderAt such as *os.File is uploaded in parallel without buffering).
func (s *S3) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	name, err := s.name(key)
	if err != nil {
		return err
	}
	info, err := s.c.PutObject(ctx, s.bucket, name, r, size, minio.PutObjectOptions{ContentType: "application/octet-stream"})
	if err != nil {
		return fmt.Errorf("objstore: s3 put %s: %w", key, err)
	}
	if info.Size != size {
		s.c.RemoveObject(ctx, s.bucket, name, minio.RemoveObjectOptions{})
		return fmt.Errorf("objstore: s3 put %s: %w: stored %d bytes, want %d", key, ErrSizeMismatch, info.Size, size)
	}
	return nil
}

// Delete removes the object at key.
func (s *S3) Delete(ctx context.Context, key string) error {
	name, err := s.name(key)
	if err != nil {
		return err
	}
	if err := s.c.RemoveObject(ctx, s.bucket, name, minio.RemoveObjectOptions{}); err != nil {
		if errors.Is(s3Err(key, err), ErrNotFound) {
			return nil
		}
		return fmt.Errorf("objstore: s3 delete %s: %w", key, err)
	}
	return nil
}

// List yields every object under prefix.
func (s *S3) List(ctx context.Context, prefix string) iter.Seq2[Info, error] {
	return func(yield func(Info, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel() // stops the listing goroutine when the caller breaks
		for oi := range s.c.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.prefix + prefix, Recursive: true}) {
			if oi.Err != nil {
				yield(Info{}, fmt.Errorf("objstore: s3 list %q: %w", prefix, oi.Err))
				return
			}
			if !yield(Info{Key: strings.TrimPrefix(oi.Key, s.prefix), Size: oi.Size, ModTime: oi.LastModified}, nil) {
				return
			}
		}
	}
}
