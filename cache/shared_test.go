package cache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
)

// sharedLayout writes a cache as a newer Python client does with its
// cross-repo store: one payload in blobs/{2 hex}/{xet hash}, two repos
// whose blobs/{etag} are symlinks to it, and the payload's .refs manifest.
func sharedLayout(t *testing.T) (dir, payload, commit string) {
	t.Helper()
	dir = t.TempDir()
	content := []byte("shared xet payload")
	s := sha256.Sum256(content)
	etag := hex.EncodeToString(s[:])
	xh := "ab" + etag[2:]
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "blobs", "ab"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "blobs", SharedBlobsMarker), []byte("1\n"), 0o644))
	payload = filepath.Join(dir, "blobs", "ab", xh)
	must(os.WriteFile(payload, content, 0o444))
	commit = "0123456789012345678901234567890123456789"
	refs := ""
	for _, repo := range []string{"models--org--a", "models--org--b"} {
		must(os.MkdirAll(filepath.Join(dir, repo, "blobs"), 0o755))
		must(os.MkdirAll(filepath.Join(dir, repo, "snapshots", commit), 0o755))
		must(os.MkdirAll(filepath.Join(dir, repo, "refs"), 0o755))
		must(os.WriteFile(filepath.Join(dir, repo, "refs", "main"), []byte(commit), 0o644))
		must(os.Symlink("../../blobs/ab/"+xh, filepath.Join(dir, repo, "blobs", etag)))
		must(os.Symlink("../../blobs/"+etag, filepath.Join(dir, repo, "snapshots", commit, "w.bin")))
		refs += repo + "/blobs/" + etag + "\n"
	}
	must(os.WriteFile(payload+".refs", []byte(refs), 0o644))
	return dir, payload, commit
}

func TestSharedBlobStore(t *testing.T) {
	dir, payload, commit := sharedLayout(t)
	c, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rep, err := c.Scan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Warnings) != 0 {
		t.Errorf("warnings: %+v", rep.Warnings)
	}
	if len(rep.Repos) != 2 || rep.Repos[0].SizeOnDisk != 18 || rep.Repos[1].SizeOnDisk != 18 {
		t.Fatalf("repos %+v", rep.Repos)
	}
	if rep.SizeOnDisk != 18 {
		t.Errorf("cache size %d: the shared payload must count once", rep.SizeOnDisk)
	}
	if v, err := c.Verify(ctx, "model", "org/a", nil); err != nil || !v.OK() || v.Blobs != 1 {
		t.Errorf("verify: %+v %v", v, err)
	}
	// Deleting one repo keeps the payload the other still uses.
	plan, err := rep.PlanDelete("model/org/a")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Execute(ctx, plan); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "models--org--b", "snapshots", commit, "w.bin")); err != nil || string(b) != "shared xet payload" {
		t.Fatalf("org/b broken by the delete of org/a: %v", err)
	}
	// Deleting the last one frees it.
	rep, _ = c.Scan(ctx)
	plan, _ = rep.PlanDelete("model/org/b")
	if _, err := c.Execute(ctx, plan); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(payload); !os.IsNotExist(err) {
		t.Errorf("unreferenced payload kept: %v", err)
	}
	if _, err := os.Stat(payload + ".refs"); !os.IsNotExist(err) {
		t.Error("manifest kept")
	}
}

func TestSharedBlobStoreUnmarkedUntouched(t *testing.T) {
	dir, payload, _ := sharedLayout(t)
	os.Remove(filepath.Join(dir, "blobs", SharedBlobsMarker))
	c, _ := Open(dir, nil)
	rep, _ := c.Scan(context.Background())
	plan, _ := rep.PlanDelete("model/org/a", "model/org/b")
	if _, err := c.Execute(context.Background(), plan); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(payload); err != nil {
		t.Error("an unmarked blobs/ folder must never be cleaned")
	}
}
