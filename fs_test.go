package hfhub

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hfhub-go/hfhub/hubtest"
)

// fsFiles is a small repo with nested folders, an LFS file and a name that
// needs escaping.
var fsFiles = map[string][]byte{
	"config.json":        []byte(`{"a":1}`),
	"README.md":          []byte("# fs\n"),
	"sub/dir/a b+c.txt":  []byte("hello"),
	"sub/dir/z.txt":      []byte("zz"),
	"sub/top.txt":        []byte("top"),
	"weights.bin":        bytes.Repeat([]byte("0123456789abcdef"), 64<<10), // 1 MiB, LFS
	"other/deep/x/y.txt": []byte("y"),
}

func fsHub(t *testing.T, files map[string][]byte) *hubtest.Server {
	t.Helper()
	return hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{ID: "acme/fs", Files: files}))
}

func TestFSConformance(t *testing.T) {
	hub := fsHub(t, fsFiles)
	c, _ := newTestClient(t, hub.URL)
	fsys, err := c.OpenFS(t.Context(), "acme/fs", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !IsCommitHash(fsys.Commit()) {
		t.Fatalf("Commit() = %q", fsys.Commit())
	}
	var expect []string
	for p := range fsFiles {
		expect = append(expect, p)
	}
	if err := fstest.TestFS(fsys, append(expect, ".gitattributes")...); err != nil {
		t.Fatal(err)
	}
	sub, err := fs.Sub(fsys, "sub")
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(sub, "dir/a b+c.txt", "top.txt"); err != nil {
		t.Fatal(err)
	}
	for p, want := range fsFiles {
		got, err := fs.ReadFile(fsys, p)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("ReadFile(%q) = %d bytes, %v; want %d bytes", p, len(got), err, len(want))
		}
	}
	m, err := fs.Glob(fsys, "sub/*/*.txt")
	if err != nil || strings.Join(m, ",") != "sub/dir/a b+c.txt,sub/dir/z.txt" {
		t.Errorf("Glob = %v, %v", m, err)
	}
	for _, bad := range []string{"nope", "sub/nope", "config.json/x", "/abs", "a/../b"} {
		if _, err := fsys.Open(bad); err == nil {
			t.Errorf("Open(%q) succeeded", bad)
		}
	}
	if _, err := fsys.Open("nope"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open(nope) = %v, want fs.ErrNotExist", err)
	}
}

// The FS shows the commit it was opened at, whatever happens to the branch.
func TestFSPinnedToCommit(t *testing.T) {
	hub := fsHub(t, fsFiles)
	c, _ := newTestClient(t, hub.URL)
	fsys, err := c.OpenFS(t.Context(), "acme/fs", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hub.Commit("model", "acme/fs", "main", "change", map[string][]byte{"config.json": []byte(`{"a":2}`), "new.txt": []byte("n")}, []string{"README.md"}); err != nil {
		t.Fatal(err)
	}
	if got, err := fs.ReadFile(fsys, "config.json"); err != nil || string(got) != `{"a":1}` {
		t.Errorf("config.json after a new commit = %q, %v; want the old content", got, err)
	}
	if _, err := fs.Stat(fsys, "README.md"); err != nil {
		t.Errorf("README.md (deleted by a later commit): %v", err)
	}
	if _, err := fs.Stat(fsys, "new.txt"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("new.txt (added later) = %v, want ErrNotExist", err)
	}
}

// A walk of a 1000-file repo lists the tree once (one recursive listing,
// whose pages follow Link), never folder by folder, and stats nothing over
// the network.
func TestFSWalkOneListing(t *testing.T) {
	files := map[string][]byte{}
	for i := range 1000 {
		files[fmt.Sprintf("d%d/e%d/f%d.txt", i%7, i%3, i)] = []byte(strconv.Itoa(i))
	}
	// The store fsyncs each of the 1000 blobs: on tmpfs when there is one.
	hub := hubtest.NewServer(t, hubtest.WithDir(memTempDir(t)), hubtest.WithRepo(hubtest.Repo{ID: "acme/fs", Files: files}))
	c, _ := newTestClient(t, hub.URL)
	hub.ResetRequests()
	fsys, err := c.OpenFS(t.Context(), "acme/fs", nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			if _, err := d.Info(); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil || n != 1001 {
		t.Fatalf("walk: %d files, %v; want 1001", n, err)
	}
	var listings, pages, other int
	for _, r := range hub.Requests() {
		switch {
		case strings.Contains(r.Path, "/tree/") && r.Query.Get("cursor") == "":
			listings++
			if r.Query.Get("recursive") != "true" {
				t.Errorf("tree request %s?%s is not recursive", r.Path, r.Query.Encode())
			}
		case strings.Contains(r.Path, "/tree/"):
			pages++
		case strings.Contains(r.Path, "/revision/"):
		default:
			other++
			t.Errorf("unexpected request %s %s", r.Method, r.Path)
		}
	}
	// 1001 files and 28 folders: two pages of the Hub's 1000 entries.
	if listings != 1 || pages != 1 {
		t.Errorf("%d tree listings and %d further pages; want 1 and 1", listings, pages)
	}
}

func TestFSHTTPFileServer(t *testing.T) {
	hub := fsHub(t, fsFiles)
	c, _ := newTestClient(t, hub.URL)
	fsys, err := c.OpenFS(t.Context(), "acme/fs", nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.FS(fsys)))
	defer srv.Close()
	for p, want := range fsFiles {
		u := srv.URL + "/" + strings.ReplaceAll(p, " ", "%20")
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !bytes.Equal(got, want) {
			t.Errorf("GET %s = %d, %d bytes; want 200, %d bytes", u, resp.StatusCode, len(got), len(want))
		}
	}
	// A Range request through the file server becomes a ranged read.
	req, _ := http.NewRequest("GET", srv.URL+"/weights.bin", nil)
	req.Header.Set("Range", "bytes=1000000-1000015")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(got, fsFiles["weights.bin"][1000000:1000016]) {
		t.Errorf("ranged GET = %d %q", resp.StatusCode, got)
	}
	resp, err = http.Get(srv.URL + "/sub/")
	if err != nil {
		t.Fatal(err)
	}
	listing, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(listing), "top.txt") || !strings.Contains(string(listing), "dir/") {
		t.Errorf("folder listing = %s", listing)
	}
}

