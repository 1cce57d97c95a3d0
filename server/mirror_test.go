package server_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub"
	"github.com/hfhub-go/hfhub/hubtest"
	"github.com/hfhub-go/hfhub/objstore"
	"github.com/hfhub-go/hfhub/server"
)

// mirrorRig is an upstream hubtest and a mirror in front of it, both on
// loopback.
type mirrorRig struct {
	up      *hubtest.Server
	mirror  *server.Mirror
	srv     *httptest.Server
	store   objstore.Store
	weights []byte
	config  []byte
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func newMirrorRig(t *testing.T, o server.MirrorOptions, upOpts ...hubtest.Option) *mirrorRig {
	t.Helper()
	rig := &mirrorRig{weights: randomBytes(3<<20 + 12345), config: []byte(`{"model_type":"bert","hidden_size":8}`)}
	upOpts = append([]hubtest.Option{hubtest.WithRepo(hubtest.Repo{ID: "org/model", Files: map[string][]byte{
		"model.safetensors": rig.weights, "config.json": rig.config, "sub dir/é.txt": []byte("hello"),
	}})}, upOpts...)
	rig.up = hubtest.NewServer(t, upOpts...)
	if o.Store == nil {
		d, err := objstore.NewDisk(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		o.Store = d
	}
	rig.store = o.Store
	o.Upstream = rig.up.URL
	m, err := server.NewMirror(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	rig.mirror = m
	rig.srv = httptest.NewServer(server.Ops(m, server.OpsOptions{Metrics: m.Metrics(), Health: m.Health}))
	t.Cleanup(func() { rig.srv.Close(); m.Close() })
	return rig
}

// get fetches a mirror path and returns status, headers and body.
func (rig *mirrorRig) get(t *testing.T, method, path string, hdr ...string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, rig.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: body: %v", method, path, err)
	}
	return resp.StatusCode, resp.Header, body
}

// upstreamCount counts upstream requests whose path contains sub.
func (rig *mirrorRig) upstreamCount(method, sub string) int {
	n := 0
	for _, r := range rig.up.Requests() {
		if r.Method == method && strings.Contains(r.Path, sub) {
			n++
		}
	}
	return n
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestMirrorSixteenConcurrentDownloadsShareOneTransfer(t *testing.T) {
	rig := newMirrorRig(t, server.MirrorOptions{})
	// Hold the upstream body after 1 MiB so the requests pile up on the
	// partially transferred blob.
	rig.up.Fail(hubtest.Fault{Match: "/lfs-content/", DropAfter: 1 << 20, Stall: 300 * time.Millisecond})
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hdr := []string{}
			want := rig.weights
			if i%4 == 3 { // some ask for a range, served from partial data
				hdr = []string{"Range", "bytes=1000-2000999"}
				want = rig.weights[1000:2001000]
			}
			req, _ := http.NewRequest("GET", rig.srv.URL+"/org/model/resolve/main/model.safetensors", nil)
			if len(hdr) > 0 {
				req.Header.Set(hdr[0], hdr[1])
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				errs <- err
				return
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil || !bytes.Equal(body, want) {
				errs <- fmt.Errorf("request %d: status %d, %d bytes (want %d), %v", i, resp.StatusCode, len(body), len(want), err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := rig.upstreamCount("GET", "/lfs-content/"); n != 1 {
		t.Fatalf("upstream saw %d transfers of the blob, want 1", n)
	}
	// Served from the store afterwards.
	rig.mirror.WaitTransfers()
	status, h, body := rig.get(t, "GET", "/org/model/resolve/main/model.safetensors")
	if status != 200 || h.Get("X-Mirror-Cache") != "hit" || !bytes.Equal(body, rig.weights) {
		t.Fatalf("warm request: %d cache=%q %d bytes", status, h.Get("X-Mirror-Cache"), len(body))
	}
	if h.Get("X-Linked-Etag") != `"`+sha(rig.weights)+`"` || h.Get("X-Repo-Commit") == "" || h.Get("X-Linked-Size") != fmt.Sprint(len(rig.weights)) {
		t.Fatalf("headers: %v", h)
	}
	if n := rig.upstreamCount("GET", "/lfs-content/"); n != 1 {
		t.Fatalf("upstream saw %d transfers after a warm request", n)
	}
	if v := rig.mirror.Metrics().Value(server.MetricCacheHits, "kind", "blob"); v < 1 {
		t.Fatalf("cache hits = %v", v)
	}
}

func TestMirrorOurClientDownloads(t *testing.T) {
	rig := newMirrorRig(t, server.MirrorOptions{})
	c, err := hfhub.New(hfhub.WithEndpoint(rig.srv.URL), hfhub.WithCacheDir(t.TempDir()), hfhub.WithAnonymous(),
		hfhub.WithHFHome(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for name, want := range map[string][]byte{"model.safetensors": rig.weights, "config.json": rig.config, "sub dir/é.txt": []byte("hello")} {
		p, err := c.Download(ctx, "org/model", name, nil)
		if err != nil {
			t.Fatalf("download %s through the mirror: %v", name, err)
		}
		got, err := os.ReadFile(p)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%s: %d bytes, %v", name, len(got), err)
		}
	}
	if n := rig.upstreamCount("GET", "/lfs-content/"); n != 1 {
		t.Fatalf("upstream saw %d transfers of the LFS blob (the client uses parallel ranges; the mirror must fetch once)", n)
	}
}

func TestMirrorRefusesCorruptBlob(t *testing.T) {
	rig := newMirrorRig(t, server.MirrorOptions{})
	rig.up.Fail(hubtest.Fault{Match: "/lfs-content/", Corrupt: true, CorruptAt: 2 << 20})
	resp, err := http.Get(rig.srv.URL + "/org/model/resolve/main/model.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil || len(body) == len(rig.weights) {
		t.Fatalf("a corrupt blob was delivered whole: %d bytes, err %v", len(body), err)
	}
	if _, err := rig.store.Stat(context.Background(), "blobs/"+sha(rig.weights)); !errors.Is(err, objstore.ErrNotFound) {
		t.Fatalf("corrupt blob kept: %v", err)
	}
	if v := rig.mirror.Metrics().Value(server.MetricUpstreamErrors, "kind", "corrupt"); v != 1 {
		t.Fatalf("corrupt errors = %v", v)
	}
	// A regular (git) file is checked against its blob id.
	rig.up.Fail(hubtest.Fault{Match: "config.json", Corrupt: true, CorruptAt: 3, Times: -1})
	resp, err = http.Get(rig.srv.URL + "/org/model/resolve/main/config.json")
	if err == nil {
		// Small files are cut before the headers go out; larger ones mid-body.
		body, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil && bytes.Equal(body, rig.config) {
			t.Fatal("corrupt regular file went through")
		}
	}
	rig.up.ClearFaults()
	// The next request fetches again and succeeds.
	status, _, body := rig.get(t, "GET", "/org/model/resolve/main/model.safetensors")
	if status != 200 || !bytes.Equal(body, rig.weights) {
		t.Fatalf("after the fault: %d, %d bytes", status, len(body))
	}
	status, _, body = rig.get(t, "GET", "/org/model/resolve/main/config.json")
	if status != 200 || !bytes.Equal(body, rig.config) {
		t.Fatalf("config after the fault: %d %q", status, body)
	}
}

func TestMirrorResumesDroppedUpstream(t *testing.T) {
	rig := newMirrorRig(t, server.MirrorOptions{})
	rig.up.Fail(hubtest.Fault{Match: "/lfs-content/", DropAfter: 1<<20 + 7})
	status, _, body := rig.get(t, "GET", "/org/model/resolve/main/model.safetensors")
	if status != 200 || !bytes.Equal(body, rig.weights) {
		t.Fatalf("%d, %d bytes", status, len(body))
	}
	var ranged bool
	for _, r := range rig.up.Requests() {
		if strings.Contains(r.Path, "/lfs-content/") && r.Header.Get("Range") == fmt.Sprintf("bytes=%d-", 1<<20+7) {
			ranged = true
		}
	}
	if !ranged {
		t.Fatal("the mirror did not resume the upstream transfer with a Range request")
	}
}

func TestMirrorOffline(t *testing.T) {
	rig := newMirrorRig(t, server.MirrorOptions{})
	for _, p := range []string{"/org/model/resolve/main/model.safetensors", "/org/model/resolve/main/config.json", "/api/models/org/model", "/api/models/org/model/revision/main"} {
		if status, _, _ := rig.get(t, "GET", p); status != 200 {
			t.Fatalf("online %s: %d", p, status)
		}
	}
	rig.up.Close()
	// Upstream gone, not yet offline: the last answers are served.
	status, h, body := rig.get(t, "GET", "/org/model/resolve/main/config.json")
	if status != 200 || !bytes.Equal(body, rig.config) || h.Get("X-Mirror-Cache") != "hit" {
		t.Fatalf("upstream down: %d %s cache=%q", status, body, h.Get("X-Mirror-Cache"))
	}
	rig.mirror.SetOffline(true)
	status, h, body = rig.get(t, "GET", "/org/model/resolve/main/model.safetensors")
	if status != 200 || !bytes.Equal(body, rig.weights) || h.Get("X-Mirror-Cache") != "hit" {
		t.Fatalf("offline: %d, %d bytes, cache=%q", status, len(body), h.Get("X-Mirror-Cache"))
	}
	status, h, _ = rig.get(t, "HEAD", "/org/model/resolve/main/model.safetensors")
	if status != 200 || h.Get("X-Linked-Size") != fmt.Sprint(len(rig.weights)) {
		t.Fatalf("offline HEAD: %d %v", status, h)
	}
	status, _, body = rig.get(t, "GET", "/api/models/org/model/revision/main")
	var info struct{ ID, Sha string }
	if status != 200 || json.Unmarshal(body, &info) != nil || info.ID != "org/model" {
		t.Fatalf("offline info: %d %s", status, body)
	}
	// By commit too.
	if status, _, body = rig.get(t, "GET", "/org/model/resolve/"+info.Sha+"/config.json"); status != 200 || !bytes.Equal(body, rig.config) {
		t.Fatalf("offline by commit: %d %s", status, body)
	}
	status, h, _ = rig.get(t, "GET", "/org/model/resolve/main/sub%20dir/%C3%A9.txt")
	if status != 404 || h.Get("X-Error-Code") != "EntryNotFound" {
		t.Fatalf("offline, never fetched: %d %v", status, h)
	}
	// A second mirror on the same store, started offline, serves it too.
	m2, err := server.NewMirror(context.Background(), server.MirrorOptions{Upstream: "http://127.0.0.1:1", Store: rig.store, Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	s2 := httptest.NewServer(m2)
	defer s2.Close()
	resp, err := http.Get(s2.URL + "/org/model/resolve/main/model.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(body, rig.weights) {
		t.Fatalf("second instance offline: %d, %d bytes", resp.StatusCode, len(body))
	}
}

func TestMirrorMetadataCacheAndErrors(t *testing.T) {
	rig := newMirrorRig(t, server.MirrorOptions{MetadataTTL: time.Hour}, hubtest.WithPageSize(1))
	for range 3 {
		if status, _, _ := rig.get(t, "GET", "/api/models/org/model"); status != 200 {
			t.Fatal(status)
		}
		if status, _, _ := rig.get(t, "HEAD", "/org/model/resolve/main/config.json"); status != 200 {
			t.Fatal(status)
		}
	}
	if n := rig.upstreamCount("GET", "/api/models/org/model"); n != 1 {
		t.Fatalf("upstream saw %d info requests within the TTL, want 1", n)
	}
	if n := rig.upstreamCount("HEAD", "/resolve/"); n != 1 {
		t.Fatalf("upstream saw %d HEAD requests within the TTL, want 1", n)
	}
	if n := rig.upstreamCount("GET", "/resolve/"); n != 0 {
		t.Fatalf("HEAD through the mirror downloaded the file (%d GETs)", n)
	}
	// Pagination links point at the mirror.
	_, h, _ := rig.get(t, "GET", "/api/models/org/model/tree/main")
	if link := h.Get("Link"); !strings.Contains(link, rig.srv.URL+"/api/models/org/model/tree/main") {
		t.Fatalf("Link not rewritten to the mirror: %q", link)
	}
	// Errors are relayed like the Hub's.
	status, h, _ := rig.get(t, "GET", "/org/model/resolve/main/missing.bin")
	if status != 404 || h.Get("X-Error-Code") != "EntryNotFound" {
		t.Fatalf("missing file: %d %v", status, h)
	}
	status, h, _ = rig.get(t, "GET", "/org/nothing/resolve/main/x")
	if status != 401 || h.Get("X-Error-Code") != "RepoNotFound" {
		t.Fatalf("missing repo: %d %v", status, h)
	}
	status, h, _ = rig.get(t, "GET", "/api/models/org/model/revision/nope")
	if status != 404 || h.Get("X-Error-Code") != "RevisionNotFound" {
		t.Fatalf("missing revision: %d %v", status, h)
	}
	// A mirror is read-only.
	if status, _, _ := rig.get(t, "POST", "/api/models/org/model/commit/main"); status != 405 {
		t.Fatalf("commit through the mirror: %d", status)
	}
	// Upstream 5xx for an unknown answer is reported as a bad gateway.
	rig.up.Fail(hubtest.Fault{Match: "/api/datasets", Status: 500, Times: -1})
	if status, _, _ := rig.get(t, "GET", "/api/datasets/org/x"); status != 500 && status != 502 {
		t.Fatalf("upstream 500: %d", status)
	}
}

func TestMirrorRulesAndTokens(t *testing.T) {
	rig := newMirrorRig(t, server.MirrorOptions{
		Allow:         []string{"org/*"},
		Deny:          []string{"org/secret*"},
		Tokens:        server.Tokens{"mirror-tok": {Name: "alice", Role: server.RoleRead}},
		UpstreamToken: "up-tok",
	},
		hubtest.WithToken("up-tok", "org", hubtest.Admin),
		hubtest.WithRepo(hubtest.Repo{ID: "org/secret-model", Files: map[string][]byte{"a.txt": []byte("a")}}),
		hubtest.WithRepo(hubtest.Repo{ID: "other/model", Files: map[string][]byte{"a.txt": []byte("a")}}),
		hubtest.WithRepo(hubtest.Repo{ID: "org/private", Private: true, Files: map[string][]byte{"p.txt": []byte("private")}}),
	)
	if status, _, _ := rig.get(t, "GET", "/org/model/resolve/main/config.json"); status != 401 {
		t.Fatalf("no token: %d", status)
	}
	if status, _, _ := rig.get(t, "GET", "/org/model/resolve/main/config.json", "Authorization", "Bearer wrong"); status != 401 {
		t.Fatalf("wrong token: %d", status)
	}
	auth := []string{"Authorization", "Bearer mirror-tok"}
	if status, _, body := rig.get(t, "GET", "/org/private/resolve/main/p.txt", auth...); status != 200 || string(body) != "private" {
		t.Fatalf("private repo through the upstream token: %d %s", status, body)
	}
	for _, p := range []string{"/org/secret-model/resolve/main/a.txt", "/other/model/resolve/main/a.txt", "/api/models/other/model"} {
		if status, _, _ := rig.get(t, "GET", p, auth...); status != 403 {
			t.Fatalf("%s: %d, want 403", p, status)
		}
	}
	status, _, body := rig.get(t, "GET", "/api/models", auth...)
	var list []struct{ ID string }
	if status != 200 || json.Unmarshal(body, &list) != nil {
		t.Fatalf("listing: %d %s", status, body)
	}
	for _, e := range list {
		if e.ID != "org/model" && e.ID != "org/private" {
			t.Fatalf("listing shows refused repo %s", e.ID)
		}
	}
	for _, r := range rig.up.Requests() {
		if a := r.Header.Get("Authorization"); strings.Contains(a, "mirror-tok") {
			t.Fatalf("client token forwarded upstream on %s", r.Path)
		} else if a != "" && a != "Bearer up-tok" {
			t.Fatalf("unexpected upstream Authorization %q", a)
		}
	}
}

func TestMirrorSizeBudgetEvictsLeastRecentlyUsed(t *testing.T) {
	rig := newMirrorRig(t, server.MirrorOptions{MaxBytes: 4 << 20},
		hubtest.WithRepo(hubtest.Repo{ID: "org/other", Files: map[string][]byte{"w.bin": randomBytes(2 << 20)}}))
	ctx := context.Background()
	rig.get(t, "GET", "/org/model/resolve/main/model.safetensors")
	rig.get(t, "GET", "/org/model/resolve/main/config.json")
	rig.mirror.WaitTransfers()
	if _, err := rig.store.Stat(ctx, "blobs/"+sha(rig.weights)); err != nil {
		t.Fatal(err)
	}
	rig.get(t, "GET", "/org/other/resolve/main/w.bin")
	rig.mirror.WaitTransfers()
	if _, err := rig.store.Stat(ctx, "blobs/"+sha(rig.weights)); !errors.Is(err, objstore.ErrNotFound) {
		t.Fatalf("least recently used blob not evicted: %v", err)
	}
	if v := rig.mirror.Metrics().Value(server.MetricEvictions); v < 1 {
		t.Fatalf("evictions = %v", v)
	}
	if v := rig.mirror.Metrics().Value(server.MetricStoredBytes); v > 4<<20 {
		t.Fatalf("stored bytes %v over budget", v)
	}
	// Evicted blobs come back on demand.
	if status, _, body := rig.get(t, "GET", "/org/model/resolve/main/model.safetensors"); status != 200 || !bytes.Equal(body, rig.weights) {
		t.Fatalf("refetch: %d %d", status, len(body))
	}
}

func TestMirrorOpsEndpoints(t *testing.T) {
	rig := newMirrorRig(t, server.MirrorOptions{})
	rig.get(t, "GET", "/org/model/resolve/main/config.json")
	status, _, body := rig.get(t, "GET", "/metrics")
	if status != 200 {
		t.Fatal(status)
	}
	for _, want := range []string{
		`hfhub_http_requests_total{method="GET",code="200"} 1`,
		`hfhub_mirror_cache_misses_total{kind="blob"} 1`,
		`hfhub_mirror_upstream_requests_total{kind="blob"} 1`,
		"hfhub_http_request_duration_seconds_count 1",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
	status, _, body = rig.get(t, "GET", "/healthz")
	if status != 200 || !strings.Contains(string(body), `"ok"`) {
		t.Fatalf("healthz: %d %s", status, body)
	}
}

func TestMirrorRejectsBadOptions(t *testing.T) {
	d, _ := objstore.NewDisk(t.TempDir())
	for _, o := range []server.MirrorOptions{
		{Upstream: "ftp://x", Store: d},
		{Upstream: "http://127.0.0.1:1"},
		{Upstream: "http://127.0.0.1:1", Store: d, Allow: []string{"[bad"}},
	} {
		if _, err := server.NewMirror(context.Background(), o); err == nil {
			t.Errorf("NewMirror(%+v) accepted", o)
		}
	}
}
