package objstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// s3FromEnv opens a fresh prefix of the S3 test bucket, or skips.
func s3FromEnv(t *testing.T) *S3 {
	t.Helper()
	ep := os.Getenv("HFHUB_TEST_S3_ENDPOINT")
	if ep == "" {
		t.Skip("S3 tests skipped: set HFHUB_TEST_S3_ENDPOINT=127.0.0.1:8333 (start one with scripts/s3-up.sh)")
	}
	bucket := os.Getenv("HFHUB_TEST_S3_BUCKET")
	if bucket == "" {
		bucket = "hfhub-test"
	}
	ak, sk := os.Getenv("HFHUB_TEST_S3_ACCESS_KEY"), os.Getenv("HFHUB_TEST_S3_SECRET_KEY")
	s, err := NewS3(context.Background(), S3Config{
		Endpoint: strings.TrimPrefix(ep, "http://"), Bucket: bucket, AccessKey: ak, SecretKey: sk,
		Prefix: fmt.Sprintf("%s-%d/", t.Name(), time.Now().UnixNano()), Insecure: true, CreateBucket: true,
	})
	if err != nil {
		t.Fatalf("S3 endpoint %s from HFHUB_TEST_S3_ENDPOINT: %v", ep, err)
	}
	return s
}

func TestDiskConformance(t *testing.T) {
	d, err := NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	conformance(t, d)
}

func TestS3Conformance(t *testing.T) {
	conformance(t, s3FromEnv(t))
}

func conformance(t *testing.T, s Store) {
	ctx := context.Background()
	data := make([]byte, 300_000)
	rand.Read(data)

	if _, err := s.Stat(ctx, "blobs/missing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Stat missing: %v, want ErrNotFound", err)
	}
	if _, err := s.Get(ctx, "blobs/missing", 0, -1); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get missing: %v, want ErrNotFound", err)
	}
	if err := s.Put(ctx, "blobs/a", bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}
	info, err := s.Stat(ctx, "blobs/a")
	if err != nil || info.Size != int64(len(data)) || info.Key != "blobs/a" {
		t.Fatalf("Stat = %+v, %v", info, err)
	}
	got, err := ReadAll(ctx, s, "blobs/a")
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("ReadAll: %d bytes, %v", len(got), err)
	}
	for _, r := range []struct{ off, n int64 }{{0, 10}, {1000, 5000}, {299_990, -1}, {12345, -1}, {5, 0}} {
		rc, err := s.Get(ctx, "blobs/a", r.off, r.n)
		if err != nil {
			t.Fatalf("Get(%d,%d): %v", r.off, r.n, err)
		}
		part, err := io.ReadAll(rc)
		rc.Close()
		end := int64(len(data))
		if r.n >= 0 {
			end = r.off + r.n
		}
		if err != nil || !bytes.Equal(part, data[r.off:end]) {
			t.Fatalf("Get(%d,%d) = %d bytes, %v", r.off, r.n, len(part), err)
		}
	}
	// A short reader stores nothing.
	if err := s.Put(ctx, "blobs/short", bytes.NewReader(data[:10]), 20); err == nil {
		t.Fatal("Put with a short reader succeeded")
	}
	if _, err := s.Stat(ctx, "blobs/short"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("short put left an object: %v", err)
	}
	// Replace, small objects, listing.
	if err := PutBytes(ctx, s, "blobs/a", []byte("new")); err != nil {
		t.Fatal(err)
	}
	if got, _ := ReadAll(ctx, s, "blobs/a"); string(got) != "new" {
		t.Fatalf("after replace: %q", got)
	}
	for _, k := range []string{"meta/x/1", "meta/x/2", "meta/y", "blobsz"} {
		if err := PutBytes(ctx, s, k, []byte(k)); err != nil {
			t.Fatal(err)
		}
	}
	list := func(prefix string) []string {
		var keys []string
		for info, err := range s.List(ctx, prefix) {
			if err != nil {
				t.Fatal(err)
			}
			keys = append(keys, info.Key)
		}
		sort.Strings(keys)
		return keys
	}
	if got := strings.Join(list("meta/"), ","); got != "meta/x/1,meta/x/2,meta/y" {
		t.Fatalf("List(meta/) = %s", got)
	}
	if got := strings.Join(list("blobs"), ","); got != "blobs/a,blobsz" {
		t.Fatalf("List(blobs) = %s", got)
	}
	if got := list("nothing/"); len(got) != 0 {
		t.Fatalf("List(nothing/) = %v", got)
	}
	for range s.List(ctx, "") {
		break // stopping early must not hang or panic
	}
	if err := s.Delete(ctx, "meta/y"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "meta/y"); err != nil {
		t.Fatalf("deleting a missing object: %v", err)
	}
	if _, err := s.Stat(ctx, "meta/y"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	for _, bad := range []string{"", "/abs", "a/../b", "a//b", `a\b`, "./a"} {
		if err := PutBytes(ctx, s, bad, nil); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Put(%q) = %v, want ErrInvalidKey", bad, err)
		}
	}
}

func TestDiskMoveTouchAndTempFiles(t *testing.T) {
	ctx := context.Background()
	d, err := NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f, err := d.TempFile()
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("spooled")
	f.Close()
	// Files being written are invisible to List.
	for info := range d.List(ctx, "") {
		t.Fatalf("List sees a temp file: %s", info.Key)
	}
	if err := d.MoveFile(ctx, "blobs/s", f.Name()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(f.Name()); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("source still there: %v", err)
	}
	if got, _ := ReadAll(ctx, d, "blobs/s"); string(got) != "spooled" {
		t.Fatalf("moved content %q", got)
	}
	old := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	if err := d.Touch(ctx, "blobs/s", old); err != nil {
		t.Fatal(err)
	}
	if info, _ := d.Stat(ctx, "blobs/s"); !info.ModTime.Equal(old) {
		t.Fatalf("ModTime %v after Touch, want %v", info.ModTime, old)
	}
	if _, err := d.Stat(ctx, ".tmp-spool/x"); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("temp names must be refused as keys: %v", err)
	}
	if _, err := os.Stat(filepath.Join(d.Dir(), "blobs", "s")); err != nil {
		t.Fatal(err)
	}
}

func TestOpenLocations(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.String() != "disk:"+dir {
		t.Fatalf("String = %q", s.String())
	}
	if _, err := Open(context.Background(), ""); err == nil {
		t.Fatal("empty location accepted")
	}
	// An unreachable endpoint fails with a message naming it.
	_, err = Open(context.Background(), "s3://b/p?endpoint=127.0.0.1:1&insecure=1")
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Fatalf("unreachable S3: %v", err)
	}
}

func TestDiskCleanTemp(t *testing.T) {
	d, err := NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	old, _ := d.TempFile()
	old.Close()
	young, _ := d.TempFile()
	young.Close()
	PutBytes(context.Background(), d, "blobs/keep", []byte("k"))
	past := time.Now().Add(-48 * time.Hour)
	os.Chtimes(old.Name(), past, past)
	os.Chtimes(filepath.Join(d.Dir(), "blobs", "keep"), past, past)
	n, err := d.CleanTemp(24 * time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("CleanTemp = %d, %v; want 1", n, err)
	}
	if _, err := os.Stat(old.Name()); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("old temp file kept")
	}
	if _, err := os.Stat(young.Name()); err != nil {
		t.Fatal("young temp file removed")
	}
	if _, err := d.Stat(context.Background(), "blobs/keep"); err != nil {
		t.Fatal("an old object was removed")
	}
}
