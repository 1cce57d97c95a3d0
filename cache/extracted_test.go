package cache

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// hfhubRepo is a repo as the hfhub client leaves it: two revisions (A
// detached, B on main), an archive blob per revision with its extracted
// folder, a partial download with its journal.
type hfhubRepo struct {
	*pyRepo
	zipA, zipB   string // etags
	extA, extB   string // extracted folders
	part, journa string // partial download pair of a third blob
}

func buildHFHubRepo(t *testing.T, dir string) *hfhubRepo {
	t.Helper()
	r := &hfhubRepo{pyRepo: addRepo(t, dir, "models--org--z")}
	r.zipA = r.blob([]byte(strings.Repeat("A", 300)), true, t0, t0)
	r.zipB = r.blob([]byte(strings.Repeat("B", 200)), true, t0, t0)
	r.link(commitA, "data.zip", r.zipA)
	r.link(commitB, "data.zip", r.zipB)
	r.ref("main", commitB)
	r.write("extracted/"+r.zipA+"/a.txt", []byte(strings.Repeat("a", 1000)))
	r.write("extracted/"+r.zipA+"/sub/b.txt", []byte(strings.Repeat("b", 500)))
	r.write("extracted/"+r.zipB+"/c.txt", []byte("ccc"))
	r.extA = filepath.Join(r.dir, "extracted", r.zipA)
	r.extB = filepath.Join(r.dir, "extracted", r.zipB)
	etag := sha256Hex([]byte("third"))
	r.part = r.write("blobs/"+etag+IncompleteSuffix, []byte(strings.Repeat("p", 64)))
	r.journa = r.write("blobs/"+etag+IncompleteJournalSuffix, []byte(`{"v":1}`))
	old := time.Now().Add(-3 * time.Hour)
	setTimes(t, r.part, old, old)
	setTimes(t, r.journa, old, old)
	return r
}

func TestScanKnowsHFHubFiles(t *testing.T) {
	dir := t.TempDir()
	r := buildHFHubRepo(t, dir)
	r.mkdir("extracted/.x.extract-123") // an extraction in progress
	rep, err := mustOpen(t, dir, nil).Scan(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Warnings) != 0 {
		t.Errorf("warnings: %v", rep.Warnings)
	}
	var inc []string
	for _, f := range rep.IncompleteFiles {
		inc = append(inc, f.Path)
	}
	if !slices.Equal(inc, []string{r.journa, r.part}) && !slices.Equal(inc, []string{r.part, r.journa}) {
		t.Errorf("incomplete files %v", inc)
	}
	if len(rep.Repos) != 1 || rep.Repos[0].SizeOnDisk != 500 || len(rep.Repos[0].Revisions) != 2 {
		t.Errorf("repo = %+v", rep.Repos)
	}
}

// Deleting a revision deletes the extracted folders of the blobs it frees,
// and counts them; a blob another process has locked keeps its folder.
func TestDeleteRemovesExtracted(t *testing.T) {
	dir := t.TempDir()
	r := buildHFHubRepo(t, dir)
	c := mustOpen(t, dir, nil)
	rep, _ := c.Scan(t.Context())
	plan := rep.PlanDeleteRevisions(commitA)
	if !slices.Equal(plan.Blobs, []string{r.blobPath(r.zipA)}) || !slices.Equal(plan.Extracted, []string{r.extA}) || plan.ExpectedFreedSize != 300+1500 {
		t.Fatalf("plan = %+v", plan)
	}
	res, err := c.Execute(t.Context(), plan)
	if err != nil {
		t.Fatal(err)
	}
	if exists(r.extA) || exists(r.blobPath(r.zipA)) || !exists(r.extB) || len(res.Warnings) != 0 {
		t.Errorf("after delete: extA %v blobA %v extB %v warnings %v", exists(r.extA), exists(r.blobPath(r.zipA)), exists(r.extB), res.Warnings)
	}

	// B's blob is locked by a download: blob and folder stay.
	rep, _ = c.Scan(t.Context())
	plan, _ = rep.PlanDelete(commitB)
	if len(plan.Repos) != 1 || plan.ExpectedFreedSize != 200+3 {
		t.Fatalf("whole-repo plan = %+v", plan)
	}
	// Whole repos take extracted/ with them; check the lock case on a
	// revision-level plan instead.
	r.link(commitC, "other.zip", r.blob([]byte("other"), true, t0, t0))
	r.ref("v1", commitC)
	rep, _ = c.Scan(t.Context())
	plan = rep.PlanDeleteRevisions(commitB)
	lock, _ := c.LockPath("model", "org/z", r.zipB)
	unlock, ok, err := c.TryLock(lock)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	res, err = c.Execute(t.Context(), plan)
	_ = unlock()
	if err != nil {
		t.Fatal(err)
	}
	if !exists(r.extB) || !exists(r.blobPath(r.zipB)) || !slices.Contains(res.Kept, r.blobPath(r.zipB)) {
		t.Errorf("locked blob: extB %v blob %v kept %v", exists(r.extB), exists(r.blobPath(r.zipB)), res.Kept)
	}
}

