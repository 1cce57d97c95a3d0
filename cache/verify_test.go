package cache

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// storeRefetcher repairs from an in-memory copy of the repo, writing through
// the cache's own API like the download code does.
type storeRefetcher struct {
	c     *Cache
	files map[string][]byte // filename -> content
	lfs   map[string]bool
	calls []string
}

func (r *storeRefetcher) Refetch(ctx context.Context, repoType, repoID, commit, filename string) error {
	r.calls = append(r.calls, commit+"/"+filename)
	data, ok := r.files[filename]
	if !ok {
		return errors.New("no such file upstream")
	}
	etag := gitSHA1(data)
	if r.lfs[filename] {
		etag = sha256Hex(data)
	}
	unlock, err := r.c.LockBlob(ctx, repoType, repoID, etag)
	if err != nil {
		return err
	}
	defer unlock()
	blob, _ := r.c.BlobPath(repoType, repoID, etag)
	tmp, err := r.c.CreateBlobTemp(repoType, repoID, etag)
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := r.c.Publish(tmp, blob); err != nil {
		return err
	}
	ptr, err := r.c.SnapshotPath(repoType, repoID, commit, filename)
	if err != nil {
		return err
	}
	return r.c.LinkSnapshot(blob, ptr, true)
}

func TestVerifyCatchesFlippedByte(t *testing.T) {
	fx := buildFixture(t)
	c := mustOpen(t, fx.dir, nil)
	res, err := c.Verify(t.Context(), "model", "org/a", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 0 || res.Files != 3 || res.Blobs != 2 || res.Bytes != int64(len(fx.cfgData)+len(fx.weightsData)) || !res.OK() {
		t.Fatalf("clean repo: %+v", res)
	}

	// Flip one byte of the LFS blob and one of the regular blob.
	for _, etag := range []string{fx.weights, fx.cfg} {
		p := fx.a.blobPath(etag)
		b, _ := os.ReadFile(p)
		b[len(b)/2] ^= 0x01
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err = c.Verify(t.Context(), "model", "org/a", &VerifyOptions{Revision: "refs/pr/1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Revisions) != 1 || res.Revisions[0] != commitA || len(res.Problems) != 2 || res.OK() {
		t.Fatalf("flipped bytes: %+v", res)
	}
	for _, p := range res.Problems {
		if p.Kind != ChecksumMismatch || p.Commit != commitA || p.Expected != filepath.Base(p.BlobPath) || p.Actual == p.Expected {
			t.Errorf("problem = %+v", p)
		}
	}

	rf := &storeRefetcher{c: c, files: map[string][]byte{"config.json": fx.cfgData, "sub/dir/w.bin": fx.weightsData}, lfs: map[string]bool{"sub/dir/w.bin": true}}
	res, err = c.Verify(t.Context(), "model", "org/a", &VerifyOptions{Repair: rf})
	if err != nil {
		t.Fatal(err)
	}
	// config.json is shared by both revisions: reported (and repaired) twice.
	if len(res.Problems) != 3 || !res.OK() || len(rf.calls) != 3 {
		t.Fatalf("repair: %+v calls %v", res, rf.calls)
	}
	res, err = c.Verify(t.Context(), "model", "org/a", nil)
	if err != nil || len(res.Problems) != 0 {
		t.Fatalf("after repair: %+v, %v", res, err)
	}
}

func TestVerifyMissingAndDangling(t *testing.T) {
	fx := buildFixture(t)
	c := mustOpen(t, fx.dir, nil)
	if err := os.Symlink(filepath.Join("..", "..", "elsewhere", "x"), filepath.Join(fx.gpt2.snapshotDir(commitE), "dangling.txt")); err != nil {
		t.Fatal(err)
	}
	res, err := c.Verify(t.Context(), "model", "gpt2", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 2 {
		t.Fatalf("problems = %+v", res.Problems)
	}
	if p := res.Problems[0]; p.Kind != DanglingSymlink || p.Filename != "dangling.txt" {
		t.Errorf("problem 0 = %+v", p)
	}
	if p := res.Problems[1]; p.Kind != MissingBlob || p.Filename != "gone.bin" || p.BlobPath != fx.gpt2.blobPath(p.BlobPath[len(p.BlobPath)-64:]) {
		t.Errorf("problem 1 = %+v", p)
	}
	// A failing refetch is reported, not fatal.
	res, err = c.Verify(t.Context(), "model", "gpt2", &VerifyOptions{Repair: &storeRefetcher{c: c}})
	if err != nil || res.OK() || res.Problems[0].RepairError == "" {
		t.Errorf("failed repair: %+v, %v", res, err)
	}
	if _, err := c.Verify(t.Context(), "model", "nobody/none", nil); !errors.Is(err, ErrNotCached) {
		t.Errorf("Verify(unknown repo) = %v", err)
	}
	if _, err := c.Verify(t.Context(), "model", "gpt2", &VerifyOptions{Revision: "nope"}); !errors.Is(err, ErrNotCached) {
		t.Errorf("Verify(unknown revision) = %v", err)
	}
}

func TestVerifyWithoutSymlinksUsesTreeCache(t *testing.T) {
	fx := buildFixture(t)
	c := mustOpen(t, fx.dir, nil)
	content := []byte("a,b\n1,2\n")
	if err := c.WriteTree("dataset", "ibm/duorc", commitC, &Tree{Files: map[string]TreeFile{
		"data.csv": {Size: int64(len(content)), BlobID: gitSHA1(content)},
	}}); err != nil {
		t.Fatal(err)
	}
	res, err := c.Verify(t.Context(), "dataset", "ibm/duorc", nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Blobs != 1 || len(res.Unverifiable) != 1 || res.Unverifiable[0] != commitD+"/data.csv" || len(res.Problems) != 0 {
		t.Fatalf("res = %+v", res)
	}
	if err := os.WriteFile(filepath.Join(fx.duorc.snapshotDir(commitC), "data.csv"), []byte("a,b\n1,3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, _ = c.Verify(t.Context(), "dataset", "ibm/duorc", nil)
	if len(res.Problems) != 1 || res.Problems[0].Kind != ChecksumMismatch {
		t.Errorf("res = %+v", res)
	}
	if _, err := c.ReadTree("dataset", "ibm/duorc", commitC); err != nil {
		t.Errorf("ReadTree = %v", err)
	}
	tp, _ := c.TreePath("dataset", "ibm/duorc", commitD)
	if err := os.WriteFile(tp, []byte(`{"format_version":2,"files":{}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ReadTree("dataset", "ibm/duorc", commitD); err == nil {
		t.Error("ReadTree accepted format_version 2")
	}
}