// rangeSizes returns the sizes asked by the Range requests logged so far
// (a request is logged once its handler returns: maybe after the client has
// read the answer).
func rangeSizes(t *testing.T, reqs []hubtest.Request) []int64 {
	t.Helper()
	var out []int64
	for _, r := range reqs {
		h := r.Header.Get("Range")
		if h == "" || r.Status >= 300 {
			continue
		}
		var a, b int64
		if _, err := fmt.Sscanf(h, "bytes=%d-%d", &a, &b); err != nil {
			t.Fatalf("Range %q: %v", h, err)
		}
		out = append(out, b-a+1)
	}
	return out
}

func TestFSReadAhead(t *testing.T) {
	hub := fsHub(t, fsFiles)
	c, _ := newTestClient(t, hub.URL)
	fsys, err := c.OpenFS(t.Context(), "acme/fs", &FSOptions{ReadAhead: 256 << 10})
	if err != nil {
		t.Fatal(err)
	}
	want := fsFiles["weights.bin"]
	f, err := fsys.OpenFile("weights.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Cached() {
		t.Fatal("weights.bin is cached before any download")
	}

	// A random 4 KiB read at the end fetches about one minimal window.
	hub.ResetRequests()
	p := make([]byte, 4096)
	off := int64(len(want) - 4096 - 100)
	if n, err := f.ReadAt(p, off); n != 4096 || err != nil || !bytes.Equal(p, want[off:off+4096]) {
		t.Fatalf("ReadAt end = %d, %v", n, err)
	}
	if n := hub.BodyBytes(); n > MinReadAhead+1024 {
		t.Errorf("random read: the server sent %d bytes; want at most about %d", n, MinReadAhead)
	}

	// A sequential read of the whole file: ranges double up to the window,
	// and the total fetched is the file.
	hub.ResetRequests()
	var got bytes.Buffer
	buf := make([]byte, 32<<10)
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyBuffer(struct{ io.Writer }{&got}, struct{ io.Reader }{f}, buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatal("sequential read differs")
	}
	if n := hub.BodyBytes(); n != int64(len(want)) {
		t.Errorf("sequential read: the server sent %d bytes, want %d", n, len(want))
	}
	// Windows of 64, 128, 256, 256, 256 KiB and the last 64 KiB (the last
	// ones may not be logged yet).
	pos := int64(0)
	for i, n := range rangeSizes(t, hub.Requests()) {
		if w := min(int64(MinReadAhead)<<i, 256<<10, int64(len(want))-pos); n != w {
			t.Errorf("range %d asked %d bytes, want %d", i, n, w)
		}
		pos += n
	}
	// Seek + Read at the end.
	if _, err := f.Seek(-3, io.SeekEnd); err != nil {
		t.Fatal(err)
	}
	tail, err := io.ReadAll(f)
	if err != nil || !bytes.Equal(tail, want[len(want)-3:]) {
		t.Errorf("tail = %q, %v", tail, err)
	}
}

