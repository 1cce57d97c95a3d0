package server

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hfhub-go/hfhub/store"
)

func decode[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return v
}

// nextLink returns the rel="next" URL of a Link header, or "".
func nextLink(t *testing.T, resp *http.Response, base string) string {
	t.Helper()
	l := resp.Header.Get("Link")
	if l == "" {
		return ""
	}
	u := l[strings.Index(l, "<")+1 : strings.Index(l, ">")]
	if !strings.HasPrefix(u, base+"/") || !strings.Contains(l, `rel="next"`) {
		t.Fatalf("Link %q is not an absolute next link on %s", l, base)
	}
	return u
}

func TestTreeExpandAndPaths(t *testing.T) {
	st := newStore(t)
	first := seed(t, st, store.Model, "acme/m", map[string]string{"a/x.txt": "x", "a/b/y.txt": "y", "top.bin": "weights"})
	second := seed(t, st, store.Model, "acme/m", map[string]string{"a/b/y.txt": "y2"})
	ts, _ := testServer(t, st)

	// Python sends the folder with %2F; JS sends the revision raw.
	resp, body := do(t, "GET", ts.URL+"/api/models/acme/m/tree/main/a%2Fb?recursive=false&expand=true", nil)
	entries := decode[[]treeEntry](t, body)
	if resp.StatusCode != 200 || len(entries) != 1 || entries[0].Path != "a/b/y.txt" || entries[0].LastCommit.ID != second.ID ||
		entries[0].SecurityFileStatus["avScan"] == nil {
		t.Fatalf("tree a/b = %d %s", resp.StatusCode, body)
	}
	_, body = do(t, "GET", ts.URL+"/api/models/acme/m/tree/main?expand=true", nil)
	entries = decode[[]treeEntry](t, body)
	want := map[string]string{"a": second.ID, ".gitattributes": "", "top.bin": first.ID}
	if len(entries) != 3 || entries[0].Type != "directory" || entries[0].Path != "a" {
		t.Fatalf("top tree = %s", body)
	}
	for _, e := range entries {
		if id := want[e.Path]; id != "" && e.LastCommit.ID != id {
			t.Errorf("lastCommit(%s) = %s, want %s", e.Path, e.LastCommit.ID, id)
		}
		if e.Path == "top.bin" && (e.LFS == nil || e.LFS.PointerSize == 0 || e.LFS.Size != 7) {
			t.Errorf("top.bin lfs = %+v", e.LFS)
		}
	}
	resp, _ = do(t, "GET", ts.URL+"/api/models/acme/m/tree/main/nope", nil)
	if resp.StatusCode != 404 || resp.Header.Get("X-Error-Code") != "EntryNotFound" {
		t.Fatalf("missing folder = %d", resp.StatusCode)
	}

	// paths-info: form (Python) and JSON (JS) bodies give the same answer.
	_, formBody := do(t, "POST", ts.URL+"/api/models/acme/m/paths-info/main", strings.NewReader("paths=a&paths=top.bin&paths=nope&expand=true"),
		"Content-Type", "application/x-www-form-urlencoded")
	_, jsonBody := do(t, "POST", ts.URL+"/api/models/acme/m/paths-info/main", strings.NewReader(`{"paths":["a","top.bin","nope"],"expand":true}`),
		"Content-Type", "application/json")
	if !bytes.Equal(formBody, jsonBody) {
		t.Fatalf("form %s != json %s", formBody, jsonBody)
	}
	infos := decode[[]treeEntry](t, formBody)
	if len(infos) != 2 || infos[0].Type != "directory" || infos[1].LastCommit == nil {
		t.Fatalf("paths-info = %s", formBody)
	}
}

