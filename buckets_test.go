package hfhub

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/hfhub-go/hfhub/hubtest"
)

var bucketFiles = map[string][]byte{
	"config.json":         []byte(`{"b":1}`),
	"logs/2026/run.txt":   []byte("run"),
	"logs/2026/b c+d.txt": []byte("spaced"),
	"ckpt/w.bin":          bytes.Repeat([]byte("0123456789abcdef"), 32<<10), // 512 KiB
}

func bucketHub(t *testing.T) *hubtest.Server {
	t.Helper()
	return hubtest.NewServer(t, hubtest.WithToken("hf_w", "acme", hubtest.Write), hubtest.WithToken("hf_bob", "bob", hubtest.Write),
		hubtest.WithBucket(hubtest.Bucket{ID: "acme/data", Files: bucketFiles}),
		hubtest.WithBucket(hubtest.Bucket{ID: "acme/secret", Private: true, Files: map[string][]byte{"s.txt": []byte("s")}}))
}

func TestBucketManagement(t *testing.T) {
	hub := bucketHub(t)
	c, _ := newTestClient(t, hub.URL, WithToken("hf_w"))
	ctx := t.Context()
	u, err := c.CreateBucket(ctx, "fresh", &CreateBucketOptions{Private: true})
	if err != nil || u != hub.URL+"/buckets/acme/fresh" {
		t.Fatalf("CreateBucket = %q, %v", u, err)
	}
	if _, err := c.CreateBucket(ctx, "acme/fresh", nil); !errors.Is(err, ErrConflict) {
		t.Errorf("second CreateBucket = %v, want ErrConflict", err)
	}
	if _, err := c.CreateBucket(ctx, "hf://buckets/acme/fresh", &CreateBucketOptions{ExistOK: true}); err != nil {
		t.Errorf("CreateBucket(ExistOK) = %v", err)
	}
	info, err := c.BucketInfo(ctx, "acme/data")
	if err != nil || info.ID != "acme/data" || info.TotalFiles != 4 || info.Size != int64(7+3+6+512<<10) || info.CreatedAt.IsZero() {
		t.Fatalf("BucketInfo = %+v, %v", info, err)
	}
	var ids []string
	for b, err := range c.ListBuckets(ctx, "", "") {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, b.ID)
	}
	if len(ids) != 3 || ids[0] != "acme/data" || ids[1] != "acme/fresh" || ids[2] != "acme/secret" {
		t.Errorf("ListBuckets = %v", ids)
	}
	if err := c.MoveBucket(ctx, "acme/fresh", "acme/renamed"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.BucketInfo(ctx, "acme/fresh"); !errors.Is(err, ErrRepoNotFound) {
		t.Errorf("moved bucket's old id: %v, want ErrRepoNotFound", err)
	}
	if err := c.DeleteBucket(ctx, "acme/renamed", false); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteBucket(ctx, "acme/renamed", false); !errors.Is(err, ErrRepoNotFound) {
		t.Errorf("second delete = %v, want ErrRepoNotFound", err)
	}
	if err := c.DeleteBucket(ctx, "acme/renamed", true); err != nil {
		t.Errorf("delete missingOK = %v", err)
	}
	// Another user sees neither the private bucket nor can write.
	bob, _ := newTestClient(t, hub.URL, WithToken("hf_bob"))
	if _, err := bob.BucketInfo(ctx, "acme/secret"); !errors.Is(err, ErrRepoNotFound) {
		t.Errorf("private bucket for bob: %v", err)
	}
	if err := bob.DeleteBucket(ctx, "acme/data", false); !errors.Is(err, ErrForbidden) {
		t.Errorf("bob deleting acme/data: %v, want ErrForbidden", err)
	}
	for _, bad := range []string{"nons", "a/b/c", "hf://acme/model"} {
		if _, err := c.BucketInfo(ctx, bad); !errors.Is(err, ErrValidation) {
			t.Errorf("BucketInfo(%q) = %v, want ErrValidation", bad, err)
		}
	}
}

