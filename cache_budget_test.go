package hfhub

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hfhub-go/hfhub/cache"
	"github.com/hfhub-go/hfhub/hubtest"
)

// syncBuffer is a bytes.Buffer safe for a logger used from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func budgetLogger() (*slog.Logger, *syncBuffer) {
	var buf syncBuffer
	return slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), &buf
}

// snapshotCommits lists the cached commits of a repo.
func snapshotCommits(t *testing.T, cacheDir, folder string) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(cacheDir, folder, "snapshots"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

// checkIntact verifies every file of the repo's cached revisions.
func checkIntact(t *testing.T, cacheDir, repoID string) {
	t.Helper()
	ca, err := cache.Open(cacheDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := ca.Verify(t.Context(), "model", repoID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) > 0 || res.Files == 0 {
		t.Errorf("%s: %d files, problems %+v", repoID, res.Files, res.Problems)
	}
}

// A budget smaller than two snapshots: the second snapshot evicts the
// first (older) one and stays intact.
func TestCacheBudgetSnapshotEvictsOlder(t *testing.T) {
	v1 := randomBytes(40_000, 11)
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/ev", Files: map[string][]byte{
		"model.bin": v1, "config.json": []byte(`{"v":1}`),
	}}))
	logger, logs := budgetLogger()
	c, cacheDir := dlClient(t, hub, WithCacheBudget(60_000), WithLogger(logger))
	ctx := t.Context()

	first, err := c.Snapshot(ctx, "acme/ev", nil)
	if err != nil {
		t.Fatal(err)
	}
	commit1 := filepath.Base(first)
	if got := snapshotCommits(t, cacheDir, "models--acme--ev"); len(got) != 1 || got[0] != commit1 {
		t.Fatalf("after the first snapshot: %v (one revision fits the budget)", got)
	}

	v2 := randomBytes(40_000, 12)
	commit2, err := hub.Commit("model", "acme/ev", "main", "v2", map[string][]byte{"model.bin": v2, "config.json": []byte(`{"v":2}`)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var events atomic.Int64 // progress events arrive from several goroutines
	second, err := c.Snapshot(ctx, "acme/ev", &SnapshotOptions{DownloadOptions: DownloadOptions{
		Progress: ProgressFunc(func(ProgressEvent) { events.Add(1) }),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(second) != commit2 {
		t.Fatalf("second snapshot at %s, want %s", second, commit2)
	}
	if events.Load() == 0 {
		t.Errorf("the caller's progress observer got no events through the budget watch")
	}
	if got := snapshotCommits(t, cacheDir, "models--acme--ev"); len(got) != 1 || got[0] != commit2 {
		t.Errorf("after the second snapshot: %v, want only the newest %s", got, commit2)
	}
	b, err := os.ReadFile(filepath.Join(second, "model.bin"))
	if err != nil || !bytes.Equal(b, v2) {
		t.Errorf("newest model.bin unreadable or wrong: %v", err)
	}
	checkIntact(t, cacheDir, "acme/ev")
	if _, err := os.Stat(filepath.Join(cacheDir, "models--acme--ev", "blobs", sha256hex(v1))); !os.IsNotExist(err) {
		t.Errorf("the old revision's blob is still there: %v", err)
	}
	if !strings.Contains(logs.String(), "evicted from the cache") || !strings.Contains(logs.String(), commit1) {
		t.Errorf("eviction not logged:\n%s", logs)
	}
}

// Download evicts another repo's older revision; a budget smaller than the
// newest file keeps that file and only warns; a cache hit evicts nothing.
func TestCacheBudgetDownload(t *testing.T) {
	hub := hubtest.NewServer(t,
		hubtest.WithRepo(hubtest.Repo{ID: "acme/old", Files: map[string][]byte{"w.bin": randomBytes(30_000, 1)}}),
		hubtest.WithRepo(hubtest.Repo{ID: "acme/new", Files: map[string][]byte{"w.bin": randomBytes(30_000, 2)}}),
	)
	ctx := t.Context()
	// Fill the cache without a budget.
	plain, cacheDir := dlClient(t, hub)
	oldPath, err := plain.Download(ctx, "acme/old", "w.bin", nil)
	if err != nil {
		t.Fatal(err)
	}
	oldCommit := filepath.Base(filepath.Dir(oldPath))

	logger, logs := budgetLogger()
	c, err := New(WithConfig(Config{Endpoint: hub.URL, HFHome: filepath.Dir(cacheDir), CacheDir: cacheDir}), WithCacheBudget(1), WithLogger(logger))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)

	// A hit at a commit costs nothing and evicts nothing, even over budget.
	if _, err := c.Download(ctx, "acme/old", "w.bin", &DownloadOptions{Revision: oldCommit}); err != nil {
		t.Fatal(err)
	}
	if got := snapshotCommits(t, cacheDir, "models--acme--old"); len(got) != 1 {
		t.Fatalf("a cache hit evicted: %v", got)
	}

	// A real download: the other repo goes; the new file stays although it
	// alone exceeds the 1-byte budget, and the download succeeds.
	p, err := c.Download(ctx, "acme/new", "w.bin", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(cacheDir, "models--acme--old")); !os.IsNotExist(err) {
		t.Errorf("the older repo was not evicted: %v", err)
	}
	if b, err := os.ReadFile(p); err != nil || len(b) != 30_000 {
		t.Errorf("the downloaded file was touched by eviction: %v", err)
	}
	checkIntact(t, cacheDir, "acme/new")
	if !strings.Contains(logs.String(), "still over its budget") {
		t.Errorf("no over-budget warning:\n%s", logs)
	}

	// Local-dir downloads never evict.
	if _, err := plain.Download(ctx, "acme/old", "w.bin", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Download(ctx, "acme/old", "w.bin", &DownloadOptions{LocalDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	if got := snapshotCommits(t, cacheDir, "models--acme--new"); len(got) != 1 {
		t.Errorf("a local-dir download evicted the cache: %v", got)
	}
}
