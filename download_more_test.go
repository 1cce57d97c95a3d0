package hfhub

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hfhub-go/hfhub/hubtest"
)

// TestHelperDownloadProcess is not a test: TestConcurrentDownloadsShareOneTransfer
// runs the test binary with HFHUB_DL_HELPER=1 to download from another
// process.
func TestHelperDownloadProcess(t *testing.T) {
	if os.Getenv("HFHUB_DL_HELPER") != "1" {
		t.Skip("helper process only")
	}
	c, err := New(WithConfig(Config{Endpoint: os.Getenv("HELPER_ENDPOINT"), HFHome: os.Getenv("HELPER_HOME"), CacheDir: os.Getenv("HELPER_CACHE")}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Download(t.Context(), "acme/tiny", "pytorch_model.bin", nil); err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentDownloadsShareOneTransfer(t *testing.T) {
	hub := tinyHub(t)
	c, cacheDir := dlClient(t, hub)
	var procs []*exec.Cmd
	for range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperDownloadProcess$")
		cmd.Env = append(os.Environ(), "HFHUB_DL_HELPER=1", "HELPER_ENDPOINT="+hub.URL,
			"HELPER_HOME="+c.cfg.HFHome, "HELPER_CACHE="+cacheDir)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("helper output:\n%s", out.String())
			}
		})
		procs = append(procs, cmd)
	}
	var wg sync.WaitGroup
	paths := make([]string, 8)
	errs := make([]error, 8)
	for i := range 8 {
		wg.Go(func() { paths[i], errs[i] = c.Download(t.Context(), "acme/tiny", "pytorch_model.bin", nil) })
	}
	wg.Wait()
	for _, cmd := range procs {
		if err := cmd.Wait(); err != nil {
			t.Errorf("helper process failed: %v", err)
		}
	}
	for i := range 8 {
		if errs[i] != nil || paths[i] != paths[0] {
			t.Fatalf("goroutine %d: %s, %v", i, paths[i], errs[i])
		}
	}
	got, _ := os.ReadFile(paths[0])
	if !bytes.Equal(got, tinyLFS) {
		t.Fatal("content differs")
	}
	if n := len(requestsTo(hub, http.MethodGet, sha256hex(tinyLFS))); n != 1 {
		t.Errorf("%d content transfers for 11 concurrent downloads, want 1", n)
	}
	blobs, _ := os.ReadDir(filepath.Join(cacheDir, "models--acme--tiny", "blobs"))
	if len(blobs) != 1 {
		t.Errorf("blobs: %d entries, want 1", len(blobs))
	}
	assertNoTemp(t, cacheDir)
}

// pythonCache lays out a cache exactly as the Python client writes it
// (spec §4.2 and Appendix A), with the extras newer and older versions
// leave: CACHEDIR.TAG, trees/, .no_exist/, nested refs and a stray 0.x
// .incomplete file.
func pythonCache(t *testing.T, dir string) (commit string, files map[string][]byte) {
	commit = "e7da7f221d5bf496a48136c0cd264e630fe9fcc8"
	pr := "1111111111111111111111111111111111111111"
	files = map[string][]byte{"pytorch_model.bin": []byte("weights"), "config.json": []byte("{}"), "tokenizer/vocab.txt": []byte("a\nb\n")}
	repo := filepath.Join(dir, "models--gpt2")
	write := func(p string, b []byte) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, p string) {
		t.Helper()
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "CACHEDIR.TAG"), []byte("Signature: 8a477f597d28d172789f06886806bc55\n"))
	write(filepath.Join(repo, "refs", "main"), []byte(commit))
	write(filepath.Join(repo, "refs", "refs", "pr", "1"), []byte(pr))
	tree := `{"format_version":1,"files":{`
	i := 0
	for name, b := range files {
		etag := sha256hex(b)
		write(filepath.Join(repo, "blobs", etag), b)
		up := strings.Repeat("../", 2+strings.Count(name, "/"))
		link(up+"blobs/"+etag, filepath.Join(repo, "snapshots", commit, filepath.FromSlash(name)))
		if i > 0 {
			tree += ","
		}
		tree += `"` + name + `":{"size":` + string(rune('0'+len(b))) + `,"blob_id":"` + strings.Repeat("0", 40) + `","lfs_sha256":"` + etag + `","lfs_size":` + string(rune('0'+len(b))) + `}`
		i++
	}
	write(filepath.Join(repo, "trees", commit+".json"), []byte(tree+"}}"))
	link("../../blobs/"+sha256hex(files["config.json"]), filepath.Join(repo, "snapshots", pr, "config.json"))
	write(filepath.Join(repo, ".no_exist", commit, "missing.json"), nil)
	write(filepath.Join(repo, "blobs", sha256hex([]byte("x"))+".incomplete"), []byte("partial"))
	write(filepath.Join(dir, ".locks", "models--gpt2", sha256hex(files["config.json"])+".lock"), nil)
	return commit, files
}