func TestBucketTreeAndBatch(t *testing.T) {
	hub := bucketHub(t)
	c, _ := newTestClient(t, hub.URL, WithToken("hf_w"))
	ctx := t.Context()
	var top []string
	for e, err := range c.ListBucketTree(ctx, "acme/data", "", false) {
		if err != nil {
			t.Fatal(err)
		}
		top = append(top, e.Type+":"+e.Path)
	}
	if got := join(top); got != "directory:ckpt file:config.json directory:logs" && got != "file:config.json directory:ckpt directory:logs" && got != "directory:ckpt directory:logs file:config.json" {
		t.Errorf("top level = %s", got)
	}
	var all []string
	for e, err := range c.ListBucketTree(ctx, "acme/data", "logs", true) {
		if err != nil {
			t.Fatal(err)
		}
		if !e.IsDir() {
			all = append(all, e.Path)
			if e.XetHash == "" || e.MTime == nil {
				t.Errorf("%s: no xet hash or mtime: %+v", e.Path, e)
			}
		}
	}
	if join(all) != "logs/2026/b c+d.txt logs/2026/run.txt" {
		t.Errorf("logs/ recursive = %v", all)
	}
	infos, err := c.BucketPathsInfo(ctx, "acme/data", []string{"config.json", "nope", "ckpt/w.bin"})
	if err != nil || len(infos) != 2 || infos[1].Size != 512<<10 {
		t.Fatalf("BucketPathsInfo = %+v, %v", infos, err)
	}
	// Copy by xet hash, delete; then download.
	if err := c.BatchBucketFiles(ctx, "acme/data", []BucketCopy{{SourceType: "bucket", SourceID: "acme/data", XetHash: infos[1].XetHash, Dest: "copy/w.bin"}}, []string{"config.json"}); err != nil {
		t.Fatal(err)
	}
	if err := c.BatchBucketFiles(ctx, "acme/data", []BucketCopy{{XetHash: "00" + infos[1].XetHash[2:], Dest: "x"}}, nil); !errors.Is(err, ErrValidation) && err == nil {
		t.Errorf("copy of unknown content = %v", err)
	}
	dir := t.TempDir()
	if err := c.DownloadBucketFiles(ctx, "acme/data", map[string]string{"copy/w.bin": filepath.Join(dir, "w.bin"), "logs/2026/run.txt": filepath.Join(dir, "sub", "run.txt")}, nil); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "w.bin")); !bytes.Equal(b, bucketFiles["ckpt/w.bin"]) {
		t.Error("downloaded copy differs")
	}
	if err := c.DownloadBucketFiles(ctx, "acme/data", map[string]string{"config.json": filepath.Join(dir, "c")}, nil); !errors.Is(err, ErrEntryNotFound) {
		t.Errorf("download of a deleted file = %v, want ErrEntryNotFound", err)
	}
}

func TestBucketFS(t *testing.T) {
	hub := bucketHub(t)
	c, _ := newTestClient(t, hub.URL, WithToken("hf_w"))
	fsys, err := c.OpenBucketFS(t.Context(), "acme/data", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for p := range bucketFiles {
		want = append(want, p)
	}
	if err := fstest.TestFS(fsys, want...); err != nil {
		t.Fatal(err)
	}
	for p, w := range bucketFiles {
		if got, err := fs.ReadFile(fsys, p); err != nil || !bytes.Equal(got, w) {
			t.Errorf("%s: %d bytes, %v", p, len(got), err)
		}
	}
	info, _ := fs.Stat(fsys, "config.json")
	if info.ModTime().IsZero() || len(info.Sys().(string)) != 64 {
		t.Errorf("config.json: mtime %v, xet hash %v", info.ModTime(), info.Sys())
	}
	sub, err := c.OpenBucketFS(t.Context(), "hf://buckets/acme/data", "logs", nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := sub.OpenFile("2026/run.txt")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(f)
	f.Close()
	if string(b) != "run" {
		t.Errorf("sub FS read %q", b)
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}
