package hfhub

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub/hubtest"
	"github.com/hfhub-go/hfhub/xet"
)

const xetAttrs = "*.bin filter=lfs diff=lfs merge=lfs -text\n"

func xetTestHub(t *testing.T, cfg hubtest.XetConfig, files map[string][]byte, opts ...hubtest.Option) *hubtest.Server {
	t.Helper()
	files[".gitattributes"] = []byte(xetAttrs)
	return hubtest.NewServer(t, append([]hubtest.Option{
		hubtest.WithXet(cfg),
		hubtest.WithToken("hf_reader", "alice", hubtest.Read),
		hubtest.WithRepo(hubtest.Repo{ID: "org/m", Files: files}),
	}, opts...)...)
}

// transports records the Transport of FileVerified events.
type transports struct {
	mu  sync.Mutex
	got map[string]string
	xet map[string]*XetStats
}

func (tr *transports) OnProgress(ev ProgressEvent) {
	if ev.Kind != FileVerified {
		return
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if tr.got == nil {
		tr.got, tr.xet = map[string]string{}, map[string]*XetStats{}
	}
	tr.got[ev.Path], tr.xet[ev.Path] = ev.Transport, ev.Xet
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestXetDownloadVerifiedAndHeaderHygiene(t *testing.T) {
	data := randomBytes(3_000_000, 1)
	data = append(data, data[500_000:1_200_000]...) // repeated terms
	hub := xetTestHub(t, hubtest.XetConfig{}, map[string][]byte{"w.bin": data, "small.txt": []byte("hello")})
	c, cacheDir := dlClient(t, hub, WithToken("hf_reader"))
	var tr transports
	p, err := c.Download(context.Background(), "org/m", "w.bin", &DownloadOptions{Progress: &tr})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, p), data) {
		t.Fatal("content differs")
	}
	if tr.got["w.bin"] != TransportXet || tr.xet["w.bin"] == nil || tr.xet["w.bin"].Fetched == 0 {
		t.Fatalf("transport %q %+v", tr.got["w.bin"], tr.xet["w.bin"])
	}
	if filepath.Base(readLink(t, p)) != sha256hex(data) {
		t.Error("blob not named by the sha256 etag")
	}
	assertNoTemp(t, cacheDir)
	if len(requestsTo(hub, "GET", "/lfs-content/")) != 0 {
		t.Error("the bytes came through the 302, not Xet")
	}
	recon := requestsTo(hub, "GET", "/xet-cas/v2/reconstructions/")
	xorbs := requestsTo(hub, "GET", "/xet-xorb/")
	if len(recon) != 1 || len(xorbs) == 0 {
		t.Fatalf("%d reconstructions, %d xorb GETs", len(recon), len(xorbs))
	}
	seen := map[string]bool{}
	for _, r := range xorbs {
		if r.Header.Get("Authorization") != "" {
			t.Errorf("Authorization sent to a presigned URL: %s", r.Path)
		}
		k := r.Path + r.Header.Get("Range")
		if seen[k] {
			t.Errorf("xorb range fetched twice: %s", k)
		}
		seen[k] = true
	}
	for _, r := range requestsTo(hub, "", "/xet-cas/") {
		if a := r.Header.Get("Authorization"); a == "" || strings.Contains(a, "hf_reader") {
			t.Errorf("CAS request with Authorization %q", a)
		}
	}
	casAuth := requestsTo(hub, "", "/xet-cas/")[0].Header.Get("Authorization")
	for _, r := range hub.Requests() {
		if !strings.Contains(r.Path, "/xet-cas/") && casAuth != "" && r.Header.Get("Authorization") == casAuth {
			t.Errorf("the CAS token was sent to %s", r.Path)
		}
	}
	for _, r := range requestsTo(hub, "", "/xet-read-token/") {
		if r.Header.Get("Authorization") != "Bearer hf_reader" {
			t.Error("the read token route needs the Hub token")
		}
	}
	// A git file and the git side are unaffected.
	if _, err := c.Download(context.Background(), "org/m", "small.txt", nil); err != nil {
		t.Fatal(err)
	}
}

func TestXetDisabled(t *testing.T) {
	hub := xetTestHub(t, hubtest.XetConfig{}, map[string][]byte{"w.bin": randomBytes(200_000, 2)})
	for name, opt := range map[string]Option{"option": WithXet(false), "env": WithEnv(func(k string) string {
		if k == "HF_HUB_DISABLE_XET" {
			return "1"
		}
		return ""
	})} {
		c, _ := dlClient(t, hub, opt)
		if name == "env" { // WithEnv replaces WithConfig's view: build a client from the environment only
			var err error
			c, err = New(WithEnv(func(k string) string {
				switch k {
				case "HF_HUB_DISABLE_XET":
					return "1"
				case "HF_ENDPOINT":
					return hub.URL
				case "HF_HOME":
					return t.TempDir()
				}
				return ""
			}))
			if err != nil {
				t.Fatal(err)
			}
		}
		n := len(requestsTo(hub, "", "/xet-"))
		var tr transports
		if _, err := c.Download(context.Background(), "org/m", "w.bin", &DownloadOptions{Progress: &tr, ForceDownload: true}); err != nil {
			t.Fatal(err)
		}
		if got := len(requestsTo(hub, "", "/xet-")); got != n || tr.got["w.bin"] != TransportHTTP {
			t.Errorf("%s: %d Xet requests, transport %q", name, got-n, tr.got["w.bin"])
		}
	}
}