func TestReadPythonCacheOffline(t *testing.T) {
	hub := hubtest.NewServer(t)
	c, cacheDir := dlClient(t, hub, WithOffline(true))
	commit, files := pythonCache(t, cacheDir)
	ctx := t.Context()
	for name, want := range files {
		p, err := c.Download(ctx, "gpt2", name, nil)
		if err != nil {
			t.Fatalf("Download(%s) offline: %v", name, err)
		}
		if got, _ := os.ReadFile(p); !bytes.Equal(got, want) {
			t.Errorf("%s: content differs", name)
		}
		if !strings.Contains(p, commit) {
			t.Errorf("%s: path %s not under commit %s", name, p, commit)
		}
	}
	if _, err := c.Download(ctx, "gpt2", "config.json", &DownloadOptions{Revision: "refs/pr/1"}); err != nil {
		t.Errorf("refs/pr/1 offline: %v", err)
	}
	if _, err := c.Download(ctx, "gpt2", "vocab.txt", &DownloadOptions{Subfolder: "tokenizer"}); err != nil {
		t.Errorf("subfolder offline: %v", err)
	}
	if _, err := c.Download(ctx, "gpt2", "missing.json", nil); !errors.Is(err, ErrLocalEntryNotFound) {
		t.Errorf("missing file offline: %v", err)
	}
	dir, err := c.Snapshot(ctx, "gpt2", nil)
	if err != nil || filepath.Base(dir) != commit {
		t.Errorf("Snapshot offline = %s, %v", dir, err)
	}
	f, err := c.Open(ctx, "gpt2", "pytorch_model.bin", nil)
	if err != nil {
		t.Fatalf("Open offline: %v", err)
	}
	defer f.Close()
	buf := make([]byte, 4)
	if n, err := f.ReadAt(buf, 3); n != 4 || string(buf) != "ghts" || (err != nil && err != io.EOF) {
		t.Errorf("ReadAt = %d %q %v", n, buf, err)
	}
	src := c.HubSource("gpt2", &HubSourceOptions{Subdir: "tokenizer"})
	list, err := src.Files(ctx)
	if err != nil || len(list) != 1 || list[0].Path != "vocab.txt" || list[0].Etag != sha256hex(files["tokenizer/vocab.txt"]) {
		t.Errorf("HubSource.Files offline = %+v, %v", list, err)
	}
	if len(hub.Requests()) != 0 {
		t.Errorf("offline reads sent requests")
	}
}

