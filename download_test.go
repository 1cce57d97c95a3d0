package hfhub

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub/hubtest"
)

// dlClient returns a client for hub with its cache (and HF_HOME) in a
// temporary folder and fast retries. The environment is not read.
func dlClient(t testing.TB, hub *hubtest.Server, opts ...Option) (*Client, string) {
	t.Helper()
	home := t.TempDir()
	cacheDir := filepath.Join(home, "hub")
	base := []Option{
		WithConfig(Config{Endpoint: hub.URL, HFHome: home, CacheDir: cacheDir}),
		WithRetries(3, time.Millisecond, 5*time.Millisecond),
	}
	c, err := New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	// Connections dialled but never used keep the server's graceful
	// shutdown waiting; close them before the hub closes (cleanups run last
	// in, first out).
	t.Cleanup(c.hc.CloseIdleConnections)
	return c, cacheDir
}

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 7))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func sha256hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// requestsTo returns the logged requests whose path contains sub.
func requestsTo(hub *hubtest.Server, method, sub string) []hubtest.Request {
	var out []hubtest.Request
	for _, r := range hub.Requests() {
		if (method == "" || r.Method == method) && strings.Contains(r.Path, sub) {
			out = append(out, r)
		}
	}
	return out
}

// readLink returns the target of the symlink p.
func readLink(t *testing.T, p string) string {
	t.Helper()
	target, err := os.Readlink(p)
	if err != nil {
		t.Fatalf("%s is not a symlink: %v", p, err)
	}
	return target
}

// assertNoTemp checks that no *.incomplete or *.tmp file is left in blobs/.
func assertNoTemp(t *testing.T, cacheDir string) {
	t.Helper()
	filepath.WalkDir(cacheDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && (strings.HasSuffix(p, ".incomplete") || strings.HasSuffix(p, ".tmp")) {
			t.Errorf("temporary file left behind: %s", p)
		}
		return nil
	})
}

var (
	tinyConfig = []byte(`{"model_type":"bert"}`)
	tinyLFS    = randomBytes(3<<20+5, 1) // .bin: LFS
)

func tinyHub(t testing.TB, opts ...hubtest.Option) *hubtest.Server {
	return hubtest.NewServer(t, append([]hubtest.Option{hubtest.WithRepo(hubtest.Repo{ID: "acme/tiny", Files: map[string][]byte{
		"config.json":         tinyConfig,
		"pytorch_model.bin":   tinyLFS,
		"sub/dir/weights.bin": tinyLFS,
		"README.md":           []byte("# tiny\n"),
	}})}, opts...)...)
}