func TestRevisionsRefsAndCommits(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	var last *store.Commit
	for i := range 5 {
		last = seed(t, st, store.Dataset, "acme/d", map[string]string{"f.txt": strings.Repeat("x", i+1)})
	}
	if err := st.CreateTag(ctx, store.Dataset, "acme/d", "v1.0", ""); err != nil {
		t.Fatal(err)
	}
	pr, err := st.Commit(ctx, store.Dataset, "acme/d", store.CommitRequest{CreatePR: true, Ops: []store.Op{{Kind: store.OpDelete, Path: "f.txt"}}})
	if err != nil {
		t.Fatal(err)
	}
	conv, err := st.Commit(ctx, store.Dataset, "acme/d", store.CommitRequest{Revision: "refs/convert/parquet", Ops: []store.Op{{Kind: store.OpCopy, From: "f.txt", FromRevision: "main", Path: "default/train/0000.parquet"}}})
	if err != nil {
		t.Fatal(err)
	}
	ts, _ := testServer(t, st)
	for rev, want := range map[string]string{
		"main": last.ID, "HEAD": last.ID, "v1.0": last.ID, last.ID: last.ID,
		"refs%2Fpr%2F1": pr.Commit.ID, "refs%2Fconvert%2Fparquet": conv.Commit.ID,
	} {
		resp, body := do(t, "GET", ts.URL+"/api/datasets/acme/d/revision/"+rev+"?expand=sha&expand=private", nil)
		info := decode[map[string]any](t, body)
		if resp.StatusCode != 200 || info["sha"] != want || info["_id"] == nil || len(info) != 4 {
			t.Errorf("revision %s = %d %s, want sha %s and only _id, id, sha, private", rev, resp.StatusCode, body, want)
		}
	}
	resp, body := do(t, "GET", ts.URL+"/api/datasets/acme/d/revision/nope", nil)
	if resp.StatusCode != 404 || resp.Header.Get("X-Error-Code") != "RevisionNotFound" || !strings.Contains(string(body), `"error"`) {
		t.Fatalf("bad revision = %d %s", resp.StatusCode, body)
	}
	// JS listFiles sends refs/pr/1 unescaped.
	resp, body = do(t, "GET", ts.URL+"/api/datasets/acme/d/tree/refs/pr/1", nil)
	if resp.StatusCode != 200 || strings.Contains(string(body), "f.txt") {
		t.Fatalf("tree refs/pr/1 = %d %s", resp.StatusCode, body)
	}

	_, body = do(t, "GET", ts.URL+"/api/datasets/acme/d/refs?include_prs=1", nil)
	refs := decode[map[string][]refJSON](t, body)
	if len(refs["branches"]) != 1 || refs["tags"][0].Ref != "refs/tags/v1.0" || refs["converts"][0].Name != "parquet" || refs["pullRequests"][0].Ref != "refs/pr/1" {
		t.Fatalf("refs = %s", body)
	}
	_, body = do(t, "GET", ts.URL+"/api/datasets/acme/d/refs", nil)
	if strings.Contains(string(body), "pullRequests") {
		t.Fatalf("pullRequests without include_prs: %s", body)
	}

	// Commits: 6 (initial + 5), newest first, 2 per page.
	var ids []string
	next := ts.URL + "/api/datasets/acme/d/commits/main?limit=2&expand[]=formatted"
	for pages := 0; next != ""; pages++ {
		resp, body := do(t, "GET", next, nil)
		if resp.Header.Get("X-Total-Count") != "6" || pages > 3 {
			t.Fatalf("commits page %d: X-Total-Count %q", pages, resp.Header.Get("X-Total-Count"))
		}
		for _, c := range decode[[]commitJSON](t, body) {
			if c.Formatted == nil {
				t.Fatal("formatted missing")
			}
			ids = append(ids, c.ID)
		}
		next = nextLink(t, resp, ts.URL)
	}
	if len(ids) != 6 || ids[0] != last.ID {
		t.Fatalf("commits = %v", ids)
	}
}

func TestListingAndLegacyIDs(t *testing.T) {
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	st, err := store.Open(t.TempDir(), store.WithClock(func() time.Time { clock = clock.Add(time.Minute); return clock }))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"acme/bert-tiny", "acme/gpt-tiny", "other/bert", "gpt2"} {
		seed(t, st, store.Model, id, map[string]string{"README.md": "---\ntags:\n- " + strings.Split(id, "-")[0] + "\n---\n"})
	}
	if _, err := st.CreateRepo(context.Background(), store.Model, "acme/hidden", store.CreateOptions{Private: true}); err != nil {
		t.Fatal(err)
	}
	ts, _ := testServer(t, st, WithPageSize(2), WithTokens(Tokens{"hf_acme": {Name: "acme", Role: RoleRead}}))
	list := func(query string, hdr ...string) []string {
		var ids []string
		next := ts.URL + "/api/models?" + query
		for next != "" {
			resp, body := do(t, "GET", next, nil, hdr...)
			if resp.StatusCode != 200 {
				t.Fatalf("list %s = %d %s", query, resp.StatusCode, body)
			}
			for _, m := range decode[[]map[string]any](t, body) {
				ids = append(ids, m["id"].(string))
			}
			next = nextLink(t, resp, ts.URL)
		}
		return ids
	}
	if got := strings.Join(list("author=acme"), ","); got != "acme/bert-tiny,acme/gpt-tiny" {
		t.Errorf("author=acme: %s", got)
	}
	if got := strings.Join(list("author=acme", "Authorization", "Bearer hf_acme"), ","); got != "acme/bert-tiny,acme/gpt-tiny,acme/hidden" {
		t.Errorf("author=acme with token: %s", got)
	}
	if got := strings.Join(list("search=bert"), ","); got != "acme/bert-tiny,other/bert" {
		t.Errorf("search=bert: %s", got)
	}
	if got := strings.Join(list("sort=createdAt&direction=1"), ","); got != "acme/bert-tiny,acme/gpt-tiny,other/bert,gpt2" {
		t.Errorf("sort=createdAt asc: %s", got)
	}
	if got := len(list("")); got != 4 {
		t.Errorf("all: %d", got)
	}
	// Legacy id without namespace, on the API and the file routes.
	resp, body := do(t, "GET", ts.URL+"/api/models/gpt2/revision/main", nil)
	if resp.StatusCode != 200 || decode[map[string]any](t, body)["id"] != "gpt2" {
		t.Fatalf("legacy info = %d %s", resp.StatusCode, body)
	}
	resp, _ = do(t, "HEAD", ts.URL+"/gpt2/raw/main/README.md", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("legacy raw = %d", resp.StatusCode)
	}
	resp, _ = do(t, "GET", ts.URL+"/api/agent-harnesses", nil)
	if resp.StatusCode != 404 {
		t.Fatalf("agent-harnesses = %d", resp.StatusCode)
	}
}