func TestOpenAndOpenRange(t *testing.T) {
	hub := tinyHub(t)
	c, _ := dlClient(t, hub)
	ctx := t.Context()
	f, err := c.Open(ctx, "acme/tiny", "pytorch_model.bin", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Cached() || f.Size() != int64(len(tinyLFS)) || f.Etag() != sha256hex(tinyLFS) {
		t.Fatalf("Open() = cached %v size %d etag %s", f.Cached(), f.Size(), f.Etag())
	}
	buf := make([]byte, 1000)
	if n, err := f.ReadAt(buf, 1<<20); err != nil || n != 1000 || !bytes.Equal(buf, tinyLFS[1<<20:1<<20+1000]) {
		t.Fatalf("ReadAt = %d, %v", n, err)
	}
	tail := make([]byte, 10)
	if n, err := f.ReadAt(tail, int64(len(tinyLFS))-5); n != 5 || err != io.EOF || !bytes.Equal(tail[:5], tinyLFS[len(tinyLFS)-5:]) {
		t.Fatalf("ReadAt at the end = %d, %v", n, err)
	}
	if _, err := f.Seek(-100, io.SeekEnd); err != nil {
		t.Fatal(err)
	}
	rest, err := io.ReadAll(f)
	if err != nil || !bytes.Equal(rest, tinyLFS[len(tinyLFS)-100:]) {
		t.Fatalf("Read after Seek = %d bytes, %v", len(rest), err)
	}
	rc, err := c.OpenRange(ctx, "acme/tiny", "config.json", 2, 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != string(tinyConfig[2:7]) {
		t.Fatalf("OpenRange = %q, want %q", b, tinyConfig[2:7])
	}
	// Range requests carry no token to the content host and do not download.
	if _, err := os.Stat(filepath.Join(c.cfg.CacheDir, "models--acme--tiny", "blobs", sha256hex(tinyLFS))); err == nil {
		t.Error("Open downloaded the blob")
	}
	if _, err := c.Open(ctx, "acme/tiny", "nope", nil); !errors.Is(err, ErrEntryNotFound) {
		t.Errorf("Open(missing) error = %v", err)
	}
	// Once cached, reads come from disk.
	if _, err := c.Download(ctx, "acme/tiny", "pytorch_model.bin", nil); err != nil {
		t.Fatal(err)
	}
	g, err := c.Open(ctx, "acme/tiny", "pytorch_model.bin", nil)
	if err != nil || !g.Cached() {
		t.Fatalf("Open after download: cached=%v, %v", g != nil && g.Cached(), err)
	}
	g.Close()
}

func TestCachedDownload(t *testing.T) {
	hub := tinyHub(t)
	c, _ := dlClient(t, hub)
	ctx := t.Context()
	u := c.ResolveURL(RepoModel, "acme/tiny", "main", "pytorch_model.bin")
	p, err := c.CachedDownload(ctx, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, tinyLFS) {
		t.Fatal("content differs")
	}
	hub.ResetRequests()
	if p2, err := c.CachedDownload(ctx, u, nil); err != nil || p2 != p {
		t.Fatalf("second CachedDownload = %s, %v", p2, err)
	}
	if reqs := hub.Requests(); len(reqs) != 1 || reqs[0].Method != http.MethodHead {
		t.Errorf("validated hit sent %v, want one HEAD", reqs)
	}
	// A new commit changes the etag: new content.
	if _, err := hub.Commit("model", "acme/tiny", "main", "new", map[string][]byte{"pytorch_model.bin": []byte("new weights")}, nil); err != nil {
		t.Fatal(err)
	}
	p3, err := c.CachedDownload(ctx, u, nil)
	if err != nil || p3 == p {
		t.Fatalf("after update: %s, %v", p3, err)
	}
	if got, _ := os.ReadFile(p3); string(got) != "new weights" {
		t.Fatalf("after update: content %q", got)
	}
	hub.Close()
	if p4, err := c.CachedDownload(ctx, u, nil); err != nil || p4 != p3 {
		t.Fatalf("server down: %s, %v; want the last copy", p4, err)
	}
	if _, err := c.CachedDownload(ctx, u+"x", nil); !errors.Is(err, ErrLocalEntryNotFound) {
		t.Fatalf("server down, never cached: %v", err)
	}
}

func TestSources(t *testing.T) {
	hub := tinyHub(t)
	c, _ := dlClient(t, hub)
	ctx := t.Context()
	src := c.HubSource("acme/tiny", &HubSourceOptions{Subdir: "sub"})
	list, err := src.Files(ctx)
	if err != nil || len(list) != 1 || list[0].Path != "dir/weights.bin" || list[0].Etag != sha256hex(tinyLFS) {
		t.Fatalf("HubSource.Files = %+v, %v", list, err)
	}
	p, err := src.Fetch(ctx, "dir/weights.bin")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, tinyLFS) {
		t.Fatal("HubSource.Fetch content differs")
	}
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "a", ".cache", "huggingface"), 0o755)
	os.MkdirAll(filepath.Join(dir, ".cache", "huggingface"), 0o755)
	os.WriteFile(filepath.Join(dir, "a", "x.txt"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(dir, ".cache", "huggingface", "skip"), []byte("x"), 0o644)
	os.Symlink("/etc/passwd", filepath.Join(dir, "escape"))
	ls := LocalSource(dir)
	files, err := ls.Files(ctx)
	if err != nil || len(files) != 1 || files[0].Path != "a/x.txt" || files[0].Etag == "" {
		t.Fatalf("LocalSource.Files = %+v, %v", files, err)
	}
	if p, err := ls.Fetch(ctx, "a/x.txt"); err != nil || p != filepath.Join(dir, "a", "x.txt") {
		t.Fatalf("LocalSource.Fetch = %s, %v", p, err)
	}
	for _, bad := range []string{"../x", "/etc/passwd", "escape"} {
		if _, err := ls.Fetch(ctx, bad); err == nil {
			t.Errorf("LocalSource.Fetch(%q) succeeded", bad)
		}
	}
}

