package hfhub

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub/cache"
	"github.com/hfhub-go/hfhub/hubtest"
)

// An interrupted download leaves blobs/{etag}.hfhub.incomplete and its
// journal; scan lists both without warnings, prune keeps them while the
// blob's lock is held and removes both once nobody holds it.
func TestPruneInterruptedDownload(t *testing.T) {
	big := randomBytes(9<<20, 41) // above the engine's 8 MiB journal threshold
	etag := sha256hex(big)
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/big", Files: map[string][]byte{"w.bin": big}}))
	c, cacheDir := dlClient(t, hub)
	ctx := t.Context()
	// Interrupt the transfer after 2 MiB (as Ctrl-C would).
	dctx, cancel := context.WithCancel(ctx)
	var got atomic.Int64
	stop := ProgressFunc(func(ev ProgressEvent) {
		if ev.Kind == FileAdvanced && got.Add(ev.Bytes) > 2<<20 {
			cancel()
		}
	})
	hub.Fail(hubtest.Fault{Match: etag, DropAfter: 3 << 20, Times: -1})
	_, err := c.Download(dctx, "acme/big", "w.bin", &DownloadOptions{Connections: 1, Progress: stop})
	cancel()
	if err == nil {
		t.Fatal("interrupted download succeeded")
	}
	blobs := filepath.Join(cacheDir, "models--acme--big", "blobs")
	part := filepath.Join(blobs, etag+cache.IncompleteSuffix)
	journal := filepath.Join(blobs, etag+cache.IncompleteJournalSuffix)
	for _, p := range []string{part, journal} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("the interrupted download left no %s: %v", filepath.Base(p), err)
		}
	}

	ca, err := cache.Open(cacheDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ca.Scan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Warnings) != 0 || len(rep.IncompleteFiles) != 2 {
		t.Errorf("scan: warnings %v, incomplete %+v", rep.Warnings, rep.IncompleteFiles)
	}
	plan, err := ca.PlanPrune(ctx, rep, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(plan.Incomplete, part) || !slices.Contains(plan.Incomplete, journal) {
		t.Fatalf("prune plan %+v", plan)
	}

	// Another process resumes the download: prune must keep both files.
	unlock, err := ca.LockBlob(ctx, "model", "acme/big", etag)
	if err != nil {
		t.Fatal(err)
	}
	if p2, _ := ca.PlanPrune(ctx, rep, nil); len(p2.Incomplete) != 0 {
		t.Errorf("planned partial files whose lock is held: %v", p2.Incomplete)
	}
	res, err := ca.Execute(ctx, plan)
	_ = unlock()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(res.Kept, part) || !slices.Contains(res.Kept, journal) {
		t.Errorf("kept %v, want the pair", res.Kept)
	}
	if _, err := ca.Execute(ctx, plan); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{part, journal} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s survived prune: %v", filepath.Base(p), err)
		}
	}
	// The download starts afresh and succeeds.
	hub.ClearFaults()
	p, err := c.Download(ctx, "acme/big", "w.bin", nil)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(p); err != nil || fi.Size() != int64(len(big)) {
		t.Errorf("re-download: %v", err)
	}
}

// Removing a revision removes the extracted folder of the archive blob it
// frees; evicting does too; extracted/ causes no scan warning.
func TestDeleteRevisionRemovesExtractedArchive(t *testing.T) {
	v1 := zipBytes(t, map[string]string{"a.txt": "version one"})
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/arch", Files: map[string][]byte{"data.zip": v1}}))
	c, cacheDir := dlClient(t, hub)
	ctx := t.Context()
	o := &DownloadOptions{Extract: &ExtractOptions{}}
	dir1, err := c.Download(ctx, "acme/arch", "data.zip", o)
	if err != nil {
		t.Fatal(err)
	}
	v2 := zipBytes(t, map[string]string{"a.txt": "version two"})
	if _, err := hub.Commit("model", "acme/arch", "main", "v2", map[string][]byte{"data.zip": v2}, nil); err != nil {
		t.Fatal(err)
	}
	dir2, err := c.Download(ctx, "acme/arch", "data.zip", o)
	if err != nil {
		t.Fatal(err)
	}
	if dir1 == dir2 {
		t.Fatal("both versions extracted to one folder")
	}
	ca, _ := cache.Open(cacheDir, nil)
	rep, err := ca.Scan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Warnings) != 0 {
		t.Errorf("scan warnings: %v", rep.Warnings)
	}
	repo := rep.Repo("model", "acme/arch")
	if repo == nil || len(repo.Revisions) != 2 {
		t.Fatalf("repo %+v", repo)
	}
	var oldCommit string
	for _, rev := range repo.Revisions {
		if len(rev.Refs) == 0 {
			oldCommit = rev.Commit // main moved to v2: v1 is detached
		}
	}
	plan := rep.PlanDeleteRevisions(oldCommit)
	if !slices.Equal(plan.Extracted, []string{dir1}) {
		t.Fatalf("plan.Extracted = %v, want %s", plan.Extracted, dir1)
	}
	if _, err := ca.Execute(ctx, plan); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir1); !os.IsNotExist(err) {
		t.Errorf("extracted folder of the deleted revision survived: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(dir2, "a.txt")); err != nil || string(b) != "version two" {
		t.Errorf("current extraction damaged: %q %v", b, err)
	}

	// Evicting everything takes the last revision and its extraction.
	evictCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if _, err := ca.Evict(evictCtx, 0, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir2); !os.IsNotExist(err) {
		t.Errorf("eviction left the extracted folder: %v", err)
	}
}
