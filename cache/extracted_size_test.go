package cache

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// Scan sizes extracted/ apart from the blobs; Stats reports both and their
// total.
func TestScanSizesExtracted(t *testing.T) {
	dir := t.TempDir()
	r := buildHFHubRepo(t, dir)
	r.write("extracted/.x.extract-123/partial.txt", []byte("1234567")) // an extraction in progress
	other := addRepo(t, dir, "datasets--org--d")
	other.link(commitA, "x.txt", other.blob([]byte("xyz"), false, t0, t0))

	rep, err := mustOpen(t, dir, nil).Scan(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	z := rep.Repo("model", "org/z")
	if z == nil || z.SizeOnDisk != 500 || z.ExtractedSize != 1000+500+3+7 || z.TotalSize() != 2010 {
		t.Fatalf("repo = %+v", z)
	}
	if d := rep.Repo("dataset", "org/d"); d == nil || d.SizeOnDisk != 3 || d.ExtractedSize != 0 {
		t.Fatalf("dataset repo = %+v", d)
	}
	if rep.SizeOnDisk != 503 || rep.ExtractedSize != 1510 || rep.TotalSize() != 2013 {
		t.Errorf("report sizes %d + %d = %d", rep.SizeOnDisk, rep.ExtractedSize, rep.TotalSize())
	}
	s := rep.Stats()
	if s.SizeOnDisk != 503 || s.ExtractedSize != 1510 || s.TotalSize != 2013 {
		t.Errorf("stats sizes %d + %d = %d", s.SizeOnDisk, s.ExtractedSize, s.TotalSize)
	}
	if m := s.ByType["model"]; m.SizeOnDisk != 500 || m.ExtractedSize != 1510 {
		t.Errorf("model stats = %+v", m)
	}
	if d := s.ByType["dataset"]; d.SizeOnDisk != 3 || d.ExtractedSize != 0 {
		t.Errorf("dataset stats = %+v", d)
	}
}

// ageRevisions makes revision A of r the least recently used, then B.
func ageRevisions(t *testing.T, r *pyRepo) {
	t.Helper()
	setTimes(t, r.snapshotDir(commitA), t0, t0)
	setTimes(t, r.snapshotDir(commitB), t0.Add(time.Hour), t0.Add(time.Hour))
}

// Blobs alone fit a 600-byte budget; with the extracted archives counted
// they do not, and evicting revision A frees its blob and its folder.
func TestEvictCountsExtracted(t *testing.T) {
	dir := t.TempDir()
	r := buildHFHubRepo(t, dir) // blobs 300 (A) + 200 (B); extracted 1500 (A) + 3 (B)
	ageRevisions(t, r.pyRepo)
	c := mustOpen(t, dir, nil)
	for _, dry := range []bool{true, false} {
		res, err := c.Evict(t.Context(), 600, &EvictOptions{DryRun: dry})
		if err != nil {
			t.Fatal(err)
		}
		if got := evictedIDs(res); !slices.Equal(got, []string{"org/z@a"}) || res.SizeBefore != 2003 || res.SizeAfter != 203 || res.Evicted[0].Freed != 1800 {
			t.Fatalf("dry %v: evicted %v, %d -> %d, freed %+v", dry, got, res.SizeBefore, res.SizeAfter, res.Evicted)
		}
		if exists(r.extA) == !dry || !exists(r.extB) {
			t.Fatalf("dry %v: extracted A %v, B %v", dry, exists(r.extA), exists(r.extB))
		}
	}
	rep, err := c.Scan(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if rep.SizeOnDisk != 200 || rep.ExtractedSize != 3 || len(rep.Warnings) != 0 {
		t.Errorf("after: %d + %d, warnings %v", rep.SizeOnDisk, rep.ExtractedSize, rep.Warnings)
	}
	if res, err := c.Evict(t.Context(), 203, nil); err != nil || len(res.Evicted) != 0 {
		t.Errorf("at budget: %+v, %v", res, err)
	}

	// The last revision takes the whole repo folder, orphans of extracted/
	// included.
	r.write("extracted/"+sha256Hex([]byte("gone"))+"/x", []byte("12345"))
	res, err := c.Evict(t.Context(), 100, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := evictedIDs(res); !slices.Equal(got, []string{"org/z@b"}) || res.SizeBefore != 208 || res.SizeAfter != 0 || res.Evicted[0].Freed != 208 || exists(r.dir) {
		t.Errorf("last revision: evicted %v, %d -> %d, freed %+v, repo folder left %v", got, res.SizeBefore, res.SizeAfter, res.Evicted, exists(r.dir))
	}
}

// In a cache written without symlinks the extracted folder is keyed by the
// file's path; evicting the revision frees it too.
func TestEvictExtractedWithoutSymlinks(t *testing.T) {
	dir := t.TempDir()
	r := addRepo(t, dir, "models--org--plain")
	fa := r.write("snapshots/"+commitA+"/data.zip", []byte(strings.Repeat("A", 100)))
	r.write("snapshots/"+commitB+"/data.zip", []byte(strings.Repeat("B", 100)))
	r.ref("main", commitB)
	real, err := filepath.EvalSymlinks(fa)
	if err != nil {
		t.Fatal(err)
	}
	extA := r.write("extracted/"+pathKey(real)+"/a.txt", []byte(strings.Repeat("a", 900)))
	ageRevisions(t, r)
	c := mustOpen(t, dir, nil)
	res, err := c.Evict(t.Context(), 500, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := evictedIDs(res); !slices.Equal(got, []string{"org/plain@a"}) || res.SizeBefore != 1100 || res.SizeAfter != 100 || exists(filepath.Dir(extA)) {
		t.Errorf("evicted %v, %d -> %d, extracted folder left %v", got, res.SizeBefore, res.SizeAfter, exists(filepath.Dir(extA)))
	}
}