// A file in the cache is read from disk: no request at all.
func TestFSReadsCachedBlobs(t *testing.T) {
	hub := fsHub(t, fsFiles)
	c, _ := newTestClient(t, hub.URL)
	ctx := t.Context()
	if _, err := c.Download(ctx, "acme/fs", "weights.bin", nil); err != nil {
		t.Fatal(err)
	}
	fsys, err := c.OpenFS(ctx, "acme/fs", nil)
	if err != nil {
		t.Fatal(err)
	}
	hub.ResetRequests()
	f, err := fsys.OpenFile("weights.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if !f.Cached() {
		t.Error("weights.bin: not read from the cache")
	}
	got, err := io.ReadAll(f)
	if err != nil || !bytes.Equal(got, fsFiles["weights.bin"]) {
		t.Errorf("cached read: %d bytes, %v", len(got), err)
	}
	if reqs := hub.Requests(); len(reqs) != 0 {
		t.Errorf("reading a cached file sent %d requests (first %s %s)", len(reqs), reqs[0].Method, reqs[0].Path)
	}
}

// A revision opened once opens offline from the cache: the tree and the
// cached files read; an uncached file fails to open with a clear error.
func TestFSOffline(t *testing.T) {
	hub := fsHub(t, fsFiles)
	home := t.TempDir()
	mk := func(env map[string]string) *Client {
		env["HF_HOME"] = home
		c, err := New(WithEnv(envMap(env)), WithEndpoint(hub.URL))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.CloseIdleConnections)
		return c
	}
	ctx := t.Context()
	online := mk(map[string]string{})
	if _, err := online.Download(ctx, "acme/fs", "config.json", nil); err != nil {
		t.Fatal(err)
	}
	first, err := online.OpenFS(ctx, "acme/fs", nil)
	if err != nil {
		t.Fatal(err)
	}
	hub.ResetRequests()
	offline := mk(map[string]string{"HF_HUB_OFFLINE": "1"})
	fsys, err := offline.OpenFS(ctx, "acme/fs", nil)
	if err != nil {
		t.Fatal(err)
	}
	if fsys.Commit() != first.Commit() {
		t.Errorf("offline commit %s, online %s", fsys.Commit(), first.Commit())
	}
	if got, err := fs.ReadFile(fsys, "config.json"); err != nil || string(got) != `{"a":1}` {
		t.Errorf("offline ReadFile = %q, %v", got, err)
	}
	if ents, err := fs.ReadDir(fsys, "sub/dir"); err != nil || len(ents) != 2 {
		t.Errorf("offline ReadDir = %v, %v", ents, err)
	}
	if _, err := fsys.Open("weights.bin"); !errors.Is(err, ErrLocalEntryNotFound) {
		t.Errorf("offline Open(uncached) = %v, want ErrLocalEntryNotFound", err)
	}
	if n := len(hub.Requests()); n != 0 {
		t.Errorf("offline FS sent %d requests", n)
	}
	if _, err := offline.OpenFS(ctx, "acme/other", nil); !errors.Is(err, ErrLocalEntryNotFound) {
		t.Errorf("offline OpenFS of an uncached repo = %v, want ErrLocalEntryNotFound", err)
	}
}

func TestFSBadRevision(t *testing.T) {
	hub := fsHub(t, fsFiles)
	c, _ := newTestClient(t, hub.URL)
	if _, err := c.OpenFS(t.Context(), "acme/fs", &FSOptions{Revision: "nope"}); !errors.Is(err, ErrRevisionNotFound) {
		t.Errorf("OpenFS(bad revision) = %v, want ErrRevisionNotFound", err)
	}
	if _, err := c.OpenFS(t.Context(), "acme/missing", nil); !errors.Is(err, ErrRepoNotFound) {
		t.Errorf("OpenFS(missing repo) = %v, want ErrRepoNotFound", err)
	}
}

// memTempDir is a temporary folder on /dev/shm (where fsync costs nothing)
// when it is writable, else t.TempDir().
func memTempDir(t *testing.T) string {
	t.Helper()
	d, err := os.MkdirTemp("/dev/shm", "hfhub-test-")
	if err != nil {
		return t.TempDir()
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}