func TestDownloadIntoPythonLayout(t *testing.T) {
	hub := tinyHub(t)
	c, cacheDir := dlClient(t, hub)
	repo := filepath.Join(cacheDir, "models--acme--tiny")
	tests := []struct {
		file, wantLink string
		content        []byte
	}{
		{"config.json", "../../blobs/", tinyConfig},
		{"pytorch_model.bin", "../../blobs/" + sha256hex(tinyLFS), tinyLFS},
		{"sub/dir/weights.bin", "../../../../blobs/" + sha256hex(tinyLFS), tinyLFS},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			p, err := c.Download(t.Context(), "acme/tiny", tt.file, nil)
			if err != nil {
				t.Fatalf("Download() error = %v", err)
			}
			ref, err := os.ReadFile(filepath.Join(repo, "refs", "main"))
			if err != nil || !IsCommitHash(string(ref)) {
				t.Fatalf("refs/main = %q, %v; want a 40-hex commit without newline", ref, err)
			}
			want := filepath.Join(repo, "snapshots", string(ref), filepath.FromSlash(tt.file))
			if p != want {
				t.Fatalf("Download() = %s, want %s", p, want)
			}
			if link := readLink(t, p); !strings.HasPrefix(link, tt.wantLink) {
				t.Errorf("symlink target = %s, want prefix %s", link, tt.wantLink)
			}
			got, err := os.ReadFile(p)
			if err != nil || !bytes.Equal(got, tt.content) {
				t.Fatalf("content differs (%d bytes, %v)", len(got), err)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(cacheDir, ".locks", "models--acme--tiny", sha256hex(tinyLFS)+".lock")); err != nil {
		t.Errorf("lock file missing: %v", err)
	}
	if _, err := os.Stat(filepath.Join(cacheDir, "CACHEDIR.TAG")); err != nil {
		t.Errorf("CACHEDIR.TAG missing: %v", err)
	}
	// The two .bin files share one blob.
	blobs, _ := os.ReadDir(filepath.Join(repo, "blobs"))
	if len(blobs) != 2 {
		t.Errorf("blobs = %d entries, want 2 (config + one shared LFS blob)", len(blobs))
	}
	assertNoTemp(t, cacheDir)
}

func TestDownloadRequestsPerRevisionKind(t *testing.T) {
	hub := tinyHub(t, hubtest.WithToken("hf_secret", "acme", hubtest.Read))
	c, _ := dlClient(t, hub, WithToken("hf_secret"))
	ctx := t.Context()
	p, err := c.Download(ctx, "acme/tiny", "pytorch_model.bin", nil)
	if err != nil {
		t.Fatal(err)
	}
	// The token never reaches the content listener.
	for _, r := range hub.Requests() {
		if r.Method == http.MethodGet && !strings.Contains(r.Path, "/resolve/") && r.Header.Get("Authorization") != "" {
			t.Errorf("Authorization sent to the content host: %s", r.Path)
		}
	}
	commit := filepath.Base(filepath.Dir(p))

	hub.ResetRequests()
	if _, err := c.Download(ctx, "acme/tiny", "pytorch_model.bin", &DownloadOptions{Revision: commit}); err != nil {
		t.Fatal(err)
	}
	if n := len(hub.Requests()); n != 0 {
		t.Errorf("commit revision, cached: %d requests, want 0", n)
	}
	if _, err := c.Download(ctx, "acme/tiny", "pytorch_model.bin", nil); err != nil {
		t.Fatal(err)
	}
	if reqs := hub.Requests(); len(reqs) != 1 || reqs[0].Method != http.MethodHead {
		t.Errorf("branch revision, cached: requests %v, want one HEAD", reqs)
	}
	hub.ResetRequests()
	if _, err := c.Download(ctx, "acme/tiny", "pytorch_model.bin", &DownloadOptions{PreferOffline: true}); err != nil {
		t.Fatal(err)
	}
	if n := len(hub.Requests()); n != 0 {
		t.Errorf("prefer-offline, cached: %d requests, want 0", n)
	}
}

func TestDownloadBranchMovesOn(t *testing.T) {
	hub := tinyHub(t)
	c, _ := dlClient(t, hub)
	ctx := t.Context()
	old, err := c.Download(ctx, "acme/tiny", "config.json", nil)
	if err != nil {
		t.Fatal(err)
	}
	newCommit, err := hub.Commit("model", "acme/tiny", "main", "update", map[string][]byte{"config.json": []byte(`{"v":2}`)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Prefer-offline keeps using the cached ref.
	p, err := c.Download(ctx, "acme/tiny", "config.json", &DownloadOptions{PreferOffline: true})
	if err != nil || p != old {
		t.Fatalf("prefer-offline Download() = %s, %v; want the cached %s", p, err, old)
	}
	// A normal call sees the new commit.
	p, err = c.Download(ctx, "acme/tiny", "config.json", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p, newCommit) {
		t.Fatalf("Download() = %s, want a path under the new commit %s", p, newCommit)
	}
	if b, _ := os.ReadFile(p); string(b) != `{"v":2}` {
		t.Fatalf("new content = %q", b)
	}
	// The old snapshot still works offline through its commit.
	oldCommit := filepath.Base(filepath.Dir(old))
	off, _ := dlClientSameCache(t, hub, c, WithOffline(true))
	if p, err := off.Download(ctx, "acme/tiny", "config.json", &DownloadOptions{Revision: oldCommit}); err != nil || p != old {
		t.Fatalf("offline old commit: %s, %v", p, err)
	}
}

// dlClientSameCache returns another client on the same cache as c.
func dlClientSameCache(t testing.TB, hub *hubtest.Server, c *Client, opts ...Option) (*Client, string) {
	t.Helper()
	cfg := c.Config()
	nc, err := New(append([]Option{WithConfig(Config{Endpoint: hub.URL, HFHome: cfg.HFHome, CacheDir: cfg.CacheDir}),
		WithRetries(3, time.Millisecond, 5*time.Millisecond)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.hc.CloseIdleConnections)
	return nc, cfg.CacheDir
}

func TestDownloadOfflineAndFallback(t *testing.T) {
	hub := tinyHub(t)
	c, cacheDir := dlClient(t, hub)
	ctx := t.Context()
	p, err := c.Download(ctx, "acme/tiny", "config.json", nil)
	if err != nil {
		t.Fatal(err)
	}
	off, _ := dlClientSameCache(t, hub, c, WithOffline(true))
	hub.ResetRequests()
	if got, err := off.Download(ctx, "acme/tiny", "config.json", nil); err != nil || got != p {
		t.Fatalf("offline cached: %s, %v", got, err)
	}
	_, err = off.Download(ctx, "acme/tiny", "README.md", nil)
	if !errors.Is(err, ErrLocalEntryNotFound) || !errors.Is(err, ErrOffline) {
		t.Fatalf("offline, not cached: error = %v, want ErrLocalEntryNotFound and ErrOffline", err)
	}
	_, err = c.Download(ctx, "acme/tiny", "README.md", &DownloadOptions{LocalFilesOnly: true})
	if !errors.Is(err, ErrLocalEntryNotFound) {
		t.Fatalf("LocalFilesOnly, not cached: error = %v", err)
	}
	if n := len(hub.Requests()); n != 0 {
		t.Errorf("offline calls sent %d requests", n)
	}
	// 503 on the HEAD: the cached copy is used.
	hub.Fail(hubtest.Fault{Match: "/resolve/", Status: 503, Times: -1})
	if got, err := c.Download(ctx, "acme/tiny", "config.json", nil); err != nil || got != p {
		t.Fatalf("HEAD 503, cached: %s, %v", got, err)
	}
	_, err = c.Download(ctx, "acme/tiny", "README.md", nil)
	if !errors.Is(err, ErrLocalEntryNotFound) {
		t.Fatalf("HEAD 503, not cached: error = %v, want ErrLocalEntryNotFound", err)
	}
	_, err = c.Download(ctx, "acme/tiny", "config.json", &DownloadOptions{ForceDownload: true})
	if err == nil {
		t.Fatal("ForceDownload without metadata succeeded")
	}
	hub.ClearFaults()
	// Server gone: the cached copy is used.
	hub.Close()
	if got, err := c.Download(ctx, "acme/tiny", "config.json", nil); err != nil || got != p {
		t.Fatalf("server down, cached: %s, %v", got, err)
	}
	assertNoTemp(t, cacheDir)
}

func TestDownloadMissingFileMarksNoExist(t *testing.T) {
	hub := tinyHub(t)
	c, cacheDir := dlClient(t, hub)
	_, err := c.Download(t.Context(), "acme/tiny", "nope.txt", nil)
	if !errors.Is(err, ErrEntryNotFound) {
		t.Fatalf("error = %v, want ErrEntryNotFound", err)
	}
	ref, err := os.ReadFile(filepath.Join(cacheDir, "models--acme--tiny", "refs", "main"))
	if err != nil {
		t.Fatalf("refs/main not written: %v", err)
	}
	if _, err := os.Stat(filepath.Join(cacheDir, "models--acme--tiny", ".no_exist", string(ref), "nope.txt")); err != nil {
		t.Fatalf(".no_exist marker missing: %v", err)
	}
	_, err = c.Download(t.Context(), "acme/none", "x", nil)
	if !errors.Is(err, ErrRepoNotFound) {
		t.Fatalf("missing repo: error = %v", err)
	}
	_, err = c.Download(t.Context(), "acme/tiny", "x", &DownloadOptions{Revision: "nobranch"})
	if !errors.Is(err, ErrRevisionNotFound) {
		t.Fatalf("missing revision: error = %v", err)
	}
	for _, bad := range []string{"../x", "a/../../x", "/etc/passwd", `..\x`, "C:/x"} {
		if _, err := c.Download(t.Context(), "acme/tiny", bad, nil); !errors.Is(err, ErrValidation) {
			t.Errorf("Download(%q) error = %v, want ErrValidation", bad, err)
		}
	}
}

func TestDownloadUnderFaults(t *testing.T) {
	tests := []struct {
		name    string
		fault   hubtest.Fault
		ignore  bool
		wantErr error
	}{
		{"clean", hubtest.Fault{}, false, nil},
		{"connection dropped once mid-body", hubtest.Fault{DropAfter: 1 << 20}, false, nil},
		{"two 503s on the content", hubtest.Fault{Status: 503, Times: 2}, false, nil},
		{"byte flipped once", hubtest.Fault{Corrupt: true, CorruptAt: 2 << 20}, false, nil},
		{"byte flipped on every try", hubtest.Fault{Corrupt: true, CorruptAt: 100, Times: -1}, false, ErrChecksumMismatch},
		{"server ignores Range", hubtest.Fault{}, true, nil},
	}
	for _, tt := range tests {
		for _, parallel := range []bool{false, true} {
			name := tt.name
			if parallel {
				name += " (parallel ranges)"
			}
			t.Run(name, func(t *testing.T) {
				hub := tinyHub(t)
				c, cacheDir := dlClient(t, hub)
				// Faults hit the content GET only (the HEAD goes to /resolve/).
				if tt.fault != (hubtest.Fault{}) {
					f := tt.fault
					f.Match = sha256hex(tinyLFS) // the content listener's path
					hub.Fail(f)
				}
				hub.SetIgnoreRange(tt.ignore)
				o := &DownloadOptions{}
				if parallel {
					o.parallelThreshold, o.Connections = 1<<20, 4
				}
				p, err := c.Download(t.Context(), "acme/tiny", "pytorch_model.bin", o)
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Download() error = %v, want %v", err, tt.wantErr)
				}
				if err == nil {
					got, _ := os.ReadFile(p)
					if !bytes.Equal(got, tinyLFS) {
						t.Fatal("content differs")
					}
					assertNoTemp(t, cacheDir)
				} else {
					blobs, _ := os.ReadDir(filepath.Join(cacheDir, "models--acme--tiny", "blobs"))
					for _, b := range blobs {
						if !strings.HasSuffix(b.Name(), ".incomplete") {
							t.Errorf("blob stored despite error: %s", b.Name())
						}
					}
				}
			})
		}
	}
}

func TestDownloadRenamedRepo(t *testing.T) {
	hub := tinyHub(t)
	if err := hub.Rename("model", "acme/tiny", "acme/renamed"); err != nil {
		t.Fatal(err)
	}
	c, cacheDir := dlClient(t, hub)
	p, err := c.Download(t.Context(), "acme/tiny", "pytorch_model.bin", nil)
	if err != nil {
		t.Fatalf("Download(old name) error = %v", err)
	}
	if !strings.HasPrefix(p, filepath.Join(cacheDir, "models--acme--tiny")) {
		t.Errorf("path %s not under the requested repo's folder", p)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, tinyLFS) {
		t.Fatal("content differs")
	}
}