func TestRenamedRepoRedirects(t *testing.T) {
	st := newStore(t)
	seed(t, st, store.Space, "acme/app", map[string]string{"app.py": "x"})
	if err := st.MoveRepo(context.Background(), store.Space, "acme/app", "acme/app2"); err != nil {
		t.Fatal(err)
	}
	ts, _ := testServer(t, st)
	for path, want := range map[string]string{
		"/api/spaces/acme/app":                        "/api/spaces/acme/app2",
		"/api/spaces/acme/app/tree/main?a=1":          "/api/spaces/acme/app2/tree/main?a=1",
		"/spaces/acme/app/resolve/main/app.py":        "/spaces/acme/app2/resolve/main/app.py",
		"/spaces/acme/app.git/info/lfs/objects/batch": "/spaces/acme/app2.git/info/lfs/objects/batch",
	} {
		method := "GET"
		if strings.HasSuffix(path, "/batch") {
			method = "POST"
		}
		resp, _ := do(t, method, ts.URL+path, nil)
		if resp.StatusCode != 307 || resp.Header.Get("Location") != want {
			t.Errorf("GET %s = %d %q, want 307 %q", path, resp.StatusCode, resp.Header.Get("Location"), want)
		}
	}
}

func TestTokensAndLogging(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens")
	os.WriteFile(path, []byte("# comment\nhf_a alice write\n\nhf_root root admin\n"), 0o600)
	toks, err := LoadTokens(path)
	if err != nil || toks["hf_a"].Role != RoleWrite || toks["hf_root"].Name != "root" {
		t.Fatalf("LoadTokens = %v, %v", toks, err)
	}
	os.WriteFile(path, []byte("hf_a alice owner\n"), 0o600)
	if _, err := LoadTokens(path); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Fatalf("bad role accepted: %v", err)
	}
	var logBuf bytes.Buffer
	ts, _ := testServer(t, newStore(t), WithTokens(toks), WithLogger(slog.New(slog.NewJSONHandler(&logBuf, nil))))
	resp, body := do(t, "GET", ts.URL+"/api/whoami-v2", nil, "Authorization", "Bearer hf_root")
	who := decode[map[string]any](t, body)
	if resp.StatusCode != 200 || who["name"] != "root" || who["auth"].(map[string]any)["accessToken"].(map[string]any)["role"] != "admin" {
		t.Fatalf("whoami = %d %s", resp.StatusCode, body)
	}
	var rec map[string]any
	if err := json.Unmarshal(bytes.SplitN(logBuf.Bytes(), []byte("\n"), 2)[0], &rec); err != nil || rec["path"] != "/api/whoami-v2" || rec["status"] != float64(200) {
		t.Fatalf("access log = %s (%v)", logBuf.String(), err)
	}
}

func TestContentURLIsSigned(t *testing.T) {
	st := newStore(t)
	seed(t, st, store.Model, "acme/m", map[string]string{"w.safetensors": tinySafetensors(4)})
	ts, _ := testServer(t, st)
	resp, _ := do(t, "GET", ts.URL+"/acme/m/resolve/main/w.safetensors", nil)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != 302 || strings.HasPrefix(loc, ts.URL) {
		t.Fatalf("LFS redirect = %d %q, want another listener", resp.StatusCode, loc)
	}
	resp, body := do(t, "GET", loc, nil, "Range", "bytes=0-7")
	if resp.StatusCode != 206 || len(body) != 8 {
		t.Fatalf("content range = %d %d", resp.StatusCode, len(body))
	}
	resp, _ = do(t, "GET", strings.Replace(loc, "sig=", "sig=0", 1), nil)
	if resp.StatusCode != 403 {
		t.Fatalf("tampered signature = %d, want 403", resp.StatusCode)
	}
}
