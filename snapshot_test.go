package hfhub

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/hfhub-go/hfhub/hubtest"
)

func manyFilesHub(t testing.TB, n int) (*hubtest.Server, map[string][]byte) {
	files := map[string][]byte{"model.safetensors": randomBytes(1<<20, 3)}
	for i := range n {
		files[fmt.Sprintf("data/part-%03d.json", i)] = []byte(fmt.Sprintf(`{"i":%d}`, i))
	}
	return hubtest.NewServer(t, hubtest.WithPageSize(7), hubtest.WithRepo(hubtest.Repo{ID: "acme/many", Files: files})), files
}

func TestSnapshotDownloadsOnceWithoutHEADs(t *testing.T) {
	hub, files := manyFilesHub(t, 20)
	c, cacheDir := dlClient(t, hub)
	ctx := t.Context()
	var mu sync.Mutex
	kinds := map[ProgressKind]int{}
	var started ProgressEvent
	obs := ProgressFunc(func(ev ProgressEvent) {
		mu.Lock()
		defer mu.Unlock()
		kinds[ev.Kind]++
		if ev.Kind == SnapshotStarted {
			started = ev
		}
	})
	dir, err := c.Snapshot(ctx, "acme/many", &SnapshotOptions{DownloadOptions: DownloadOptions{Progress: obs}})
	if err != nil {
		t.Fatalf("Snapshot() error = %v", err)
	}
	ref, _ := os.ReadFile(filepath.Join(cacheDir, "models--acme--many", "refs", "main"))
	if dir != filepath.Join(cacheDir, "models--acme--many", "snapshots", string(ref)) {
		t.Fatalf("Snapshot() = %s, want the snapshot folder of refs/main (%s)", dir, ref)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil || string(got) != string(want) {
			t.Errorf("%s: content differs (%v)", name, err)
		}
	}
	if n := len(requestsTo(hub, http.MethodHead, "")); n != 0 {
		t.Errorf("%d HEAD requests, want 0 (the tree gives etag and size)", n)
	}
	if n := len(requestsTo(hub, http.MethodGet, "/revision/")); n != 1 {
		t.Errorf("%d revision calls, want 1", n)
	}
	if _, err := os.Stat(filepath.Join(cacheDir, "models--acme--many", "trees", string(ref)+".json")); err != nil {
		t.Errorf("tree cache not written: %v", err)
	}
	wantFiles := len(files) + 1 // + .gitattributes of the initial commit
	if started.Files != wantFiles || kinds[FileDone] != wantFiles || kinds[SnapshotDone] != 1 {
		t.Errorf("progress: started %+v, kinds %v; want %d files", started, kinds, wantFiles)
	}

	// Again: one revision call, nothing else (tree cache, files cached).
	hub.ResetRequests()
	if _, err := c.Snapshot(ctx, "acme/many", nil); err != nil {
		t.Fatal(err)
	}
	if reqs := hub.Requests(); len(reqs) != 1 || !strings.Contains(reqs[0].Path, "/revision/") {
		t.Errorf("second snapshot sent %v, want only the revision call", reqs)
	}
	// With the commit: nothing at all.
	hub.ResetRequests()
	if _, err := c.Snapshot(ctx, "acme/many", &SnapshotOptions{DownloadOptions: DownloadOptions{Revision: string(ref)}}); err != nil {
		t.Fatal(err)
	}
	if n := len(hub.Requests()); n != 0 {
		t.Errorf("commit snapshot, cached: %d requests, want 0", n)
	}
	assertNoTemp(t, cacheDir)
}

func TestSnapshotPatternsAndOffline(t *testing.T) {
	hub, _ := manyFilesHub(t, 5)
	c, _ := dlClient(t, hub)
	ctx := t.Context()
	o := &SnapshotOptions{AllowPatterns: []string{"data/"}, IgnorePatterns: []string{"*-003.json"}}
	dir, err := c.Snapshot(ctx, "acme/many", o)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			got = append(got, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(got)
	want := []string{"data/part-000.json", "data/part-001.json", "data/part-002.json", "data/part-004.json"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("snapshot files = %v, want %v", got, want)
	}
	off, _ := dlClientSameCache(t, hub, c, WithOffline(true))
	hub.ResetRequests()
	if p, err := off.Snapshot(ctx, "acme/many", o); err != nil || p != dir {
		t.Fatalf("offline, same patterns: %s, %v", p, err)
	}
	_, err = off.Snapshot(ctx, "acme/many", nil)
	if !errors.Is(err, ErrIncompleteSnapshot) {
		t.Fatalf("offline, all files: error = %v, want ErrIncompleteSnapshot", err)
	}
	if _, err := off.Snapshot(ctx, "acme/other", nil); !errors.Is(err, ErrLocalEntryNotFound) {
		t.Fatalf("offline, unknown repo: error = %v", err)
	}
	if n := len(hub.Requests()); n != 0 {
		t.Errorf("offline snapshots sent %d requests", n)
	}
	infos, err := c.SnapshotDryRun(ctx, "acme/many", nil)
	if err != nil {
		t.Fatal(err)
	}
	will := 0
	for _, in := range infos {
		if in.WillDownload {
			will++
		}
	}
	if len(infos) != 7 || will != 3 {
		t.Errorf("dry run: %d files, %d to download; want 7 and 3", len(infos), will)
	}
}

func TestSnapshotLocalDir(t *testing.T) {
	hub, files := manyFilesHub(t, 3)
	c, _ := dlClient(t, hub)
	local := t.TempDir()
	dir, err := c.Snapshot(t.Context(), "acme/many", &SnapshotOptions{DownloadOptions: DownloadOptions{LocalDir: local}})
	if err != nil {
		t.Fatal(err)
	}
	if dir != local {
		t.Fatalf("Snapshot() = %s, want %s", dir, local)
	}
	for name, want := range files {
		p := filepath.Join(local, filepath.FromSlash(name))
		fi, err := os.Lstat(p)
		if err != nil || !fi.Mode().IsRegular() {
			t.Fatalf("%s: not a regular file (%v)", name, err)
		}
		got, _ := os.ReadFile(p)
		if string(got) != string(want) {
			t.Errorf("%s: content differs", name)
		}
		meta, err := os.ReadFile(filepath.Join(local, ".cache", "huggingface", "download", filepath.FromSlash(name)+".metadata"))
		if err != nil || len(strings.Split(strings.TrimSpace(string(meta)), "\n")) != 3 {
			t.Errorf("%s: metadata %q, %v", name, meta, err)
		}
	}
	if b, err := os.ReadFile(filepath.Join(local, ".cache", "huggingface", ".gitignore")); err != nil || string(b) != "*" {
		t.Errorf(".gitignore = %q, %v", b, err)
	}
	// Again: the local files are current, nothing is fetched.
	hub.ResetRequests()
	if _, err := c.Snapshot(t.Context(), "acme/many", &SnapshotOptions{DownloadOptions: DownloadOptions{LocalDir: local}}); err != nil {
		t.Fatal(err)
	}
	if n := len(requestsTo(hub, http.MethodGet, "/resolve/")) + len(requestsTo(hub, http.MethodGet, "lfs")); n != 0 {
		t.Errorf("second local-dir snapshot fetched %d files", n)
	}
}
