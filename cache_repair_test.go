package hfhub

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/hfhub-go/hfhub/cache"
	"github.com/hfhub-go/hfhub/hubtest"
)

// flipByte flips one byte of the file at p (in place, as bit rot would).
func flipByte(t *testing.T, p string, at int64) {
	t.Helper()
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, at); err != nil {
		t.Fatal(err)
	}
	b[0] ^= 0xff
	if _, err := f.WriteAt(b, at); err != nil {
		t.Fatal(err)
	}
}

// Verify finds a flipped byte in an LFS blob and in a regular blob, repair
// re-downloads both through the client, and a second verify is clean.
func TestVerifyRepairThroughClient(t *testing.T) {
	weights := randomBytes(50_000, 21)
	cfg := []byte(`{"hidden_size": 768}`)
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/rot", Files: map[string][]byte{
		"model.safetensors": weights, "config.json": cfg,
	}}))
	c, cacheDir := dlClient(t, hub, WithCacheBudget(1)) // a repair must not evict
	ctx := t.Context()
	snap, err := c.Snapshot(ctx, "acme/rot", nil)
	if err != nil {
		t.Fatal(err)
	}
	commit := filepath.Base(snap)
	for name, at := range map[string]int64{"model.safetensors": 12_345, "config.json": 3} {
		blob, err := filepath.EvalSymlinks(filepath.Join(snap, name))
		if err != nil {
			t.Fatal(err)
		}
		flipByte(t, blob, at)
	}

	ca, err := cache.Open(cacheDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := ca.Verify(ctx, "model", "acme/rot", nil)
	if err != nil {
		t.Fatal(err)
	}
	files := res.Files
	if len(res.Problems) != 2 || res.OK() {
		t.Fatalf("verify found %+v, want 2 checksum mismatches", res.Problems)
	}
	for _, p := range res.Problems {
		if p.Kind != cache.ChecksumMismatch || p.Commit != commit {
			t.Errorf("problem %+v", p)
		}
	}

	hub.ResetRequests()
	res, err = ca.Verify(ctx, "model", "acme/rot", &cache.VerifyOptions{Repair: c})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() {
		t.Fatalf("repair failed: %+v", res.Problems)
	}
	// The repair went through the resolve path at the exact commit.
	for _, name := range []string{"model.safetensors", "config.json"} {
		if n := len(requestsTo(hub, "HEAD", "/acme/rot/resolve/"+commit+"/"+name)); n != 1 {
			t.Errorf("%d HEAD requests for %s at %s, want 1", n, name, commit)
		}
	}

	res, err = ca.Verify(ctx, "model", "acme/rot", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 0 || res.Files != files {
		t.Errorf("after repair: %d files, problems %+v", res.Files, res.Problems)
	}
	for name, want := range map[string][]byte{"model.safetensors": weights, "config.json": cfg} {
		if b, err := os.ReadFile(filepath.Join(snap, name)); err != nil || !bytes.Equal(b, want) {
			t.Errorf("%s after repair: %v", name, err)
		}
	}
}

// Refetcher(dir) repairs a cache other than the client's own; a missing
// blob is repaired too.
func TestRefetcherOtherCache(t *testing.T) {
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/elsewhere", Files: map[string][]byte{"w.bin": randomBytes(9000, 5)}}))
	c, _ := dlClient(t, hub)
	other := t.TempDir()
	ctx := t.Context()
	p, err := c.Download(ctx, "acme/elsewhere", "w.bin", &DownloadOptions{CacheDir: other})
	if err != nil {
		t.Fatal(err)
	}
	blob, _ := filepath.EvalSymlinks(p)
	if err := os.Remove(blob); err != nil {
		t.Fatal(err)
	}
	ca, _ := cache.Open(other, nil)
	res, err := ca.Verify(ctx, "model", "acme/elsewhere", &cache.VerifyOptions{Repair: c.Refetcher(other)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 1 || res.Problems[0].Kind != cache.MissingBlob || !res.OK() {
		t.Fatalf("problems %+v", res.Problems)
	}
	if _, err := os.Stat(blob); err != nil {
		t.Errorf("blob not restored in the other cache: %v", err)
	}
	if _, err := os.Stat(filepath.Join(c.CacheDir(), "models--acme--elsewhere")); !os.IsNotExist(err) {
		t.Errorf("the repair wrote into the client's own cache: %v", err)
	}
	if err := c.Refetch(ctx, "model", "acme/elsewhere", "main", "w.bin"); err == nil {
		t.Errorf("Refetch at a branch name must fail: a repair needs the exact commit")
	}
}