func TestXetFallsBackWhenCASUnreachable(t *testing.T) {
	data := randomBytes(300_000, 3)
	hub := xetTestHub(t, hubtest.XetConfig{}, map[string][]byte{"w.bin": data, "v.bin": randomBytes(100_000, 4)})
	hub.Fail(hubtest.Fault{Match: "/xet-cas/", Status: 503, Times: -1})
	var logs bytes.Buffer
	c, _ := dlClient(t, hub, WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	for _, f := range []string{"w.bin", "v.bin"} {
		var tr transports
		p, err := c.Download(context.Background(), "org/m", f, &DownloadOptions{Progress: &tr})
		if err != nil {
			t.Fatal(err)
		}
		if tr.got[f] != TransportHTTP {
			t.Errorf("%s: transport %q", f, tr.got[f])
		}
		if f == "w.bin" && !bytes.Equal(readFile(t, p), data) {
			t.Fatal("content")
		}
	}
	if n := strings.Count(logs.String(), "Xet storage unavailable"); n != 1 {
		t.Errorf("%d fall-back warnings, want 1:\n%s", n, logs.String())
	}
}

func TestXetTransportFaults(t *testing.T) {
	data := randomBytes(2_000_000, 5)
	cases := []struct {
		name  string
		fault hubtest.Fault
		check func(t *testing.T, hub *hubtest.Server)
	}{
		{"v2 missing: v1", hubtest.Fault{Match: "/xet-cas/v2/", Status: 404, Times: -1}, func(t *testing.T, hub *hubtest.Server) {
			if len(requestsTo(hub, "GET", "/xet-cas/v1/reconstructions/")) != 1 {
				t.Error("no v1 fallback")
			}
		}},
		{"expired URL: one re-query", hubtest.Fault{Match: "/xet-xorb/", Status: 403}, func(t *testing.T, hub *hubtest.Server) {
			if n := len(requestsTo(hub, "GET", "/xet-cas/v2/reconstructions/")); n != 2 {
				t.Errorf("%d reconstruction queries, want 2", n)
			}
		}},
		{"429 retried", hubtest.Fault{Match: "/xet-xorb/", Status: 429, Times: 2}, nil},
		{"500 on the CAS retried", hubtest.Fault{Match: "/xet-cas/v2/", Status: 500}, nil},
		{"truncated body retried", hubtest.Fault{Match: "/xet-xorb/", DropAfter: 5000}, nil},
		{"expired token: 401 then refresh", hubtest.Fault{Match: "/xet-cas/v2/", Status: 401}, func(t *testing.T, hub *hubtest.Server) {
			if n := len(requestsTo(hub, "GET", "/xet-read-token/")); n != 2 {
				t.Errorf("%d token requests, want 2", n)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hub := xetTestHub(t, hubtest.XetConfig{}, map[string][]byte{"w.bin": data})
			hub.Fail(tc.fault)
			c, _ := dlClient(t, hub, WithXetChunkCache(0))
			var tr transports
			p, err := c.Download(context.Background(), "org/m", "w.bin", &DownloadOptions{Progress: &tr})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(readFile(t, p), data) || tr.got["w.bin"] != TransportXet {
				t.Fatalf("content or transport %q", tr.got["w.bin"])
			}
			if tc.check != nil {
				tc.check(t, hub)
			}
		})
	}
}

func TestXetIntegrityFailures(t *testing.T) {
	data := randomBytes(400_000, 6) // random: stored raw, so a flipped byte decodes to wrong bytes
	hub := xetTestHub(t, hubtest.XetConfig{Compression: xet.CompressNone}, map[string][]byte{"w.bin": data})
	hub.Fail(hubtest.Fault{Match: "/xet-xorb/", Corrupt: true, CorruptAt: 100_000, Times: -1})
	c, cacheDir := dlClient(t, hub, WithXetChunkCache(0))
	_, err := c.Download(context.Background(), "org/m", "w.bin", nil)
	if !errors.Is(err, ErrChecksumMismatch) {
		t.Fatalf("flipped byte: %v", err)
	}
	assertNoTemp(t, cacheDir)
}

func TestXetTokenRefreshedWhenExpiring(t *testing.T) {
	// Tokens live 1 s, less than the refresh margin: every CAS call refreshes.
	data := randomBytes(300_000, 7)
	hub := xetTestHub(t, hubtest.XetConfig{TokenLifetime: time.Second}, map[string][]byte{"w.bin": data, "b.bin": data[:100_000]})
	c, _ := dlClient(t, hub)
	for _, f := range []string{"w.bin", "b.bin"} {
		if _, err := c.Download(context.Background(), "org/m", f, nil); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(requestsTo(hub, "GET", "/xet-read-token/")); n != 2 {
		t.Errorf("%d token requests, want one per download", n)
	}
	// Long-lived tokens are reused across files.
	hub2 := xetTestHub(t, hubtest.XetConfig{}, map[string][]byte{"w.bin": data, "b.bin": data[:100_000]})
	c2, _ := dlClient(t, hub2)
	for _, f := range []string{"w.bin", "b.bin"} {
		if _, err := c2.Download(context.Background(), "org/m", f, &DownloadOptions{Revision: "main"}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(requestsTo(hub2, "GET", "/xet-read-token/")); n != 1 {
		t.Errorf("%d token requests, want 1 (cached)", n)
	}
}

func TestXetSnapshotUsesTreeXetHash(t *testing.T) {
	files := map[string][]byte{"a.bin": randomBytes(300_000, 8), "b/c.bin": randomBytes(200_000, 9), "d.txt": []byte("x")}
	hub := xetTestHub(t, hubtest.XetConfig{}, files)
	c, _ := dlClient(t, hub)
	var tr transports
	dir, err := c.Snapshot(context.Background(), "org/m", &SnapshotOptions{DownloadOptions: DownloadOptions{Progress: &tr}})
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range files {
		if !bytes.Equal(readFile(t, filepath.Join(dir, p)), want) {
			t.Errorf("%s differs", p)
		}
	}
	if tr.got["a.bin"] != TransportXet || tr.got["b/c.bin"] != TransportXet {
		t.Errorf("transports %v", tr.got)
	}
	if n := len(requestsTo(hub, "HEAD", "/resolve/")); n != 0 {
		t.Errorf("%d HEADs: the tree's xetHash should make them unnecessary", n)
	}
}

func TestXetEmptyFile(t *testing.T) {
	hub := xetTestHub(t, hubtest.XetConfig{}, map[string][]byte{"e.bin": {}})
	c, _ := dlClient(t, hub)
	p, err := c.Download(context.Background(), "org/m", "e.bin", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(readFile(t, p)) != 0 || len(requestsTo(hub, "", "/xet-xorb/")) != 0 {
		t.Error("empty file")
	}
}

// An updated revision that shares most chunks moves only the new ones.
func TestXetChunkCacheUpdatedRevision(t *testing.T) {
	v1 := randomBytes(6_000_000, 10)
	hub := xetTestHub(t, hubtest.XetConfig{}, map[string][]byte{"w.bin": v1})
	c, _ := dlClient(t, hub)
	var tr transports
	if _, err := c.Download(context.Background(), "org/m", "w.bin", &DownloadOptions{Progress: &tr}); err != nil {
		t.Fatal(err)
	}
	first := tr.xet["w.bin"].Fetched
	v2 := append([]byte(nil), v1...)
	copy(v2[2_000_000:], randomBytes(300_000, 11)) // 5% changed
	if _, err := hub.Commit("model", "org/m", "main", "update a tensor", map[string][]byte{"w.bin": v2}, nil); err != nil {
		t.Fatal(err)
	}
	p, err := c.Download(context.Background(), "org/m", "w.bin", &DownloadOptions{Progress: &tr})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, p), v2) {
		t.Fatal("v2 differs")
	}
	st := tr.xet["w.bin"]
	if st.Fetched > int64(len(v2))/10 || st.FromCache == 0 {
		t.Errorf("update of 5%%: fetched %d bytes (first download %d), %d from the chunk cache", st.Fetched, first, st.FromCache)
	}
	t.Logf("v1 fetched %d bytes; v2 (5%% changed) fetched %d, read %d from the chunk cache", first, st.Fetched, st.FromCache)
}

// A download cancelled halfway resumes from its journal.
func TestXetResume(t *testing.T) {
	data := randomBytes(8_000_000, 12)
	hub := xetTestHub(t, hubtest.XetConfig{}, map[string][]byte{"w.bin": data})
	c, cacheDir := dlClient(t, hub, WithXetChunkCache(0))
	ctx, cancel := context.WithCancel(context.Background())
	var n atomic.Int64
	obs := ProgressFunc(func(ev ProgressEvent) {
		if ev.Kind == FileAdvanced && n.Add(ev.Bytes) > 5_000_000 {
			cancel()
		}
	})
	if _, err := c.Download(ctx, "org/m", "w.bin", &DownloadOptions{Progress: obs, Connections: 1}); err == nil {
		t.Fatal("the cancelled download succeeded")
	}
	var resumed int64
	p, err := c.Download(context.Background(), "org/m", "w.bin", &DownloadOptions{Progress: ProgressFunc(func(ev ProgressEvent) {
		if ev.Kind == FileStarted {
			resumed = ev.Resumed
		}
	})})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, p), data) {
		t.Fatal("resumed content differs")
	}
	if resumed == 0 {
		t.Error("nothing was resumed")
	}
	assertNoTemp(t, cacheDir)
}