func zipBytes(t *testing.T, files map[string]string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, content := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(content))
	}
	zw.Close()
	return b.Bytes()
}

func TestDownloadExtract(t *testing.T) {
	good := zipBytes(t, map[string]string{"a.txt": "A", "d/b.txt": "B"})
	evil := zipBytes(t, map[string]string{"../../escape.txt": "x"})
	hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{Type: "dataset", ID: "acme/arch", Files: map[string][]byte{
		"good.zip": good, "evil.zip": evil}}))
	c, _ := dlClient(t, hub)
	ctx := t.Context()
	o := &DownloadOptions{RepoType: RepoDataset, Extract: &ExtractOptions{}}
	dir, err := c.Download(ctx, "acme/arch", "good.zip", o)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "d", "b.txt")); string(b) != "B" {
		t.Fatalf("extracted d/b.txt = %q", b)
	}
	if filepath.Base(dir) != sha256hex(good) {
		t.Errorf("extract folder %s is not named after the blob", dir)
	}
	again, err := c.Download(ctx, "acme/arch", "good.zip", o)
	if err != nil || again != dir {
		t.Fatalf("second extract = %s, %v", again, err)
	}
	if _, err := c.Download(ctx, "acme/arch", "evil.zip", o); err == nil {
		t.Fatal("an archive escaping its folder was extracted")
	}
	filepath.WalkDir(filepath.Dir(filepath.Dir(dir)), func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Name() == "escape.txt" {
			t.Errorf("escaping entry written: %s", p)
		}
		return nil
	})
}

func TestDownloadLocalDirFile(t *testing.T) {
	hub := tinyHub(t)
	c, _ := dlClient(t, hub)
	local := t.TempDir()
	ctx := t.Context()
	o := &DownloadOptions{LocalDir: local}
	p, err := c.Download(ctx, "acme/tiny", "sub/dir/weights.bin", o)
	if err != nil || p != filepath.Join(local, "sub", "dir", "weights.bin") {
		t.Fatalf("Download(local dir) = %s, %v", p, err)
	}
	hub.ResetRequests()
	if _, err := c.Download(ctx, "acme/tiny", "sub/dir/weights.bin", o); err != nil {
		t.Fatal(err)
	}
	if n := len(requestsTo(hub, http.MethodGet, "")); n != 0 {
		t.Errorf("up-to-date local file fetched again (%d GETs)", n)
	}
	// A local file without metadata whose sha256 matches is adopted.
	os.Remove(filepath.Join(local, ".cache", "huggingface", "download", "sub", "dir", "weights.bin.metadata"))
	if _, err := c.Download(ctx, "acme/tiny", "sub/dir/weights.bin", o); err != nil {
		t.Fatal(err)
	}
	if n := len(requestsTo(hub, http.MethodGet, "")); n != 0 {
		t.Errorf("matching local file fetched again (%d GETs)", n)
	}
	info, err := c.DownloadDryRun(ctx, "acme/tiny", "config.json", o)
	if err != nil || !info.WillDownload || info.IsCached || info.FileSize != int64(len(tinyConfig)) {
		t.Fatalf("dry run = %+v, %v", info, err)
	}
	if _, err := os.Stat(filepath.Join(local, "config.json")); err == nil {
		t.Error("dry run wrote the file")
	}
}
