package hubtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub/store"
)

func get(t *testing.T, method, url string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func tinyHub(t *testing.T, opts ...Option) *Server {
	return NewServer(t, append([]Option{WithRepo(Repo{ID: "acme/tiny", Files: map[string][]byte{
		"config.json":       []byte(`{"model_type":"bert"}`),
		"model.safetensors": bytes.Repeat([]byte{7}, 1000),
		"sub/dir/a.txt":     []byte("hello"),
	}})}, opts...)...)
}

func TestResolveRegularAndLFS(t *testing.T) {
	hub := tinyHub(t)
	resp, body := get(t, "HEAD", hub.URL+"/acme/tiny/resolve/main/config.json", "Accept-Encoding", "identity")
	if resp.StatusCode != 200 || resp.Header.Get("ETag") != `"`+store.GitBlobID([]byte(`{"model_type":"bert"}`))+`"` ||
		resp.ContentLength != 21 || len(body) != 0 || len(resp.Header.Get("X-Repo-Commit")) != 40 || resp.Header.Get("Accept-Ranges") != "bytes" {
		t.Fatalf("HEAD config.json = %d %v", resp.StatusCode, resp.Header)
	}
	resp, body = get(t, "GET", hub.URL+"/acme/tiny/resolve/main/config.json", "Range", "bytes=1-5")
	if resp.StatusCode != 206 || string(body) != `"mode` || resp.Header.Get("Content-Range") != "bytes 1-5/21" {
		t.Fatalf("range = %d %q %v", resp.StatusCode, body, resp.Header)
	}
	resp, _ = get(t, "GET", hub.URL+"/acme/tiny/resolve/main/config.json", "Range", "bytes=100-")
	if resp.StatusCode != 416 {
		t.Fatalf("bad range = %d", resp.StatusCode)
	}
	resp, _ = get(t, "HEAD", hub.URL+"/acme/tiny/resolve/main/model.safetensors")
	loc := resp.Header.Get("Location")
	if resp.StatusCode != 302 || !strings.HasPrefix(loc, hub.ContentURL+"/") || resp.Header.Get("X-Linked-Size") != "1000" ||
		len(resp.Header.Get("X-Linked-Etag")) != 66 {
		t.Fatalf("LFS HEAD = %d %v", resp.StatusCode, resp.Header)
	}
	resp, body = get(t, "GET", loc)
	if resp.StatusCode != 200 || !bytes.Equal(body, bytes.Repeat([]byte{7}, 1000)) {
		t.Fatalf("LFS content = %d, %d bytes", resp.StatusCode, len(body))
	}
	resp, body = get(t, "GET", hub.URL+"/acme/tiny/raw/main/model.safetensors")
	if resp.StatusCode != 200 || !strings.HasPrefix(string(body), "version https://git-lfs") {
		t.Fatalf("raw pointer = %d %q", resp.StatusCode, body)
	}
	resp, _ = get(t, "HEAD", hub.URL+"/acme/tiny/resolve/main/nope.txt")
	if resp.StatusCode != 404 || resp.Header.Get("X-Error-Code") != "EntryNotFound" || resp.Header.Get("X-Repo-Commit") == "" {
		t.Fatalf("missing file = %d %v", resp.StatusCode, resp.Header)
	}
	resp, _ = get(t, "HEAD", hub.URL+"/acme/tiny/resolve/nope/config.json")
	if resp.StatusCode != 404 || resp.Header.Get("X-Error-Code") != "RevisionNotFound" {
		t.Fatalf("missing rev = %d %v", resp.StatusCode, resp.Header)
	}
	resp, _ = get(t, "GET", hub.URL+"/api/models/acme/nope")
	if resp.StatusCode != 401 || resp.Header.Get("X-Error-Code") != "RepoNotFound" {
		t.Fatalf("missing repo = %d %v", resp.StatusCode, resp.Header)
	}
}

func TestInfoTreeAndMutations(t *testing.T) {
	hub := tinyHub(t, WithPageSize(2))
	resp, body := get(t, "GET", hub.URL+"/api/models/acme/tiny?blobs=true")
	var info struct {
		ID       string `json:"id"`
		SHA      string `json:"sha"`
		Siblings []struct {
			Rfilename string         `json:"rfilename"`
			LFS       map[string]any `json:"lfs"`
		} `json:"siblings"`
	}
	if err := json.Unmarshal(body, &info); err != nil || resp.StatusCode != 200 || info.ID != "acme/tiny" || len(info.Siblings) != 4 {
		t.Fatalf("info = %d %s", resp.StatusCode, body)
	}
	// Tree pagination with absolute Link.
	var all []map[string]any
	next := hub.URL + "/api/models/acme/tiny/tree/main?recursive=true"
	for next != "" {
		resp, body := get(t, "GET", next)
		var page []map[string]any
		if err := json.Unmarshal(body, &page); err != nil {
			t.Fatal(err, string(body))
		}
		all = append(all, page...)
		next = ""
		if l := resp.Header.Get("Link"); l != "" {
			next = l[1:strings.Index(l, ">")]
			if !strings.HasPrefix(next, hub.URL) {
				t.Fatalf("Link not absolute: %s", l)
			}
		}
	}
	if len(all) != 6 { // sub, sub/dir, 4 files
		t.Fatalf("tree = %d entries: %v", len(all), all)
	}
	id, err := hub.Commit("model", "acme/tiny", "main", "second", map[string][]byte{"b.txt": []byte("b")}, []string{"sub"})
	if err != nil {
		t.Fatal(err)
	}
	if err := hub.CreateTag("model", "acme/tiny", "v1", id); err != nil {
		t.Fatal(err)
	}
	num, prCommit, err := hub.CreatePR("model", "acme/tiny", map[string][]byte{"c.txt": []byte("c")})
	if err != nil || num != 1 {
		t.Fatal(num, err)
	}
	resp, _ = get(t, "HEAD", hub.URL+"/acme/tiny/resolve/refs%2Fpr%2F1/c.txt")
	if resp.StatusCode != 200 || resp.Header.Get("X-Repo-Commit") != prCommit {
		t.Fatalf("PR file = %d %v", resp.StatusCode, resp.Header)
	}
	resp, body = get(t, "GET", hub.URL+"/api/models/acme/tiny/revision/v1")
	if resp.StatusCode != 200 || !strings.Contains(string(body), id) {
		t.Fatalf("revision v1 = %d %s", resp.StatusCode, body)
	}
	if err := hub.Rename("model", "acme/tiny", "acme/small"); err != nil {
		t.Fatal(err)
	}
	resp, _ = get(t, "GET", hub.URL+"/acme/tiny/resolve/main/b.txt")
	if resp.StatusCode != 307 || resp.Header.Get("Location") != "/acme/small/resolve/main/b.txt" {
		t.Fatalf("renamed = %d %v", resp.StatusCode, resp.Header)
	}
}

func TestFaults(t *testing.T) {
	hub := tinyHub(t)
	hub.Fail(Fault{Match: "config.json", Status: 503, RetryAfter: 2 * time.Second, Times: 2})
	for i := 0; i < 2; i++ {
		resp, _ := get(t, "GET", hub.URL+"/acme/tiny/resolve/main/config.json")
		if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "2" {
			t.Fatalf("try %d = %d", i, resp.StatusCode)
		}
	}
	resp, _ := get(t, "GET", hub.URL+"/acme/tiny/resolve/main/config.json")
	if resp.StatusCode != 200 {
		t.Fatalf("after faults = %d", resp.StatusCode)
	}
	hub.Fail(Fault{Match: "config.json", Corrupt: true, CorruptAt: 0})
	_, body := get(t, "GET", hub.URL+"/acme/tiny/resolve/main/config.json")
	if body[0] == '{' {
		t.Fatal("byte not flipped")
	}
	hub.Fail(Fault{Match: "config.json", DropAfter: 5})
	r, err := http.Get(hub.URL + "/acme/tiny/resolve/main/config.json")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err == nil || len(got) != 5 {
		t.Fatalf("drop: read %d bytes, err %v; want 5 and an error", len(got), err)
	}
	hub.SetIgnoreRange(true)
	resp, body = get(t, "GET", hub.URL+"/acme/tiny/resolve/main/config.json", "Range", "bytes=1-5")
	if resp.StatusCode != 200 || len(body) != 21 {
		t.Fatalf("ignore range = %d", resp.StatusCode)
	}
	reqs := hub.Requests()
	if len(reqs) != 6 || reqs[0].Status != 503 || reqs[5].Header.Get("Range") != "bytes=1-5" {
		t.Fatalf("request log: %+v", reqs)
	}
}

func TestPrivateAndGated(t *testing.T) {
	hub := NewServer(t,
		WithRepo(Repo{ID: "alice/secret", Private: true, Files: map[string][]byte{"a.txt": []byte("a")}}),
		WithRepo(Repo{ID: "alice/gated", Gated: "auto", Files: map[string][]byte{"a.txt": []byte("a")}}),
		WithToken("hf_alice", "alice", Read), WithToken("hf_bob", "bob", Write))
	cases := []struct {
		url, token string
		status     int
		code       string
	}{
		{"/api/models/alice/secret", "", 401, "RepoNotFound"},
		{"/api/models/alice/secret", "hf_bob", 404, "RepoNotFound"},
		{"/api/models/alice/secret", "hf_alice", 200, ""},
		{"/api/models/alice/secret", "hf_wrong", 401, ""},
		{"/alice/gated/resolve/main/a.txt", "", 401, "GatedRepo"},
		{"/alice/gated/resolve/main/a.txt", "hf_bob", 403, "GatedRepo"},
		{"/alice/gated/resolve/main/a.txt", "hf_alice", 200, ""},
		{"/api/whoami-v2", "hf_alice", 200, ""},
		{"/api/whoami-v2", "", 401, ""},
	}
	for _, c := range cases {
		var hdr []string
		if c.token != "" {
			hdr = []string{"Authorization", "Bearer " + c.token}
		}
		resp, _ := get(t, "GET", hub.URL+c.url, hdr...)
		if resp.StatusCode != c.status || resp.Header.Get("X-Error-Code") != c.code {
			t.Errorf("GET %s as %q = %d %q, want %d %q", c.url, c.token, resp.StatusCode, resp.Header.Get("X-Error-Code"), c.status, c.code)
		}
	}
}

func TestListenAndDir(t *testing.T) {
	dir := t.TempDir()
	hub, err := Listen("127.0.0.1:0", WithDir(dir), WithRepo(Repo{Type: "dataset", ID: "org/ds", Files: map[string][]byte{"x.csv": []byte("a\n1\n")}}))
	if err != nil {
		t.Fatal(err)
	}
	resp, _ := get(t, "GET", hub.URL+"/datasets/org/ds/resolve/main/x.csv")
	hub.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("dataset file = %d", resp.StatusCode)
	}
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Repo(store.Dataset, "org/ds"); err != nil {
		t.Fatal("store not persisted:", err)
	}
	if _, err := Listen("127.0.0.1:0", WithRepo(Repo{ID: "bad//id"})); err == nil || !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("bad repo id: %v", err)
	}
}