// Prune removes a stale partial download together with its journal, only
// when neither is recent and nobody holds the blob's lock; it removes
// extracted folders whose archive is gone and stale unfinished extractions.
func TestPruneHFHubFiles(t *testing.T) {
	dir := t.TempDir()
	r := buildHFHubRepo(t, dir)
	c := mustOpen(t, dir, nil)
	ctx := t.Context()
	plan := prunePlan(t, c, &PruneOptions{KeepDetached: true, KeepLocks: true})
	if !slices.Contains(plan.Incomplete, r.part) || !slices.Contains(plan.Incomplete, r.journa) || len(plan.Extracted) != 0 {
		t.Fatalf("plan = %+v", plan)
	}

	// A fresh journal (a checkpoint a minute ago) keeps the pair under OlderThan.
	now := time.Now()
	setTimes(t, r.journa, now, now)
	plan = prunePlan(t, c, &PruneOptions{KeepDetached: true, KeepLocks: true, OlderThan: time.Hour})
	if len(plan.Incomplete) != 0 {
		t.Errorf("OlderThan split the pair: %v", plan.Incomplete)
	}

	// Held lock: both kept at execution, none removed.
	plan = prunePlan(t, c, &PruneOptions{KeepDetached: true, KeepLocks: true})
	etag, _, _ := strings.Cut(filepath.Base(r.part), ".")
	lock, _ := c.LockPath("model", "org/z", etag)
	unlock, ok, err := c.TryLock(lock)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	res, err := c.Execute(ctx, plan)
	_ = unlock()
	if err != nil {
		t.Fatal(err)
	}
	if !exists(r.part) || !exists(r.journa) || len(res.Kept) != 2 {
		t.Errorf("held lock: part %v journal %v kept %v", exists(r.part), exists(r.journa), res.Kept)
	}
	res, err = c.Execute(ctx, plan)
	if err != nil {
		t.Fatal(err)
	}
	if exists(r.part) || exists(r.journa) || len(res.Warnings) != 0 {
		t.Errorf("free lock: part %v journal %v warnings %v", exists(r.part), exists(r.journa), res.Warnings)
	}

	// Orphans: an extracted folder whose blob is gone, a path-keyed folder
	// no snapshot file matches, a stale unfinished extraction; not a fresh
	// one, nor folders whose archive is cached.
	orphan := r.mkdir("extracted/" + sha256Hex([]byte("gone")))
	r.write("extracted/"+sha256Hex([]byte("gone"))+"/x", []byte("12345"))
	pathOrphan := r.mkdir("extracted/path-0011223344556677")
	stale := r.mkdir("extracted/." + r.zipA + ".extract-1")
	fresh := r.mkdir("extracted/." + r.zipB + ".extract-2")
	old := time.Now().Add(-2 * time.Hour)
	setTimes(t, stale, old, old)
	noSym := r.write("snapshots/"+commitB+"/plain.tar", []byte("tar")) // a file written without symlinks
	real, _ := filepath.EvalSymlinks(noSym)
	kept := r.mkdir("extracted/" + pathKey(real))
	plan = prunePlan(t, c, &PruneOptions{KeepDetached: true, KeepLocks: true})
	slices.Sort(plan.Extracted)
	want := []string{stale, orphan, pathOrphan}
	slices.Sort(want)
	if !slices.Equal(plan.Extracted, want) || plan.ExpectedFreedSize != 5 {
		t.Fatalf("extracted plan = %v (freed %d), want %v", plan.Extracted, plan.ExpectedFreedSize, want)
	}
	if _, err := c.Execute(ctx, plan); err != nil {
		t.Fatal(err)
	}
	for _, p := range want {
		if exists(p) {
			t.Errorf("%s not pruned", p)
		}
	}
	for _, p := range []string{fresh, kept, r.extA, r.extB} {
		if !exists(p) {
			t.Errorf("%s pruned", p)
		}
	}
}

func prunePlan(t *testing.T, c *Cache, o *PruneOptions) *DeletePlan {
	t.Helper()
	rep, err := c.Scan(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	plan, err := c.PlanPrune(t.Context(), rep, o)
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

func TestEvictRemovesExtracted(t *testing.T) {
	dir := t.TempDir()
	r := buildHFHubRepo(t, dir)
	c := mustOpen(t, dir, nil)
	setTimes(t, r.snapshotDir(commitA), t0, t0)
	setTimes(t, r.snapshotDir(commitB), t0.Add(time.Hour), t0.Add(time.Hour))
	res, err := c.Evict(t.Context(), 250, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Evicted) != 1 || res.Evicted[0].Commit != commitA {
		t.Fatalf("evicted %+v", res.Evicted)
	}
	if exists(r.extA) || !exists(r.extB) {
		t.Errorf("extracted: A %v B %v", exists(r.extA), exists(r.extB))
	}
}

// fixRefetcher writes the right content back, as the client would.
type fixRefetcher struct {
	r       *pyRepo
	content []byte
}

func (f fixRefetcher) Refetch(_ context.Context, _, _, commit, filename string) error {
	etag := f.r.blob(f.content, true, time.Now(), time.Now())
	f.r.link(commit, filename, etag)
	return nil
}

func TestRepairRemovesExtracted(t *testing.T) {
	dir := t.TempDir()
	r := buildHFHubRepo(t, dir)
	good := []byte(strings.Repeat("A", 300))
	if err := os.WriteFile(r.blobPath(r.zipA), []byte(strings.Repeat("X", 300)), 0o644); err != nil {
		t.Fatal(err)
	}
	c := mustOpen(t, dir, nil)
	res, err := c.Verify(t.Context(), "model", "org/z", &VerifyOptions{Repair: fixRefetcher{r.pyRepo, good}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 1 || !res.OK() {
		t.Fatalf("problems %+v", res.Problems)
	}
	if exists(r.extA) || !exists(r.extB) {
		t.Errorf("extracted after repair: A (from bad bytes) %v, B %v", exists(r.extA), exists(r.extB))
	}
}
