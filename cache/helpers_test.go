package cache

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const (
	commitA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	commitB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	commitC = "cccccccccccccccccccccccccccccccccccccccc"
	commitD = "dddddddddddddddddddddddddddddddddddddddd"
	commitE = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
	etag1   = "1111111111111111111111111111111111111111"
)

// t0 is a fixed reference time for file times in fixtures.
var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func mustOpen(t testing.TB, dir string, opts *Options) *Cache {
	t.Helper()
	c, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// gitSHA1 is the git blob id of content, the blob name of a regular file.
func gitSHA1(content []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(content))
	h.Write(content)
	return hex.EncodeToString(h.Sum(nil))
}

func sha256Hex(content []byte) string {
	s := sha256.Sum256(content)
	return hex.EncodeToString(s[:])
}

// pyRepo writes a repo folder the way the Python client lays it out,
// without using the package under test.
type pyRepo struct {
	t   testing.TB
	dir string
}

func addRepo(t testing.TB, cacheDir, folder string) *pyRepo {
	t.Helper()
	r := &pyRepo{t: t, dir: filepath.Join(cacheDir, folder)}
	r.mkdir("blobs")
	r.mkdir("snapshots")
	return r
}

func (r *pyRepo) mkdir(rel string) string {
	r.t.Helper()
	p := filepath.Join(r.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(p, 0o755); err != nil {
		r.t.Fatal(err)
	}
	return p
}

func (r *pyRepo) write(rel string, content []byte) string {
	r.t.Helper()
	p := filepath.Join(r.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, content, 0o644); err != nil {
		r.t.Fatal(err)
	}
	return p
}

// blob stores content under its etag (sha256 if lfs, else git sha1) with
// access time at and modification time mt, and returns the etag.
func (r *pyRepo) blob(content []byte, lfs bool, at, mt time.Time) string {
	r.t.Helper()
	etag := gitSHA1(content)
	if lfs {
		etag = sha256Hex(content)
	}
	p := r.write("blobs/"+etag, content)
	setTimes(r.t, p, at, mt)
	return etag
}

// link makes snapshots/{commit}/{filename} a relative symlink to blobs/{etag}.
func (r *pyRepo) link(commit, filename, etag string) string {
	r.t.Helper()
	p := filepath.Join(r.dir, "snapshots", commit, filepath.FromSlash(filename))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	depth := strings.Count(filename, "/") + 2
	target := strings.Repeat("../", depth) + "blobs/" + etag
	if err := os.Symlink(filepath.FromSlash(target), p); err != nil {
		r.t.Fatal(err)
	}
	return p
}

func (r *pyRepo) ref(name, commit string) {
	r.t.Helper()
	r.write("refs/"+name, []byte(commit))
}

func (r *pyRepo) snapshotDir(commit string) string {
	return filepath.Join(r.dir, "snapshots", commit)
}

func (r *pyRepo) blobPath(etag string) string { return filepath.Join(r.dir, "blobs", etag) }

func setTimes(t testing.TB, p string, at, mt time.Time) {
	t.Helper()
	if err := os.Chtimes(p, at, mt); err != nil {
		t.Fatal(err)
	}
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}