func TestDemoRepos(t *testing.T) {
	a, b := DemoRepos(), DemoRepos()
	if !bytes.Equal(a[0].Files["model.safetensors"], b[0].Files["model.safetensors"]) {
		t.Fatal("demo safetensors not deterministic")
	}
	st := a[0].Files["model.safetensors"]
	if len(st) < 3<<20 || len(st) > 5<<20 {
		t.Fatalf("safetensors size %d, want about 4 MiB", len(st))
	}
	hub := NewServer(t, WithDemoRepos())
	resp, body := get(t, "GET", hub.URL+"/api/models/"+DemoModelID)
	var info struct {
		Safetensors struct {
			Parameters map[string]int64 `json:"parameters"`
			Total      int64            `json:"total"`
		} `json:"safetensors"`
		CardData map[string]any `json:"cardData"`
	}
	if err := json.Unmarshal(body, &info); err != nil || resp.StatusCode != 200 {
		t.Fatalf("info %d: %v", resp.StatusCode, err)
	}
	if info.Safetensors.Total != 1000*512*2+512*512+512 || info.CardData["license"] != "apache-2.0" {
		t.Fatalf("demo model info: %s", body)
	}
	resp, _ = get(t, "HEAD", hub.URL+"/"+DemoModelID+"/resolve/main/model.safetensors")
	if resp.StatusCode != 302 {
		t.Fatalf("safetensors not LFS: %d", resp.StatusCode)
	}
	resp, _ = get(t, "HEAD", hub.URL+"/datasets/"+DemoDatasetID+"/resolve/main/data/train.csv")
	if resp.StatusCode != 200 {
		t.Fatalf("dataset csv: %d", resp.StatusCode)
	}
}
